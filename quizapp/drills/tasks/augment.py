"""Drills on label regularization: label-smoothed cross-entropy, MixUp and CutMix's box and lambda.

References: ``engine.regularize.cross_entropy`` (PyTorch's ``label_smoothing``),
``engine.augment.mixup`` and ``engine.augment.cutmix_box`` / ``cutmix_lambda`` (timm's
``rand_bbox`` and ``correct_lam``).
"""

from __future__ import annotations

import numpy as np

from quizapp.engine import augment
from quizapp.engine.regularize import cross_entropy
from quizapp.drills.task import Case, Mistake, Task, friendly

# -- cross-entropy with label smoothing ------------------------------------------------------


def _ce_cases(rng):
    cases = [Case("2 samples, 3 classes, eps = 0.1", (np.array([[2.0, 1.0, 0.0], [0.5, 0.5, 3.0]]), np.array([0, 1]), 0.1))]
    cases.append(Case("eps = 0: the plain cross-entropy", (friendly(rng, (3, 4), 0, 2), rng.integers(0, 4, 3), 0.0)))
    cases.append(Case("large logits (1000): the log-softmax must not overflow",
                      (np.array([[1000.0, 0.0, -1000.0], [10.0, 800.0, 5.0]]), np.array([1, 1]), 0.2)))
    cases.append(Case("two classes (K = 2), eps = 0.3", (friendly(rng, (4, 2), 0, 2), rng.integers(0, 2, 4), 0.3)))
    for _ in range(4):
        n, k = int(rng.integers(1, 7)), int(rng.integers(3, 11))
        eps = float(rng.choice([0.05, 0.1, 0.2]))
        cases.append(Case("random", (friendly(rng, (n, k), 0, 3), rng.integers(0, k, n), eps)))
    return cases


def _ce_reference(logits, target, eps):
    return (cross_entropy(logits, target, label_smoothing=eps),)


def _log_softmax_naive(z, stable_max):
    z = np.asarray(z, dtype=np.float64)
    if stable_max:
        e = np.exp(z - z.max(axis=1, keepdims=True))
    else:
        e = np.exp(z)
    return np.log(e / e.sum(axis=1, keepdims=True))


def _ce_with_logp(logp, target, eps, over=None):
    k = logp.shape[1]
    one_hot = np.eye(k)[target]
    if over == "k-1":
        q = (1 - eps) * one_hot + eps / (k - 1) * (1 - one_hot)
    else:
        q = (1 - eps) * one_hot + eps / k
    return -(q * logp).sum(axis=1)


def _ce_over_k_minus_1(logits, target, eps):
    if eps == 0.0 or logits.shape[1] < 2:
        return None
    z = np.asarray(logits, dtype=np.float64)
    logp = z - z.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return (_ce_with_logp(logp, target, eps, over="k-1").mean(),)


LABEL_SMOOTHING_CE = Task(
    id="label_smoothing_ce",
    title="Cross-entropy with label smoothing, from logits",
    function="label_smoothing_ce",
    params="logits, target, eps",
    description="""
Cross-entropy with label smoothing, as nn.CrossEntropyLoss(label_smoothing=eps).

logits  (N, K)  raw scores (no softmax applied), any size, possibly large
target  (N,)    int class indices in 0..K-1
eps     float   the label smoothing, 0 <= eps <= 1

Return the loss averaged over the batch: a single number.
""",
    outputs=("loss",),
    reference=_ce_reference,
    cases=_ce_cases,
    mistakes=(
        Mistake("smoothing_over_k_minus_1", _ce_over_k_minus_1),
        Mistake("smoothing_ignored", lambda z, t, eps: None if eps == 0 else (cross_entropy(z, t),)),
        Mistake("loss_sum_not_mean", lambda z, t, eps: (cross_entropy(z, t, label_smoothing=eps, reduction="sum"),)),
        Mistake("loss_per_sample", lambda z, t, eps: (cross_entropy(z, t, label_smoothing=eps, reduction="none"),)),
        Mistake("unstable_log_softmax", lambda z, t, eps: (_ce_with_logp(_log_softmax_naive(z, False), t, eps).mean(),)),
        Mistake("unstable_log_softmax", lambda z, t, eps: (_ce_with_logp(_log_softmax_naive(z, True), t, eps).mean(),)),
    ),
    topic="label-smoothing",
    broadcast_hint="Per-sample quantities have shape (N,); keep the class axis with keepdims=True "
    "(logits.max(axis=1, keepdims=True)) when it must broadcast against (N, K).",
    shape_hint="Return one number: the mean of the per-sample losses.",
)

# -- MixUp -----------------------------------------------------------------------------------


def _non_involution(rng, n):
    """A permutation that is not its own inverse (when n >= 3), so pairing i with perm[i] and
    perm[i] with i give different answers."""
    for _ in range(50):
        perm = rng.permutation(n)
        if n < 3 or not np.array_equal(perm[perm], np.arange(n)):
            return perm
    return np.roll(np.arange(n), 1)


def _one_hot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, n)]


def _mixup_cases(rng):
    cases = [Case("3 samples, lam = 0.7, perm = [1, 2, 0]",
                  (np.array([[1.0, 2.0], [3.0, 0.0], [-1.0, 4.0]]), np.eye(3)[[0, 2, 1]], 0.7, np.array([1, 2, 0])))]
    cases.append(Case("lam = 1: every sample stays itself", (friendly(rng, (3, 2), 0, 2), _one_hot(rng, 3, 3), 1.0, _non_involution(rng, 3))))
    cases.append(Case("a batch of images (N, C, H, W) = (4, 1, 2, 2), lam = 0.25",
                      (friendly(rng, (4, 1, 2, 2), 0, 2), _one_hot(rng, 4, 3), 0.25, _non_involution(rng, 4))))
    for _ in range(4):
        n, k = int(rng.integers(3, 7)), int(rng.integers(2, 6))
        lam = float(np.round(rng.uniform(0.05, 0.95), 2))
        shape = (n,) + tuple(int(d) for d in rng.integers(1, 4, size=int(rng.integers(1, 3))))
        cases.append(Case("random", (friendly(rng, shape, 0, 2), _one_hot(rng, n, k), lam, _non_involution(rng, n))))
    return cases


