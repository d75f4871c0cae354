"""Explicit regularization and the optimizers it lives in: cross-entropy with label smoothing,
L1/L2 penalties, SGD/Adam/AdamW steps, and early stopping.

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
from typing import NamedTuple

import numpy as np

__all__ = [
    "cross_entropy",
    "l1_penalty",
    "l1_grad",
    "l2_penalty",
    "l2_grad",
    "SGDState",
    "AdamState",
    "sgd_step",
    "adam_step",
    "adamw_step",
    "EarlyStopping",
]

_REDUCTIONS = ("mean", "sum", "none")


def _as_float(x) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


# --------------------------------------------------------------------------- cross-entropy


def _log_softmax(logits: np.ndarray, axis: int) -> np.ndarray:
    """log p_k = z_k - logsumexp(z), with the max subtracted first so exp never overflows."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _checked_logits(input, reduction: str, label_smoothing: float, where: str):
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


def cross_entropy(input, target, *, label_smoothing: float = 0.0, reduction: str = "mean"):
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
    """
    where = "cross_entropy"
    logits, class_axis, eps = _checked_logits(input, reduction, label_smoothing, where)
    num_classes = logits.shape[class_axis]
    logp = _log_softmax(logits, class_axis)
    target = np.asarray(target)

    if np.issubdtype(target.dtype, np.integer):
        expected = logits.shape[:class_axis] + logits.shape[class_axis + 1:]
        if target.shape != expected:
            raise ValueError(
                f"{where}: class-index target must have shape {expected} for input {logits.shape},"
                f" got {target.shape}"
            )
        bad = (target < 0) | (target >= num_classes)
        if bad.any():
            raise ValueError(
                f"{where}: target {target[bad].flat[0]} is out of bounds for {num_classes} classes"
            )
        picked = np.take_along_axis(logp, np.expand_dims(target, class_axis), axis=class_axis)
        nll = -picked.squeeze(class_axis)
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
    losses = losses.astype(logits.dtype, copy=False)
    if reduction == "none":
        return losses
    total = losses.sum() if reduction == "sum" else losses.mean()
    return logits.dtype.type(total)


# --------------------------------------------------------------------------- L1 / L2


def l1_penalty(w, lam: float) -> float:
    """L1 penalty ``lam * sum|w|`` (lasso).  Its constant-size pull towards 0 drives small weights
    to exactly zero: sparsity (a Laplace prior on w, in MAP terms)."""
    return float(lam * np.abs(_as_float(w)).sum())


def l1_grad(w, lam: float) -> np.ndarray:
    """(Sub)gradient of the L1 penalty: ``lam * sign(w)``, taking **0 at w = 0**.

    ``|w|`` has no derivative at 0; any value in ``[-lam, lam]`` is a subgradient and 0 is the
    conventional choice (it is what ``torch.sign`` and autograd of ``abs`` give)."""
    w = _as_float(w)
    return w.dtype.type(lam) * np.sign(w)


def l2_penalty(w, lam: float) -> float:
    """L2 penalty ``lam * sum(w**2)`` (ridge; a Gaussian prior on w).  It shrinks every weight
    proportionally and rarely to exactly zero: shrinkage, not sparsity.

    Relation to weight decay: SGD's ``weight_decay=wd`` adds ``wd * w`` to the gradient, which is
    the gradient of ``(wd/2) * sum(w**2)``, so ``lam = wd / 2``.  (Many texts write the penalty as
    ``(lam/2) ||w||^2`` precisely so that ``lam = wd``.)"""
    w = _as_float(w)
    return float(lam * (w * w).sum())


def l2_grad(w, lam: float) -> np.ndarray:
    """Gradient of the L2 penalty: ``2 * lam * w`` (``= wd * w`` for ``wd = 2 * lam``)."""
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


def _check_nonneg(value: float, name: str, where: str) -> float:
    value = float(value)
    if not value >= 0.0:
        raise ValueError(f"{where}: {name} must be non-negative, got {value}")
    return value


def _grad_like(param: np.ndarray, grad, where: str) -> np.ndarray:
    grad = np.asarray(grad, dtype=param.dtype)
    if grad.shape != param.shape:
        raise ValueError(f"{where}: grad has shape {grad.shape}, param has {param.shape}")
    return grad


def sgd_step(param, grad, state: SGDState | None, lr: float, momentum: float = 0.0,
             weight_decay: float = 0.0, dampening: float = 0.0, nesterov: bool = False):
    """One step of ``torch.optim.SGD``; returns ``(new_param, new_state)``.

        g  = grad + weight_decay * param
        b  = g                                   on the first step
        b  = momentum * b + (1 - dampening) * g  afterwards
        g  = g + momentum * b   if nesterov  else  b            (when momentum != 0)
        param = param - lr * g

    Note PyTorch's momentum form: the buffer accumulates gradients and lr multiplies the buffer
    (not ``v = mu v - lr g``); with constant lr the two are the same.  The first step copies the
    gradient into the buffer with no dampening.  ``state=None`` starts fresh.
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


