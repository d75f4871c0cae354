"""Drill on cross-entropy with class weights and ignored targets.  Reference:
``engine.regularize.cross_entropy_weighted`` (``F.cross_entropy(weight=, ignore_index=)``).

The cases ignore some targets (-100, and once a real class index), weight the classes unevenly and
include large logits, so the mean's denominator and a stable log-softmax both matter.
"""

from __future__ import annotations

import numpy as np

from quizapp.engine.regularize import cross_entropy_weighted
from quizapp.drills.task import Case, Mistake, Task, friendly


def _targets(rng, n, k, ignored=-100):
    target = rng.integers(0, k, n)
    target[int(rng.integers(n))] = ignored
    return target


def _weights(rng, k):
    return np.round(rng.uniform(0.2, 3.0, k), 1)


def _cases(rng):
    cases = [Case("3 samples, the last ignored, weights [1, 3, 2]",
                  (np.array([[0.0, 0.0, 1.0], [1.0, 0.5, 0.0], [2.0, 0.0, -1.0]]), np.array([2, 0, -100]), np.array([1.0, 3.0, 2.0]), -100))]
    cases.append(Case("all weights 1: the mean over the counted targets",
                      (friendly(rng, (4, 3), 0, 2), _targets(rng, 4, 3), np.ones(3), -100)))
    cases.append(Case("ignore_index = 1, a real class", (friendly(rng, (5, 4), 0, 2), rng.integers(0, 4, 5), _weights(rng, 4), 1)))
    cases.append(Case("large logits (1000): the log-softmax must not overflow",
                      (np.array([[1000.0, 0.0, -1000.0], [10.0, 800.0, 5.0], [0.0, 0.0, 0.0]]), np.array([1, -100, 2]),
                       np.array([2.0, 0.5, 1.0]), -100)))
    for _ in range(4):
        n, k = int(rng.integers(2, 7)), int(rng.integers(2, 6))
        cases.append(Case("random", (friendly(rng, (n, k), 0, 3), _targets(rng, n, k), _weights(rng, k), -100)))
    return cases


def _reference(logits, target, weight, ignore_index=-100):
    return (cross_entropy_weighted(logits, target, weight, ignore_index=ignore_index),)


def _per_sample(logits, target, weight, ignore_index):
    return cross_entropy_weighted(logits, target, weight, ignore_index=ignore_index, reduction="none")


def _over_all(logits, target, weight, ignore_index):
    return (_per_sample(logits, target, weight, ignore_index).sum() / len(target),)


def _over_count(logits, target, weight, ignore_index):
    if np.all(weight == 1):
        return None
    return (_per_sample(logits, target, weight, ignore_index).sum() / np.count_nonzero(target != ignore_index),)


def _naive(logits, target, weight, ignore_index):
    with np.errstate(all="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        keep = target != ignore_index
        rows = np.nonzero(keep)[0]
        w = weight[target[keep]]
        return (-(w * np.log(p[rows, target[keep]])).sum() / w.sum(),)


CROSS_ENTROPY_WEIGHTED = Task(
    id="cross_entropy_weighted",
    title="Cross-entropy with class weights and ignore_index",
    function="cross_entropy_weighted",
    params="logits, target, weight, ignore_index=-100",
    description="""
Cross-entropy from logits, as F.cross_entropy(logits, target, weight=weight,
ignore_index=ignore_index) with the default reduction='mean'.

logits        (N, K)  raw scores, possibly large
target        (N,)    int class indices in 0..K-1, or ignore_index for a sample that does not count
weight        (K,)    a weight per class
ignore_index  int     the target value to ignore

Return the loss, a single number.
""",
    outputs=("loss",),
    reference=_reference,
    cases=_cases,
    mistakes=(
        Mistake("ce_ignored_in_mean", _over_all),
        Mistake("ce_weighted_mean_over_count", _over_count),
        Mistake("unstable_log_softmax", _naive),
        Mistake("loss_sum_not_mean", lambda z, t, w, i: (_per_sample(z, t, w, i).sum(),)),
    ),
    topic="label-smoothing",
    broadcast_hint="Per-sample quantities have shape (N,); keep the class axis with keepdims=True "
    "when it must broadcast against (N, K).",
    shape_hint="Return one number: the weighted mean over the targets that count.",
)

TASKS = (CROSS_ENTROPY_WEIGHTED,)
