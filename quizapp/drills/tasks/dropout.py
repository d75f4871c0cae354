"""Drills on inverted dropout and DropPath, with the mask given.  References: :mod:`engine.dropout`.

The mask is an input, so the drill is about the convention, not about drawing random numbers:
which value of the mask means kept, what to divide by, what happens in evaluation mode, and the
corner where everything is dropped (PyTorch and timm return zeros, not 0 / 0).
"""

from __future__ import annotations

import numpy as np

from quizapp.engine import dropout as ops
from quizapp.drills.task import Case, Mistake, Task, friendly


def _mask(rng, shape, keep):
    """A keep-mask with at least one kept and one dropped entry when the shape allows it."""
    size = int(np.prod(shape))
    for _ in range(20):
        m = rng.random(shape) < keep
        if size < 2 or 0 < m.sum() < size:
            return m
    m = np.zeros(shape, dtype=bool)
    m.flat[0] = True
    return m


# -- inverted dropout ------------------------------------------------------------------------


def _dropout_cases(rng):
    cases = [Case("p = 0.5, training", (np.array([1.0, -2.0, 3.0, 4.0, -5.0, 6.0]),
                                        np.array([True, False, True, True, False, False]), 0.5, True))]
    x = friendly(rng, (2, 4), 0, 2)
    cases.append(Case("p = 0.2, training", (x, _mask(rng, x.shape, 0.8), 0.2, True)))
    x = friendly(rng, (3, 3), 0, 2)
    cases.append(Case("evaluation mode (training = False), p = 0.25", (x, _mask(rng, x.shape, 0.75), 0.25, False)))
    x = friendly(rng, (4,), 0, 2)
    cases.append(Case("p = 0: nothing is dropped", (x, np.ones(4, dtype=bool), 0.0, True)))
    x = friendly(rng, (2, 3), 0, 2)
    cases.append(Case("p = 1: everything is dropped", (x, np.zeros((2, 3), dtype=bool), 1.0, True)))
    for _ in range(4):
        shape = tuple(int(n) for n in rng.integers(1, 6, size=int(rng.integers(1, 4))))
        p = float(rng.choice([0.1, 0.25, 0.3, 0.6, 0.75, 0.9]))
        training = bool(rng.random() < 0.75)
        cases.append(Case("random", (friendly(rng, shape, 0, 2), _mask(rng, shape, 1 - p), p, training)))
    return cases


def _dropout_reference(x, mask, p, training=True):
    return (ops.dropout(x, p, training=training, mask=mask),)


def _train_only(fn):
    """A belief about training mode: in evaluation mode it changes nothing."""
    return lambda x, mask, p, training: (fn(x, mask, p),) if training else None


def _eval_only(fn):
    return lambda x, mask, p, training: None if training else (fn(x, mask, p),)


DROPOUT_INVERTED = Task(
    id="dropout_inverted",
    title="Inverted dropout with a given mask",
    function="dropout_inverted",
    params="x, mask, p, training=True",
    description="""
Inverted dropout, as nn.Dropout(p) (PyTorch's convention), with the random mask given.

x         array of any shape
mask      bool array, the shape of x: True where the unit is kept
p         float, the dropout probability (0 <= p <= 1)
training  bool, False in evaluation mode (model.eval())

Return y, the shape of x.
""",
    outputs=("y",),
    reference=_dropout_reference,
    cases=_dropout_cases,
    mistakes=(
        Mistake("divide_by_zero_keep", lambda x, mask, p, training: (x * mask / (1.0 - p),) if training and p == 1.0 else None),
        Mistake("no_inverted_scaling", _train_only(lambda x, mask, p: x * mask)),
        Mistake("keep_prob_as_drop_prob", _train_only(lambda x, mask, p: x * mask / p)),
        Mistake("mask_meaning_inverted", _train_only(lambda x, mask, p: x * ~mask / (1.0 - p))),
        Mistake("scale_at_eval", _eval_only(lambda x, mask, p: x * (1.0 - p))),
        Mistake("mask_at_eval", _eval_only(lambda x, mask, p: x * mask / (1.0 - p))),
        Mistake("mask_at_eval", _eval_only(lambda x, mask, p: x * mask)),
    ),
    topic="dropout",
    shape_hint="y has the shape of x.",
)

