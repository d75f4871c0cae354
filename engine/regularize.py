"""Explicit regularization and the optimizers it lives in: cross-entropy with label smoothing,
class weights and ignored targets, L1/L2 penalties, SGD/Adam/AdamW (and AMSGrad) steps, gradient
clipping by the total norm, and early stopping.

The optimizer steps reproduce ``torch.optim`` (single-tensor code path) after any number of steps,
so the interview classic "L2 regularization is not weight decay in Adam" can be computed:

- SGD: adding ``lam * ||w||^2`` to the loss adds ``2 * lam * w`` to the gradient, which is exactly
  SGD's ``weight_decay = 2 * lam``.  For plain SGD, L2 and weight decay are the same thing.
- Adam (``torch.optim.Adam(weight_decay=wd)``): ``wd * w`` is added to the gradient *before* the
  moments ("coupled"), so the decay is divided by ``sqrt(v_hat)`` like the rest of the gradient:
  weights with large gradients are barely decayed.
- AdamW (Loshchilov & Hutter, 2019): the decay is applied to the weights directly,
  ``w <- w * (1 - lr * wd)``, outside the adaptive step ("decoupled"): every weight shrinks at the
  same relative rate.

The step functions never modify the caller's arrays: each returns a new parameter array and a new
state object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "cross_entropy",
    "cross_entropy_weighted",
    "l1_penalty",
    "l1_grad",
    "l2_penalty",
    "l2_grad",
    "SGDState",
    "AdamState",
    "AMSGradState",
    "sgd_step",
    "adam_step",
    "adamw_step",
    "ClipGradResult",
    "clip_grad_norm",
    "EarlyStopping",
    "EarlyStoppingRun",
    "keras_early_stopping",
]

_REDUCTIONS = ("mean", "sum", "none")


def _as_float(x: ArrayLike) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


# --------------------------------------------------------------------------- cross-entropy


def _log_softmax(logits: np.ndarray, axis: int) -> np.ndarray:
    """log p_k = z_k - logsumexp(z), with the max subtracted first so exp never overflows."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _checked_logits(
    input: ArrayLike, reduction: str, label_smoothing: float, where: str
) -> tuple[np.ndarray, int, float]:
    """The logits as a float array, their class axis (1, or 0 unbatched) and the smoothing eps."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{where}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"{where}: label_smoothing must be between 0.0 and 1.0, got {eps}")
    logits = _as_float(input)
    if logits.ndim == 0:
        raise ValueError(f"{where}: input must be logits (N, K) or (K,), got a scalar")
    return logits, (0 if logits.ndim == 1 else 1), eps


def _check_class_indices(
    target: np.ndarray, logits: np.ndarray, class_axis: int, where: str, ignore_index: int | None = None
) -> None:
    """Class indices must be shaped like the logits without their class axis and lie in [0, K)
    (``ignore_index`` excepted)."""
    expected = logits.shape[:class_axis] + logits.shape[class_axis + 1:]
    if target.shape != expected:
        raise ValueError(
            f"{where}: class-index target must have shape {expected} for input {logits.shape},"
            f" got {target.shape}"
        )
    num_classes = logits.shape[class_axis]
    bad = (target < 0) | (target >= num_classes)
    if ignore_index is not None:
        bad &= target != ignore_index
    if bad.any():
        raise ValueError(f"{where}: target {target[bad].flat[0]} is out of bounds for {num_classes} classes")


def _pick(logp: np.ndarray, target: np.ndarray, class_axis: int) -> np.ndarray:
    """``log p[y]``: each position's log-probability of its target class."""
    picked = np.take_along_axis(logp, np.expand_dims(target, class_axis), axis=class_axis)
    return picked.squeeze(class_axis)


def _reduce(losses: np.ndarray, reduction: str, divisor: np.ndarray | None = None) -> np.ndarray | np.floating:
    """``'none'``: the losses; ``'sum'``: their sum; ``'mean'``: the sum over ``divisor`` (default
    the number of losses).  A scalar comes back in the losses' dtype."""
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 = nan, as PyTorch
            total = total / (losses.size if divisor is None else divisor.sum())
    return losses.dtype.type(total)


