"""Drills on the backward passes of BatchNorm and LayerNorm (training-mode statistics).

References: ``engine.norms.batch_norm_backward`` and ``layer_norm_backward``.  The classic trap is
treating the mean and variance as constants: in training mode they depend on every input, which
adds the two terms of ``dx = gamma / std * (dout - mean(dout) - x_hat * mean(dout * x_hat))``.
"""

from __future__ import annotations

import numpy as np

from quizapp.engine import norms
from quizapp.drills.task import Case, Mistake, Task, friendly


def _cases(rng, constant_axis):
    """Cases for an (N, D) backward; ``constant_axis`` 0 makes a feature (column) constant for
    BatchNorm, 1 a sample (row) for LayerNorm."""

    def gamma(d):
        return friendly(rng, d, 1.0, 0.5)

    x = np.array([[1.0, 2.0, 0.0], [3.0, 6.0, 1.0], [2.0, 4.0, 5.0], [6.0, 0.0, 2.0]])
    cases = [Case("a small batch", (np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [-1.5, 2.0, 1.0], [0.0, 1.0, 0.5]]),
                                    x, np.array([1.0, 2.0, 0.5]), 1e-5))]
    cases.append(Case("two samples (N = 2)", (friendly(rng, (2, 3), 0, 1), friendly(rng, (2, 3), 0, 2), gamma(3), 1e-5)))
    x = friendly(rng, (4, 4), 0, 1)
    if constant_axis == 0:
        x[:, 2] = 1.5
        label = "feature 2 has equal values (var = 0): eps keeps dx finite"
    else:
        x[1] = 1.5
        label = "row 1 has equal values (var = 0): eps keeps dx finite"
    cases.append(Case(label, (friendly(rng, (4, 4), 0, 1), x, gamma(4), 1e-5)))
    cases.append(Case("eps = 0.1", (friendly(rng, (3, 3), 0, 1), friendly(rng, (3, 3), 0, 0.5), gamma(3), 0.1)))
    for _ in range(4):
        n, d = int(rng.integers(3, 8)), int(rng.integers(2, 7))
        if n == d:
            n += 1
        cases.append(Case("random", (friendly(rng, (n, d), 0, 1), friendly(rng, (n, d), rng.normal(0, 2), 2), gamma(d), 1e-5)))
    return cases


def _bn_reference(dout, x, gamma, eps=1e-5):
    return norms.batch_norm_backward(dout, x, gamma, eps)


def _ln_reference(dout, x, gamma, eps=1e-5):
    return norms.layer_norm_backward(dout, x, x.shape[-1], gamma, eps)


def _mistakes(reference, axis, other_reference):
    """The classic backward mistakes for statistics over ``axis`` (0: BatchNorm, 1: LayerNorm)."""

    def constants(dout, x, gamma, eps):
        _, dgamma, dbeta = reference(dout, x, gamma, eps)
        std = np.sqrt(np.asarray(x, dtype=np.float64).var(axis=axis, keepdims=True) + eps)
        return dout * gamma / std, dgamma, dbeta

    def no_gamma(dout, x, gamma, eps):
        dx, _, _ = reference(dout, x, None, eps)
        _, dgamma, dbeta = reference(dout, x, gamma, eps)
        return dx, dgamma, dbeta

    def dgamma_from_x(dout, x, gamma, eps):
        dx, _, dbeta = reference(dout, x, gamma, eps)
        return dx, (dout * x).sum(axis=0), dbeta

    def swapped(dout, x, gamma, eps):
        dx, dgamma, dbeta = reference(dout, x, gamma, eps)
        return dx, dbeta, dgamma

    def at_eps(value):
        def outputs(dout, x, gamma, eps):
            if value is not None and eps == value:
                return None
            return reference(dout, x, gamma, 0.0 if value is None else value)

        return outputs

    return (
        Mistake("stats_as_constants", constants),
        Mistake("backward_gamma_forgotten", no_gamma),
        Mistake("dgamma_uses_x", dgamma_from_x),
        Mistake("dgamma_dbeta_swapped", swapped),
        Mistake("wrong_axes", lambda dout, x, gamma, eps: other_reference(dout, x, gamma, eps)),
        Mistake("no_eps", at_eps(None)),
        Mistake("eps_ignored", at_eps(1e-5)),
    )


_BACKWARD_PARAMS = """
dout   (N, D)  the upstream gradient dL/dy
x      (N, D)  the forward pass's input
gamma  (D,)    the scale used in the forward pass
eps    float
"""

BATCH_NORM_BACKWARD = Task(
    id="batch_norm_backward",
    title="BatchNorm backward (dx, dgamma, dbeta), training mode",
    function="batch_norm_backward",
    params="dout, x, gamma, eps=1e-5",
    description="""
The backward pass of BatchNorm in training mode, y = gamma * (x - mean) / sqrt(var + eps) + beta
with the batch's mean and biased variance per feature (over axis 0).
"""
    + _BACKWARD_PARAMS
    + """
Return (dx, dgamma, dbeta): dx shaped like x, dgamma and dbeta of shape (D,).
""",
    outputs=("dx", "dgamma", "dbeta"),
    reference=_bn_reference,
    cases=lambda rng: _cases(rng, 0),
    mistakes=_mistakes(_bn_reference, 0, _ln_reference),
    topic="batch-norm",
    broadcast_hint="BatchNorm's statistics are per feature: reduce over axis 0 (keepdims=True where they meet x).",
    shape_hint="dx has the shape of x; dgamma and dbeta have one value per feature, summed over the batch.",
)

LAYER_NORM_BACKWARD = Task(
    id="layer_norm_backward",
    title="LayerNorm backward (dx, dgamma, dbeta)",
    function="layer_norm_backward",
    params="dout, x, gamma, eps=1e-5",
    description="""
The backward pass of LayerNorm over the last axis, y = gamma * (x - mean) / sqrt(var + eps) + beta
with each row's own mean and biased variance (over axis 1).
"""
    + _BACKWARD_PARAMS
    + """
Return (dx, dgamma, dbeta): dx shaped like x, dgamma and dbeta of shape (D,).
""",
    outputs=("dx", "dgamma", "dbeta"),
    reference=_ln_reference,
    cases=lambda rng: _cases(rng, 1),
    mistakes=_mistakes(_ln_reference, 1, _bn_reference),
    topic="layer-norm",
    broadcast_hint="LayerNorm's statistics are per row: reduce over axis 1 with keepdims=True.",
    shape_hint="dx has the shape of x; dgamma and dbeta have one value per feature, summed over the batch.",
)

TASKS = (BATCH_NORM_BACKWARD, LAYER_NORM_BACKWARD)
