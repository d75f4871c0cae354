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

import numpy as np
from numpy.typing import ArrayLike

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


def _as_float(x: ArrayLike) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


# --------------------------------------------------------------------------- cross-entropy


def _log_softmax(logits: np.ndarray, axis: int) -> np.ndarray:
    """log p_k = z_k - logsumexp(z), with the max subtracted first so exp never overflows."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


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
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{where}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"{where}: label_smoothing must be between 0.0 and 1.0, got {eps}")
    logits = _as_float(input)
    if logits.ndim == 0:
        raise ValueError(f"{where}: input must be logits (N, K) or (K,), got a scalar")
    class_axis = 0 if logits.ndim == 1 else 1
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


def _adam(param, grad, state, lr, betas, eps, weight_decay, decoupled: bool, where: str):
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
        state = AdamState(step=0, exp_avg=np.zeros_like(param), exp_avg_sq=np.zeros_like(param))
    t = state.step + 1
    if decoupled:
        param = param * dt(1.0 - lr * weight_decay)  # AdamW: shrink the weights themselves
    elif weight_decay != 0.0:
        g = g + dt(weight_decay) * param  # Adam: L2 folded into the gradient
    m = dt(beta1) * state.exp_avg + dt(1.0 - beta1) * g
    v = dt(beta2) * state.exp_avg_sq + dt(1.0 - beta2) * (g * g)
    bias_correction1 = 1.0 - beta1**t
    bias_correction2 = 1.0 - beta2**t
    denom = np.sqrt(v) / dt(math.sqrt(bias_correction2)) + dt(eps)
    new_param = param - dt(lr / bias_correction1) * (m / denom)
    return new_param, AdamState(step=t, exp_avg=m, exp_avg_sq=v)


def adam_step(
    param: ArrayLike,
    grad: ArrayLike,
    state: AdamState | None,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> tuple[np.ndarray, AdamState]:
    """One step of ``torch.optim.Adam`` (Kingma & Ba, 2015); returns ``(new_param, new_state)``.

        g     = grad + weight_decay * param        (coupled L2: decay goes through the moments)
        m     = beta1 * m + (1 - beta1) * g
        v     = beta2 * v + (1 - beta2) * g**2
        param = param - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    The bias corrections undo the zero initialisation of m and v; note eps is added *after*
    dividing sqrt(v) by its correction, as PyTorch does.  At t = 1 the step is
    ``lr * g / (|g| + eps)``: about ``lr`` in size whatever the gradient's scale.

    Shape:
        - param, grad: the same shape, any
        - new_param, exp_avg, exp_avg_sq: the shape of param
    """
    return _adam(param, grad, state, lr, betas, eps, weight_decay, False, "adam_step")


def adamw_step(
    param: ArrayLike,
    grad: ArrayLike,
    state: AdamState | None,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
) -> tuple[np.ndarray, AdamState]:
    """One step of ``torch.optim.AdamW`` (Loshchilov & Hutter, 2019); returns ``(param, state)``.

        param = param * (1 - lr * weight_decay)    (decoupled decay, applied first)
        then the Adam update of :func:`adam_step` with the raw gradient.

    The decay never enters m or v, so it is not rescaled by the adaptive denominator.  Note the
    default ``weight_decay=1e-2`` (Adam's is 0) and that the decay is multiplied by ``lr``, so a
    learning-rate schedule also schedules the decay.

    Shape:
        - param, grad: the same shape, any
        - new_param, exp_avg, exp_avg_sq: the shape of param
    """
    return _adam(param, grad, state, lr, betas, eps, weight_decay, True, "adamw_step")


# --------------------------------------------------------------------------- early stopping


class EarlyStopping:
    """Stop training when a monitored metric has stopped improving (Keras semantics).

    Call :meth:`step` once per epoch (epochs are counted from 0) with the validation metric.
    An epoch *improves* when it beats the best so far by **more than** ``min_delta``, tested the
    way ``keras.callbacks.EarlyStopping`` tests it::

        mode='min' (a loss):       metric + min_delta < best
        mode='max' (an accuracy):  metric - min_delta > best

    A tie, or a gain of exactly ``min_delta``, does not count -- and "exactly" is decided in
    floating point as Keras decides it: for best 1.05, metric 0.95 and min_delta 0.1,
    ``0.95 + 0.1`` rounds to 1.05, so it is no improvement (where ``0.95 < 1.05 - 0.1`` would
    say it is).  The first epoch always improves on the initial best (``+inf`` or ``-inf``).

    :meth:`step` returns True once ``patience`` epochs in a row have not improved; then
    ``stopped_epoch`` is that epoch.  ``patience=0`` stops at the first epoch that does not
    improve.  ``best_epoch`` and ``best_score`` say where to restore the weights from (Keras's
    ``restore_best_weights``): the model at ``best_epoch``, not the last one.
    Calls after stopping return True and change nothing.

    NaN: a NaN metric never improves (every comparison with NaN is false), so it counts as an
    epoch without improvement and never becomes the best score.  As in Keras, epoch 0 never
    stops training, even when its metric is NaN and ``patience=0``.
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
        """Whether ``metric`` beats the best so far by more than ``min_delta`` (Keras's test)."""
        if self.mode == "min":
            return metric + self.min_delta < self.best_score
        return metric - self.min_delta > self.best_score

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
        if self.wait >= self.patience and self.epoch > 0:
            self.stopped_epoch = self.epoch
            return True
        return False
