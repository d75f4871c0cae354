"""Normalization layers in NumPy, with PyTorch's names, arguments, defaults and semantics.

Every normalization computes ``y = (x - mean) / sqrt(var + eps) * weight + bias``; the methods
differ only in *which values* one mean and one variance average over (the "unified view": the
set S_i of positions whose statistics normalize position i).  For an input of shape (N, C, H, W):

=============  =======================  ===========================  ======================
method         axes averaged            values per statistic         statistics computed
=============  =======================  ===========================  ======================
BatchNorm      N, H, W  (all but C)     N*H*W                        C
LayerNorm      C, H, W  (trailing)      C*H*W                        N
InstanceNorm   H, W                     H*W                          N*C
GroupNorm      C/G channels, H, W       (C/G)*H*W                    N*G
=============  =======================  ===========================  ======================

Details interviews ask about, all as PyTorch does them:

- The variance that normalizes is the *biased* one (divide by n); BatchNorm's ``running_var`` is
  updated with the *unbiased* one (divide by n - 1).
- ``eps`` sits inside the square root: ``sqrt(var + eps)``, not ``sqrt(var) + eps``.
- ``momentum`` weights the *new* value: ``running = (1 - momentum) * running + momentum * batch``
  with default 0.1.  Keras' ``momentum=0.99`` is the weight of the *old* value (PyTorch 0.01).
  ``momentum=None`` in the BatchNorm module means a cumulative average (factor 1/num_batches_tracked).
- In evaluation mode BatchNorm normalizes with the running statistics, so it is a fixed per-channel
  affine map that can be folded into the preceding layer (:func:`fold_batch_norm`).  LayerNorm,
  GroupNorm, InstanceNorm (by default) and RMSNorm behave the same in training and evaluation.
- Weight normalization, spectral normalization and weight standardization normalize the
  *weights*, not the activations, so they need no batch statistics at all.

How to read the code: each op is its formula, in four steps -- the mean over the op's axes, the
biased variance of the centred values, ``x_hat = (x - mean) / sqrt(var + eps)``, then the affine
``x_hat * weight + bias``.  The arithmetic runs in float64 and the result comes back in the
input's dtype (float32 in, float32 out).  That also makes a statistic over a single value exact:
its mean is that value, so ``x - mean`` is exactly 0 (LayerNorm over one element gives ``bias``).
The arrays an exercise or a drill passes have at most about a thousand values, so nothing here
trades clarity for speed.
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple, Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "batch_norm",
    "layer_norm",
    "group_norm",
    "instance_norm",
    "rms_norm",
    "weight_norm",
    "batch_norm_backward",
    "layer_norm_backward",
    "group_norm_backward",
    "instance_norm_backward",
    "rms_norm_backward",
    "weight_norm_backward",
    "BatchNorm",
    "LayerNorm",
    "GroupNorm",
    "InstanceNorm",
    "RMSNorm",
    "fold_batch_norm",
    "reduction_axes",
    "stat_count",
    "METHODS",
    "SpectralNormResult",
    "spectral_norm",
    "weight_standardization",
]

#: The methods of the unified view, for :func:`reduction_axes` and :func:`stat_count`.
METHODS = ("batch", "layer", "instance", "group")

#: ``normalized_shape`` as PyTorch takes it: one int for the last axis, or the trailing axes' sizes.
ShapeLike = int | Sequence[int]


# --------------------------------------------------------------------------------------------
# The steps every normalization shares


def _as_float(x: ArrayLike) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _moments(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The mean over ``axes`` and the *biased* variance ``mean((x - mean)^2)`` (divide by n).

    Computed in float64 in two passes (centre first, then average the squares), with the
    reduced axes kept as size 1 so both broadcast against ``x``.
    """
    x = x.astype(np.float64, copy=False)
    mean = x.mean(axis=axes, keepdims=True)
    var = np.square(x - mean).mean(axis=axes, keepdims=True)
    return mean, var


def _normalize(x: np.ndarray, mean: ArrayLike, var: ArrayLike, eps: float) -> np.ndarray:
    """``x_hat = (x - mean) / sqrt(var + eps)`` in float64.

    With ``eps=0`` a constant slice gives 0 / 0 = nan, silently, as in PyTorch.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x.astype(np.float64, copy=False) - mean) / np.sqrt(var + eps)


def _affine(x_hat: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None) -> np.ndarray:
    """``x_hat * weight + bias``, leaving out a term that is None."""
    y = x_hat if weight is None else x_hat * weight
    return y if bias is None else y + bias


def _spatial_axes(x: np.ndarray) -> tuple[int, ...]:
    """The axes after N and C of an (N, C, ...) input."""
    return tuple(range(2, x.ndim))


def _trailing_axes(x: np.ndarray, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The last ``len(shape)`` axes of ``x``: where LayerNorm and RMSNorm take their statistics."""
    return tuple(range(x.ndim - len(shape), x.ndim))


def _count(x: np.ndarray, axes: tuple[int, ...]) -> int:
    """How many values one statistic over ``axes`` averages."""
    return math.prod(x.shape[axis] for axis in axes)


# --------------------------------------------------------------------------------------------
# Argument checks


def _check_batched(x: np.ndarray, fn: str, what: str = "(N, C, ...)") -> None:
    if x.ndim < 2:
        raise ValueError(f"{fn}: expected input of shape {what} with at least 2 axes, got shape {x.shape}")


def _per_channel(p: ArrayLike | None, name: str, channels: int, ndim: int, fn: str) -> np.ndarray | None:
    """A per-channel array (weight, bias, running stats) reshaped to (C, 1, ..., 1) for an ndim input."""
    if p is None:
        return None
    p = np.asarray(p)
    if p.size != channels:
        raise ValueError(f"{fn}: {name} should have {channels} values (one per channel), got shape {p.shape}")
    return p.reshape((channels,) + (1,) * (ndim - 2))


def _as_shape(normalized_shape: ShapeLike) -> tuple[int, ...]:
    """``normalized_shape`` as a tuple of ints: ``768`` is ``(768,)``."""
    if np.ndim(normalized_shape) == 0:
        return (int(normalized_shape),)
    return tuple(int(n) for n in normalized_shape)


