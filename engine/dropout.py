"""Dropout and its relatives: inverted and original dropout, Dropout2d, DropPath, MC dropout,
AlphaDropout and DropBlock.

Dropout (Srivastava et al., 2014) zeroes each unit independently at train time, so no unit can
rely on a particular partner being present (less co-adaptation), and training samples a different
thinned network at every step (an implicit ensemble of exponentially many sub-networks).

Two conventions exist, and interviews like to compare them:

- **Inverted dropout** (PyTorch, Keras, every modern framework): ``p`` is the probability of
  *dropping* a unit; kept units are scaled by ``1/(1-p)`` during training so that the expectation
  ``E[y] = x`` is preserved, and evaluation is the identity: nothing to rescale at test time.
  See :func:`dropout`.
- **Original dropout** (the paper): a unit is *kept* with probability ``p_keep``; no scaling at
  train time; at test time every activation (equivalently, every outgoing weight) is multiplied by
  ``p_keep``. Same expectations, but the test-time network must know about dropout.
  See :func:`dropout_original`.

Masks.  Every random op here draws its keep-mask from ``rng`` (a ``numpy.random.Generator``;
there is no global random state), or takes it ready-made through ``mask=`` so an exercise can state
it.  A mask is a ``bool`` array, ``True`` = kept.  ``return_mask=True`` returns ``(output, mask)``
so the same mask can be handed to the backward pass, exactly as autograd reuses it.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "dropout",
    "dropout_backward",
    "dropout_original",
    "dropout2d",
    "drop_path",
    "drop_path_rates",
    "mc_dropout_predict",
    "SELU_ALPHA_PRIME",
    "alpha_dropout",
    "drop_block_gamma",
    "drop_block2d",
]


def _as_float(x: ArrayLike) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _check_probability(value: float, name: str, where: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ValueError(f"{where}: {name} must be between 0 and 1, got {value}")
    return value


def _require_rng(rng, where: str) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"{where}: pass rng=numpy.random.default_rng(seed) to draw the mask (or give mask=)"
        )
    return rng


def _given_mask(mask, shape: tuple[int, ...], where: str) -> np.ndarray:
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        if not np.isin(mask, (0, 1)).all():
            raise ValueError(f"{where}: mask must hold only True/False (or 1/0)")
        mask = mask.astype(bool)
    if mask.shape != shape:
        raise ValueError(f"{where}: mask has shape {mask.shape}, expected {shape}")
    return mask


def _mask_or_draw(
    mask: ArrayLike | None,
    prob_true: float,
    shape: tuple[int, ...],
    rng: np.random.Generator | None,
    where: str,
    ndim: int | None = None,
) -> np.ndarray:
    """The given ``mask`` checked against ``shape`` (also in its broadcast form with trailing
    size-1 axes up to ``ndim`` axes), or a Bernoulli draw from ``rng``: True with probability
    ``prob_true`` (u < prob_true for u ~ U[0, 1), so 1 is always True and 0 never)."""
    if mask is None:
        return _require_rng(rng, where).random(shape) < prob_true
    given = np.asarray(mask)
    if ndim is not None and given.shape == shape + (1,) * (ndim - len(shape)):
        given = given.reshape(shape)
    return _given_mask(given, shape, where)


def _inverted_scale(p: float) -> float:
    """1/(1-p), and 0 when p == 1: everything is dropped, so there is nothing to rescale."""
    return 0.0 if p == 1.0 else 1.0 / (1.0 - p)


def dropout(
    input: ArrayLike,
    p: float = 0.5,
    training: bool = True,
    *,
    rng: np.random.Generator | None = None,
    mask: ArrayLike | None = None,
    return_mask: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Inverted dropout, as ``torch.nn.functional.dropout``.

    Training:  ``y = x * m / (1 - p)`` with ``m ~ Bernoulli(1 - p)`` drawn per element.
    Evaluation (``training=False``):  ``y = x``.  No rescaling at test time: the ``1/(1-p)`` at
    train time already keeps ``E[y] = x``.

    ``p`` is the probability of **dropping** a unit (not keeping it).  ``p=0`` is the identity,
    ``p=1`` gives zeros (PyTorch does the same; there is no division by zero).

    ``mask`` (bool, same shape as ``input``, True = kept) replaces the random draw;
    ``return_mask=True`` returns ``(output, mask)``.  In evaluation the mask is all True.

    Shape:
        - input: any shape
        - mask: the shape of the input (bool, True = kept)
        - output: the shape of the input
    """
    where = "dropout"
    p = _check_probability(p, "dropout probability p", where)
    x = _as_float(input)
    if not training:
        return (x, np.ones(x.shape, dtype=bool)) if return_mask else x
    mask = _mask_or_draw(mask, 1.0 - p, x.shape, rng, where)
    out = x * mask * x.dtype.type(_inverted_scale(p))
    return (out, mask) if return_mask else out


