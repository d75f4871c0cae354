"""Drills on the dropout variants with their own arithmetic: AlphaDropout (for SELU networks) and
DropBlock.  References: ``engine.dropout.alpha_dropout`` (``F.alpha_dropout``) and
``engine.dropout.drop_block2d`` (``torchvision.ops.drop_block2d``), with the random draw given.
"""

from __future__ import annotations

import numpy as np

from quizapp.engine import dropout as ops
from quizapp.engine.exercises.draw import mask as draw_mask
from quizapp.drills.task import Case, Mistake, Task, friendly

# -- AlphaDropout --------------------------------------------------------------------------------


def _mask(rng, shape, keep):
    """A keep-mask with both kept and dropped units wherever the shape has room for both."""
    return draw_mask(rng, shape, keep, at_least_one_each=int(np.prod(shape)) > 1)


def _alpha_cases(rng):
    cases = [Case("p = 0.5, training", (np.array([1.0, -2.0, 0.0, 3.0]), np.array([True, False, True, False]), 0.5, True))]
    x = friendly(rng, (2, 4), 0, 1)
    cases.append(Case("p = 0.1, training", (x, _mask(rng, x.shape, 0.9), 0.1, True)))
    x = friendly(rng, (3, 3), 0, 1)
    cases.append(Case("evaluation mode (training = False), p = 0.2", (x, _mask(rng, x.shape, 0.8), 0.2, False)))
    x = friendly(rng, (5,), 0, 1)
    cases.append(Case("p = 1: everything is dropped", (x, np.zeros(5, dtype=bool), 1.0, True)))
    for _ in range(4):
        shape = tuple(int(n) for n in rng.integers(1, 6, size=int(rng.integers(1, 3))))
        p = float(rng.choice([0.05, 0.1, 0.2, 0.3, 0.5]))
        cases.append(Case("random", (friendly(rng, shape, 0, 1), _mask(rng, shape, 1 - p), p, bool(rng.random() < 0.8))))
    return cases


def _alpha_reference(x, mask, p, training=True):
    return (ops.alpha_dropout(x, p, training=training, mask=mask),)


def _alpha_train_only(fn):
    return lambda x, mask, p, training: (fn(x, mask, p),) if training and p < 1 else None


ALPHA_DROPOUT = Task(
    id="alpha_dropout",
    title="AlphaDropout with a given mask (SELU networks)",
    function="alpha_dropout",
    params="x, mask, p, training=True",
    description="""
Alpha dropout, as torch.nn.functional.alpha_dropout, with the random mask given.

x         array of any shape
mask      bool array, the shape of x: True where the unit is kept
p         float, the dropout probability (0 <= p <= 1)
training  bool, False in evaluation mode

A dropped unit takes SELU's negative saturation value -alpha' (alpha' = 1.7580993408473766),
then an affine map a * x + b restores zero mean and unit variance:
a = 1 / sqrt((alpha'^2 * p + 1) * (1 - p)), b = a * alpha' * p.
Like PyTorch, return zeros when p = 1.

Return y, the shape of x.
""",
    outputs=("y",),
    reference=_alpha_reference,
    cases=_alpha_cases,
    mistakes=(
        Mistake("alpha_dropout_as_dropout", _alpha_train_only(lambda x, m, p: x * m / (1 - p))),
        Mistake("alpha_dropout_no_affine", _alpha_train_only(lambda x, m, p: np.where(m, x, -ops.SELU_ALPHA_PRIME))),
        Mistake("mask_at_eval", lambda x, mask, p, training: None if training else _alpha_reference(x, mask, p, True)),
    ),
    topic="dropout-variants",
    shape_hint="y has the shape of x.",
)

# -- DropBlock -----------------------------------------------------------------------------------


def _seeds(rng, n, c, grid_h, grid_w, rate):
    seeds = rng.random((n, c, grid_h, grid_w)) < rate
    seeds.flat[int(rng.integers(seeds.size))] = True  # at least one block
    return seeds