def cross_entropy(
    input: ArrayLike, target: ArrayLike, *, label_smoothing: float = 0.0, reduction: str = "mean"
) -> np.ndarray | np.floating:
    """Cross-entropy from logits, as ``torch.nn.functional.cross_entropy`` / ``nn.CrossEntropyLoss``.

    ``input``: logits ``(N, K)`` (also ``(K,)`` unbatched, or ``(N, K, d1, ...)`` with the class
    axis 1, as PyTorch).  ``target``: integer class indices ``(N,)`` (``(N, d1, ...)``), or class
    probabilities with the shape of ``input``.

    With class indices and ``label_smoothing = eps`` the per-sample loss is

        l = (1 - eps) * (-log p_y) + eps * (1/K) * sum_k (-log p_k)

    i.e. cross-entropy against the smoothed target ``(1 - eps) * one_hot + eps / K``.  With
    probability targets ``q``: ``l = -sum_k q'_k log p_k`` with ``q' = (1 - eps) * q + eps / K``.

    ``log p = log_softmax(z)`` is computed as ``z - max(z) - log(sum(exp(z - max(z))))``: stable
    for any logits, where ``log(softmax(z))`` would give ``log(0) = -inf``.

    ``reduction``: ``'mean'`` over the samples (and positions), ``'sum'``, or ``'none'``
    (per-sample losses).  Arguments after ``target`` are keyword-only: PyTorch's positional order
    puts ``weight`` and legacy arguments first, so a positional call could not mean the same here.

    Shape:
        - input: (N, K), (K,) or (N, K, d1, ...) logits
        - target: class indices of shape (N,), () or (N, d1, ...), or probabilities shaped like input
        - output: a scalar; with ``reduction='none'`` one loss per sample (and position)
    """
    where = "cross_entropy"
    logits, class_axis, eps = _checked_logits(input, reduction, label_smoothing, where)
    num_classes = logits.shape[class_axis]
    logp = _log_softmax(logits, class_axis)
    target = np.asarray(target)
    if np.issubdtype(target.dtype, np.integer):
        _check_class_indices(target, logits, class_axis, where)
        nll = -_pick(logp, target, class_axis)
        smooth = -logp.mean(axis=class_axis)
        losses = (1.0 - eps) * nll + eps * smooth
    elif np.issubdtype(target.dtype, np.floating):
        if target.shape != logits.shape:
            raise ValueError(
                f"{where}: probability target must have the input's shape {logits.shape},"
                f" got {target.shape}"
            )
        q = (1.0 - eps) * target + eps / num_classes
        losses = -(q * logp).sum(axis=class_axis)
    else:
        raise ValueError(
            f"{where}: target must be integer class indices or float probabilities,"
            f" got dtype {target.dtype}"
        )
    return _reduce(losses.astype(logits.dtype, copy=False), reduction)


