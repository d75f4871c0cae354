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

How the code is organised: :func:`_moments` computes mean and variance over given axes (two
read-only passes), :func:`_normalize` folds mean, variance, weight and bias into one small
``scale`` and ``shift`` per statistic, and :func:`_scale_shift` applies ``x * scale + shift`` to
produce the one output array.  Each op is then a few lines that say which axes.  float64 is the
default; float32 in gives float32 out, with float32 sums kept accurate (see :func:`_sum`).
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np

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
]

#: The methods of the unified view, for :func:`reduction_axes` and :func:`stat_count`.
METHODS = ("batch", "layer", "instance", "group")


# --------------------------------------------------------------------------------------------
# Private helpers: statistics over axes, and the fused scale-and-shift.

#: Arrays up to this many elements use the plain two-pass mean and variance (see _moments).
_SMALL = 4096
#: Longest contiguous run summed in the input's own dtype before float64 takes over.  Runs this
#: short keep float32 rounding error near 1e-7; summing the partial results in float64 keeps it there.
_RUN_MAX = 1 << 15
#: Runs shorter than this are not worth a BLAS call each: sum them with einsum instead.
_RUN_BLAS = 256
#: Use the one-pass variance E[x^2] - E[x]^2 only while E[x^2] <= this times the variance.
#: Beyond it (|mean| > ~2.6 std) the subtraction cancels digits and the two-pass formula is used.
_CANCELLATION_LIMIT = 8.0

#: Elementwise chains on large arrays run on chunks of this many bytes per operand: small enough
#: to stay in cache between the steps of a chain, large enough that the per-chunk overhead vanishes.
_CHUNK_BYTES = 1 << 18

_vecdot = getattr(np, "vecdot", None)  # NumPy >= 2.0; einsum does the same job more slowly


def _as_float(x) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _sum(a: np.ndarray, axes: tuple[int, ...], times: np.ndarray | None = None) -> np.ndarray:
    """Sum of ``a`` (or of ``a * times``) over ``axes``, as float64 with those axes kept as size 1.

    Never builds an ``a * times`` temporary.  The trailing run of reduced axes is summed in the
    input dtype by BLAS (matrix-vector product with ones, or row-wise dot products) in runs of at
    most ``_RUN_MAX`` values; those partial sums are then added in float64.  Without a usable
    trailing run (e.g. BatchNorm on (N, C)), einsum accumulates in float64 directly.
    """
    keep = tuple(1 if axis in axes else n for axis, n in enumerate(a.shape))
    run_axes, run = [], 1
    for axis in reversed(range(a.ndim)):
        if axis not in axes or (run_axes and run * a.shape[axis] > _RUN_MAX):
            break
        run_axes.append(axis)
        run *= a.shape[axis]
    lead = a.ndim - len(run_axes)
    if run < 16 or a.dtype.itemsize < 4:
        index = list(range(a.ndim))
        kept = [axis for axis in index if axis not in axes]
        operands = (a, index) if times is None else (a, index, times, index)
        return np.einsum(*operands, kept, dtype=np.float64).reshape(keep)
    rows = a.reshape(-1, run)  # one 2-D matrix: one BLAS call, not one per leading index
    if times is None:
        partial = rows @ np.ones(run, dtype=a.dtype)
    else:
        other = times.reshape(rows.shape)
        if run < _RUN_BLAS or _vecdot is None:
            partial = np.einsum("rk,rk->r", rows, other)
        else:
            partial = _vecdot(rows, other)
    rest = tuple(axis for axis in axes if axis < lead)
    return np.sum(partial.reshape(a.shape[:lead]), axis=rest, dtype=np.float64).reshape(keep)


