"""Residual connections and where LayerNorm goes: Pre-LN vs Post-LN Transformer sublayers.

A residual block computes ``y = x + F(x)`` (He et al., 2016).  Its Jacobian is

    dy/dx = I + dF/dx

so the gradient reaching x always has the identity path, however small ``dF/dx`` gets; through L
blocks it is the product ``prod_l (I + J_l)``, which contains ``I`` itself, instead of
``prod_l J_l``, which vanishes or explodes.  That is why very deep networks train at all.

Where the normalization sits decides whether that identity path survives:

- **Post-LN** (the original Transformer, Vaswani et al. 2017):  ``x <- LN(x + F(x))``.
  Every sublayer's output is normalized, so the residual stream stays at unit scale, but the
  gradient passes through a LayerNorm at every layer: near the output the gradients are large at
  initialization, and training needs learning-rate warm-up (Xiong et al., 2020).
- **Pre-LN** (GPT-2 and most modern models):  ``x <- x + F(LN(x))``.
  The residual stream is never normalized, so the identity path reaches the input untouched; the
  stream's scale grows with depth, hence a **final LayerNorm** after the last block.  Trains
  without warm-up; when Post-LN does train well it is often reported to end slightly better
  (Liu et al., 2020), which is why both are still discussed.

The sublayer ``F`` is any callable ``(..., d) -> (..., d)``: :class:`Linear` and
:class:`FeedForward` are tiny NumPy ones with given weights (PyTorch's ``(out, in)`` layout).
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .norms import layer_norm

__all__ = [
    "Linear",
    "FeedForward",
    "relu",
    "residual",
    "pre_ln_sublayer",
    "post_ln_sublayer",
    "pre_ln_stack",
    "post_ln_stack",
    "residual_jacobian",
    "residual_stack_jacobian",
]

Sublayer = Callable[[np.ndarray], np.ndarray]


def _as_float(x: ArrayLike) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def relu(x: ArrayLike) -> np.ndarray:
    """max(x, 0), elementwise."""
    return np.maximum(x, 0)


class Linear:
    """An affine map ``y = x @ W.T + b`` with ``W`` of shape ``(out_features, in_features)``,
    the layout of ``torch.nn.Linear``.  Its Jacobian ``dy/dx`` is ``W`` itself.

    Shape: input (*, in_features), output (*, out_features).
    """

    def __init__(self, weight: ArrayLike, bias: ArrayLike | None = None) -> None:
        weight = _as_float(weight)
        if weight.ndim != 2:
            raise ValueError(f"Linear: weight must be (out_features, in_features), got {weight.shape}")
        if bias is not None:
            bias = _as_float(bias)
            if bias.shape != (weight.shape[0],):
                raise ValueError(
                    f"Linear: bias must have shape ({weight.shape[0]},), got {bias.shape}"
                )
        self.weight = weight
        self.bias = bias

    @property
    def in_features(self) -> int:
        return self.weight.shape[1]

    @property
    def out_features(self) -> int:
        return self.weight.shape[0]

    def __call__(self, x: ArrayLike) -> np.ndarray:
        x = _as_float(x)
        if x.shape[-1:] != (self.in_features,):
            raise ValueError(
                f"Linear: input's last axis must have {self.in_features} features, got shape {x.shape}"
            )
        y = x @ self.weight.T
        if self.bias is not None:
            y = y + self.bias
        return y.astype(x.dtype, copy=False)


class FeedForward:
    """The Transformer's position-wise feed-forward sublayer: ``Linear -> activation -> Linear``,
    ``F(x) = act(x @ W1.T + b1) @ W2.T + b2`` with ``W1: (hidden, d)`` and ``W2: (d, hidden)``.

    Shape: input (*, d), output (*, d).
    """

    def __init__(
        self, w1: ArrayLike, b1: ArrayLike | None, w2: ArrayLike, b2: ArrayLike | None, activation: Callable = relu
    ) -> None:
        self.first = Linear(w1, b1)
        self.second = Linear(w2, b2)
        if self.second.in_features != self.first.out_features:
            raise ValueError(
                f"FeedForward: w2 takes {self.second.in_features} features but w1 gives "
                f"{self.first.out_features}"
            )
        self.activation = activation

    def __call__(self, x: ArrayLike) -> np.ndarray:
        return self.second(self.activation(self.first(x)))


def residual(x: ArrayLike, f: Sublayer) -> np.ndarray:
    """A residual connection ``y = x + F(x)``.  F must keep the shape (otherwise a projection
    shortcut ``W_s x`` replaces the identity, as in ResNet's downsampling blocks).

    Shape:
        - x: any shape, usually (N, d) or (N, L, d)
        - output: the shape of x (F must keep it)
    """
    x = _as_float(x)
    fx = np.asarray(f(x))
    if fx.shape != x.shape:
        raise ValueError(
            f"residual: F(x) has shape {fx.shape} but x has {x.shape}; a residual connection "
            "needs F to keep the shape"
        )
    return x + fx.astype(x.dtype, copy=False)


def pre_ln_sublayer(
    x: ArrayLike,
    f: Sublayer,
    normalized_shape: int | Sequence[int],
    weight: ArrayLike | None = None,
    bias: ArrayLike | None = None,
    eps: float = 1e-5,
) -> np.ndarray:
    """Pre-LN sublayer: ``x + F(LN(x))``.  Only F's input is normalized; the residual stream
    ``x`` passes through unchanged, and so does its gradient (identity path intact).

    Shape:
        - x: (*, *normalized_shape), e.g. (N, L, d) with normalized_shape = d
        - output: the shape of x
    """
    x = _as_float(x)
    return residual(x, lambda h: f(layer_norm(h, normalized_shape, weight, bias, eps)))


def post_ln_sublayer(
    x: ArrayLike,
    f: Sublayer,
    normalized_shape: int | Sequence[int],
    weight: ArrayLike | None = None,
    bias: ArrayLike | None = None,
    eps: float = 1e-5,
) -> np.ndarray:
    """Post-LN sublayer (the original Transformer): ``LN(x + F(x))``.  The sum is normalized, so
    the output has mean 0 and variance 1 over ``normalized_shape`` (before weight and bias).

    Shape:
        - x: (*, *normalized_shape), e.g. (N, L, d) with normalized_shape = d
        - output: the shape of x
    """
    return layer_norm(residual(x, f), normalized_shape, weight, bias, eps)


def _norm_params(norm_params, count: int, where: str) -> list[tuple]:
    if norm_params is None:
        return [(None, None)] * count
    norm_params = list(norm_params)
    if len(norm_params) != count:
        raise ValueError(
            f"{where}: norm_params needs {count} (weight, bias) pairs, got {len(norm_params)}"
        )
    return [tuple(pair) for pair in norm_params]


def pre_ln_stack(
    x: ArrayLike,
    sublayers: Sequence[Sublayer],
    normalized_shape: int | Sequence[int],
    final_norm: bool = True,
    eps: float = 1e-5,
    norm_params: Sequence[tuple[ArrayLike | None, ArrayLike | None]] | None = None,
) -> np.ndarray:
    """A stack of Pre-LN sublayers, ``x <- x + F_l(LN_l(x))`` for each l, then (``final_norm``)
    one last ``LN(x)``.

    The final LayerNorm is part of the Pre-LN recipe: nothing else normalizes the residual stream,
    whose scale grows with depth, before the output head.  ``norm_params``: optional
    ``(weight, bias)`` per LayerNorm, one per sublayer plus one for the final norm.

    Shape:
        - x: (*, *normalized_shape)
        - output: the shape of x
    """
    count = len(sublayers) + (1 if final_norm else 0)
    params = _norm_params(norm_params, count, "pre_ln_stack")
    out = _as_float(x)
    for f, (weight, bias) in zip(sublayers, params):  # a loop over layers, not elements
        out = pre_ln_sublayer(out, f, normalized_shape, weight, bias, eps)
    if final_norm:
        weight, bias = params[-1]
        out = layer_norm(out, normalized_shape, weight, bias, eps)
    return out


def post_ln_stack(
    x: ArrayLike,
    sublayers: Sequence[Sublayer],
    normalized_shape: int | Sequence[int],
    eps: float = 1e-5,
    norm_params: Sequence[tuple[ArrayLike | None, ArrayLike | None]] | None = None,
) -> np.ndarray:
    """A stack of Post-LN sublayers, ``x <- LN_l(x + F_l(x))``.  No final norm is needed: the
    last sublayer's LayerNorm already normalizes the output.  ``norm_params``: optional
    ``(weight, bias)`` per sublayer.

    Shape:
        - x: (*, *normalized_shape)
        - output: the shape of x
    """
    params = _norm_params(norm_params, len(sublayers), "post_ln_stack")
    out = _as_float(x)
    for f, (weight, bias) in zip(sublayers, params):
        out = post_ln_sublayer(out, f, normalized_shape, weight, bias, eps)
    return out


def residual_jacobian(weight: ArrayLike) -> np.ndarray:
    """Jacobian of ``y = x + Linear(W)(x)`` for one input vector: ``dy/dx = I + W``.

    The identity term is the gradient highway: even with ``W = 0`` (a block that does nothing
    yet, e.g. a zero-initialized last layer) the gradient passes through unchanged.

    Shape:
        - weight: (d, d)
        - output: (d, d)
    """
    weight = _as_float(weight)
    if weight.ndim != 2 or weight.shape[0] != weight.shape[1]:
        raise ValueError(
            f"residual_jacobian: a residual Linear needs a square weight, got {weight.shape}"
        )
    return np.eye(weight.shape[0], dtype=weight.dtype) + weight


def residual_stack_jacobian(weights: Sequence[ArrayLike]) -> np.ndarray:
    """Jacobian of L residual Linear blocks applied in order: ``(I + W_L) ... (I + W_2)(I + W_1)``.

    Expanded, the product is ``I + sum_l W_l + (higher-order terms)``: the gradient always keeps a
    direct path to the input, where a plain stack would give ``W_L ... W_1`` alone.

    Shape:
        - weights: L matrices of shape (d, d)
        - output: (d, d)
    """
    weights = list(weights)
    if not weights:
        raise ValueError("residual_stack_jacobian: give at least one weight matrix")
    jacobian = residual_jacobian(weights[0])
    for weight in weights[1:]:  # a loop over layers
        block = residual_jacobian(weight)
        if block.shape != jacobian.shape:
            raise ValueError(
                f"residual_stack_jacobian: weights must all be {jacobian.shape}, got {block.shape}"
            )
        jacobian = block @ jacobian
    return jacobian