def cross_entropy_weighted(
    input: ArrayLike,
    target: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
) -> np.ndarray | np.floating:
    """Cross-entropy with class weights and an ignored label, as ``F.cross_entropy`` with
    ``weight=``, ``ignore_index=`` and class-index targets.

    With ``log p = log_softmax(z)``, class weights ``w`` (all 1 when None), ``K`` classes, and
    ``valid_i = (y_i != ignore_index)``::

        nll_i    = -w[y_i] * log p_i[y_i]              (0 where ignored)
        smooth_i = -sum_k w[k] * log p_i[k]             (0 where ignored; only with label smoothing)
        loss_i   = (1 - eps) * nll_i + (eps / K) * smooth_i
        mean     = sum_i loss_i / sum_i valid_i * w[y_i]

    The mean divides by the total weight of the targets that count: ignored targets are left out
    of the numerator *and* the denominator, and with weights it is a weighted average, not a
    division by N.  (PyTorch's mean for label smoothing divides its smoothing term by the same
    total.)  If every target is ignored the mean is 0 / 0 = nan, as in PyTorch.  ``'sum'`` adds
    the ``loss_i``; ``'none'`` returns them, with 0 where ignored.  -100 is the default
    ignore_index: padding tokens in sequence models carry it.  ``weight`` is the third argument,
    as in PyTorch; the rest are keyword-only.

    Shape:
        - input: (N, K), (K,) or (N, K, d1, ...) logits
        - target: class indices of shape (N,), () or (N, d1, ...)
        - weight: (K,)
        - output: a scalar; with ``reduction='none'`` the target's shape
    """
    where = "cross_entropy_weighted"
    logits, class_axis, eps = _checked_logits(input, reduction, label_smoothing, where)
    num_classes = logits.shape[class_axis]
    target = np.asarray(target)
    if not np.issubdtype(target.dtype, np.integer):
        raise ValueError(f"{where}: target must be integer class indices, got dtype {target.dtype}")
    _check_class_indices(target, logits, class_axis, where, ignore_index)
    w = np.ones(num_classes, logits.dtype) if weight is None else np.asarray(weight, dtype=logits.dtype)
    if w.shape != (num_classes,):
        raise ValueError(f"{where}: weight must have one value per class, shape ({num_classes},), got {w.shape}")
    valid = target != ignore_index
    safe = np.where(valid, target, 0)  # any class index: the ignored positions are zeroed below
    logp = _log_softmax(logits, class_axis)
    target_weight = np.where(valid, w[safe], 0)
    nll = -target_weight * _pick(logp, safe, class_axis)
    class_shape = [1] * logits.ndim
    class_shape[class_axis] = num_classes
    smooth = np.where(valid, -(logp * w.reshape(class_shape)).sum(axis=class_axis), 0)
    losses = ((1.0 - eps) * nll + (eps / num_classes) * smooth).astype(logits.dtype, copy=False)
    return _reduce(losses, reduction, target_weight)


# --------------------------------------------------------------------------- L1 / L2


def l1_penalty(w: ArrayLike, lam: float) -> float:
    """L1 penalty ``lam * sum|w|`` (lasso).  Its constant-size pull towards 0 drives small weights
    to exactly zero: sparsity (a Laplace prior on w, in MAP terms)."""
    return float(lam * np.abs(_as_float(w)).sum())


def l1_grad(w: ArrayLike, lam: float) -> np.ndarray:
    """(Sub)gradient of the L1 penalty: ``lam * sign(w)``, taking **0 at w = 0**.

    ``|w|`` has no derivative at 0; any value in ``[-lam, lam]`` is a subgradient and 0 is the
    conventional choice (it is what ``torch.sign`` and autograd of ``abs`` give).

    Shape:
        - w: any shape
        - output: the shape of w
    """
    w = _as_float(w)
    return w.dtype.type(lam) * np.sign(w)


def l2_penalty(w: ArrayLike, lam: float) -> float:
    """L2 penalty ``lam * sum(w**2)`` (ridge; a Gaussian prior on w).  It shrinks every weight
    proportionally and rarely to exactly zero: shrinkage, not sparsity.

    Relation to weight decay: SGD's ``weight_decay=wd`` adds ``wd * w`` to the gradient, which is
    the gradient of ``(wd/2) * sum(w**2)``, so ``lam = wd / 2``.  (Many texts write the penalty as
    ``(lam/2) ||w||^2`` precisely so that ``lam = wd``.)"""
    w = _as_float(w)
    return float(lam * (w * w).sum())


def l2_grad(w: ArrayLike, lam: float) -> np.ndarray:
    """Gradient of the L2 penalty: ``2 * lam * w`` (``= wd * w`` for ``wd = 2 * lam``).

    Shape:
        - w: any shape
        - output: the shape of w
    """
    w = _as_float(w)
    return w.dtype.type(2.0 * lam) * w


# --------------------------------------------------------------------------- optimizers


@dataclass(frozen=True)
class SGDState:
    """SGD's state: the momentum buffer (None until the first step with momentum != 0)."""

    step: int = 0
    momentum_buffer: np.ndarray | None = None