def _trailing_shape(normalized_shape: ShapeLike, x: np.ndarray, fn: str) -> tuple[int, ...]:
    """``normalized_shape`` as a tuple, checked against the input's trailing axes."""
    shape = _as_shape(normalized_shape)
    if not shape:
        raise ValueError(f"{fn}: normalized_shape must name at least one axis, got ()")
    if len(shape) > x.ndim or x.shape[x.ndim - len(shape):] != shape:
        raise ValueError(
            f"{fn}: normalized_shape={shape} must equal the last {len(shape)} axes of the input, "
            f"got input of shape {x.shape}"
        )
    return shape


def _elementwise(p: ArrayLike | None, name: str, shape: tuple[int, ...], fn: str) -> np.ndarray | None:
    if p is None:
        return None
    p = np.asarray(p)
    if p.shape != shape:
        raise ValueError(f"{fn}: {name} should have shape {shape} (the normalized_shape), got {p.shape}")
    return p


def _check_groups(channels: int, num_groups: int, x: np.ndarray, fn: str) -> None:
    if num_groups <= 0 or channels % num_groups:
        raise ValueError(
            f"{fn}: the number of channels ({channels}) must be divisible by num_groups ({num_groups}), "
            f"input of shape {x.shape}"
        )


def _check_batch_statistics(x: np.ndarray) -> None:
    """PyTorch refuses training-mode BatchNorm with one value per channel (no variance), with this message."""
    if x.shape[0] * math.prod(x.shape[2:]) <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input of shape {x.shape}")


def _check_instance_statistics(x: np.ndarray) -> None:
    """PyTorch refuses instance statistics over a single spatial position."""
    if math.prod(x.shape[2:]) <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input of shape {x.shape}")


