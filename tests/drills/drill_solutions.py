"""Hand-written solutions for every drill, right and wrong, as a candidate would write them.

``RIGHT[task]`` is a correct NumPy solution; ``WRONG[task]`` lists ``(mistake_name, function)``
pairs, each a typical wrong solution that the drill should recognise by that name.  The functions
are real Python (so a test can call them in-process), and :func:`source` turns one into the text of
a solution file (the function renamed to the task's name) for the end-to-end tests that run the
child process.  None of this uses the engine: the expected values come from the engine only inside
the drill under test.
"""

from __future__ import annotations

import inspect
import re
import textwrap

import numpy as np

# -- BatchNorm ---------------------------------------------------------------------------------


def batch_norm_train(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def bn_train_unbiased(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)  # torch.var's default
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def bn_train_no_eps(x, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=0)) / x.std(axis=0) * gamma + beta


def bn_train_eps_outside(x, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=0)) / (x.std(axis=0) + eps) * gamma + beta


def bn_train_var_not_std(x, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=0)) / (x.var(axis=0) + eps) * gamma + beta


def bn_train_wrong_axis(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def bn_train_fixed_eps(x, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5) * gamma + beta


def bn_train_no_affine(x, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)


def batch_norm_eval(x, running_mean, running_var, gamma, beta, eps=1e-5):
    return (x - running_mean) / np.sqrt(running_var + eps) * gamma + beta


def bn_eval_batch_stats(x, running_mean, running_var, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) * gamma + beta


def bn_eval_no_eps(x, running_mean, running_var, gamma, beta, eps=1e-5):
    return (x - running_mean) / np.sqrt(running_var) * gamma + beta


def bn_eval_eps_outside(x, running_mean, running_var, gamma, beta, eps=1e-5):
    return (x - running_mean) / (np.sqrt(running_var) + eps) * gamma + beta


def batch_norm_running_update(x, running_mean, running_var, momentum=0.1):
    mean = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    return (1 - momentum) * running_mean + momentum * mean, (1 - momentum) * running_var + momentum * var


def bn_running_biased(x, running_mean, running_var, momentum=0.1):
    mean, var = x.mean(axis=0), x.var(axis=0)
    return (1 - momentum) * running_mean + momentum * mean, (1 - momentum) * running_var + momentum * var


def bn_running_keras(x, running_mean, running_var, momentum=0.1):
    mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)
    return momentum * running_mean + (1 - momentum) * mean, momentum * running_var + (1 - momentum) * var


# -- LayerNorm, GroupNorm, InstanceNorm, RMSNorm --------------------------------------------------


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def ln_unbiased(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True, ddof=1)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def ln_no_eps(x, gamma, beta, eps=1e-5):
    return (x - x.mean(axis=-1, keepdims=True)) / x.std(axis=-1, keepdims=True) * gamma + beta