@dataclass(frozen=True)
class AdamState:
    """Adam/AdamW state: step count t, first moment m (exp_avg), second moment v (exp_avg_sq)."""

    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


@dataclass(frozen=True)
class AMSGradState(AdamState):
    """Adam's state with ``amsgrad=True``: also the running maximum of the raw second moment."""

    max_exp_avg_sq: np.ndarray


def _check_nonneg(value: float, name: str, where: str) -> float:
    value = float(value)
    if not value >= 0.0:
        raise ValueError(f"{where}: {name} must be non-negative, got {value}")
    return value


def _grad_like(param: np.ndarray, grad: ArrayLike, where: str) -> np.ndarray:
    grad = np.asarray(grad, dtype=param.dtype)
    if grad.shape != param.shape:
        raise ValueError(f"{where}: grad has shape {grad.shape}, param has {param.shape}")
    return grad


def sgd_step(
    param: ArrayLike,
    grad: ArrayLike,
    state: SGDState | None,
    lr: float,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
) -> tuple[np.ndarray, SGDState]:
    """One step of ``torch.optim.SGD``; returns ``(new_param, new_state)``.

        g  = grad + weight_decay * param
        b  = g                                   on the first step
        b  = momentum * b + (1 - dampening) * g  afterwards
        g  = g + momentum * b   if nesterov  else  b            (when momentum != 0)
        param = param - lr * g

    Note PyTorch's momentum form: the buffer accumulates gradients and lr multiplies the buffer
    (not ``v = mu v - lr g``); with constant lr the two are the same.  The first step copies the
    gradient into the buffer with no dampening.  ``state=None`` starts fresh.

    Shape:
        - param, grad: the same shape, any
        - new_param and the state's momentum_buffer: the shape of param
    """
    where = "sgd_step"
    lr = _check_nonneg(lr, "lr (learning rate)", where)
    momentum = _check_nonneg(momentum, "momentum", where)
    weight_decay = _check_nonneg(weight_decay, "weight_decay", where)
    if nesterov and (momentum <= 0.0 or dampening != 0.0):
        raise ValueError(f"{where}: Nesterov momentum needs momentum > 0 and dampening = 0")
    state = SGDState() if state is None else state
    param = _as_float(param)
    dt = param.dtype.type
    g = _grad_like(param, grad, where)
    if weight_decay != 0.0:
        g = g + dt(weight_decay) * param
    buffer = state.momentum_buffer
    if momentum != 0.0:
        if buffer is None:
            buffer = g.copy()
        else:
            buffer = dt(momentum) * buffer + dt(1.0 - dampening) * g
        g = g + dt(momentum) * buffer if nesterov else buffer
    new_param = param - dt(lr) * g
    return new_param, SGDState(step=state.step + 1, momentum_buffer=buffer)


def _adam(
    param: ArrayLike,
    grad: ArrayLike,
    state: AdamState | None,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    decoupled: bool,
    where: str,
    amsgrad: bool = False,
) -> tuple[np.ndarray, AdamState]:
    """One step of torch's Adam: ``decoupled`` is AdamW's decay, ``amsgrad`` divides by the
    running maximum of v (the formulas are in :func:`adam_step` and :func:`adamw_step`)."""
    lr = _check_nonneg(lr, "lr (learning rate)", where)
    eps = _check_nonneg(eps, "eps", where)
    weight_decay = _check_nonneg(weight_decay, "weight_decay", where)
    beta1, beta2 = (float(b) for b in betas)
    for index, beta in enumerate((beta1, beta2)):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"{where}: betas[{index}] must be in [0, 1), got {beta}")
    param = _as_float(param)
    dt = param.dtype.type
    g = _grad_like(param, grad, where)
    if state is None:
        zeros = np.zeros_like(param)
        state = AMSGradState(0, zeros, zeros, zeros) if amsgrad else AdamState(0, zeros, zeros)
    t = state.step + 1
    if decoupled:
        param = param * dt(1.0 - lr * weight_decay)  # AdamW: shrink the weights themselves
    elif weight_decay != 0.0:
        g = g + dt(weight_decay) * param  # Adam: L2 folded into the gradient
    m = dt(beta1) * np.asarray(state.exp_avg, param.dtype) + dt(1.0 - beta1) * g
    v = dt(beta2) * np.asarray(state.exp_avg_sq, param.dtype) + dt(1.0 - beta2) * (g * g)
    # AMSGrad divides by the running maximum of the raw v (not of the bias-corrected v_hat)
    second = np.maximum(np.asarray(state.max_exp_avg_sq, param.dtype), v) if amsgrad else v
    bias_correction1 = 1.0 - beta1**t
    bias_correction2 = 1.0 - beta2**t
    denom = np.sqrt(second) / dt(math.sqrt(bias_correction2)) + dt(eps)
    new_param = param - dt(lr / bias_correction1) * (m / denom)
    if amsgrad:
        return new_param, AMSGradState(step=t, exp_avg=m, exp_avg_sq=v, max_exp_avg_sq=second)
    return new_param, AdamState(step=t, exp_avg=m, exp_avg_sq=v)