def _check_group_statistics(x: np.ndarray, num_groups: int) -> None:
    """PyTorch's GroupNorm check, with its message: it raises when N * (C/G) * spatial == 1.

    (One value per group with N > 1 is allowed; every group then normalizes to exactly 0.)
    """
    if x.shape[0] * (x.shape[1] // num_groups) * math.prod(x.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input of shape {x.shape}")


def _channel_args(input: ArrayLike, running_mean, running_var, weight, bias, fn: str):
    """What BatchNorm and InstanceNorm check alike: an (N, C, ...) input, both running
    statistics or neither, and a per-channel weight and bias.  Returns ``(x, weight, bias)``."""
    x = _as_float(input)
    _check_batched(x, fn)
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{fn}: running_mean and running_var must both be given or both be None")
    channels = x.shape[1]
    return x, _per_channel(weight, "weight", channels, x.ndim, fn), _per_channel(bias, "bias", channels, x.ndim, fn)


def _running_stats(x: np.ndarray, running_mean, running_var, fn: str, when: str) -> tuple[np.ndarray, np.ndarray]:
    """The running statistics as (C, 1, ..., 1) arrays, for normalizing in evaluation mode."""
    if running_mean is None:
        raise ValueError(f"{fn}: running_mean and running_var are required when {when}")
    channels = x.shape[1]
    mean = _per_channel(running_mean, "running_mean", channels, x.ndim, fn)
    var = _per_channel(running_var, "running_var", channels, x.ndim, fn)
    return mean, var


def _update_running_stats(
    running_mean: np.ndarray, running_var: np.ndarray, mean: np.ndarray, var: np.ndarray, n: int, momentum: float, fn: str
) -> None:
    """PyTorch's update, in place: ``running = (1 - momentum) * running + momentum * batch``.

    ``var`` is the biased batch variance (the one that normalized); running_var receives the
    unbiased one, ``var * n / (n - 1)``, as an estimate of the population variance.
    """
    for name, buffer in (("running_mean", running_mean), ("running_var", running_var)):
        if not isinstance(buffer, np.ndarray):
            raise TypeError(f"{fn}: {name} must be a NumPy array, because it is updated in place")
    unbiased_var = var * n / (n - 1)
    running_mean *= 1.0 - momentum
    running_mean += (momentum * mean).reshape(running_mean.shape)
    running_var *= 1.0 - momentum
    running_var += (momentum * unbiased_var).reshape(running_var.shape)


# --------------------------------------------------------------------------------------------
# Forward functions (torch.nn.functional)


def batch_norm(
    input: ArrayLike,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: ArrayLike | None = None,
    bias: ArrayLike | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> np.ndarray:
    """BatchNorm: normalize each channel with statistics over the batch and all spatial axes.

    For channel c, over the n = N*H*W values of that channel::

        mean_c = sum(x[:, c]) / n
        var_c  = sum((x[:, c] - mean_c)^2) / n            (biased: divide by n)
        y[:, c] = (x[:, c] - mean_c) / sqrt(var_c + eps) * weight_c + bias_c

    - ``training=True``: the batch's mean and *biased* variance normalize.  If running stats are
      given they are updated **in place**: ``running_mean = (1 - momentum) * running_mean +
      momentum * mean`` and running_var likewise with the *unbiased* variance (n / (n - 1)).
      One value per channel (e.g. a batch of one vector) cannot have a variance: ValueError.
    - ``training=False``: the running statistics normalize (evaluation mode), so the output of a
      sample does not depend on the rest of the batch.  Both running arrays are required.

    Unlike PyTorch, ``eps=0`` is allowed while training, so hand-worked examples come out exact.

    Shape:
        - input: (N, C) or (N, C, L) or (N, C, H, W), any rank >= 2
        - running_mean, running_var, weight, bias: (C,)
        - output: the shape of the input
    """
    fn = "batch_norm"
    x, weight, bias = _channel_args(input, running_mean, running_var, weight, bias, fn)
    axes = (0, *_spatial_axes(x))
    if training:
        _check_batch_statistics(x)
        mean, var = _moments(x, axes)
        if running_mean is not None:
            _update_running_stats(running_mean, running_var, mean, var, _count(x, axes), momentum, fn)
    else:
        mean, var = _running_stats(x, running_mean, running_var, fn, "training=False (evaluation mode normalizes with the running statistics)")
    x_hat = _normalize(x, mean, var, eps)
    return _affine(x_hat, weight, bias).astype(x.dtype)


def layer_norm(
    input: ArrayLike,
    normalized_shape: ShapeLike,
    weight: ArrayLike | None = None,
    bias: ArrayLike | None = None,
    eps: float = 1e-5,
) -> np.ndarray:
    """LayerNorm: normalize each sample over its trailing ``normalized_shape`` axes.

    For each sample, over the n = prod(normalized_shape) values of its trailing axes::

        mean = sum(x) / n
        var  = sum((x - mean)^2) / n                      (biased: divide by n)
        y    = (x - mean) / sqrt(var + eps) * weight + bias

    ``weight`` and ``bias`` have shape ``normalized_shape``: one per element, not per channel.
    Nothing depends on the batch, so training and evaluation behave the same and batch size 1 is
    fine: that, and variable sequence lengths, is why Transformers and RNNs use it.
    ``normalized_shape=(C, H, W)`` on images is GroupNorm with G=1.  Over a single element the
    output is exactly ``bias`` (x - mean = 0), as in PyTorch.

    Shape:
        - input: (*, *normalized_shape), any leading axes
        - weight, bias: normalized_shape
        - output: the shape of the input
    """
    x = _as_float(input)
    fn = "layer_norm"
    shape = _trailing_shape(normalized_shape, x, fn)
    weight = _elementwise(weight, "weight", shape, fn)
    bias = _elementwise(bias, "bias", shape, fn)
    mean, var = _moments(x, _trailing_axes(x, shape))
    x_hat = _normalize(x, mean, var, eps)
    return _affine(x_hat, weight, bias).astype(x.dtype)


def _grouped(x: np.ndarray, num_groups: int) -> np.ndarray:
    """An (N, C, ...) array viewed as (N, G, C/G, ...): consecutive channels form a group."""
    n, channels = x.shape[:2]
    return x.reshape(n, num_groups, channels // num_groups, *x.shape[2:])


def group_norm(
    input: ArrayLike,
    num_groups: int,
    weight: ArrayLike | None = None,
    bias: ArrayLike | None = None,
    eps: float = 1e-5,
) -> np.ndarray:
    """GroupNorm: split the C channels into ``num_groups`` groups; normalize each group of each sample.

    For sample i and group g, over the n = (C/G)*H*W values of the group's channels::

        mean_ig = sum(x[i, group g]) / n
        var_ig  = sum((x[i, group g] - mean_ig)^2) / n    (biased: divide by n)
        y[i, c] = (x[i, c] - mean_ig) / sqrt(var_ig + eps) * weight_c + bias_c   for c in group g

    ``weight`` and ``bias`` are per channel.  G = 1 is LayerNorm over (C, H, W); G = C is
    InstanceNorm.  Like LayerNorm it ignores the batch, which is why detection and segmentation
    models trained with 1-2 images per GPU use it instead of BatchNorm.  C must be divisible by G.
    A group of one value normalizes to exactly 0 (the output is ``bias``); PyTorch raises only
    when N * (C/G) * H*W == 1, and so does this function.

    Shape:
        - input: (N, C, *), any rank >= 2
        - weight, bias: (C,)
        - output: the shape of the input
    """
    x = _as_float(input)
    fn = "group_norm"
    _check_batched(x, fn)
    channels = x.shape[1]
    _check_groups(channels, num_groups, x, fn)
    _check_group_statistics(x, num_groups)
    weight = _per_channel(weight, "weight", channels, x.ndim, fn)
    bias = _per_channel(bias, "bias", channels, x.ndim, fn)
    grouped = _grouped(x, num_groups)
    mean, var = _moments(grouped, tuple(range(2, grouped.ndim)))
    x_hat = _normalize(grouped, mean, var, eps).reshape(x.shape)
    return _affine(x_hat, weight, bias).astype(x.dtype)


def instance_norm(
    input: ArrayLike,
    running_mean: np.ndarray | None = None,
    running_var: np.ndarray | None = None,
    weight: ArrayLike | None = None,
    bias: ArrayLike | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> np.ndarray:
    """InstanceNorm: normalize each channel of each sample over its spatial axes only.

    For sample i and channel c, over the n = H*W values of that one feature map::

        mean_ic = sum(x[i, c]) / n
        var_ic  = sum((x[i, c] - mean_ic)^2) / n          (biased: divide by n)
        y[i, c] = (x[i, c] - mean_ic) / sqrt(var_ic + eps) * weight_c + bias_c

    It removes per-image contrast and style, which is why style transfer uses it.  With
    ``use_input_stats=True`` (the default) the instance's own statistics normalize; if running
    stats are given they are updated in place like BatchNorm's, with the per-instance means and
    unbiased variances averaged over the batch.  ``use_input_stats=False`` normalizes with the
    running statistics.  Note the module defaults: ``affine=False, track_running_stats=False``.

    Shape:
        - input: (N, C, L) or (N, C, H, W), any rank >= 2, more than one spatial value
        - running_mean, running_var, weight, bias: (C,)
        - output: the shape of the input
    """
    fn = "instance_norm"
    x, weight, bias = _channel_args(input, running_mean, running_var, weight, bias, fn)
    axes = _spatial_axes(x)
    if use_input_stats:
        _check_instance_statistics(x)
        mean, var = _moments(x, axes)
        if running_mean is not None:
            n = _count(x, axes)
            _update_running_stats(running_mean, running_var, mean.mean(axis=0), var.mean(axis=0), n, momentum, fn)
    else:
        mean, var = _running_stats(x, running_mean, running_var, fn, "use_input_stats=False")
    x_hat = _normalize(x, mean, var, eps)
    return _affine(x_hat, weight, bias).astype(x.dtype)


def _rms_eps(x: np.ndarray, eps: float | None) -> float:
    """PyTorch's default for RMSNorm: ``eps=None`` is the machine epsilon of the input's dtype."""
    return float(np.finfo(x.dtype).eps) if eps is None else eps


def rms_norm(
    input: ArrayLike,
    normalized_shape: ShapeLike,
    weight: ArrayLike | None = None,
    eps: float | None = None,
) -> np.ndarray:
    """RMSNorm: divide by the root mean square over the trailing ``normalized_shape`` axes.

    For each sample, over the n = prod(normalized_shape) values of its trailing axes::

        rms = sqrt(sum(x^2) / n + eps)
        y   = x / rms * weight

    LayerNorm without the mean subtraction and without a bias: one statistic instead of two,
    re-scaling invariant but not re-centering invariant.  LLaMA-style models use it because it is
    cheaper and works as well.  ``eps=None`` means the machine epsilon of the input's dtype
    (``np.finfo(dtype).eps``: 2.2e-16 for float64, 1.2e-7 for float32), as in PyTorch.

    Shape:
        - input: (*, *normalized_shape), any leading axes
        - weight: normalized_shape
        - output: the shape of the input
    """
    x = _as_float(input)
    fn = "rms_norm"
    shape = _trailing_shape(normalized_shape, x, fn)
    weight = _elementwise(weight, "weight", shape, fn)
    x64 = x.astype(np.float64)
    rms = np.sqrt(np.square(x64).mean(axis=_trailing_axes(x, shape), keepdims=True) + _rms_eps(x, eps))
    y = x64 / rms
    return (y if weight is None else y * weight).astype(x.dtype)


def _weight_norm_axes(v: np.ndarray, dim: int | None, fn: str) -> tuple[int, ...]:
    """The axes the norm runs over: all but ``dim``; all of them for ``dim=None`` or ``dim=-1``."""
    if dim is None or dim == -1:
        return tuple(range(v.ndim))
    if not -v.ndim <= dim < v.ndim:
        raise ValueError(f"{fn}: dim={dim} is out of range for v of shape {v.shape}")
    dim %= v.ndim
    return tuple(axis for axis in range(v.ndim) if axis != dim)


def _weight_norm_g(g: ArrayLike, norm_shape: tuple[int, ...], fn: str) -> np.ndarray:
    g = np.asarray(g)
    if g.size != math.prod(norm_shape):
        raise ValueError(
            f"{fn}: g should have {math.prod(norm_shape)} values (one per slice along dim), got shape {g.shape}"
        )
    return g.reshape(norm_shape)


def _norm(v: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The Euclidean norm ``sqrt(sum(v^2))`` over ``axes`` in float64, the axes kept as size 1."""
    return np.sqrt(np.square(v.astype(np.float64)).sum(axis=axes, keepdims=True))


def weight_norm(v: ArrayLike, g: ArrayLike, dim: int | None = 0) -> np.ndarray:
    """Weight normalization: ``w = g * v / ||v||``, the norm over every axis but ``dim``.

    The direction (v / ||v||) and the length (g) of each output unit's weight vector become
    separate parameters, which conditions gradient descent better; no batch statistics are
    involved, so it works with any batch size and in RNNs.  ``dim=0`` gives one g per output
    unit (row of a Linear weight, filter of a Conv weight).  ``dim=None`` takes one norm over the
    whole tensor -- and, a PyTorch quirk, so does ``dim=-1`` (it does *not* mean the last axis).

    Shape:
        - v: any shape, e.g. (out_features, in_features) or (C_out, C_in, kH, kW)
        - g: one value per slice along ``dim``, flat or shaped like PyTorch's ``weight_g``
          (e.g. (C_out, 1, 1, 1)); a single value for ``dim=None``
        - output: the shape of v
    """
    v = _as_float(v)
    fn = "weight_norm"
    norm = _norm(v, _weight_norm_axes(v, dim, fn))
    g = _weight_norm_g(g, norm.shape, fn)
    return (g * v / norm).astype(v.dtype)


# --------------------------------------------------------------------------------------------
# Backward functions: closed forms with training-mode statistics


def _check_grad(grad_output: ArrayLike, x: np.ndarray, fn: str) -> np.ndarray:
    """``grad_output`` as a float64 array of the input's shape."""
    dy = np.asarray(grad_output, dtype=np.float64)
    if dy.shape != x.shape:
        raise ValueError(f"{fn}: grad_output has shape {dy.shape} but input has shape {x.shape}")
    return dy


def _normalization_backward(g: np.ndarray, x_hat: np.ndarray, var: np.ndarray, eps: float, axes: tuple[int, ...]) -> np.ndarray:
    """dL/dx of ``x_hat = (x - mean) / sqrt(var + eps)`` given ``g = dL/dx_hat``, statistics over ``axes``::

        dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)

    ``mean(g)`` is the path through the mean and the x_hat term the path through the variance:
    dx sums to zero over each statistic's values and (exactly so for eps = 0) is orthogonal to
    x_hat there.  A statistic over one value gives exactly 0 (g - mean(g) = 0, x_hat = 0).
    """
    mean_g = g.mean(axis=axes, keepdims=True)
    mean_g_x_hat = (g * x_hat).mean(axis=axes, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (g - mean_g - x_hat * mean_g_x_hat) / np.sqrt(var + eps)


def _channel_param_grads(
    dy: np.ndarray, x_hat: np.ndarray, weight: ArrayLike | None, channel_axes: tuple[int, ...], dtype: np.dtype
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """``grad_weight = sum(dy * x_hat)`` and ``grad_bias = sum(dy)`` per channel, or (None, None).

    The sums run over every axis but ``channel_axes`` (axis 1, or the (G, C/G) axes of GroupNorm).
    """
    if weight is None:
        return None, None
    others = tuple(axis for axis in range(dy.ndim) if axis not in channel_axes)
    shape = np.shape(weight)
    grad_weight = (dy * x_hat).sum(axis=others).reshape(shape).astype(dtype)
    grad_bias = dy.sum(axis=others).reshape(shape).astype(dtype)
    return grad_weight, grad_bias


def _backward_args(grad_output: ArrayLike, input: ArrayLike, weight: ArrayLike | None, fn: str):
    """What the per-channel backward passes check alike: ``(x, dy, weight as (C, 1, ..., 1))``."""
    x = _as_float(input)
    _check_batched(x, fn)
    dy = _check_grad(grad_output, x, fn)
    return x, dy, _per_channel(weight, "weight", x.shape[1], x.ndim, fn)


def _per_channel_backward(dy: np.ndarray, x: np.ndarray, w: np.ndarray | None, weight: ArrayLike | None,
                          axes: tuple[int, ...], eps: float):
    """BatchNorm's and InstanceNorm's gradients: statistics over ``axes``, weight per channel."""
    mean, var = _moments(x, axes)
    x_hat = _normalize(x, mean, var, eps)
    g = dy if w is None else dy * w
    grad_input = _normalization_backward(g, x_hat, var, eps, axes)
    return (grad_input.astype(x.dtype), *_channel_param_grads(dy, x_hat, weight, (1,), x.dtype))


def batch_norm_backward(
    grad_output: ArrayLike, input: ArrayLike, weight: ArrayLike | None = None, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Gradients of training-mode :func:`batch_norm`: ``(grad_input, grad_weight, grad_bias)``.

    With x_hat normalized over the n = N*H*W values of a channel and g = dy * weight::

        grad_input  = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)
        grad_weight = sum(dy * x_hat),   grad_bias = sum(dy)      (per channel)

    The batch statistics depend on every sample, so each sample's gradient depends on the whole
    batch -- the two terms a "treat mean and var as constants" derivation misses.
    grad_weight and grad_bias are None when weight is None.

    Shape:
        - grad_output, input: (N, C, *), any rank >= 2
        - weight: (C,)
        - grad_input: the shape of the input; grad_weight, grad_bias: the shape of weight
    """
    fn = "batch_norm_backward"
    x, dy, w = _backward_args(grad_output, input, weight, fn)
    _check_batch_statistics(x)
    return _per_channel_backward(dy, x, w, weight, (0, *_spatial_axes(x)), eps)


def instance_norm_backward(
    grad_output: ArrayLike, input: ArrayLike, weight: ArrayLike | None = None, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Gradients of :func:`instance_norm` with input statistics: ``(grad_input, grad_weight, grad_bias)``.

    The BatchNorm formula with each statistic over one instance's spatial axes (H*W values);
    the weight and bias gradients still sum over the batch and spatial axes (they are per channel).

    Shape:
        - grad_output, input: (N, C, *), any rank >= 2, more than one spatial value
        - weight: (C,)
        - grad_input: the shape of the input; grad_weight, grad_bias: the shape of weight
    """
    fn = "instance_norm_backward"
    x, dy, w = _backward_args(grad_output, input, weight, fn)
    _check_instance_statistics(x)
    return _per_channel_backward(dy, x, w, weight, _spatial_axes(x), eps)


def group_norm_backward(
    grad_output: ArrayLike, input: ArrayLike, num_groups: int, weight: ArrayLike | None = None, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Gradients of :func:`group_norm`: ``(grad_input, grad_weight, grad_bias)``.

    The BatchNorm formula with each statistic over one group of one sample; g = dy * weight
    varies inside a group (weight is per channel), which the formula handles as it is.

    Shape:
        - grad_output, input: (N, C, *), any rank >= 2
        - weight: (C,)
        - grad_input: the shape of the input; grad_weight, grad_bias: the shape of weight
    """
    fn = "group_norm_backward"
    x, dy, w = _backward_args(grad_output, input, weight, fn)
    _check_groups(x.shape[1], num_groups, x, fn)
    _check_group_statistics(x, num_groups)
    grouped, dy_grouped = _grouped(x, num_groups), _grouped(dy, num_groups)
    w = None if w is None else w.reshape(grouped.shape[1:3] + (1,) * (x.ndim - 2))
    axes = tuple(range(2, grouped.ndim))
    mean, var = _moments(grouped, axes)
    x_hat = _normalize(grouped, mean, var, eps)
    g = dy_grouped if w is None else dy_grouped * w
    grad_input = _normalization_backward(g, x_hat, var, eps, axes)
    param_grads = _channel_param_grads(dy_grouped, x_hat, weight, (1, 2), x.dtype)
    return (grad_input.reshape(x.shape).astype(x.dtype), *param_grads)


def layer_norm_backward(
    grad_output: ArrayLike,
    input: ArrayLike,
    normalized_shape: ShapeLike,
    weight: ArrayLike | None = None,
    eps: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Gradients of :func:`layer_norm`: ``(grad_input, grad_weight, grad_bias)``.

    The BatchNorm formula with the statistics over the normalized (trailing) axes of one sample::

        grad_input = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps),   g = dy * weight

    weight and bias are per element, so their gradients sum dy * x_hat and dy over the leading
    (batch) axes.  Over a single element grad_input is exactly 0, as in PyTorch.

    Shape:
        - grad_output, input: (*, *normalized_shape)
        - weight: normalized_shape
        - grad_input: the shape of the input; grad_weight, grad_bias: normalized_shape
    """
    x = _as_float(input)
    fn = "layer_norm_backward"
    dy = _check_grad(grad_output, x, fn)
    shape = _trailing_shape(normalized_shape, x, fn)
    weight = _elementwise(weight, "weight", shape, fn)
    axes = _trailing_axes(x, shape)
    mean, var = _moments(x, axes)
    x_hat = _normalize(x, mean, var, eps)
    g = dy if weight is None else dy * weight
    grad_input = _normalization_backward(g, x_hat, var, eps, axes)
    grad_weight = grad_bias = None
    if weight is not None:
        lead = tuple(range(x.ndim - len(shape)))
        grad_weight = (dy * x_hat).sum(axis=lead).astype(x.dtype)
        grad_bias = dy.sum(axis=lead).astype(x.dtype)
    return grad_input.astype(x.dtype), grad_weight, grad_bias


def rms_norm_backward(
    grad_output: ArrayLike,
    input: ArrayLike,
    normalized_shape: ShapeLike,
    weight: ArrayLike | None = None,
    eps: float | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Gradients of :func:`rms_norm`: ``(grad_input, grad_weight)`` (there is no bias).

    With r = 1 / sqrt(mean(x^2) + eps) over the normalized axes and g = dy * weight::

        grad_input  = r * (g - x * r^2 * mean(g * x))
        grad_weight = sum(dy * x * r)        (over the leading axes)

    No mean(g) term: nothing was subtracted in the forward pass.

    Shape:
        - grad_output, input: (*, *normalized_shape)
        - weight: normalized_shape
        - grad_input: the shape of the input; grad_weight: normalized_shape
    """
    x = _as_float(input)
    fn = "rms_norm_backward"
    dy = _check_grad(grad_output, x, fn)
    shape = _trailing_shape(normalized_shape, x, fn)
    weight = _elementwise(weight, "weight", shape, fn)
    axes = _trailing_axes(x, shape)
    x64 = x.astype(np.float64)
    r = 1.0 / np.sqrt(np.square(x64).mean(axis=axes, keepdims=True) + _rms_eps(x, eps))
    g = dy if weight is None else dy * weight
    grad_input = r * (g - x64 * r**2 * (g * x64).mean(axis=axes, keepdims=True))
    grad_weight = None
    if weight is not None:
        grad_weight = (dy * x64 * r).sum(axis=tuple(range(x.ndim - len(shape)))).astype(x.dtype)
    return grad_input.astype(x.dtype), grad_weight


def weight_norm_backward(
    grad_w: ArrayLike, v: ArrayLike, g: ArrayLike, dim: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of :func:`weight_norm`: ``(grad_v, grad_g)`` from ``grad_w = dL/dw``.

    With u = v / ||v|| (per slice along ``dim``)::

        grad_g = sum(grad_w * u)                    (one per slice, shaped like g)
        grad_v = g / ||v|| * (grad_w - u * grad_g)

    grad_v is orthogonal to v: a gradient step turns v and (to first order) never changes its
    length -- the length is g's job.

    Shape:
        - grad_w, v: any shape (the weight's)
        - g: as in :func:`weight_norm`
        - grad_v: the shape of v; grad_g: the shape of g
    """
    v = _as_float(v)
    fn = "weight_norm_backward"
    dw = _check_grad(grad_w, v, fn)
    axes = _weight_norm_axes(v, dim, fn)
    norm = _norm(v, axes)
    g_arr = _weight_norm_g(g, norm.shape, fn)
    u = v / norm
    grad_g = (dw * u).sum(axis=axes, keepdims=True)
    grad_v = g_arr / norm * (dw - u * grad_g)
    return grad_v.astype(v.dtype), grad_g.reshape(np.shape(g)).astype(v.dtype)


# --------------------------------------------------------------------------------------------
# Module-style classes: where PyTorch keeps parameters or state


class _Module:
    """What the norm modules share: a ``training`` flag and parameter/buffer listings.

    Parameters are learned by gradient descent (weight, bias); buffers are state that is saved
    with the model but not learned (running_mean, running_var, num_batches_tracked).
    """

    _parameter_names: tuple[str, ...] = ("weight", "bias")
    _buffer_names: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.training = True

    def train(self, mode: bool = True) -> _Module:
        """Training mode (``mode=True``) or evaluation mode; returns self, as PyTorch."""
        self.training = bool(mode)
        return self

    def eval(self) -> _Module:
        """Evaluation mode; the same as ``train(False)``."""
        return self.train(False)

    def named_parameters(self) -> dict[str, np.ndarray]:
        return {n: getattr(self, n) for n in self._parameter_names if getattr(self, n, None) is not None}

    def parameters(self) -> list[np.ndarray]:
        return list(self.named_parameters().values())

    def named_buffers(self) -> dict[str, np.ndarray]:
        return {n: getattr(self, n) for n in self._buffer_names if getattr(self, n, None) is not None}

    def buffers(self) -> list[np.ndarray]:
        return list(self.named_buffers().values())

    def num_parameters(self) -> int:
        """How many learnable scalars (``sum(p.numel() for p in m.parameters())`` in PyTorch)."""
        return sum(p.size for p in self.parameters())

    def num_buffer_values(self) -> int:
        """How many scalars the buffers hold (num_batches_tracked counts as 1)."""
        return sum(b.size for b in self.buffers())

    def __call__(self, x: ArrayLike) -> np.ndarray:
        return self.forward(x)


def _affine_params(
    shape: int | tuple[int, ...], enabled: bool, dtype: type, with_bias: bool = True
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """weight (ones) and bias (zeros) as PyTorch initialises them, or Nones."""
    if not enabled:
        return None, None
    return np.ones(shape, dtype=dtype), (np.zeros(shape, dtype=dtype) if with_bias else None)


def _running_buffers(
    channels: int, enabled: bool, dtype: type
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """running_mean (zeros), running_var (ones) and the num_batches_tracked count, or Nones."""
    if not enabled:
        return None, None, None
    return np.zeros(channels, dtype=dtype), np.ones(channels, dtype=dtype), np.array(0, dtype=np.int64)


class _ChannelNorm(_Module):
    """What BatchNorm and InstanceNorm keep alike: a per-channel weight and bias (``affine``) and
    running statistics (``track_running_stats``); the subclasses give PyTorch's defaults."""

    _buffer_names = ("running_mean", "running_var", "num_batches_tracked")

    def __init__(
        self, num_features: int, eps: float, momentum: float | None, affine: bool, track_running_stats: bool, dtype: type
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight, self.bias = _affine_params(self.num_features, affine, dtype)
        self.running_mean, self.running_var, self.num_batches_tracked = _running_buffers(
            self.num_features, track_running_stats, dtype
        )

    def _channel_mismatch(self, x: np.ndarray) -> str | None:
        """The message for an input whose axis 1 is not num_features, or None."""
        if x.shape[1] == self.num_features:
            return None
        name = type(self).__name__
        return f"{name}({self.num_features}): expected {self.num_features} channels on axis 1, got input of shape {x.shape}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats})"
        )


class BatchNorm(_ChannelNorm):
    """``nn.BatchNorm1d/2d/3d`` for any input rank >= 2: ``BatchNorm(num_features)``.

    Parameters: ``weight`` (gamma, ones) and ``bias`` (beta, zeros), C each, when ``affine``.
    Buffers when ``track_running_stats``: ``running_mean`` (zeros), ``running_var`` (ones), C each,
    and ``num_batches_tracked`` (a 0-d int64 count), so BatchNorm2d(C) holds 2C parameters and
    2C + 1 buffer values.

    In training mode the batch statistics normalize and the running ones are updated with
    ``momentum`` (weight of the new value), or with ``momentum=None`` as a cumulative average:
    factor 1 / num_batches_tracked, so after k batches running_mean is the plain mean of the k
    batch means.  In evaluation mode the running statistics normalize -- unless
    ``track_running_stats=False``, in which case there are none and batch statistics are used
    in both modes.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: type = np.float64,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean[...] = 0.0
            self.running_var[...] = 1.0
            self.num_batches_tracked[...] = 0

    def forward(self, x: ArrayLike) -> np.ndarray:
        x = _as_float(x)
        _check_batched(x, "BatchNorm")
        mismatch = self._channel_mismatch(x)
        if mismatch:
            raise ValueError(mismatch)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        use_batch_stats = self.training or self.running_mean is None
        return batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, use_batch_stats, factor, self.eps
        )


class LayerNorm(_Module):
    """``nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)``.

    ``weight`` (ones) and ``bias`` (zeros) have shape ``normalized_shape``: one per element, so
    LayerNorm(768) holds 2 * 768 parameters.  No buffers; training and evaluation are the same.
    """

    def __init__(
        self,
        normalized_shape: ShapeLike,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: type = np.float64,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight, self.bias = _affine_params(self.normalized_shape, elementwise_affine, dtype, with_bias=bias)

    def forward(self, x: ArrayLike) -> np.ndarray:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def __repr__(self) -> str:
        return f"LayerNorm({self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine})"


class GroupNorm(_Module):
    """``nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)``: per-channel weight and bias.

    No buffers, no running statistics: training and evaluation are the same.
    """

    def __init__(
        self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, *, dtype: type = np.float64
    ) -> None:
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = int(num_groups), int(num_channels), eps, affine
        self.weight, self.bias = _affine_params(self.num_channels, affine, dtype)

    def forward(self, x: ArrayLike) -> np.ndarray:
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def __repr__(self) -> str:
        return f"GroupNorm({self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine})"


class InstanceNorm(_ChannelNorm):
    """``nn.InstanceNorm1d/2d/3d`` for batched input of any rank: note PyTorch's defaults.

    ``affine=False`` and ``track_running_stats=False`` by default (unlike BatchNorm): no
    parameters, no buffers, instance statistics in training *and* evaluation.  With
    ``track_running_stats=True`` the running statistics are updated in training mode and used in
    evaluation mode; ``momentum=None`` then means factor 0 (the running stats never move) and
    ``num_batches_tracked`` is never incremented -- PyTorch's behaviour, which does not implement
    the cumulative average here.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        *,
        dtype: type = np.float64,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype)

    def forward(self, x: ArrayLike) -> np.ndarray:
        x = _as_float(x)
        _check_batched(x, "InstanceNorm")
        mismatch = self._channel_mismatch(x)
        if mismatch and (self.affine or self.track_running_stats):
            raise ValueError(mismatch)
        if mismatch:
            warnings.warn(mismatch + "; normalizing anyway, as PyTorch does without affine or running stats", stacklevel=2)
        return instance_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            0.0 if self.momentum is None else self.momentum,
            self.eps,
        )


class RMSNorm(_Module):
    """``nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)``: a weight, no bias."""

    _parameter_names = ("weight",)

    def __init__(
        self, normalized_shape: ShapeLike, eps: float | None = None, elementwise_affine: bool = True, *, dtype: type = np.float64
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = np.ones(self.normalized_shape, dtype=dtype) if elementwise_affine else None

    def forward(self, x: ArrayLike) -> np.ndarray:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def __repr__(self) -> str:
        return f"RMSNorm({self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine})"


# --------------------------------------------------------------------------------------------
# Teaching helpers


def fold_batch_norm(
    weight: ArrayLike,
    bias: ArrayLike | None,
    running_mean: ArrayLike,
    running_var: ArrayLike,
    gamma: ArrayLike | None,
    beta: ArrayLike | None,
    eps: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray]:
    """Fold an evaluation-mode BatchNorm into the Linear/Conv before it: ``(fused_weight, fused_bias)``.

    In evaluation mode BN is the fixed affine map ``y = gamma * (z - running_mean) / sqrt(running_var + eps)
    + beta`` per output channel, and ``z = W x + b`` is affine too, so the two compose into one layer::

        s = gamma / sqrt(running_var + eps)
        fused_weight = W * s  (each output channel c, axis 0 of W, scaled by s_c)
        fused_bias   = (b - running_mean) * s + beta

    which is why BatchNorm costs nothing at inference once folded.  ``bias=None`` means b = 0 (a conv
    followed by BN usually has no bias: BN's beta makes it redundant); ``gamma``/``beta`` None mean
    1 and 0 (``affine=False``).

    Shape:
        - weight: (C_out, *), a Linear's (C_out, C_in) or a Conv's (C_out, C_in, kH, kW)
        - bias, running_mean, running_var, gamma, beta: (C_out,)
        - fused_weight: the shape of weight; fused_bias: (C_out,)
    """
    w = _as_float(weight)
    channels = w.shape[0]
    fn = "fold_batch_norm"
    mean = _per_channel(running_mean, "running_mean", channels, 2, fn).astype(np.float64)
    var = _per_channel(running_var, "running_var", channels, 2, fn).astype(np.float64)
    gamma = np.ones(channels) if gamma is None else _per_channel(gamma, "gamma", channels, 2, fn)
    beta = np.zeros(channels) if beta is None else _per_channel(beta, "beta", channels, 2, fn)
    b = np.zeros(channels) if bias is None else _per_channel(bias, "bias", channels, 2, fn)
    scale = gamma / np.sqrt(var + eps)
    fused_weight = w * scale.reshape((channels,) + (1,) * (w.ndim - 1)).astype(w.dtype)
    fused_bias = ((b - mean) * scale + beta).astype(w.dtype)
    return fused_weight, fused_bias


def reduction_axes(method: str, ndim: int) -> tuple[int, ...]:
    """The axes of an (N, C, ...) input of rank ``ndim`` that one statistic averages over.

    ``"batch"``: (0, 2, 3, ...), every axis but C.  ``"layer"``: (1, 2, ...), every axis but N
    (LayerNorm over (C, H, W)).  ``"instance"``: (2, 3, ...), the spatial axes.  ``"group"``:
    (1, 2, ...) like layer, but along axis 1 only the C/G channels of the position's own group.
    In the unified view S_i = {k : k_N = i_N, floor(k_C / (C/G)) = floor(i_C / (C/G))} for GroupNorm.
    """
    if method not in METHODS:
        raise ValueError(f"reduction_axes: unknown method {method!r}; use one of {', '.join(METHODS)}")
    if ndim < 2:
        raise ValueError(f"reduction_axes: an (N, C, ...) input has at least 2 axes, got ndim={ndim}")
    spatial = tuple(range(2, ndim))
    return {"batch": (0, *spatial), "layer": (1, *spatial), "instance": spatial, "group": (1, *spatial)}[method]


def stat_count(shape: Sequence[int], method: str, num_groups: int | None = None) -> int:
    """How many values one mean (and one variance) averages, for an (N, C, ...) input ``shape``.

    BatchNorm N*H*W, LayerNorm C*H*W, InstanceNorm H*W, GroupNorm (C/G)*H*W.  The number of
    statistics is then ``prod(shape) / stat_count`` (C, N, N*C and N*G respectively).
    """
    shape = tuple(int(n) for n in shape)
    axes = reduction_axes(method, len(shape))
    if method != "group":
        return math.prod(shape[axis] for axis in axes)
    channels = shape[1]
    if num_groups is None:
        raise ValueError("stat_count: method 'group' needs num_groups")
    if num_groups <= 0 or channels % num_groups:
        raise ValueError(f"stat_count: the number of channels ({channels}) must be divisible by num_groups ({num_groups})")
    return channels // num_groups * math.prod(shape[2:])


# --------------------------------------------------------------------------------------------
# Weight reparametrizations: spectral normalization and weight standardization


class SpectralNormResult(NamedTuple):
    """What one forward of a spectrally normalized weight produces."""

    weight: np.ndarray  # W / sigma, the weight the layer uses
    sigma: np.ndarray  # the estimate u^T W v of the largest singular value (a 0-d array)
    u: np.ndarray | None  # the updated left singular vector estimate (the buffer _u)
    v: np.ndarray | None  # the updated right singular vector estimate (the buffer _v)


def _unit(x: np.ndarray, eps: float) -> np.ndarray:
    """``F.normalize(x, dim=0, eps=eps)``: ``x / max(||x||_2, eps)``."""
    return x / max(math.sqrt(x @ x), eps)


def _singular_vector(x: ArrayLike | None, size: int, name: str, fn: str) -> np.ndarray:
    """A stored power-iteration vector of the right length, in float64."""
    if x is None:
        raise ValueError(f"{fn}: give {name}, the stored singular vector estimate of length {size}")
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (size,):
        raise ValueError(f"{fn}: {name} must have shape ({size},), got {x.shape}")
    return x


def spectral_norm(
    weight: ArrayLike,
    u: ArrayLike | None = None,
    v: ArrayLike | None = None,
    n_power_iterations: int = 1,
    dim: int = 0,
    eps: float = 1e-12,
    training: bool = True,
    legacy: bool = False,
) -> SpectralNormResult:
    """Spectral normalization (Miyato et al., 2018): ``W_SN = W / sigma(W)``.

    ``sigma(W)``, the largest singular value, is estimated by power iteration from the stored
    vectors ``u`` (length = rows of W) and ``v`` (length = columns).  In training mode each forward
    runs ``n_power_iterations`` steps, in the order of
    ``torch.nn.utils.parametrizations.spectral_norm``::

        u <- normalize(W v)          (the stored u is overwritten without being read)
        v <- normalize(W^T u)
        sigma = u . (W v)
        W_SN  = W / sigma

    with ``normalize(x) = x / max(||x||_2, eps)``.  ``legacy=True`` follows the older
    ``torch.nn.utils.spectral_norm``, which updates v first (``v <- normalize(W^T u)``, then
    ``u <- normalize(W v)``): from the same u and v the two give different numbers.
    ``training=False`` skips the iteration and uses u and v as they are.

    ``sigma`` is not the Frobenius norm ``sqrt(sum W^2)``: dividing by that shrinks every layer
    far more than needed.  A weight with more than two axes is first reshaped to a matrix with
    axis ``dim`` as its rows (``dim=0``: output channels), as PyTorch does.  A 1-D weight (new
    version) is simply ``W / max(||W||, eps)`` and needs no u or v.  The arithmetic runs in
    float64; every result comes back in the weight's dtype.

    Shape:
        - weight: (out, *), any rank >= 1; the matrix is ``weight`` with axis ``dim`` moved first,
          flattened to (rows, cols)
        - u: (rows,); v: (cols,)
        - output: weight the shape of ``weight``, sigma (), u (rows,), v (cols,)
    """
    fn = "spectral_norm"
    w = _as_float(weight)
    if int(n_power_iterations) != n_power_iterations or n_power_iterations < 1:
        raise ValueError(f"{fn}: n_power_iterations must be a positive integer, got {n_power_iterations}")
    if w.ndim == 0:
        raise ValueError(f"{fn}: weight must have at least one axis")
    if not -w.ndim <= dim < w.ndim:
        raise ValueError(f"{fn}: dim={dim} is out of range for a weight of shape {w.shape}")
    w64 = w.astype(np.float64)
    if w.ndim == 1 and not legacy:
        norm = max(math.sqrt(w64 @ w64), eps)
        return SpectralNormResult((w64 / norm).astype(w.dtype), np.asarray(norm, w.dtype), None, None)
    mat = np.moveaxis(w64, dim, 0).reshape(w.shape[dim], -1)
    u = _singular_vector(u, mat.shape[0], "u", fn)
    v = _singular_vector(v, mat.shape[1], "v", fn)
    if training:
        for _ in range(int(n_power_iterations)):
            if legacy:
                v = _unit(mat.T @ u, eps)
                u = _unit(mat @ v, eps)
            else:
                u = _unit(mat @ v, eps)
                v = _unit(mat.T @ u, eps)
    sigma = u @ (mat @ v)
    return SpectralNormResult(
        (w64 / sigma).astype(w.dtype), np.asarray(sigma, w.dtype), u.astype(w.dtype), v.astype(w.dtype)
    )


def weight_standardization(weight: ArrayLike, eps: float = 1e-6) -> np.ndarray:
    """Weight Standardization (Qiao et al., 2019): standardize each output filter of a conv weight.

        mean[o]  = mean(W[o])                      over in_channels x kH x kW
        var[o]   = mean((W[o] - mean[o])^2)        (biased: divide by n)
        W_hat[o] = (W[o] - mean[o]) / sqrt(var[o] + eps)

    This is timm's ``StdConv2d`` (BiT, ViT-hybrid), which runs ``F.batch_norm`` in training mode
    on the weight reshaped to (1, out, -1), with eps = 1e-6.  It normalizes the *weights*, not the
    activations, so it does not depend on the batch; it is paired with GroupNorm to train well with
    micro-batches.  (The paper's reference code divides by the unbiased std plus 1e-5 instead: a
    slightly different number.)

    Shape:
        - weight: (out, *), at least two values per output filter, e.g. (C_out, C_in, kH, kW)
        - output: the shape of weight
    """
    fn = "weight_standardization"
    w = _as_float(weight)
    if w.ndim < 2 or w[0].size < 2:
        raise ValueError(
            f"{fn}: each output filter needs more than 1 value to standardize (as BatchNorm in "
            f"training mode), got a weight of shape {w.shape}"
        )
    mean, var = _moments(w, tuple(range(1, w.ndim)))
    return _normalize(w, mean, var, eps).astype(w.dtype)