def _moments(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and *biased* variance of ``x`` over ``axes`` (float64, axes kept as size 1).

    One pass for E[x] and one for E[x^2] (both read-only), then var = E[x^2] - E[x]^2.  That
    formula is cheap but loses digits when |mean| >> std (catastrophic cancellation; it can even
    go negative), so in that case both are recomputed from the centered data c = x - mean: the
    "corrected two-pass" algorithm, var = E[c^2] - E[c]^2, where E[c] (zero but for rounding)
    also corrects the mean.

    A small array (a hand-worked example) takes the textbook two-pass formula directly: the
    machinery above only pays off when the data does not fit in cache.
    """
    if x.size <= _SMALL:
        x64 = x.astype(np.float64, copy=False)
        mean = x64.mean(axis=axes, keepdims=True)
        return mean, np.square(x64 - mean).mean(axis=axes, keepdims=True)
    count = math.prod(x.shape[axis] for axis in axes)
    mean = _sum(x, axes) / count
    mean_sq = _sum(x, axes, times=x) / count
    var = mean_sq - np.square(mean)
    if np.any(mean_sq > _CANCELLATION_LIMIT * var):
        shift = mean.astype(x.dtype)
        centered = x - shift
        residual = _sum(centered, axes) / count
        var = _sum(centered, axes, times=centered) / count - np.square(residual)
        mean = shift + residual
    return mean, var


def _scale_shift(x: np.ndarray, scale, shift=None, weight=None, bias=None) -> np.ndarray:
    """``(x * scale + shift) * weight + bias`` as a new array in x's dtype, skipping terms that are None.

    Every operand is small and broadcasts against x (one value per statistic, per channel, or per
    element of normalized_shape).  NumPy runs each ufunc as a full pass over memory, so on a large
    array the chain runs on cache-sized chunks instead: ``numpy.nditer``'s buffered external loop
    hands out 256 KiB of every operand at a time, already broadcast, and the data crosses main
    memory once.  That loop is over chunks of memory (x.nbytes / 256 KiB of them), never over
    elements, channels or samples; small arrays take the plain path.
    """
    steps = [(np.multiply, scale), (np.add, shift), (np.multiply, weight), (np.add, bias)]
    steps = [(op, np.asarray(arg, dtype=x.dtype)) for op, arg in steps if arg is not None]
    chunk = _CHUNK_BYTES // x.itemsize
    if x.size <= 4 * chunk:
        out = steps[0][0](x, steps[0][1])
        for op, arg in steps[1:]:
            op(out, arg, out=out)
        return out
    operands = [x, *(arg for _, arg in steps), None]
    flags = [["readonly"]] * (len(operands) - 1) + [["writeonly", "allocate", "no_broadcast"]]
    iterator = np.nditer(operands, ["external_loop", "buffered", "grow_inner"], flags, buffersize=chunk)
    with iterator:
        for x_chunk, *args, out in iterator:
            steps[0][0](x_chunk, args[0], out=out)
            for (op, _), arg in zip(steps[1:], args[1:]):
                op(out, arg, out=out)
        return iterator.operands[-1]


def _rsqrt(value, eps):
    """1 / sqrt(value + eps); eps=0 on a constant slice gives inf (and then nan), as in PyTorch, silently."""
    with np.errstate(divide="ignore"):
        return 1.0 / np.sqrt(value + eps)


def _normalize(x, axes, eps, weight=None, bias=None, mean=None, var=None):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` with statistics over ``axes``.

    Returns ``(y, mean, var)``.  Given ``mean`` and ``var`` (running statistics) it uses them.
    The four operations fold into ``x * scale + shift`` with one small ``scale`` and ``shift`` per
    statistic: ``scale = weight / sqrt(var + eps)``, ``shift = bias - mean * scale``.  The weight and
    bias must broadcast against the statistics (per channel, not per element).
    """
    if mean is None:
        mean, var = _moments(x, axes)
    with np.errstate(invalid="ignore"):  # eps=0 on a constant slice: nan, as in PyTorch
        scale = _rsqrt(var, eps)
        if weight is not None:
            scale = scale * weight
        shift = -mean * scale if bias is None else bias - mean * scale
        return _scale_shift(x, scale, shift), mean, var


def _check_batched(x, fn, what="(N, C, ...)"):
    if x.ndim < 2:
        raise ValueError(f"{fn}: expected input of shape {what} with at least 2 axes, got shape {x.shape}")


def _per_channel(p, name, channels, ndim, fn):
    """A per-channel array (weight, bias, running stats) reshaped to (C, 1, ..., 1) for an ndim input."""
    if p is None:
        return None
    p = np.asarray(p)
    if p.size != channels:
        raise ValueError(f"{fn}: {name} should have {channels} values (one per channel), got shape {p.shape}")
    return p.reshape((channels,) + (1,) * (ndim - 2))


def _trailing_shape(normalized_shape, x, fn):
    """``normalized_shape`` as a tuple, checked against the input's trailing axes."""
    shape = (int(normalized_shape),) if np.ndim(normalized_shape) == 0 else tuple(int(n) for n in normalized_shape)
    if not shape:
        raise ValueError(f"{fn}: normalized_shape must name at least one axis, got ()")
    if x.shape[x.ndim - len(shape):] != shape or len(shape) > x.ndim:
        raise ValueError(
            f"{fn}: normalized_shape={shape} must equal the last {len(shape)} axes of the input, "
            f"got input of shape {x.shape}"
        )
    return shape


def _elementwise(p, name, shape, fn):
    if p is None:
        return None
    p = np.asarray(p)
    if p.shape != shape:
        raise ValueError(f"{fn}: {name} should have shape {shape} (the normalized_shape), got {p.shape}")
    return p


def _update_running_stats(running_mean, running_var, mean, var, count, momentum, fn):
    """PyTorch's update, in place: ``running = (1 - momentum) * running + momentum * batch``.

    ``var`` is the biased batch variance (the one that normalized); running_var receives the
    unbiased one, ``var * n / (n - 1)``, as an estimate of the population variance.
    """
    for name, buffer in (("running_mean", running_mean), ("running_var", running_var)):
        if not isinstance(buffer, np.ndarray):
            raise TypeError(f"{fn}: {name} must be a NumPy array, because it is updated in place")
    running_mean *= 1.0 - momentum
    running_mean += (momentum * mean).reshape(running_mean.shape)
    running_var *= 1.0 - momentum
    running_var += (momentum * var * (count / (count - 1))).reshape(running_var.shape)


def _both_or_neither(running_mean, running_var, fn):
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{fn}: running_mean and running_var must both be given or both be None")


# --------------------------------------------------------------------------------------------
# Forward functions (torch.nn.functional)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """BatchNorm: normalize each channel with statistics over the batch and all spatial axes.

    ``y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c`` for an input (N, C, ...) of any
    rank >= 2; the statistics average over every axis but 1 (N*H*W values per channel for images).

    - ``training=True``: the batch's mean and *biased* variance normalize.  If running stats are
      given they are updated **in place**: ``running_mean = (1 - momentum) * running_mean +
      momentum * mean`` and running_var likewise with the *unbiased* variance (n / (n - 1)).
      One value per channel (e.g. a batch of one vector) cannot have a variance: ValueError.
    - ``training=False``: the running statistics normalize (evaluation mode), so the output of a
      sample does not depend on the rest of the batch.  Both running arrays are required.

    Unlike PyTorch, ``eps=0`` is allowed while training, so hand-worked examples come out exact.
    """
    x = _as_float(input)
    fn = "batch_norm"
    _check_batched(x, fn)
    _both_or_neither(running_mean, running_var, fn)
    channels = x.shape[1]
    weight = _per_channel(weight, "weight", channels, x.ndim, fn)
    bias = _per_channel(bias, "bias", channels, x.ndim, fn)
    axes = (0, *range(2, x.ndim))
    if training:
        count = x.shape[0] * math.prod(x.shape[2:])
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input of shape {x.shape}")
        y, mean, var = _normalize(x, axes, eps, weight, bias)
        if running_mean is not None:
            _update_running_stats(running_mean, running_var, mean, var, count, momentum, fn)
        return y
    if running_mean is None:
        raise ValueError(
            f"{fn}: running_mean and running_var are required when training=False "
            "(evaluation mode normalizes with the running statistics)"
        )
    mean = _per_channel(running_mean, "running_mean", channels, x.ndim, fn)
    var = _per_channel(running_var, "running_var", channels, x.ndim, fn)
    return _normalize(x, axes, eps, weight, bias, mean=mean, var=var)[0]


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """LayerNorm: normalize each sample over its trailing ``normalized_shape`` axes.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with mean and biased variance over the
    last ``len(normalized_shape)`` axes; ``weight`` and ``bias`` have shape ``normalized_shape``
    (one per element, not per channel).  Nothing depends on the batch, so training and evaluation
    behave the same and batch size 1 is fine: that, and variable sequence lengths, is why
    Transformers and RNNs use it.  ``normalized_shape=(C, H, W)`` on images is GroupNorm with G=1.
    """
    x = _as_float(input)
    fn = "layer_norm"
    shape = _trailing_shape(normalized_shape, x, fn)
    weight = _elementwise(weight, "weight", shape, fn)
    bias = _elementwise(bias, "bias", shape, fn)
    mean, var = _moments(x, tuple(range(x.ndim - len(shape), x.ndim)))
    inv_std = _rsqrt(var, eps)
    with np.errstate(invalid="ignore"):
        return _scale_shift(x, inv_std, -mean * inv_std, weight, bias)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """GroupNorm: split the C channels into ``num_groups`` groups; normalize each group of each sample.

    Statistics average over (C / G) channels and all spatial axes of one sample; ``weight`` and
    ``bias`` are per channel.  G = 1 is LayerNorm over (C, H, W); G = C is InstanceNorm.  Like
    LayerNorm it ignores the batch, which is why detection and segmentation models trained with
    1-2 images per GPU use it instead of BatchNorm.  C must be divisible by G.
    """
    x = _as_float(input)
    fn = "group_norm"
    _check_batched(x, fn)
    n, channels = x.shape[:2]
    if num_groups <= 0 or channels % num_groups:
        raise ValueError(
            f"{fn}: the number of channels ({channels}) must be divisible by num_groups ({num_groups}), "
            f"input of shape {x.shape}"
        )
    weight = _per_channel(weight, "weight", channels, x.ndim, fn)
    bias = _per_channel(bias, "bias", channels, x.ndim, fn)
    grouped_shape = (n, num_groups, channels // num_groups, *x.shape[2:])
    grouped = x.reshape(grouped_shape)
    param_shape = (num_groups, channels // num_groups) + (1,) * (x.ndim - 2)
    weight = None if weight is None else weight.reshape(param_shape)
    bias = None if bias is None else bias.reshape(param_shape)
    y = _normalize(grouped, tuple(range(2, grouped.ndim)), eps, weight, bias)[0]
    return y.reshape(x.shape)


def instance_norm(
    input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-5
):
    """InstanceNorm: normalize each channel of each sample over its spatial axes only (H*W values).

    It removes per-image contrast and style, which is why style transfer uses it.  With
    ``use_input_stats=True`` (the default) the instance's own statistics normalize; if running
    stats are given they are updated in place like BatchNorm's, with the per-instance means and
    unbiased variances averaged over the batch.  ``use_input_stats=False`` normalizes with the
    running statistics.  Note the module defaults: ``affine=False, track_running_stats=False``.
    """
    x = _as_float(input)
    fn = "instance_norm"
    _check_batched(x, fn)
    _both_or_neither(running_mean, running_var, fn)
    channels = x.shape[1]
    weight = _per_channel(weight, "weight", channels, x.ndim, fn)
    bias = _per_channel(bias, "bias", channels, x.ndim, fn)
    axes = tuple(range(2, x.ndim))
    if use_input_stats:
        count = math.prod(x.shape[2:])
        if count <= 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input of shape {x.shape}")
        y, mean, var = _normalize(x, axes, eps, weight, bias)
        if running_mean is not None:
            _update_running_stats(running_mean, running_var, mean.mean(axis=0), var.mean(axis=0), count, momentum, fn)
        return y
    if running_mean is None:
        raise ValueError(f"{fn}: running_mean and running_var are required when use_input_stats=False")
    mean = _per_channel(running_mean, "running_mean", channels, x.ndim, fn)
    var = _per_channel(running_var, "running_var", channels, x.ndim, fn)
    return _normalize(x, axes, eps, weight, bias, mean=mean, var=var)[0]


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """RMSNorm: ``y = x / sqrt(mean(x^2) + eps) * weight`` over the trailing ``normalized_shape`` axes.

    LayerNorm without the mean subtraction and without a bias: one statistic instead of two,
    re-scaling invariant but not re-centering invariant.  LLaMA-style models use it because it is
    cheaper and works as well.  ``eps=None`` means the machine epsilon of the input's dtype
    (``np.finfo(dtype).eps``: 2.2e-16 for float64, 1.2e-7 for float32), as in PyTorch.
    """
    x = _as_float(input)
    fn = "rms_norm"
    shape = _trailing_shape(normalized_shape, x, fn)
    weight = _elementwise(weight, "weight", shape, fn)
    eps = np.finfo(x.dtype).eps if eps is None else eps
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    mean_sq = _sum(x, axes, times=x) / math.prod(shape)
    return _scale_shift(x, _rsqrt(mean_sq, eps), weight=weight)


def _weight_norm_axes(v, dim, fn):
    """The axes the norm runs over: all but ``dim``; all of them for ``dim=None`` or ``dim=-1``."""
    if dim is None or dim == -1:
        return tuple(range(v.ndim))
    if not -v.ndim <= dim < v.ndim:
        raise ValueError(f"{fn}: dim={dim} is out of range for v of shape {v.shape}")
    dim %= v.ndim
    return tuple(axis for axis in range(v.ndim) if axis != dim)


def _weight_norm_g(g, norm_shape, fn):
    g = np.asarray(g)
    if g.size != math.prod(norm_shape):
        raise ValueError(
            f"{fn}: g should have {math.prod(norm_shape)} values (one per slice along dim), got shape {g.shape}"
        )
    return g.reshape(norm_shape)


def weight_norm(v, g, dim=0):
    """Weight normalization: ``w = g * v / ||v||``, the norm over every axis but ``dim``.

    The direction (v / ||v||) and the length (g) of each output unit's weight vector become
    separate parameters, which conditions gradient descent better; no batch statistics are
    involved, so it works with any batch size and in RNNs.  ``dim=0`` gives one g per output
    unit (row of a Linear weight, filter of a Conv weight).  ``dim=None`` takes one norm over the
    whole tensor -- and, a PyTorch quirk, so does ``dim=-1`` (it does *not* mean the last axis).
    ``g`` may be shaped like PyTorch's ``weight_g`` (e.g. (C_out, 1, 1, 1)) or flat.
    """
    v = _as_float(v)
    fn = "weight_norm"
    axes = _weight_norm_axes(v, dim, fn)
    norm = np.sqrt(_sum(v, axes, times=v))
    g = _weight_norm_g(g, norm.shape, fn)
    return _scale_shift(v, g / norm)


# --------------------------------------------------------------------------------------------
# Backward functions: closed forms with training-mode statistics


def _recentered(x, mean, var):
    """``(x, mean)``, or a centered copy ``(x - m, mean - m)`` (m = mean rounded to x's dtype) when |mean| >> std.

    The backward passes use sums like sum(dy * x) - mean * sum(dy) in place of sum(dy * (x - mean)),
    which cancel digits exactly when E[x^2] - E[x]^2 does; then they get a centered copy instead.
    """
    if np.any(np.square(mean) > (_CANCELLATION_LIMIT - 1.0) * var):
        shift = mean.astype(x.dtype)
        return x - shift, mean - shift
    return x, mean


def _check_grad(grad_output, x, fn):
    dy = np.asarray(grad_output, dtype=x.dtype)
    if dy.shape != x.shape:
        raise ValueError(f"{fn}: grad_output has shape {dy.shape} but input has shape {x.shape}")
    return dy


def _channel_norm_backward(dy, x, stat_axes, spatial_axes, eps, weight):
    """Backward of ``y = x_hat * weight + bias``, x_hat normalized over ``stat_axes``, weight per channel.

    The classic closed form, with m values per statistic and g = dy * weight::

        dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)

    mean(g) is the path through the mean, the x_hat term the path through the variance: dx sums to
    zero over each statistic's values and (exactly so for eps = 0) is orthogonal to x_hat there.  Since weight, mean and
    inv_std are constant over the spatial axes, dx = a * dy + b * x + c with small per-channel
    a, b, c, and every sum is a spatial sum of dy or dy * x, taken once.

    Returns ``(grad_input, sum_dy, sum_dy_x_hat)``, the sums per (sample, channel) so the caller can
    form grad_bias and grad_weight by summing over the batch.  Used by BatchNorm, InstanceNorm and
    GroupNorm (the latter on its (N, G, C/G, ...) view).
    """
    count = math.prod(x.shape[axis] for axis in stat_axes)
    mean, var = _moments(x, stat_axes)
    inv_std = _rsqrt(var, eps)
    x, mean = _recentered(x, mean, var)
    sum_dy = _sum(dy, spatial_axes)
    sum_dy_x_hat = (_sum(dy, spatial_axes, times=x) - mean * sum_dy) * inv_std
    w = 1.0 if weight is None else weight
    across = tuple(axis for axis in stat_axes if axis not in spatial_axes)  # batch (BN), channels of a group (GN)
    mean_g = np.sum(w * sum_dy, axis=across, keepdims=True) / count
    mean_g_x_hat = np.sum(w * sum_dy_x_hat, axis=across, keepdims=True) / count
    b = -np.square(inv_std) * mean_g_x_hat
    grad_input = _scale_shift(x, b, -inv_std * mean_g - b * mean)
    grad_input += _scale_shift(dy, w * inv_std)
    return grad_input, sum_dy, sum_dy_x_hat


def _channel_param_grads(weight, sum_dy, sum_dy_x_hat, dtype):
    """grad_weight = sum(dy * x_hat) and grad_bias = sum(dy) per channel, or (None, None)."""
    if weight is None:
        return None, None
    shape = np.shape(weight)
    return (
        sum_dy_x_hat.sum(axis=0).reshape(shape).astype(dtype),
        sum_dy.sum(axis=0).reshape(shape).astype(dtype),
    )


def batch_norm_backward(grad_output, input, weight=None, eps=1e-5):
    """Gradients of training-mode :func:`batch_norm`: ``(grad_input, grad_weight, grad_bias)``.

    With x_hat normalized over the m = N*H*W values of a channel and g = dy * weight::

        grad_input  = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)
        grad_weight = sum(dy * x_hat),   grad_bias = sum(dy)      (per channel)

    The batch statistics depend on every sample, so each sample's gradient depends on the whole
    batch -- the two terms a "treat mean and var as constants" derivation misses.
    grad_weight and grad_bias are None when weight is None.
    """
    x = _as_float(input)
    fn = "batch_norm_backward"
    _check_batched(x, fn)
    dy = _check_grad(grad_output, x, fn)
    if x.shape[0] * math.prod(x.shape[2:]) <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input of shape {x.shape}")
    w = _per_channel(weight, "weight", x.shape[1], x.ndim, fn)
    spatial = tuple(range(2, x.ndim))
    grad_input, sum_dy, sum_dy_x_hat = _channel_norm_backward(dy, x, (0, *spatial), spatial, eps, w)
    return (grad_input, *_channel_param_grads(weight, sum_dy, sum_dy_x_hat, x.dtype))


def instance_norm_backward(grad_output, input, weight=None, eps=1e-5):
    """Gradients of :func:`instance_norm` with input statistics: ``(grad_input, grad_weight, grad_bias)``.

    The BatchNorm formula with each statistic over one instance's spatial axes (H*W values);
    the weight and bias gradients still sum over the batch and spatial axes (they are per channel).
    """
    x = _as_float(input)
    fn = "instance_norm_backward"
    _check_batched(x, fn)
    dy = _check_grad(grad_output, x, fn)
    if math.prod(x.shape[2:]) <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input of shape {x.shape}")
    w = _per_channel(weight, "weight", x.shape[1], x.ndim, fn)
    spatial = tuple(range(2, x.ndim))
    grad_input, sum_dy, sum_dy_x_hat = _channel_norm_backward(dy, x, spatial, spatial, eps, w)
    return (grad_input, *_channel_param_grads(weight, sum_dy, sum_dy_x_hat, x.dtype))


def group_norm_backward(grad_output, input, num_groups, weight=None, eps=1e-5):
    """Gradients of :func:`group_norm`: ``(grad_input, grad_weight, grad_bias)``.

    The BatchNorm formula with each statistic over one group of one sample; g = dy * weight
    varies inside a group (weight is per channel), which the closed form handles as is.
    """
    x = _as_float(input)
    fn = "group_norm_backward"
    _check_batched(x, fn)
    dy = _check_grad(grad_output, x, fn)
    n, channels = x.shape[:2]
    if num_groups <= 0 or channels % num_groups:
        raise ValueError(f"{fn}: the number of channels ({channels}) must be divisible by num_groups ({num_groups})")
    w = _per_channel(weight, "weight", channels, x.ndim, fn)
    grouped = (n, num_groups, channels // num_groups, *x.shape[2:])
    w = None if w is None else w.reshape(grouped[1:3] + (1,) * (x.ndim - 2))
    spatial = tuple(range(3, len(grouped)))
    grad_input, sum_dy, sum_dy_x_hat = _channel_norm_backward(
        dy.reshape(grouped), x.reshape(grouped), (2, *spatial), spatial, eps, w
    )
    return (grad_input.reshape(x.shape), *_channel_param_grads(weight, sum_dy, sum_dy_x_hat, x.dtype))


def layer_norm_backward(grad_output, input, normalized_shape, weight=None, eps=1e-5):
    """Gradients of :func:`layer_norm`: ``(grad_input, grad_weight, grad_bias)``.

    The BatchNorm formula with the statistics over the normalized (trailing) axes of one sample::

        grad_input = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps),   g = dy * weight

    weight and bias are per element, so their gradients sum dy * x_hat and dy over the leading
    (batch) axes.
    """
    x = _as_float(input)
    fn = "layer_norm_backward"
    dy = _check_grad(grad_output, x, fn)
    shape = _trailing_shape(normalized_shape, x, fn)
    weight = _elementwise(weight, "weight", shape, fn)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    lead = tuple(range(x.ndim - len(shape)))
    count = math.prod(shape)
    mean, var = _moments(x, axes)
    inv_std = _rsqrt(var, eps)
    x, mean = _recentered(x, mean, var)
    grad_weight = grad_bias = None
    if weight is not None:
        x_hat = _scale_shift(x, inv_std, -mean * inv_std)
        grad_weight = _sum(dy, lead, times=x_hat).reshape(shape).astype(x.dtype)
        grad_bias = _sum(dy, lead).reshape(shape).astype(x.dtype)
        del x_hat
    g = dy if weight is None else dy * weight.astype(x.dtype, copy=False)
    sum_g = _sum(g, axes)
    mean_g_x_hat = (_sum(g, axes, times=x) - mean * sum_g) * inv_std / count
    b = -np.square(inv_std) * mean_g_x_hat
    grad_input = _scale_shift(x, b, -inv_std * sum_g / count - b * mean)
    grad_input += _scale_shift(g, inv_std)
    return grad_input, grad_weight, grad_bias


def rms_norm_backward(grad_output, input, normalized_shape, weight=None, eps=None):
    """Gradients of :func:`rms_norm`: ``(grad_input, grad_weight)`` (there is no bias).

    With r = 1 / sqrt(mean(x^2) + eps) over the normalized axes and g = dy * weight::

        grad_input  = r * (g - x * r^2 * mean(g * x))
        grad_weight = sum(dy * x * r)        (over the leading axes)

    No mean(g) term: nothing was subtracted in the forward pass.
    """
    x = _as_float(input)
    fn = "rms_norm_backward"
    dy = _check_grad(grad_output, x, fn)
    shape = _trailing_shape(normalized_shape, x, fn)
    weight = _elementwise(weight, "weight", shape, fn)
    eps = np.finfo(x.dtype).eps if eps is None else eps
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    count = math.prod(shape)
    r = _rsqrt(_sum(x, axes, times=x) / count, eps)
    grad_weight = None
    if weight is not None:
        x_hat = _scale_shift(x, r)
        grad_weight = _sum(dy, tuple(range(x.ndim - len(shape))), times=x_hat).reshape(shape).astype(x.dtype)
        del x_hat
    g = dy if weight is None else dy * weight.astype(x.dtype, copy=False)
    mean_gx = _sum(g, axes, times=x) / count
    grad_input = _scale_shift(x, -(r**3) * mean_gx)
    grad_input += _scale_shift(g, r)
    return grad_input, grad_weight


def weight_norm_backward(grad_w, v, g, dim=0):
    """Gradients of :func:`weight_norm`: ``(grad_v, grad_g)`` from ``grad_w = dL/dw``.

    With u = v / ||v|| (per slice along ``dim``)::

        grad_g = sum(grad_w * u)                    (one per slice, shaped like g)
        grad_v = g / ||v|| * (grad_w - u * grad_g)

    grad_v is orthogonal to v: a gradient step turns v and (to first order) never changes its
    length -- the length is g's job.
    """
    v = _as_float(v)
    fn = "weight_norm_backward"
    dw = _check_grad(grad_w, v, fn)
    axes = _weight_norm_axes(v, dim, fn)
    norm = np.sqrt(_sum(v, axes, times=v))
    g_arr = _weight_norm_g(g, norm.shape, fn)
    grad_g = _sum(dw, axes, times=v) / norm
    grad_v = _scale_shift(v, -g_arr * grad_g / np.square(norm))
    grad_v += _scale_shift(dw, g_arr / norm)
    return grad_v, grad_g.reshape(np.shape(g)).astype(v.dtype)


# --------------------------------------------------------------------------------------------
# Module-style classes: where PyTorch keeps parameters or state


class _Module:
    """What the norm modules share: a ``training`` flag and parameter/buffer listings.

    Parameters are learned by gradient descent (weight, bias); buffers are state that is saved
    with the model but not learned (running_mean, running_var, num_batches_tracked).
    """

    _parameter_names: tuple[str, ...] = ("weight", "bias")
    _buffer_names: tuple[str, ...] = ()

    def __init__(self):
        self.training = True

    def train(self, mode: bool = True):
        """Training mode (``mode=True``) or evaluation mode; returns self, as PyTorch."""
        self.training = bool(mode)
        return self

    def eval(self):
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

    def __call__(self, x):
        return self.forward(x)


def _affine_params(shape, enabled, dtype, with_bias=True):
    if not enabled:
        return None, None
    return np.ones(shape, dtype=dtype), (np.zeros(shape, dtype=dtype) if with_bias else None)


def _running_buffers(channels, enabled, dtype):
    """running_mean (zeros), running_var (ones) and the num_batches_tracked count, or Nones."""
    if not enabled:
        return None, None, None
    return np.zeros(channels, dtype=dtype), np.ones(channels, dtype=dtype), np.array(0, dtype=np.int64)


class BatchNorm(_Module):
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

    _buffer_names = ("running_mean", "running_var", "num_batches_tracked")

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, *, dtype=np.float64):
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight, self.bias = _affine_params(self.num_features, affine, dtype)
        self.running_mean, self.running_var, self.num_batches_tracked = _running_buffers(
            self.num_features, track_running_stats, dtype
        )

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean[...] = 0.0
            self.running_var[...] = 1.0
            self.num_batches_tracked[...] = 0

    def forward(self, x):
        x = _as_float(x)
        _check_batched(x, "BatchNorm")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm({self.num_features}): expected {self.num_features} channels on axis 1, got input of shape {x.shape}"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        use_batch_stats = self.training or self.running_mean is None
        return batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, use_batch_stats, factor, self.eps
        )

    def __repr__(self):
        return (
            f"BatchNorm({self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats})"
        )


class LayerNorm(_Module):
    """``nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)``.

    ``weight`` (ones) and ``bias`` (zeros) have shape ``normalized_shape``: one per element, so
    LayerNorm(768) holds 2 * 768 parameters.  No buffers; training and evaluation are the same.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, *, dtype=np.float64):
        super().__init__()
        shape = normalized_shape
        self.normalized_shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight, self.bias = _affine_params(self.normalized_shape, elementwise_affine, dtype, with_bias=bias)

    def forward(self, x):
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def __repr__(self):
        return f"LayerNorm({self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine})"


