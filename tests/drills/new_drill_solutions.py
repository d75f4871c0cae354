"""Hand-written solutions for the drills on the newer techniques, right and wrong.

Same contract as drill_solutions.py (which merges these into RIGHT and WRONG): real NumPy, no
engine, each wrong one a mistake a candidate makes, recognised by its name.
"""

from __future__ import annotations

import numpy as np

# -- spectral norm -----------------------------------------------------------------------------


def spectral_norm_step(weight, u, v, eps=1e-12):
    u = weight @ v
    u = u / max(np.linalg.norm(u), eps)
    v = weight.T @ u
    v = v / max(np.linalg.norm(v), eps)
    sigma = u @ weight @ v
    return weight / sigma, u, v


def sn_v_first(weight, u, v, eps=1e-12):
    v = weight.T @ u  # the older torch.nn.utils.spectral_norm order
    v = v / max(np.linalg.norm(v), eps)
    u = weight @ v
    u = u / max(np.linalg.norm(u), eps)
    return weight / (u @ weight @ v), u, v


def sn_frobenius(weight, u, v, eps=1e-12):
    u = weight @ v
    u = u / max(np.linalg.norm(u), eps)
    v = weight.T @ u
    v = v / max(np.linalg.norm(v), eps)
    return weight / np.linalg.norm(weight), u, v  # the Frobenius norm, not sigma


# -- weight standardization --------------------------------------------------------------------


def weight_standardization(weight, eps=1e-6):
    flat = weight.reshape(len(weight), -1)
    mean = flat.mean(axis=1, keepdims=True)
    var = flat.var(axis=1, keepdims=True)
    return ((flat - mean) / np.sqrt(var + eps)).reshape(weight.shape)


def ws_whole(weight, eps=1e-6):
    return (weight - weight.mean()) / np.sqrt(weight.var() + eps)


def ws_eps_outside(weight, eps=1e-6):
    flat = weight.reshape(len(weight), -1)
    z = (flat - flat.mean(axis=1, keepdims=True)) / (flat.std(axis=1, keepdims=True) + eps)
    return z.reshape(weight.shape)


# -- alpha dropout -----------------------------------------------------------------------------

def alpha_dropout(x, mask, p, training=True):
    ALPHA = 1.7580993408473766  # noqa: N806 - inside the function: a solution file is one function
    if not training or p == 0:
        return x
    if p == 1:
        return np.zeros_like(x)
    a = 1 / np.sqrt((ALPHA**2 * p + 1) * (1 - p))
    return a * np.where(mask, x, -ALPHA) + a * ALPHA * p


def alpha_as_dropout(x, mask, p, training=True):
    if not training or p == 1:
        return x * 0 if training else x
    return x * mask / (1 - p)


def alpha_no_affine(x, mask, p, training=True):
    if not training:
        return x
    return np.zeros_like(x) if p == 1 else np.where(mask, x, -1.7580993408473766)


# -- DropBlock ---------------------------------------------------------------------------------


def drop_block2d(x, seeds, p, block_size, training=True):
    if not training or p == 0:
        return x
    gh, gw = seeds.shape[-2:]
    dropped = np.zeros(x.shape, dtype=bool)
    for i in range(block_size):
        for j in range(block_size):
            dropped[..., i:i + gh, j:j + gw] |= seeds
    keep = ~dropped
    return x * keep * (keep.size / (1e-6 + keep.sum()))


def drop_block_keep_rate(x, seeds, p, block_size, training=True):
    if not training:
        return x
    gh, gw = seeds.shape[-2:]
    dropped = np.zeros(x.shape, dtype=bool)
    for i in range(block_size):
        for j in range(block_size):
            dropped[..., i:i + gh, j:j + gw] |= seeds
    return x * ~dropped / (1 - p)  # dropout's scale, not the count of kept units


# -- cross-entropy with weight and ignore_index ------------------------------------------------


def cross_entropy_weighted(logits, target, weight, ignore_index=-100):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    counted = target != ignore_index
    rows, classes = np.nonzero(counted)[0], target[counted]
    w = weight[classes]
    return -(w * log_p[rows, classes]).sum() / w.sum()


def ce_mean_over_all(logits, target, weight, ignore_index=-100):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    counted = target != ignore_index
    rows, classes = np.nonzero(counted)[0], target[counted]
    return -(weight[classes] * log_p[rows, classes]).sum() / len(target)


def ce_over_count(logits, target, weight, ignore_index=-100):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    counted = target != ignore_index
    rows, classes = np.nonzero(counted)[0], target[counted]
    return -(weight[classes] * log_p[rows, classes]).sum() / counted.sum()


# -- clip_grad_norm ----------------------------------------------------------------------------


def clip_grad_norm(g1, g2, max_norm, norm_type=2.0):
    norms = [np.linalg.norm(g.ravel(), ord=norm_type) for g in (g1, g2)]
    total = np.linalg.norm(norms, ord=norm_type)
    factor = min(max_norm / (total + 1e-6), 1.0)
    return g1 * factor, g2 * factor, total


def clip_each(g1, g2, max_norm, norm_type=2.0):
    out = []
    for g in (g1, g2):
        norm = np.linalg.norm(g.ravel(), ord=norm_type)
        out.append(g * min(max_norm / (norm + 1e-6), 1.0))
    total = np.linalg.norm([np.linalg.norm(g.ravel(), ord=norm_type) for g in (g1, g2)], ord=norm_type)
    return out[0], out[1], total


def clip_unclamped(g1, g2, max_norm, norm_type=2.0):
    total = np.linalg.norm([np.linalg.norm(g.ravel(), ord=norm_type) for g in (g1, g2)], ord=norm_type)
    factor = max_norm / (total + 1e-6)
    return g1 * factor, g2 * factor, total


RIGHT = {
    "spectral_norm_step": spectral_norm_step,
    "weight_standardization": weight_standardization,
    "alpha_dropout": alpha_dropout,
    "drop_block2d": drop_block2d,
    "cross_entropy_weighted": cross_entropy_weighted,
    "clip_grad_norm": clip_grad_norm,
}

WRONG = {
    "spectral_norm_step": [("spectral_norm_legacy_order", sn_v_first), ("spectral_norm_frobenius", sn_frobenius)],
    "weight_standardization": [("ws_whole_tensor", ws_whole), ("eps_outside_sqrt", ws_eps_outside)],
    "alpha_dropout": [("alpha_dropout_as_dropout", alpha_as_dropout), ("alpha_dropout_no_affine", alpha_no_affine)],
    "drop_block2d": [("dropblock_scale_by_keep_rate", drop_block_keep_rate)],
    "cross_entropy_weighted": [("ce_ignored_in_mean", ce_mean_over_all), ("ce_weighted_mean_over_count", ce_over_count)],
    "clip_grad_norm": [("clip_each_separately", clip_each), ("clip_scales_up", clip_unclamped)],
}