def adam_step(
    param: ArrayLike,
    grad: ArrayLike,
    state: AdamState | None,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
) -> tuple[np.ndarray, AdamState]:
    """One step of ``torch.optim.Adam`` (Kingma & Ba, 2015); returns ``(new_param, new_state)``.

        g     = grad + weight_decay * param        (coupled L2: decay goes through the moments)
        m     = beta1 * m + (1 - beta1) * g
        v     = beta2 * v + (1 - beta2) * g**2
        param = param - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    The bias corrections undo the zero initialisation of m and v; note eps is added *after*
    dividing sqrt(v) by its correction, as PyTorch does.  At t = 1 the step is
    ``lr * g / (|g| + eps)``: about ``lr`` in size whatever the gradient's scale.

    ``amsgrad=True`` (AMSGrad, Reddi et al., 2018) divides by the running maximum of v instead::

        v_max = max(v_max, v)                      (the raw v, before bias correction)
        param = param - lr / (1 - beta1**t) * m / (sqrt(v_max) / sqrt(1 - beta2**t) + eps)

    Adam's effective step ``lr / sqrt(v_hat)`` can grow when v shrinks; AMSGrad's denominator
    never decreases.  PyTorch keeps the maximum of the *uncorrected* v and divides it by the
    current step's correction, not the maximum of bias-corrected values.  The state is then an
    :class:`AMSGradState`.

    Shape:
        - param, grad: the same shape, any
        - new_param, exp_avg, exp_avg_sq (and max_exp_avg_sq): the shape of param
    """
    return _adam(param, grad, state, lr, betas, eps, weight_decay, False, "adam_step", amsgrad)


def adamw_step(
    param: ArrayLike,
    grad: ArrayLike,
    state: AdamState | None,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
) -> tuple[np.ndarray, AdamState]:
    """One step of ``torch.optim.AdamW`` (Loshchilov & Hutter, 2019); returns ``(param, state)``.

        param = param * (1 - lr * weight_decay)    (decoupled decay, applied first)
        then the Adam update of :func:`adam_step` with the raw gradient.

    The decay never enters m or v, so it is not rescaled by the adaptive denominator.  Note the
    default ``weight_decay=1e-2`` (Adam's is 0) and that the decay is multiplied by ``lr``, so a
    learning-rate schedule also schedules the decay.  ``amsgrad=True`` as in :func:`adam_step`.

    Shape:
        - param, grad: the same shape, any
        - new_param, exp_avg, exp_avg_sq (and max_exp_avg_sq): the shape of param
    """
    return _adam(param, grad, state, lr, betas, eps, weight_decay, True, "adamw_step", amsgrad)


# --------------------------------------------------------------------------- gradient clipping


class ClipGradResult(NamedTuple):
    """The clipped gradients, the total norm before clipping, and the factor applied."""

    grads: list[np.ndarray]
    total_norm: float
    clip_coef: float  # min(max_norm / (total_norm + 1e-6), 1)