def _mixup_reference(x, y, lam, perm):
    return augment.mixup(x, y, lam, perm)


MIXUP = Task(
    id="mixup",
    title="MixUp of a batch with a given partner permutation",
    function="mixup",
    params="x, y, lam, perm",
    description="""
MixUp of a batch: each sample is blended with its partner, inputs and labels alike.

x     (N, ...)  the inputs (any number of axes after the batch axis)
y     (N, K)    one-hot labels (floats)
lam   float     the mixing weight, 0 <= lam <= 1
perm  (N,)      int: sample i is mixed with sample perm[i]

Return (x_mixed, y_mixed), shaped like x and y.
""",
    outputs=("x_mixed", "y_mixed"),
    reference=_mixup_reference,
    cases=_mixup_cases,
    mistakes=(
        Mistake("mixup_lambda_swapped", lambda x, y, lam, perm: augment.mixup(x, y, 1.0 - lam, perm)),
        Mistake("labels_not_mixed", lambda x, y, lam, perm: (augment.mixup(x, y, lam, perm)[0], y)),
        Mistake("perm_inverted", lambda x, y, lam, perm: augment.mixup(x, y, lam, np.argsort(perm))),
    ),
    topic="mixup",
    shape_hint="x_mixed has the shape of x and y_mixed the shape of y.",
)

# -- CutMix box and corrected lambda ---------------------------------------------------------


def _cutmix_cases(rng):
    cases = [Case("8x8 image, lam = 0.75, centre (4, 4): the box fits", (8, 8, 0.75, (4, 4)))]
    cases.append(Case("centre (1, 0) near the top-left corner: the box is clipped", (8, 8, 0.75, (1, 0))))
    cases.append(Case("a 10x6 image, lam = 0.5: odd cut height", (10, 6, 0.5, (5, 5))))
    cases.append(Case("lam = 1: an empty box", (6, 6, 1.0, (3, 2))))
    cases.append(Case("lam = 0 at the bottom-right corner", (4, 6, 0.0, (3, 5))))
    for _ in range(5):
        h, w = int(rng.integers(4, 33)), int(rng.integers(4, 33))
        lam = float(np.round(rng.uniform(0.05, 0.95), 2))
        cases.append(Case("random", (h, w, lam, (int(rng.integers(0, h)), int(rng.integers(0, w))))))
    return cases


def _cutmix_reference(height, width, lam, center):
    box = augment.cutmix_box(height, width, lam, center=center)
    return np.array(box), augment.cutmix_lambda(box, height, width)


def _cutmix_unclipped(height, width, lam, center):
    cy, cx = center
    ratio = np.sqrt(1.0 - lam)
    half_h, half_w = int(height * ratio) // 2, int(width * ratio) // 2
    box = np.array([cy - half_h, cy + half_h, cx - half_w, cx + half_w])
    return box, 1.0 - (2 * half_h) * (2 * half_w) / (height * width)


def _cutmix_area_of_unclipped(height, width, lam, center):
    box, _ = _cutmix_reference(height, width, lam, center)
    return box, _cutmix_unclipped(height, width, lam, center)[1]


CUTMIX_LAMBDA = Task(
    id="cutmix_lambda",
    title="CutMix: the box for lam and the corrected lambda",
    function="cutmix_lambda",
    params="height, width, lam, center",
    description="""
CutMix's pasted box for a mixing weight lam, and lambda corrected to the box actually pasted
(timm's rand_bbox and correct_lam=True).

height, width  int    the image size H, W
lam            float  the sampled mixing weight, 0 <= lam <= 1
center         (cy, cx), ints: the box centre (row, column), inside the image

The box should cover the fraction 1 - lam of the image: each side is scaled by sqrt(1 - lam)
(cut_h = int(H * sqrt(1 - lam)), likewise cut_w), centred on (cy, cx) with half-sizes
cut_h // 2 and cut_w // 2 on both sides, and clipped to the image.

Return (box, lam_corrected): box = (yl, yh, xl, xh), rows yl:yh and columns xl:xh;
lam_corrected = 1 - box area / (H * W).
""",
    outputs=("box", "lam"),
    reference=_cutmix_reference,
    cases=_cutmix_cases,
    mistakes=(
        Mistake("cutmix_uncorrected_lambda", lambda h, w, lam, c: (_cutmix_reference(h, w, lam, c)[0], lam)),
        Mistake("cutmix_uncorrected_lambda", _cutmix_area_of_unclipped),
        Mistake("box_not_clipped", _cutmix_unclipped),
        Mistake("cutmix_lambda_complement", lambda h, w, lam, c: (lambda b, l: (b, 1.0 - l))(*_cutmix_reference(h, w, lam, c))),
        Mistake("box_order", lambda h, w, lam, c: (lambda b, l: (b[[0, 2, 1, 3]], l))(*_cutmix_reference(h, w, lam, c))),
    ),
    topic="cutmix",
    shape_hint="Return the box as 4 integers (yl, yh, xl, xh) and lambda as one number.",
    integer_outputs=frozenset({"box"}),
)

TASKS = (LABEL_SMOOTHING_CE, MIXUP, CUTMIX_LAMBDA)