def ln_batch_axis(x, gamma, beta, eps=1e-5):
    axes = tuple(range(x.ndim - 1))
    return (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + eps) * gamma + beta


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    n, c, h, w = x.shape
    g = x.reshape(n, num_groups, c // num_groups, h, w)
    mean = g.mean(axis=(2, 3, 4), keepdims=True)
    var = g.var(axis=(2, 3, 4), keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).reshape(n, c, h, w)
    return y * gamma.reshape(1, c, 1, 1) + beta.reshape(1, c, 1, 1)


def gn_group_size(x, num_groups, gamma, beta, eps=1e-5):
    n, c, h, w = x.shape
    g = x.reshape(n, c // num_groups, num_groups, h, w)  # num_groups read as channels per group
    mean = g.mean(axis=(2, 3, 4), keepdims=True)
    var = g.var(axis=(2, 3, 4), keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).reshape(n, c, h, w)
    return y * gamma.reshape(1, c, 1, 1) + beta.reshape(1, c, 1, 1)


def gn_strided(x, num_groups, gamma, beta, eps=1e-5):
    n, c, h, w = x.shape
    g = x.reshape(n, c // num_groups, num_groups, h, w)  # every G-th channel together
    mean = g.mean(axis=(1, 3, 4), keepdims=True)
    var = g.var(axis=(1, 3, 4), keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).reshape(n, c, h, w)
    return y * gamma.reshape(1, c, 1, 1) + beta.reshape(1, c, 1, 1)


def gn_per_channel(x, num_groups, gamma, beta, eps=1e-5):
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    c = x.shape[1]
    return (x - mean) / np.sqrt(var + eps) * gamma.reshape(1, c, 1, 1) + beta.reshape(1, c, 1, 1)


def instance_norm(x, eps=1e-5):
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def in_batch_axes(x, eps=1e-5):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def in_unbiased(x, eps=1e-5):
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True, ddof=1)
    return (x - mean) / np.sqrt(var + eps)


def rms_norm(x, weight, eps=1e-6):
    return x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps) * weight


def rms_centred(x, weight, eps=1e-6):
    c = x - x.mean(axis=-1, keepdims=True)
    return c / np.sqrt(np.mean(c**2, axis=-1, keepdims=True) + eps) * weight


def rms_l2(x, weight, eps=1e-6):
    return x / np.sqrt(np.sum(x**2, axis=-1, keepdims=True) + eps) * weight


def rms_no_eps(x, weight, eps=1e-6):
    return x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True)) * weight


# -- backward passes ---------------------------------------------------------------------------


def batch_norm_backward(dout, x, gamma, eps=1e-5):
    mean, var = x.mean(axis=0), x.var(axis=0)
    std = np.sqrt(var + eps)
    x_hat = (x - mean) / std
    g = dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def bn_backward_constants(dout, x, gamma, eps=1e-5):
    std = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / std
    return dout * gamma / std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def bn_backward_swapped(dout, x, gamma, eps=1e-5):
    std = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / std
    g = dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / std
    return dx, dout.sum(axis=0), (dout * x_hat).sum(axis=0)


def layer_norm_backward(dout, x, gamma, eps=1e-5):
    mean = x.mean(axis=1, keepdims=True)
    std = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - mean) / std
    g = dout * gamma
    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def ln_backward_constants(dout, x, gamma, eps=1e-5):
    std = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=1, keepdims=True)) / std
    return dout * gamma / std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def ln_backward_no_gamma(dout, x, gamma, eps=1e-5):
    mean = x.mean(axis=1, keepdims=True)
    std = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - mean) / std
    g = dout
    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


# -- dropout -------------------------------------------------------------------------------------