def _adam(param, grad, state, lr, betas, eps, weight_decay, decoupled: bool, where: str,
          amsgrad: bool = False):
    """One Adam step; ``decoupled`` is AdamW's decay, ``amsgrad`` divides by the running max of v."""
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


def adam_step(param, grad, state: AdamState | None, lr: float = 1e-3,
              betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
              weight_decay: float = 0.0):
    """One step of ``torch.optim.Adam`` (Kingma & Ba, 2015); returns ``(new_param, new_state)``.

        g     = grad + weight_decay * param        (coupled L2: decay goes through the moments)
        m     = beta1 * m + (1 - beta1) * g
        v     = beta2 * v + (1 - beta2) * g**2
        param = param - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    The bias corrections undo the zero initialisation of m and v; note eps is added *after*
    dividing sqrt(v) by its correction, as PyTorch does.  At t = 1 the step is
    ``lr * g / (|g| + eps)``: about ``lr`` in size whatever the gradient's scale.
    """
    return _adam(param, grad, state, lr, betas, eps, weight_decay, False, "adam_step")


def adamw_step(param, grad, state: AdamState | None, lr: float = 1e-3,
               betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 1e-2):
    """One step of ``torch.optim.AdamW`` (Loshchilov & Hutter, 2019); returns ``(param, state)``.

        param = param * (1 - lr * weight_decay)    (decoupled decay, applied first)
        then the Adam update of :func:`adam_step` with the raw gradient.

    The decay never enters m or v, so it is not rescaled by the adaptive denominator.  Note the
    default ``weight_decay=1e-2`` (Adam's is 0) and that the decay is multiplied by ``lr``, so a
    learning-rate schedule also schedules the decay.
    """
    return _adam(param, grad, state, lr, betas, eps, weight_decay, True, "adamw_step")


# --------------------------------------------------------------------------- early stopping


class EarlyStopping:
    """Stop training when a monitored metric has stopped improving (Keras semantics).

    Call :meth:`step` once per epoch (epochs are counted from 0) with the validation metric.
    An epoch *improves* only if it beats the best so far by **more than** ``min_delta``:
    ``metric < best - min_delta`` for ``mode='min'`` (a loss), ``metric > best + min_delta`` for
    ``mode='max'`` (an accuracy).  A tie, or a gain of exactly ``min_delta``, does not count.
    The first epoch always improves on the initial best (``+inf`` or ``-inf``).

    :meth:`step` returns True once ``patience`` epochs in a row have not improved; then
    ``stopped_epoch`` is that epoch.  ``patience=0`` stops at the first epoch that does not
    improve.  ``best_epoch`` and ``best_score`` say where to restore the weights from (Keras's
    ``restore_best_weights``): the model at ``best_epoch``, not the last one.
    Calls after stopping return True and change nothing.  A NaN metric never improves.
    """

    def __init__(self, patience: int, min_delta: float = 0.0, mode: str = "min"):
        where = "EarlyStopping"
        if mode not in ("min", "max"):
            raise ValueError(f"{where}: mode must be 'min' or 'max', got {mode!r}")
        if int(patience) != patience or patience < 0:
            raise ValueError(f"{where}: patience must be a non-negative integer, got {patience}")
        min_delta = float(min_delta)
        if not min_delta >= 0.0:
            raise ValueError(f"{where}: min_delta must be non-negative, got {min_delta}")
        self.patience = int(patience)
        self.min_delta = min_delta
        self.mode = mode
        self.best_score: float = math.inf if mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.epoch = -1  # the last epoch seen
        self.wait = 0  # epochs in a row without improvement

    def improves(self, metric: float) -> bool:
        """Whether ``metric`` beats the best so far by more than ``min_delta``."""
        if self.mode == "min":
            return metric < self.best_score - self.min_delta
        return metric > self.best_score + self.min_delta

    def step(self, metric: float) -> bool:
        """Record one epoch's metric; True means stop training now."""
        if self.stopped_epoch is not None:
            return True
        metric = float(metric)
        self.epoch += 1
        if self.improves(metric):
            self.best_score = metric
            self.best_epoch = self.epoch
            self.wait = 0
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = self.epoch
            return True
        return False


# --------------------------------------------------------------------------------------------
# Cross-entropy with class weights and ignored targets