# -- DropPath --------------------------------------------------------------------------------


def _drop_path_cases(rng):
    cases = [Case("drop_prob = 0.25, training, x of shape (4, 3)",
                  (np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [4.0, -2.0, 1.0], [0.0, 3.0, -3.0]]),
                   np.array([True, False, True, True]), 0.25, True))]
    x = friendly(rng, (3, 2, 2, 2), 0, 2)
    cases.append(Case("a batch of images (N, C, H, W) = (3, 2, 2, 2)", (x, np.array([True, False, True]), 0.2, True)))
    x = friendly(rng, (2, 3, 4), 0, 2)
    cases.append(Case("evaluation mode (training = False)", (x, np.array([False, True]), 0.3, False)))
    x = friendly(rng, (3, 4), 0, 2)
    cases.append(Case("drop_prob = 0: nothing is dropped", (x, np.ones(3, dtype=bool), 0.0, True)))
    x = friendly(rng, (2, 5), 0, 2)
    cases.append(Case("drop_prob = 1: every sample is dropped", (x, np.zeros(2, dtype=bool), 1.0, True)))
    for _ in range(4):
        n = int(rng.integers(2, 6))
        rest = tuple(int(k) for k in rng.integers(1, 5, size=int(rng.integers(1, 4))))
        if rest[-1] == n:
            rest = rest[:-1] + (n + 1,)
        drop = float(rng.choice([0.1, 0.2, 0.3, 0.5, 0.6]))
        training = bool(rng.random() < 0.75)
        cases.append(Case("random", (friendly(rng, (n,) + rest, 0, 2), _mask(rng, (n,), 1 - drop), drop, training)))
    return cases


def _drop_path_reference(x, mask, drop_prob, training=True):
    return (ops.drop_path(x, drop_prob, training=training, mask=mask),)


def _per_sample(mask, x):
    return mask.reshape((-1,) + (1,) * (x.ndim - 1))


def _dp_train(fn):
    return lambda x, mask, q, training: (fn(x, _per_sample(mask, x), q),) if training and q > 0 else None


def _dp_eval(fn):
    return lambda x, mask, q, training: None if training else (fn(x, _per_sample(mask, x), q),)


def _dp_last_axis(x, mask, q, training):
    if not training or x.shape[-1] != mask.shape[0]:
        return None
    return (x * mask / (1.0 - q),)


DROP_PATH = Task(
    id="drop_path",
    title="DropPath (stochastic depth) with a given per-sample mask",
    function="drop_path",
    params="x, mask, drop_prob, training=True",
    description="""
DropPath / stochastic depth on a residual branch's output, as timm's drop_path, mask given.

x          (N, ...)  the branch output for a batch of N samples (any number of other axes)
mask       (N,)      bool, True where the sample's branch is kept
drop_prob  float     the probability of dropping a sample's branch
training   bool      False in evaluation mode

Return y, the shape of x.
""",
    outputs=("y",),
    reference=_drop_path_reference,
    cases=_drop_path_cases,
    mistakes=(
        Mistake("divide_by_zero_keep", lambda x, mask, q, training: (x * _per_sample(mask, x) / (1.0 - q),) if training and q == 1.0 else None),
        Mistake("drop_path_no_scale", _dp_train(lambda x, m, q: x * m)),
        Mistake("keep_prob_as_drop_prob", _dp_train(lambda x, m, q: x * m / q)),
        Mistake("mask_meaning_inverted", _dp_train(lambda x, m, q: x * ~m / (1.0 - q))),
        Mistake("mask_wrong_axis", _dp_last_axis),
        Mistake("scale_at_eval", _dp_eval(lambda x, m, q: x * (1.0 - q))),
        Mistake("mask_at_eval", _dp_eval(lambda x, m, q: x * m / (1.0 - q))),
        Mistake("mask_at_eval", _dp_eval(lambda x, m, q: x * m)),
    ),
    topic="drop-path",
    broadcast_hint="The mask has one value per sample: reshape it to (N, 1, ..., 1), "
    "e.g. mask.reshape((-1,) + (1,) * (x.ndim - 1)), to scale whole samples.",
    shape_hint="y has the shape of x.",
)

TASKS = (DROPOUT_INVERTED, DROP_PATH)