def dropout_inverted(x, mask, p, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return np.zeros_like(x)
    return x * mask / (1 - p)


def dropout_no_scaling(x, mask, p, training=True):
    return x * mask if training else x


def dropout_keep_prob(x, mask, p, training=True):
    if not training:
        return x
    return x * mask / p if p > 0 else x * mask


def dropout_scale_at_eval(x, mask, p, training=True):
    if not training:
        return x * (1 - p)
    if p == 1:
        return np.zeros_like(x)
    return x * mask / (1 - p)


def dropout_naive_p1(x, mask, p, training=True):
    if not training:
        return x
    return x * mask / (1 - p)


def drop_path(x, mask, drop_prob, training=True):
    if not training or drop_prob == 0:
        return x
    keep = 1 - drop_prob
    m = mask.reshape((-1,) + (1,) * (x.ndim - 1))
    return x * m / keep if keep > 0 else x * m


def drop_path_no_scale(x, mask, drop_prob, training=True):
    if not training:
        return x
    return x * mask.reshape((-1,) + (1,) * (x.ndim - 1))


def drop_path_last_axis(x, mask, drop_prob, training=True):
    if not training or drop_prob == 0:
        return x
    return x * mask / (1 - drop_prob)


# -- label smoothing, MixUp, CutMix ---------------------------------------------------------------


def label_smoothing_ce(logits, target, eps):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    nll = -logp[np.arange(len(target)), target]
    return ((1 - eps) * nll - eps * logp.mean(axis=1)).mean()


def ce_over_k_minus_1(logits, target, eps):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n, k = logits.shape
    q = np.full((n, k), eps / (k - 1))
    q[np.arange(n), target] = 1 - eps
    return -(q * logp).sum(axis=1).mean()


def ce_naive_softmax(logits, target, eps):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    logp = np.log(p)
    nll = -logp[np.arange(len(target)), target]
    return ((1 - eps) * nll - eps * logp.mean(axis=1)).mean()


def ce_sum(logits, target, eps):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    nll = -logp[np.arange(len(target)), target]
    return ((1 - eps) * nll - eps * logp.mean(axis=1)).sum()


def ce_per_sample(logits, target, eps):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    nll = -logp[np.arange(len(target)), target]
    return (1 - eps) * nll - eps * logp.mean(axis=1)


def mixup(x, y, lam, perm):
    return lam * x + (1 - lam) * x[perm], lam * y + (1 - lam) * y[perm]


def mixup_swapped(x, y, lam, perm):
    return (1 - lam) * x + lam * x[perm], (1 - lam) * y + lam * y[perm]


def mixup_labels_kept(x, y, lam, perm):
    return lam * x + (1 - lam) * x[perm], y


def cutmix_lambda(height, width, lam, center):
    ratio = np.sqrt(1 - lam)
    cut_h, cut_w = int(height * ratio), int(width * ratio)
    cy, cx = center
    yl, yh = np.clip(cy - cut_h // 2, 0, height), np.clip(cy + cut_h // 2, 0, height)
    xl, xh = np.clip(cx - cut_w // 2, 0, width), np.clip(cx + cut_w // 2, 0, width)
    return (yl, yh, xl, xh), 1 - (yh - yl) * (xh - xl) / (height * width)


def cutmix_uncorrected(height, width, lam, center):
    ratio = np.sqrt(1 - lam)
    cut_h, cut_w = int(height * ratio), int(width * ratio)
    cy, cx = center
    yl, yh = np.clip(cy - cut_h // 2, 0, height), np.clip(cy + cut_h // 2, 0, height)
    xl, xh = np.clip(cx - cut_w // 2, 0, width), np.clip(cx + cut_w // 2, 0, width)
    return (yl, yh, xl, xh), lam


def cutmix_unclipped(height, width, lam, center):
    ratio = np.sqrt(1 - lam)
    cut_h, cut_w = int(height * ratio), int(width * ratio)
    cy, cx = center
    box = (cy - cut_h // 2, cy + cut_h // 2, cx - cut_w // 2, cx + cut_w // 2)
    return box, 1 - (box[1] - box[0]) * (box[3] - box[2]) / (height * width)


# -- AdamW ---------------------------------------------------------------------------------------


def adamw_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    param = param * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adamw_coupled(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    grad = grad + weight_decay * param  # Adam's L2, not AdamW
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adamw_no_correction(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    param = param * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param - lr * m / (np.sqrt(v) + eps), m, v


def adamw_decay_no_lr(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    param = param * (1 - weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


RIGHT = {
    "batch_norm_train": batch_norm_train,
    "batch_norm_eval": batch_norm_eval,
    "batch_norm_running_update": batch_norm_running_update,
    "layer_norm": layer_norm,
    "group_norm": group_norm,
    "instance_norm": instance_norm,
    "rms_norm": rms_norm,
    "batch_norm_backward": batch_norm_backward,
    "layer_norm_backward": layer_norm_backward,
    "dropout_inverted": dropout_inverted,
    "drop_path": drop_path,
    "label_smoothing_ce": label_smoothing_ce,
    "mixup": mixup,
    "cutmix_lambda": cutmix_lambda,
    "adamw_step": adamw_step,
}

WRONG = {
    "batch_norm_train": [
        ("unbiased_variance", bn_train_unbiased),
        ("no_eps", bn_train_no_eps),
        ("eps_outside_sqrt", bn_train_eps_outside),
        ("std_for_var", bn_train_var_not_std),
        ("wrong_axes", bn_train_wrong_axis),
        ("eps_ignored", bn_train_fixed_eps),
        ("forgot_affine", bn_train_no_affine),
    ],
    "batch_norm_eval": [
        ("batch_stats_at_eval", bn_eval_batch_stats),
        ("no_eps", bn_eval_no_eps),
        ("eps_outside_sqrt", bn_eval_eps_outside),
    ],
    "batch_norm_running_update": [
        ("biased_running_var", bn_running_biased),
        ("keras_momentum", bn_running_keras),
    ],
    "layer_norm": [
        ("unbiased_variance", ln_unbiased),
        ("no_eps", ln_no_eps),
        ("wrong_axes", ln_batch_axis),
    ],
    "group_norm": [
        ("groups_as_group_size", gn_group_size),
        ("groups_strided", gn_strided),
        ("wrong_axes", gn_per_channel),
    ],
    "instance_norm": [
        ("wrong_axes", in_batch_axes),
        ("unbiased_variance", in_unbiased),
    ],
    "rms_norm": [
        ("mean_not_subtracted_rms", rms_centred),
        ("rms_sum_not_mean", rms_l2),
        ("no_eps", rms_no_eps),
    ],
    "batch_norm_backward": [
        ("stats_as_constants", bn_backward_constants),
        ("dgamma_dbeta_swapped", bn_backward_swapped),
    ],
    "layer_norm_backward": [
        ("stats_as_constants", ln_backward_constants),
        ("backward_gamma_forgotten", ln_backward_no_gamma),
    ],
    "dropout_inverted": [
        ("no_inverted_scaling", dropout_no_scaling),
        ("keep_prob_as_drop_prob", dropout_keep_prob),
        ("scale_at_eval", dropout_scale_at_eval),
        ("divide_by_zero_keep", dropout_naive_p1),
    ],
    "drop_path": [
        ("drop_path_no_scale", drop_path_no_scale),
    ],
    "label_smoothing_ce": [
        ("smoothing_over_k_minus_1", ce_over_k_minus_1),
        ("unstable_log_softmax", ce_naive_softmax),
        ("loss_sum_not_mean", ce_sum),
        ("loss_per_sample", ce_per_sample),
    ],
    "mixup": [
        ("mixup_lambda_swapped", mixup_swapped),
        ("labels_not_mixed", mixup_labels_kept),
    ],
    "cutmix_lambda": [
        ("cutmix_uncorrected_lambda", cutmix_uncorrected),
        ("box_not_clipped", cutmix_unclipped),
    ],
    "adamw_step": [
        ("coupled_weight_decay", adamw_coupled),
        ("no_bias_correction", adamw_no_correction),
        ("decay_without_lr", adamw_decay_no_lr),
    ],
}

#: Wrong solutions that crash on some case instead of returning a wrong value (the hint then comes
#: from the exception): DropPath with the mask broadcast along the last axis.
CRASHING = {"drop_path": [("mask_wrong_axis", drop_path_last_axis)]}


def source(function, name: str) -> str:
    """The text of a solution file defining ``function`` under the task's ``name``."""
    text = textwrap.dedent(inspect.getsource(function))
    text = re.sub(r"^def \w+\(", f"def {name}(", text, count=1)
    return "import numpy as np\n\n\n" + text


# The drills on the newer techniques keep their solutions in their own module.
from new_drill_solutions import RIGHT as _NEW_RIGHT, WRONG as _NEW_WRONG  # noqa: E402

RIGHT |= _NEW_RIGHT
WRONG |= _NEW_WRONG