def _db_cases(rng):
    x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    cases = [Case("one seed at (0, 0) of a 4x4 map, block_size = 3",
                  (x, np.array([[[[True, False], [False, False]]]]), 0.1, 3, True))]
    cases.append(Case("two overlapping blocks", (friendly(rng, (1, 1, 4, 4), 0, 1), np.array([[[[True, False], [False, True]]]]), 0.2, 3, True)))
    cases.append(Case("a batch of 2 samples x 2 channels: one scale for the whole batch",
                      (friendly(rng, (2, 2, 5, 5), 0, 1), _seeds(rng, 2, 2, 3, 3, 0.15), 0.1, 3, True)))
    cases.append(Case("block_size = 1 on a 3x4 map (DropBlock becomes dropout)",
                      (friendly(rng, (1, 2, 3, 4), 0, 1), _seeds(rng, 1, 2, 3, 4, 0.3), 0.3, 1, True)))
    cases.append(Case("evaluation mode (training = False)", (friendly(rng, (1, 1, 4, 4), 0, 1), _seeds(rng, 1, 1, 2, 2, 0.5), 0.2, 3, False)))
    for _ in range(4):
        n, c = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        size = int(rng.choice([1, 3, 5]))
        h, w = int(rng.integers(size, size + 4)), int(rng.integers(size, size + 4))
        p = float(rng.choice([0.1, 0.2, 0.3]))
        grid = (h - size + 1, w - size + 1)
        cases.append(Case("random", (friendly(rng, (n, c, h, w), 0, 1), _seeds(rng, n, c, *grid, 0.2), p, size, True)))
    return cases


def _db_reference(x, seeds, p, block_size, training=True):
    return (ops.drop_block2d(x, p, block_size, training=training, seeds=seeds),)


def _db_keep(x, seeds, p, block_size):
    return ops.drop_block2d(np.ones_like(x), p, block_size, seeds=seeds, return_mask=True)[1]


def _db_train(fn):
    return lambda x, seeds, p, block_size, training: (fn(x, _db_keep(x, seeds, p, block_size), p),) if training else None


DROP_BLOCK = Task(
    id="drop_block2d",
    title="DropBlock on (N, C, H, W) with a given seed draw (torchvision)",
    function="drop_block2d",
    params="x, seeds, p, block_size, training=True",
    description="""
DropBlock, as torchvision.ops.drop_block2d, with its Bernoulli seed draw given.

x           (N, C, H, W)                       the feature maps
seeds       (N, C, H - bs + 1, W - bs + 1)     bool: True where a block is dropped; a seed at
                                                (i, j) drops rows i..i+bs-1, columns j..j+bs-1
p           float                              the drop probability DropBlock was built with
block_size  int (odd, at most H and W)         bs, the side of a block
training    bool                               False in evaluation mode

Zero the union of the blocks, then rescale the kept units the way torchvision does (its eps is
1e-6).

Return y, shaped like x.
""",
    outputs=("y",),
    reference=_db_reference,
    cases=_db_cases,
    mistakes=(
        Mistake("dropblock_scale_by_keep_rate", _db_train(lambda x, keep, p: x * keep / (1 - p))),
        Mistake("no_inverted_scaling", _db_train(lambda x, keep, p: x * keep)),
        Mistake("mask_at_eval", lambda x, s, p, bs, training: None if training else _db_reference(x, s, p, bs, True)),
    ),
    topic="dropblock",
    broadcast_hint="seeds has the shape (N, C, H - bs + 1, W - bs + 1): shift it by every offset inside "
    "a block, e.g. dropped[..., i:i + gh, j:j + gw] |= seeds for i, j in range(bs).",
    shape_hint="y has the shape of x.",
)

TASKS = (ALPHA_DROPOUT, DROP_BLOCK)