__all__ += [
    "cross_entropy_weighted",
    "ClipGradResult",
    "clip_grad_norm",
    "AMSGradState",
    "amsgrad_step",
    "EarlyStoppingRun",
    "keras_early_stopping",
]


def cross_entropy_weighted(input, target, weight=None, *, ignore_index: int = -100,
                           label_smoothing: float = 0.0, reduction: str = "mean"):
    """Cross-entropy with class weights and an ignored label, as ``F.cross_entropy`` with
    ``weight=``, ``ignore_index=`` and class-index targets.

    With ``log p = log_softmax(z)``, class weights ``w`` (all 1 when None), ``K`` classes, and
    ``valid_i = (y_i != ignore_index)``::

        nll_i    = -w[y_i] * log p_i[y_i]              (0 where ignored)
        smooth_i = -sum_k w[k] * log p_i[k]             (0 where ignored; only with label smoothing)
        loss_i   = (1 - eps) * nll_i + (eps / K) * smooth_i

    ``reduction='mean'`` divides the summed losses by ``sum_i valid_i * w[y_i]``, the total weight
    of the targets that count: ignored targets are left out of the numerator *and* the
    denominator, and with weights it is a weighted average, not a division by N.  (PyTorch's mean
    for label smoothing divides its smoothing term by the same total.)  If every target is
    ignored the mean is 0 / 0 = nan, as in PyTorch.  ``'sum'`` adds the ``loss_i``; ``'none'``
    returns them, with 0 where ignored.  -100 is the default ignore_index: padding tokens in
    sequence models carry it.

    Shape:
        input: (N, K) logits, or (K,), or (N, K, d1, ...); target: integers (N,), (), or (N, d1, ...)
        weight: (K,); returns a 0-d value, or the target's shape for 'none'
    """
    where = "cross_entropy_weighted"
    logits, class_axis, eps = _checked_logits(input, reduction, label_smoothing, where)
    num_classes = logits.shape[class_axis]
    target = np.asarray(target)
    expected = logits.shape[:class_axis] + logits.shape[class_axis + 1:]
    if not np.issubdtype(target.dtype, np.integer) or target.shape != expected:
        raise ValueError(
            f"{where}: target must be integer class indices of shape {expected}, got {target.dtype} {target.shape}"
        )
    valid = target != ignore_index
    bad = valid & ((target < 0) | (target >= num_classes))
    if bad.any():
        raise ValueError(f"{where}: target {target[bad].flat[0]} is out of bounds for {num_classes} classes")
    w = np.ones(num_classes, logits.dtype) if weight is None else np.asarray(weight, dtype=logits.dtype)
    if w.shape != (num_classes,):
        raise ValueError(f"{where}: weight must have one value per class, shape ({num_classes},), got {w.shape}")
    logp = _log_softmax(logits, class_axis)
    safe = np.where(valid, target, 0)
    picked = np.take_along_axis(logp, np.expand_dims(safe, class_axis), axis=class_axis).squeeze(class_axis)
    target_weight = np.where(valid, w[safe], 0)
    nll = -target_weight * picked
    class_shape = [1] * logits.ndim
    class_shape[class_axis] = num_classes
    smooth = np.where(valid, -(logp * w.reshape(class_shape)).sum(axis=class_axis), 0)
    losses = ((1.0 - eps) * nll + (eps / num_classes) * smooth).astype(logits.dtype, copy=False)
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            total = total / target_weight.sum()
    return logits.dtype.type(total)


# --------------------------------------------------------------------------------------------
# Gradient clipping by the total norm


class ClipGradResult(NamedTuple):
    """The clipped gradients, the total norm before clipping, and the factor applied."""

    grads: list[np.ndarray]
    total_norm: float
    clip_coef: float  # min(max_norm / (total_norm + 1e-6), 1)


def clip_grad_norm(grads, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False) -> ClipGradResult:
    """Clip gradients by their total norm, as ``torch.nn.utils.clip_grad_norm_`` (but not in place).

        total_norm = || (||g_1||, ||g_2||, ...) ||   (the p-norm of all gradients as one vector)
        clip_coef  = min(max_norm / (total_norm + 1e-6), 1)
        g_k       <- g_k * clip_coef                  (every gradient by the same factor)

    One factor for all parameters keeps the update's direction; clipping each gradient by its own
    norm would change it.  Gradients whose total norm is below max_norm are left as they are
    (the factor is clamped at 1, never scaled up); the 1e-6 keeps a zero gradient finite.
    ``norm_type`` is p > 0 or ``inf`` (the largest |g|).  Returns new arrays and the total norm
    PyTorch returns; ``error_if_nonfinite=True`` raises on a nan or inf total norm.

    Shape:
        grads: one array or a list of arrays of any shapes; returns them with the same shapes
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


# --------------------------------------------------------------------------------------------
# AMSGrad


@dataclass(frozen=True)
class AMSGradState:
    """Adam's state with ``amsgrad=True``: also the running maximum of the second moment."""

    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray


def amsgrad_step(param, grad, state: AMSGradState | None, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, decoupled_weight_decay: bool = False):
    """One step of ``torch.optim.Adam(amsgrad=True)`` (Reddi et al., 2018); returns ``(param, state)``.

        g      = grad + weight_decay * param             (Adam; decoupled: param *= 1 - lr * wd)
        m      = beta1 * m + (1 - beta1) * g
        v      = beta2 * v + (1 - beta2) * g**2
        v_max  = max(v_max, v)                           (the raw v, before bias correction)
        param  = param - lr / (1 - beta1**t) * m / (sqrt(v_max) / sqrt(1 - beta2**t) + eps)

    Adam's effective step ``lr / sqrt(v_hat)`` can grow when v shrinks; AMSGrad's denominator never
    decreases.  PyTorch keeps the maximum of the *uncorrected* v and divides it by the current
    step's correction ``sqrt(1 - beta2**t)``, not the maximum of bias-corrected values.
    ``decoupled_weight_decay=True`` (with e.g. ``weight_decay=1e-2``) is ``torch.optim.AdamW(amsgrad=True)``.
    ``state=None`` starts fresh (m = v = v_max = 0, t = 0).

    Shape:
        param, grad: any shape, the same; returns a new param and state of that shape
    """
    return _adam(param, grad, state, lr, betas, eps, weight_decay, decoupled_weight_decay,
                 "amsgrad_step", amsgrad=True)


# --------------------------------------------------------------------------------------------
# Early stopping with baseline and start_from_epoch (Keras 3)


class EarlyStoppingRun(NamedTuple):
    """Where a run of ``keras.callbacks.EarlyStopping`` stops and what it restores."""

    stopped_epoch: int | None  # the epoch training stops after; None if it ran to the end
    best_epoch: int | None  # the epoch restore_best_weights=True restores; None if none was monitored
    best: float | None  # the best monitored value


def keras_early_stopping(metrics, patience: int = 0, min_delta: float = 0.0, mode: str = "min",
                         baseline: float | None = None, start_from_epoch: int = 0) -> EarlyStoppingRun:
    """Replay ``keras.callbacks.EarlyStopping`` (Keras 3, ``on_epoch_end``) over a metric history.

    For each epoch e = 0, 1, ... with value c (``mode='min'``; for 'max' flip the comparisons)::

        if e < start_from_epoch: skip the epoch entirely (warm-up: it can neither stop nor be best)
        wait += 1
        if best is None or c + min_delta < best:           (an improvement)
            best, best_epoch = c, e
            if baseline is None or c + min_delta < baseline: wait = 0
            continue                                        (an improving epoch never stops)
        if wait >= patience and e > 0: stop after epoch e

    So with a ``baseline`` the wait is reset only by an epoch that beats both the best so far and
    the baseline: a run that keeps improving without reaching the baseline stops at its first
    non-improving epoch once ``patience`` epochs have passed.  The best epoch is still tracked (and
    restored) even if it never beats the baseline.  An improvement of exactly ``min_delta`` does
    not count.  NaN never improves on a number, but a NaN first monitored value becomes the best
    (nothing compares below NaN), so training then stops after ``patience`` epochs.
    """
    where = "keras_early_stopping"
    if mode not in ("min", "max"):
        raise ValueError(f"{where}: mode must be 'min' or 'max', got {mode!r}")
    if int(patience) != patience or patience < 0:
        raise ValueError(f"{where}: patience must be a non-negative integer, got {patience}")
    if int(start_from_epoch) != start_from_epoch or start_from_epoch < 0:
        raise ValueError(f"{where}: start_from_epoch must be a non-negative integer, got {start_from_epoch}")
    delta = abs(float(min_delta))

    def improves(value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        return value + delta < reference if mode == "min" else value - delta > reference

    best, best_epoch, wait = None, None, 0
    for epoch, value in enumerate(float(m) for m in metrics):
        if epoch < start_from_epoch:
            continue
        wait += 1
        if improves(value, best):
            best, best_epoch = value, epoch
            if baseline is None or improves(value, float(baseline)):
                wait = 0
            continue
        if wait >= patience and epoch > 0:
            return EarlyStoppingRun(epoch, best_epoch, best)
    return EarlyStoppingRun(None, best_epoch, best)