class GroupNorm(_Module):
    """``nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)``: per-channel weight and bias.

    No buffers, no running statistics: training and evaluation are the same.
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, *, dtype=np.float64):
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = int(num_groups), int(num_channels), eps, affine
        self.weight, self.bias = _affine_params(self.num_channels, affine, dtype)

    def forward(self, x):
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def __repr__(self):
        return f"GroupNorm({self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine})"


class InstanceNorm(_Module):
    """``nn.InstanceNorm1d/2d/3d`` for batched input of any rank: note PyTorch's defaults.

    ``affine=False`` and ``track_running_stats=False`` by default (unlike BatchNorm): no
    parameters, no buffers, instance statistics in training *and* evaluation.  With
    ``track_running_stats=True`` the running statistics are updated in training mode and used in
    evaluation mode; ``momentum=None`` then means factor 0 (the running stats never move) and
    ``num_batches_tracked`` is never incremented -- PyTorch's behaviour, which does not implement
    the cumulative average here.
    """

    _buffer_names = ("running_mean", "running_var", "num_batches_tracked")

    def __init__(
        self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, *, dtype=np.float64
    ):
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight, self.bias = _affine_params(self.num_features, affine, dtype)
        self.running_mean, self.running_var, self.num_batches_tracked = _running_buffers(
            self.num_features, track_running_stats, dtype
        )

    def forward(self, x):
        x = _as_float(x)
        _check_batched(x, "InstanceNorm")
        if x.shape[1] != self.num_features:
            message = (
                f"InstanceNorm({self.num_features}): expected {self.num_features} channels on axis 1, "
                f"got input of shape {x.shape}"
            )
            if self.affine or self.track_running_stats:
                raise ValueError(message)
            warnings.warn(message + "; normalizing anyway, as PyTorch does without affine or running stats", stacklevel=2)
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

    def __repr__(self):
        return (
            f"InstanceNorm({self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats})"
        )


class RMSNorm(_Module):
    """``nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)``: a weight, no bias."""

    _parameter_names = ("weight",)

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, *, dtype=np.float64):
        super().__init__()
        shape = normalized_shape
        self.normalized_shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = np.ones(self.normalized_shape, dtype=dtype) if elementwise_affine else None

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def __repr__(self):
        return f"RMSNorm({self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine})"


# --------------------------------------------------------------------------------------------
# Teaching helpers


def fold_batch_norm(weight, bias, running_mean, running_var, gamma, beta, eps=1e-5):
    """Fold an evaluation-mode BatchNorm into the Linear/Conv before it: ``(fused_weight, fused_bias)``.

    In evaluation mode BN is the fixed affine map ``y = gamma * (z - running_mean) / sqrt(running_var + eps)
    + beta`` per output channel, and ``z = W x + b`` is affine too, so the two compose into one layer::

        s = gamma / sqrt(running_var + eps)
        fused_weight = W * s  (each output channel c, axis 0 of W, scaled by s_c)
        fused_bias   = (b - running_mean) * s + beta

    which is why BatchNorm costs nothing at inference once folded.  ``bias=None`` means b = 0 (a conv
    followed by BN usually has no bias: BN's beta makes it redundant); ``gamma``/``beta`` None mean
    1 and 0 (``affine=False``).
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


def reduction_axes(method, ndim):
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


def stat_count(shape, method, num_groups=None):
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

__all__ += ["SpectralNormResult", "spectral_norm", "weight_standardization"]


class SpectralNormResult(NamedTuple):
    """What one forward of a spectrally normalized weight produces."""

    weight: np.ndarray  # W / sigma, the weight the layer uses
    sigma: np.ndarray  # the estimate u^T W v of the largest singular value (a 0-d array)
    u: np.ndarray | None  # the updated left singular vector estimate (the buffer _u)
    v: np.ndarray | None  # the updated right singular vector estimate (the buffer _v)


def _unit(x: np.ndarray, eps: float) -> np.ndarray:
    """``F.normalize(x, dim=0, eps=eps)``: ``x / max(||x||_2, eps)``."""
    return x / max(np.sqrt(x @ x), x.dtype.type(eps))


def _vector(x, size: int, name: str, dtype, fn: str) -> np.ndarray:
    """A stored power-iteration vector of the right length, in the weight's dtype."""
    if x is None:
        raise ValueError(f"{fn}: give {name}, the stored singular vector estimate of length {size}")
    x = np.asarray(x, dtype=dtype)
    if x.shape != (size,):
        raise ValueError(f"{fn}: {name} must have shape ({size},), got {x.shape}")
    return x


def spectral_norm(
    weight,
    u=None,
    v=None,
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
    version) is simply ``W / max(||W||, eps)`` and needs no u or v.

    Shape:
        weight: (out, ...) -- any rank >= 1
        u: (rows,), v: (cols,) where the matrix is ``weight`` moved so ``dim`` is first, then
        flattened to (rows, cols)
        returns weight (like ``weight``), sigma (), u (rows,), v (cols,)
    """
    fn = "spectral_norm"
    w = _as_float(weight)
    if int(n_power_iterations) != n_power_iterations or n_power_iterations < 1:
        raise ValueError(f"{fn}: n_power_iterations must be a positive integer, got {n_power_iterations}")
    if w.ndim == 0:
        raise ValueError(f"{fn}: weight must have at least one axis")
    if not -w.ndim <= dim < w.ndim:
        raise ValueError(f"{fn}: dim={dim} is out of range for a weight of shape {w.shape}")
    if w.ndim == 1 and not legacy:
        norm = max(np.sqrt(w @ w), w.dtype.type(eps))
        return SpectralNormResult(w / norm, np.asarray(norm), None, None)
    mat = np.moveaxis(w, dim, 0).reshape(w.shape[dim], -1)
    u = _vector(u, mat.shape[0], "u", w.dtype, fn)
    v = _vector(v, mat.shape[1], "v", w.dtype, fn)
    if training:
        for _ in range(int(n_power_iterations)):
            if legacy:
                v = _unit(mat.T @ u, eps)
                u = _unit(mat @ v, eps)
            else:
                u = _unit(mat @ v, eps)
                v = _unit(mat.T @ u, eps)
    sigma = u @ (mat @ v)
    return SpectralNormResult(w / sigma, np.asarray(sigma), u, v)


def weight_standardization(weight, eps: float = 1e-6) -> np.ndarray:
    """Weight Standardization (Qiao et al., 2019): standardize each output filter of a conv weight.

        W_hat[o] = (W[o] - mean(W[o])) / sqrt(var(W[o]) + eps)

    with the mean and the biased variance over every axis but the first (in_channels x kH x kW for
    a Conv2d weight (out, in, kH, kW)).  This is timm's ``StdConv2d`` (BiT, ViT-hybrid), which runs
    ``F.batch_norm`` in training mode on the weight reshaped to (1, out, -1), with eps = 1e-6.
    It normalizes the *weights*, not the activations, so it does not depend on the batch; it is
    paired with GroupNorm to train well with micro-batches.  (The paper's reference code divides
    by the unbiased std plus 1e-5 instead: a slightly different number.)

    Shape:
        weight: (out, ...) with at least two values per filter; returns the same shape
    """
    fn = "weight_standardization"
    w = _as_float(weight)
    if w.ndim < 2 or w[0].size < 2:
        raise ValueError(
            f"{fn}: each output filter needs more than 1 value to standardize (as BatchNorm in "
            f"training mode), got a weight of shape {w.shape}"
        )
    axes = tuple(range(1, w.ndim))
    mean = w.mean(axis=axes, keepdims=True)
    var = np.square(w - mean).mean(axis=axes, keepdims=True)
    return (w - mean) / np.sqrt(var + w.dtype.type(eps))