def clip_grad_norm(
    grads: ArrayLike | Sequence[ArrayLike],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> ClipGradResult:
    """Clip gradients by their total norm, as ``torch.nn.utils.clip_grad_norm_`` (but not in place).

        total_norm = || (||g_1||_p, ||g_2||_p, ...) ||_p   (the p-norm of all gradients as one vector)
        clip_coef  = min(max_norm / (total_norm + 1e-6), 1)
        g_k       <- g_k * clip_coef                       (every gradient by the same factor)

    One factor for all parameters keeps the update's direction; clipping each gradient by its own
    norm would change it.  Gradients whose total norm is below max_norm are left as they are
    (the factor is clamped at 1, never scaled up); the 1e-6 keeps a zero gradient finite.
    ``norm_type`` is p > 0 or ``inf`` (the largest |g|).  Returns new arrays and the total norm
    PyTorch returns; ``error_if_nonfinite=True`` raises on a nan or inf total norm.

    Shape:
        - grads: one array, or a list of arrays of any shapes
        - output grads: a list, each with the shape of its input
    """
    where = "clip_grad_norm"
    grads = [_as_float(g) for g in ([grads] if isinstance(grads, np.ndarray) else grads)]
    norm_type = float(norm_type)
    if not norm_type > 0.0:
        raise ValueError(f"{where}: norm_type must be positive or inf, got {norm_type}")
    max_norm = float(max_norm)
    if not grads:
        return ClipGradResult([], 0.0, 1.0)
    norms = np.array([np.linalg.norm(g.ravel(), ord=norm_type) for g in grads])
    total = float(np.linalg.norm(norms, ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise ValueError(
            f"{where}: the total norm of order {norm_type} of the gradients is {total}; "
            "pass error_if_nonfinite=False to clip anyway"
        )
    coef = min(max_norm / (total + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # an inf gradient times a factor of 0 is nan, as in PyTorch
        return ClipGradResult([g * g.dtype.type(coef) for g in grads], total, coef)


# --------------------------------------------------------------------------- early stopping


def _improves(value: float, reference: float | None, min_delta: float, mode: str) -> bool:
    """Keras's improvement test: ``value + min_delta < reference`` (mode min) or
    ``value - min_delta > reference`` (mode max); anything improves on no reference at all.

    As Keras computes it: the shift in Python floats, the comparison through ``keras.ops.less``
    or ``greater``, which turn both sides into tensors of Keras's floatx, float32, with the
    TensorFlow, JAX and PyTorch backends.
    """
    if reference is None:
        return True
    shifted = value + min_delta if mode == "min" else value - min_delta
    if mode == "min":
        return bool(np.float32(shifted) < np.float32(reference))
    return bool(np.float32(shifted) > np.float32(reference))


class EarlyStopping:
    """Stop training when a monitored metric has stopped improving, as Keras 3's
    ``keras.callbacks.EarlyStopping`` (``on_epoch_end``).

    Call :meth:`step` once per epoch (epochs are counted from 0) with the validation metric.
    Epochs before ``start_from_epoch`` are a warm-up and are skipped entirely: they can neither
    stop training nor be the best.  From then on, each epoch::

        wait += 1
        if best is None or metric + min_delta < best:        (mode 'min'; 'max': metric - min_delta > best)
            best, best_epoch = metric, epoch
            if baseline is None or metric + min_delta < baseline: wait = 0
        elif wait >= patience and epoch > 0: stop

    An improvement must beat the best so far by **more than** ``min_delta``.  A tie, or a gain of
    exactly ``min_delta``, does not count -- and "exactly" is decided in floating point as Keras
    decides it, comparing in float32: for best 1.05, metric 0.95 and min_delta 0.1, ``0.95 + 0.1``
    is 1.05 (already in float64), so it is no improvement, where ``0.95 < 1.05 - 0.1`` would say it
    is; for best 0.8, metric 0.7, ``0.7 + 0.1`` is 0.7999999999999999 in float64 but 0.8 in
    float32: no improvement either.  The first monitored epoch
    always becomes the best.  With a ``baseline`` the wait is reset only by an epoch that beats both
    the best so far and the baseline: a run that keeps improving without reaching the baseline
    stops once ``patience`` epochs have passed, at its first epoch that does not improve (an
    improving epoch never stops).

    :meth:`step` returns True when training stops; then ``stopped_epoch`` is that epoch.
    ``patience=0`` stops at the first epoch that does not improve.  ``best_epoch`` and
    ``best_score`` say where to restore the weights from (``restore_best_weights``): the model at
    ``best_epoch``, not the last one (None while no epoch was monitored).  Calls after stopping
    return True and change nothing.

    NaN: a NaN metric never improves on a number (every comparison with NaN is false), so it counts
    as an epoch without improvement.  A NaN *first* monitored metric becomes the best, as in Keras,
    and then nothing improves on it: training stops ``patience`` epochs later.  Epoch 0 never stops
    training, even with ``patience=0``.
    """

    def __init__(
        self,
        patience: int,
        min_delta: float = 0.0,
        mode: str = "min",
        *,
        baseline: float | None = None,
        start_from_epoch: int = 0,
    ):
        where = "EarlyStopping"
        if mode not in ("min", "max"):
            raise ValueError(f"{where}: mode must be 'min' or 'max', got {mode!r}")
        if int(patience) != patience or patience < 0:
            raise ValueError(f"{where}: patience must be a non-negative integer, got {patience}")
        if int(start_from_epoch) != start_from_epoch or start_from_epoch < 0:
            raise ValueError(
                f"{where}: start_from_epoch must be a non-negative integer, got {start_from_epoch}"
            )
        min_delta = float(min_delta)
        if not min_delta >= 0.0:
            raise ValueError(f"{where}: min_delta must be non-negative, got {min_delta}")
        self.patience = int(patience)
        self.min_delta = min_delta
        self.mode = mode
        self.baseline = None if baseline is None else float(baseline)
        self.start_from_epoch = int(start_from_epoch)
        self.best_score: float | None = None
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.epoch = -1  # the last epoch seen
        self.wait = 0  # monitored epochs since the wait was last reset

    def improves(self, metric: float) -> bool:
        """Whether ``metric`` beats the best so far by more than ``min_delta`` (Keras's test)."""
        return _improves(metric, self.best_score, self.min_delta, self.mode)

    def step(self, metric: float) -> bool:
        """Record one epoch's metric; True means stop training now."""
        if self.stopped_epoch is not None:
            return True
        metric = float(metric)
        self.epoch += 1
        if self.epoch < self.start_from_epoch:
            return False
        self.wait += 1
        if self.improves(metric):
            self.best_score = metric
            self.best_epoch = self.epoch
            if _improves(metric, self.baseline, self.min_delta, self.mode):
                self.wait = 0
            return False
        if self.wait >= self.patience and self.epoch > 0:
            self.stopped_epoch = self.epoch
            return True
        return False


class EarlyStoppingRun(NamedTuple):
    """Where a run of ``keras.callbacks.EarlyStopping`` stops and what it restores."""

    stopped_epoch: int | None  # the epoch training stops after; None if it ran to the end
    best_epoch: int | None  # the epoch restore_best_weights=True restores; None if none was monitored
    best: float | None  # the best monitored value


def keras_early_stopping(
    metrics: Sequence[float],
    patience: int = 0,
    min_delta: float = 0.0,
    mode: str = "min",
    baseline: float | None = None,
    start_from_epoch: int = 0,
) -> EarlyStoppingRun:
    """Replay :class:`EarlyStopping` (Keras's callback) over a whole metric history.

    Returns the epoch training stops after (None if it runs to the end), the epoch whose weights
    ``restore_best_weights=True`` restores, and the best value.  Keras's defaults: ``patience=0``.
    """
    stopper = EarlyStopping(patience, min_delta, mode, baseline=baseline, start_from_epoch=start_from_epoch)
    for metric in metrics:
        if stopper.step(metric):
            break
    return EarlyStoppingRun(stopper.stopped_epoch, stopper.best_epoch, stopper.best_score)