def dropout_backward(grad_output: ArrayLike, mask: ArrayLike, p: float) -> np.ndarray:
    """Gradient of inverted dropout: ``dL/dx = dL/dy * m / (1 - p)``.

    Dropout is a fixed elementwise scaling once the mask is drawn, so the backward pass reuses the
    **same** mask and scale: a dropped unit passes no gradient.  ``p=1`` gives a zero gradient.

    Shape:
        - grad_output, mask: the same shape
        - output: the shape of grad_output
    """
    where = "dropout_backward"
    p = _check_probability(p, "dropout probability p", where)
    g = _as_float(grad_output)
    mask = _given_mask(mask, g.shape, where)
    return g * mask * g.dtype.type(_inverted_scale(p))


def dropout_original(
    input: ArrayLike,
    p_keep: float,
    training: bool = True,
    *,
    rng: np.random.Generator | None = None,
    mask: ArrayLike | None = None,
    return_mask: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Dropout in the original paper's (non-inverted) convention (Srivastava et al., 2014).

    Training:  ``y = x * r`` with ``r ~ Bernoulli(p_keep)``: **no** scaling.
    Test:      ``y = p_keep * x``: the whole net is scaled down to match the train-time expectation.

    Note the parameter is the **keep** probability, the opposite of PyTorch's ``p``.
    Both conventions give ``E[y_train] = y_test`` up to a constant; inverted dropout
    (:func:`dropout`) puts the constant in training so inference needs no change.

    Shape:
        - input: any shape
        - mask: the shape of the input (bool, True = kept)
        - output: the shape of the input
    """
    where = "dropout_original"
    p_keep = _check_probability(p_keep, "keep probability p_keep", where)
    x = _as_float(input)
    if not training:
        out = x * x.dtype.type(p_keep)
        return (out, np.ones(x.shape, dtype=bool)) if return_mask else out
    mask = _mask_or_draw(mask, p_keep, x.shape, rng, where)
    out = x * mask
    return (out, mask) if return_mask else out


def dropout2d(
    input: ArrayLike,
    p: float = 0.5,
    training: bool = True,
    *,
    rng: np.random.Generator | None = None,
    mask: ArrayLike | None = None,
    return_mask: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Channel dropout (``torch.nn.functional.dropout2d``, "spatial dropout", Tompson et al. 2015).

    For input ``(N, C, ...)`` one keep decision per sample and channel, ``m[n, c] ~ Bernoulli(1-p)``,
    broadcast over the spatial axes: ``y[n, c] = x[n, c] * m[n, c] / (1 - p)``.

    Why: neighbouring pixels of a feature map are strongly correlated, so dropping single pixels
    removes almost no information (the neighbours carry it); dropping whole feature maps does.

    The mask has shape ``(N, C)`` (``True`` = channel kept); ``mask=`` also accepts
    ``(N, C, 1, ..., 1)``.  Identity when ``training=False``.

    Shape:
        - input: (N, C, *), e.g. (N, C, H, W)
        - mask: (N, C), or (N, C, 1, ..., 1) when given
        - output: the shape of the input
    """
    where = "dropout2d"
    p = _check_probability(p, "dropout probability p", where)
    x = _as_float(input)
    if x.ndim < 2:
        raise ValueError(f"{where}: input must be (N, C, ...), got shape {x.shape}")
    n, c = x.shape[:2]
    if not training:
        return (x, np.ones((n, c), dtype=bool)) if return_mask else x
    mask = _mask_or_draw(mask, 1.0 - p, (n, c), rng, where, ndim=x.ndim)
    broadcast = mask.reshape((n, c) + (1,) * (x.ndim - 2))
    out = x * broadcast * x.dtype.type(_inverted_scale(p))
    return (out, mask) if return_mask else out


def drop_path(
    x: ArrayLike,
    drop_prob: float = 0.0,
    training: bool = False,
    scale_by_keep: bool = True,
    *,
    rng: np.random.Generator | None = None,
    mask: ArrayLike | None = None,
    return_mask: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Stochastic depth / DropPath on a residual branch, as ``timm.layers.drop_path``.

    One decision **per sample**: ``m[n] ~ Bernoulli(keep_prob)``, ``keep_prob = 1 - drop_prob``,
    broadcast over every other axis (shape ``(N, 1, 1, ...)``), and
    ``y = x * m / keep_prob`` (division only when ``scale_by_keep`` and ``keep_prob > 0``).
    Applied to the branch output ``F(x)`` in ``x + drop_path(F(x))``: a dropped sample skips the
    whole block through the identity path (Huang et al., 2016), so each sample trains a random
    shallower network.

    Note timm's defaults: ``training=False`` (unlike :func:`dropout`); identity when
    ``drop_prob == 0`` or not training.  The mask has shape ``(N,)``.

    Shape:
        - x: (N, *), the residual branch's output for a batch of N samples
        - mask: (N,), or (N, 1, ..., 1) when given
        - output: the shape of x
    """
    where = "drop_path"
    drop_prob = _check_probability(drop_prob, "drop_prob", where)
    x = _as_float(x)
    if x.ndim < 1:
        raise ValueError(f"{where}: input needs a batch axis, got a scalar")
    n = x.shape[0]
    if drop_prob == 0.0 or not training:
        return (x, np.ones(n, dtype=bool)) if return_mask else x
    keep_prob = 1.0 - drop_prob
    mask = _mask_or_draw(mask, keep_prob, (n,), rng, where, ndim=x.ndim)
    factor = mask.reshape((n,) + (1,) * (x.ndim - 1)).astype(x.dtype)
    if scale_by_keep and keep_prob > 0.0:
        factor = factor / x.dtype.type(keep_prob)
    out = x * factor
    return (out, mask) if return_mask else out


def drop_path_rates(drop_path_rate: float, depth: int) -> list[float]:
    """The stochastic-depth rule used by timm (and the paper): rates grow linearly with depth.

    ``rates[i] = drop_path_rate * i / (depth - 1)``: block 0 is never dropped, the last block is
    dropped with ``drop_path_rate``.  Early blocks compute low-level features every later block
    needs, so they are dropped least.  timm writes ``torch.linspace(0, drop_path_rate, depth)``
    (evaluated in float32 there; these are the exact float64 values).

    Shape:
        - output: a list of ``depth`` floats, block 0 first
    """
    where = "drop_path_rates"
    drop_path_rate = _check_probability(drop_path_rate, "drop_path_rate", where)
    if int(depth) != depth or depth < 0:
        raise ValueError(f"{where}: depth must be a non-negative integer, got {depth}")
    return np.linspace(0.0, drop_path_rate, int(depth)).tolist()


def mc_dropout_predict(
    forward: Callable[[ArrayLike, np.random.Generator], ArrayLike], x: ArrayLike, passes: int, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo dropout (Gal & Ghahramani, 2016): keep dropout on at test time and average.

    Calls ``forward(x, rng)`` ``passes`` (T) times; ``forward`` must apply dropout in training mode
    with the ``rng`` it is given, so each pass samples a different thinned network.  Returns
    ``(mean, variance)`` over the passes, elementwise:

        mean     = (1/T) * sum_t y_t
        variance = (1/T) * sum_t y_t**2 - mean**2          (biased: divides by T, not T-1)

    This is the paper's predictive-variance estimate without its ``tau^-1`` term (the model's
    inherent noise precision, a property of the likelihood rather than of the passes); add
    ``1/tau`` yourself for a regression model with known noise.

    Shape:
        - x: whatever ``forward`` takes
        - mean, variance: the shape of one output of ``forward``
    """
    where = "mc_dropout_predict"
    if int(passes) != passes or passes < 1:
        raise ValueError(f"{where}: passes must be a positive integer, got {passes}")
    rng = _require_rng(rng, where)
    # One forward call per pass: a loop over passes (T networks), never over elements.
    samples = np.stack([_as_float(forward(x, rng)) for _ in range(int(passes))])
    mean = samples.mean(axis=0)
    variance = ((samples - mean) ** 2).mean(axis=0)
    return mean, variance


# --------------------------------------------------------------------------------------------
# Alpha dropout (for SELU networks) and DropBlock (for convolutional feature maps)

#: SELU's negative saturation value, -lambda * alpha = -1.7580993408473766 (Klambauer et al., 2017):
#: the value a dropped unit is set to, as the constant ``alpha`` in PyTorch's ``_dropout_impl``.
SELU_ALPHA_PRIME = 1.7580993408473766


def alpha_dropout(
    input: ArrayLike,
    p: float = 0.5,
    training: bool = False,
    *,
    rng: np.random.Generator | None = None,
    mask: ArrayLike | None = None,
    return_mask: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Alpha dropout, as ``torch.nn.functional.alpha_dropout`` (note its default ``training=False``).

    Dropout for self-normalizing (SELU) networks: a dropped unit is set to SELU's saturation value
    ``-alpha'`` (``alpha' = 1.7581``) instead of 0, and an affine map restores mean 0 and variance 1::

        a = 1 / sqrt((alpha'^2 * p + 1) * (1 - p))
        y = a * x + a * alpha' * p          where the unit is kept  (m = 1)
        y = -a * alpha' * (1 - p)           where it is dropped     (m = 0)

    i.e. ``y = a * (x * m - alpha' * (1 - m)) + b`` with ``b = a * alpha' * p`` (PyTorch computes
    ``x * (a*m) + (m - 1) * alpha' * a + alpha' * a * p``).  Plain dropout's zeros and 1/(1-p)
    scaling would shift the mean and variance that SELU keeps at 0 and 1.  ``p=0`` or
    ``training=False`` is the identity; ``p=1`` gives zeros, as PyTorch does.

    Shape:
        - input: any shape
        - mask: the shape of the input (bool, True = kept)
        - output: the shape of the input
    """
    where = "alpha_dropout"
    p = _check_probability(p, "dropout probability p", where)
    x = _as_float(input)
    if not training or p == 0.0:
        return (x, np.ones(x.shape, dtype=bool)) if return_mask else x
    mask = _mask_or_draw(mask, 1.0 - p, x.shape, rng, where)
    if p == 1.0:
        out = np.zeros_like(x)
    else:
        a = 1.0 / math.sqrt((SELU_ALPHA_PRIME**2 * p + 1.0) * (1.0 - p))
        dt = x.dtype.type
        out = np.where(mask, x * dt(a) + dt(a * SELU_ALPHA_PRIME * p), dt(-a * SELU_ALPHA_PRIME * (1.0 - p)))
    return (out, mask) if return_mask else out


def _block_size(block_size: int, height: int, width: int, where: str) -> int:
    """torchvision's effective block size: at most the feature map, and odd."""
    if int(block_size) != block_size or block_size < 1:
        raise ValueError(f"{where}: block_size must be a positive integer, got {block_size}")
    size = min(int(block_size), height, width)
    if size % 2 == 0:
        raise ValueError(f"{where}: block size should be odd, got {size} (torchvision raises too)")
    return size


def drop_block_gamma(p: float, block_size: int, height: int, width: int) -> float:
    """The seed rate of DropBlock (Ghiasi et al., 2018), as ``torchvision.ops.drop_block2d`` sets it.

        gamma = p * H * W / (block_size^2 * (H - block_size + 1) * (W - block_size + 1))

    Each seed drops a whole block of block_size^2 units, and seeds are only drawn where a whole
    block fits ((H - bs + 1) x (W - bs + 1) positions), so to drop about a fraction p of the
    H * W units the seed rate is p / block_size^2 scaled up by H*W / valid positions.
    """
    where = "drop_block_gamma"
    p = _check_probability(p, "drop probability p", where)
    size = _block_size(block_size, height, width, where)
    return p * height * width / (size**2 * (height - size + 1) * (width - size + 1))


def drop_block2d(
    input: ArrayLike,
    p: float,
    block_size: int,
    eps: float = 1e-6,
    training: bool = True,
    *,
    rng: np.random.Generator | None = None,
    seeds: ArrayLike | None = None,
    return_mask: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """DropBlock on (N, C, H, W) feature maps, as ``torchvision.ops.drop_block2d``.

    Dropping single pixels of a conv feature map removes little (neighbours carry the same
    information); DropBlock drops contiguous block_size x block_size squares instead::

        seeds ~ Bernoulli(gamma)  of shape (N, C, H - bs + 1, W - bs + 1)    (drop_block_gamma)
        a seed at (i, j) drops the block rows i..i+bs-1, columns j..j+bs-1  (its centre in
            torchvision's padded grid, so every block lies inside the map)
        keep = 1 - (union of the blocks)
        y = x * keep * numel(keep) / (eps + sum(keep))

    The rescaling uses the *count* of kept units over the whole batch, not the keep rate 1 - p:
    blocks overlap and fall at random, so the kept fraction is rarely 1 - p.  ``block_size`` is
    cut to min(block_size, H, W) and must then be odd (torchvision raises otherwise).
    ``training=False`` or ``p=0`` is the identity.  ``seeds`` (bool, True = a block starts there)
    replaces the random draw; ``return_mask=True`` returns ``(output, keep)``.

    Shape:
        - input: (N, C, H, W)
        - seeds: (N, C, H - bs + 1, W - bs + 1) with bs the effective block size
        - output and keep: (N, C, H, W)
    """
    where = "drop_block2d"
    p = _check_probability(p, "drop probability p", where)
    x = _as_float(input)
    if x.ndim != 4:
        raise ValueError(f"{where}: input should be (N, C, H, W), got {x.ndim} dimensions")
    if not training or p == 0.0:
        return (x, np.ones(x.shape, dtype=bool)) if return_mask else x
    n, c, height, width = x.shape
    size = _block_size(block_size, height, width, where)
    grid = (n, c, height - size + 1, width - size + 1)
    seeds = _mask_or_draw(seeds, drop_block_gamma(p, size, height, width), grid, rng, where)
    dropped = np.zeros(x.shape, dtype=bool)
    for di in range(size):  # a block is the seed grid shifted by every offset inside it
        for dj in range(size):
            dropped[:, :, di:di + grid[2], dj:dj + grid[3]] |= seeds
    keep = ~dropped
    scale = keep.size / (eps + np.count_nonzero(keep))
    out = x * keep * x.dtype.type(scale)
    return (out, keep) if return_mask else out
