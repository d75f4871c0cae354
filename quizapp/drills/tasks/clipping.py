"""Drill on gradient clipping by the total norm.  Reference: ``engine.regularize.clip_grad_norm``
(``torch.nn.utils.clip_grad_norm_``, returned rather than applied in place).

Two gradients of different shapes, so a solution that clips each by its own norm, or flattens only
one of them, is caught; a case below max_norm checks that nothing is scaled up.
"""

from __future__ import annotations

import math

import numpy as np

from quizapp.engine.regularize import clip_grad_norm
from quizapp.drills.task import Case, Mistake, Task, friendly


def _cases(rng):
    cases = [Case("norms 5 and 12 (total 13), max_norm = 6.5", (np.array([3.0, 4.0]), np.array([[12.0]]), 6.5, 2.0))]
    cases.append(Case("the total norm is below max_norm: nothing changes",
                      (friendly(rng, (2, 2), 0, 0.1), friendly(rng, 3, 0, 0.1), 5.0, 2.0)))
    cases.append(Case("norm_type = inf: the largest |g|", (friendly(rng, (3,), 0, 2), friendly(rng, (2, 3), 0, 2), 1.0, math.inf)))
    cases.append(Case("norm_type = 1", (friendly(rng, (4,), 0, 2), friendly(rng, (2,), 0, 2), 1.0, 1.0)))
    cases.append(Case("all-zero gradients", (np.zeros(3), np.zeros((2, 2)), 1.0, 2.0)))
    for _ in range(4):
        shape1 = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(1, 3))))
        shape2 = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(1, 3))))
        max_norm = float(rng.choice([0.5, 1.0, 2.0, 10.0]))
        cases.append(Case("random", (friendly(rng, shape1, 0, 2), friendly(rng, shape2, 0, 2), max_norm, 2.0)))
    return cases


def _reference(g1, g2, max_norm, norm_type=2.0):
    result = clip_grad_norm([g1, g2], max_norm, norm_type)
    return result.grads[0], result.grads[1], result.total_norm


def _each_separately(g1, g2, max_norm, norm_type):
    clipped = [clip_grad_norm(g, max_norm, norm_type).grads[0] for g in (g1, g2)]
    return clipped[0], clipped[1], _reference(g1, g2, max_norm, norm_type)[2]


def _scaled_up(g1, g2, max_norm, norm_type):
    total = _reference(g1, g2, max_norm, norm_type)[2]
    if total == 0.0 or total >= max_norm:
        return None
    return g1 * max_norm / total, g2 * max_norm / total, total


CLIP_GRAD_NORM = Task(
    id="clip_grad_norm",
    title="Clip two gradients by their total norm (clip_grad_norm_)",
    function="clip_grad_norm",
    params="g1, g2, max_norm, norm_type=2.0",
    description="""
Gradient clipping as torch.nn.utils.clip_grad_norm_, for a model with two parameter tensors.

g1, g2     arrays of any shapes   the gradients of the two parameters
max_norm   float                  the largest norm allowed
norm_type  float                  p of the p-norm, or math.inf for the largest |g|

Compute the norm of all the gradients taken together and scale them so it is at most max_norm
(PyTorch adds 1e-6 to the norm before dividing).

Return (new_g1, new_g2, total_norm), with total_norm the norm before clipping.
""",
    outputs=("g1", "g2", "total_norm"),
    reference=_reference,
    cases=_cases,
    mistakes=(
        Mistake("clip_each_separately", _each_separately),
        Mistake("clip_scales_up", _scaled_up),
    ),
    topic="gradient-clipping",
    shape_hint="Return g1 and g2 in their own shapes, then the total norm as one number.",
)

TASKS = (CLIP_GRAD_NORM,)
