"""Drills on reparametrized weights: one spectral-norm forward in training mode, and Weight
Standardization.  References: ``engine.norms.spectral_norm`` (the order of
``torch.nn.utils.parametrizations.spectral_norm``) and ``engine.norms.weight_standardization``
(timm's ``StdConv2d``).

The spectral-norm cases pass the stored u and v at any length (PyTorch keeps them at unit length,
but the update reads only the direction of v and never reads u), so a solution that skips the
normalization or reads u gives a visibly different answer.
"""

from __future__ import annotations

import numpy as np

from quizapp.engine import norms
from quizapp.drills.task import FLOAT32_TOL, Case, Mistake, Task, friendly

# -- spectral norm, one training-mode forward --------------------------------------------------


def _sn_cases(rng):
    cases = [Case("W = [[3, 0], [4, 5]], u = [0, 1], v = [1, 0]",
                  (np.array([[3.0, 0.0], [4.0, 5.0]]), np.array([0.0, 1.0]), np.array([1.0, 0.0]), 1e-12))]
    cases.append(Case("a 3x4 weight, u and v not of unit length", (friendly(rng, (3, 4), 0, 1), friendly(rng, 3, 0, 2),
                                                                    friendly(rng, 4, 0, 2), 1e-12)))
    cases.append(Case("a wide 2x5 weight", (friendly(rng, (2, 5), 0, 1), friendly(rng, 2, 0, 1), friendly(rng, 5, 0, 1), 1e-12)))
    cases.append(Case("float32 input", (friendly(rng, (4, 3), 0, 1).astype(np.float32), friendly(rng, 4, 0, 1).astype(np.float32),
                                        friendly(rng, 3, 0, 1).astype(np.float32), 1e-12), *FLOAT32_TOL))
    for _ in range(4):
        rows, cols = int(rng.integers(2, 6)), int(rng.integers(2, 6))
        cases.append(Case("random", (friendly(rng, (rows, cols), 0, 1), friendly(rng, rows, 0, 1), friendly(rng, cols, 0, 1), 1e-12)))
    return cases


def _sn_reference(weight, u, v, eps=1e-12):
    result = norms.spectral_norm(weight, u, v, eps=eps)
    return result.weight, result.u, result.v


def _sn_legacy(weight, u, v, eps):
    result = norms.spectral_norm(weight, u, v, eps=eps, legacy=True)
    return result.weight, result.u, result.v


def _sn_frobenius(weight, u, v, eps):
    _, new_u, new_v = _sn_reference(weight, u, v, eps)
    return weight / np.sqrt((weight**2).sum()), new_u, new_v


SPECTRAL_NORM_STEP = Task(
    id="spectral_norm_step",
    title="Spectral norm: one training-mode power-iteration step and W / sigma",
    function="spectral_norm_step",
    params="weight, u, v, eps=1e-12",
    description="""
One forward of torch.nn.utils.parametrizations.spectral_norm in training mode
(n_power_iterations=1) on a Linear weight.

weight  (out, in)  the weight W
u       (out,)     the stored left singular vector estimate (the buffer _u)
v       (in,)      the stored right singular vector estimate (the buffer _v)
eps     float      normalize(x) divides by max(||x||, eps)

Update the two vectors by one power-iteration step in PyTorch's order and estimate sigma from them.

Return (weight / sigma, new_u, new_v).
""",
    outputs=("weight", "u", "v"),
    reference=_sn_reference,
    cases=_sn_cases,
    mistakes=(
        Mistake("spectral_norm_legacy_order", _sn_legacy),
        Mistake("spectral_norm_frobenius", _sn_frobenius),
    ),
    topic="spectral-norm",
    broadcast_hint="W v has shape (out,) and W.T @ u has shape (in,): u goes with the rows of W, v with its columns.",
    shape_hint="Return W / sigma shaped like W, u with one value per row and v with one value per column.",
)

# -- Weight Standardization --------------------------------------------------------------------


def _ws_cases(rng):
    cases = [Case("2 filters of 1x2x2", (np.array([[[[1.0, 3.0], [5.0, 7.0]]], [[[2.0, 2.0], [2.0, 4.0]]]]), 1e-6))]
    w = friendly(rng, (3, 2, 3, 3), 0, 1)
    cases.append(Case("a (3, 2, 3, 3) conv weight", (w, 1e-6)))
    w = friendly(rng, (2, 1, 2, 2), 0, 1)
    w[1] = 0.5 + rng.choice([-0.001, 0.001], size=(1, 2, 2))
    cases.append(Case("filter 1 has a tiny variance (smaller than eps = 0.01)", (w, 1e-2)))
    cases.append(Case("a Linear weight (4, 3): each row is a filter", (friendly(rng, (4, 3), 1, 2), 1e-6)))
    cases.append(Case("float32 input", (friendly(rng, (2, 3, 2, 2), 0, 1).astype(np.float32), 1e-6), *FLOAT32_TOL))
    for _ in range(4):
        shape = (int(rng.integers(2, 5)), int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(2, 4)))
        cases.append(Case("random", (friendly(rng, shape, rng.normal(0, 1), 1), 1e-6)))
    return cases


def _ws_reference(weight, eps=1e-6):
    return (norms.weight_standardization(weight, eps),)


def _ws_whole_tensor(weight, eps):
    return ((weight - weight.mean()) / np.sqrt(weight.var() + eps),)


def _ws_eps_outside(weight, eps):
    axes = tuple(range(1, weight.ndim))
    mean = weight.mean(axis=axes, keepdims=True)
    return ((weight - mean) / (weight.std(axis=axes, keepdims=True) + eps),)


WEIGHT_STANDARDIZATION = Task(
    id="weight_standardization",
    title="Weight Standardization of a conv weight (timm's StdConv2d)",
    function="weight_standardization",
    params="weight, eps=1e-6",
    description="""
Weight Standardization (Qiao et al.), as timm's StdConv2d applies it to its weight.

weight  (out, ...)  a conv weight (out, in, kH, kW) or a Linear weight (out, in)
eps     float       added to the variance for numerical stability

Standardize each output filter weight[o] to zero mean and unit variance (with eps).

Return the standardized weight, shaped like weight.
""",
    outputs=("weight",),
    reference=_ws_reference,
    cases=_ws_cases,
    mistakes=(
        Mistake("ws_whole_tensor", _ws_whole_tensor),
        Mistake("eps_outside_sqrt", _ws_eps_outside),
    ),
    topic="weight-standardization",
    broadcast_hint="One mean and one variance per output filter: reduce over every axis but 0 with keepdims=True.",
    shape_hint="Return the standardized weight, shaped like weight.",
)

TASKS = (SPECTRAL_NORM_STEP, WEIGHT_STANDARDIZATION)
