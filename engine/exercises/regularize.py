"""Exercises on L1/L2 penalties, weight decay in SGD, Adam and AdamW, and early stopping.

Answers come from :mod:`engine.regularize`.  The Adam exercises use the first step (or the first
two), where the bias corrections make the arithmetic short: at t = 1 the Adam step is
``lr * g / (|g| + eps)``, about ``lr * sign(g)``.
"""

from __future__ import annotations

import numpy as np

from .. import regularize
from .base import Draft, Step, Variant, generator
from .draw import choice, ints, nonzero_ints
from .text import answer_hint, block, fmt_num, show


def _weights(rng, n: int) -> np.ndarray:
    """n weights in -4..4: at most one 0 (half the time one, to show the subgradient at 0) and
    at least one of size 2 or more (with every |w| <= 1, sum(|w|) = sum(w^2): L1 and L2 agree)."""
    w = nonzero_ints(rng, n, -4, 4)
    big, zero = rng.permutation(n)[:2]
    w[big] = choice(rng, [-4, -3, -2, 2, 3, 4])
    if rng.integers(2):
        w[zero] = 0.0
    return w


@generator("regularize.l1", "L1 regularization: the penalty and its (sub)gradient", levels=(1, 2))
def l1(rng, level=1):
    w = _weights(rng, 4)
    lam = float(choice(rng, [0.01, 0.1, 0.5]))
    if level == 1:
        answer = regularize.l1_penalty(w, lam)
        question = f"What is the L1 penalty lam * sum(|w|) with lam = {fmt_num(lam)}?"
        steps = [Step("sum(|w|)", np.abs(w).sum()), Step("penalty = lam * sum(|w|)", answer)]
        variants = [Variant("l1_l2_swapped", regularize.l2_penalty(w, lam))]
        asks = "the L1 penalty"
    else:
        answer = regularize.l1_grad(w, lam)
        question = (
            f"What is the gradient of lam * sum(|w|) with lam = {fmt_num(lam)} with respect to w? "
            "(Use 0 as the subgradient at w = 0.)"
        )
        steps = [Step("sign(w)", np.sign(w)), Step("gradient = lam * sign(w)", answer)]
        variants = [Variant("l1_l2_swapped", regularize.l2_grad(w, lam))]
        asks = "the L1 gradient"
    prompt = "\n\n".join([f"Weights w = {show(w)}.", question, answer_hint(np.shape(answer), decimals=3)])
    return Draft(asks, prompt, answer, steps, {"w": w, "lam": lam}, atol=5e-4, variants=variants)


@generator("regularize.l2", "L2 regularization: the penalty and its gradient 2 * lam * w", levels=(1, 2))
def l2(rng, level=1):
    w = _weights(rng, 4)
    lam = float(choice(rng, [0.01, 0.05, 0.1, 0.5]))
    if level == 1:
        answer = regularize.l2_penalty(w, lam)
        question = f"What is the L2 penalty lam * sum(w^2) with lam = {fmt_num(lam)}?"
        steps = [Step("sum(w^2)", (w**2).sum()), Step("penalty = lam * sum(w^2)", answer)]
        variants = [Variant("l1_l2_swapped", regularize.l1_penalty(w, lam))]
        asks = "the L2 penalty"
    else:
        answer = regularize.l2_grad(w, lam)
        question = f"What is the gradient of lam * sum(w^2) with lam = {fmt_num(lam)} with respect to w?"
        steps = [Step("d/dw of lam * w^2 = 2 * lam * w", answer)]
        variants = [
            Variant("l2_gradient_no_factor_2", regularize.l2_grad(w, lam / 2)),
            Variant("l1_l2_swapped", regularize.l1_grad(w, lam)),
        ]
        asks = "the L2 gradient"
    prompt = "\n\n".join([f"Weights w = {show(w)}.", question, answer_hint(np.shape(answer), decimals=3)])
    return Draft(asks, prompt, answer, steps, {"w": w, "lam": lam}, atol=5e-4, variants=variants)


@generator("optim.sgd_weight_decay", "One or two SGD steps with weight decay", levels=(1, 2))
def sgd_weight_decay(rng, level=1):
    w = ints(rng, 3, -3, 3)
    w[int(rng.integers(3))] = choice(rng, [-3, -2, -1, 1, 2, 3])  # a weight to decay: with w = 0, wd changes nothing
    lr = float(choice(rng, [0.1, 0.5]))
    wd = float(choice(rng, [0.1, 0.2]))
    grads = [ints(rng, 3, -2, 2) for _ in range(level)]
    param, state = w, None
    steps = []
    for i, g in enumerate(grads, 1):
        decayed = g + wd * param
        param, state = regularize.sgd_step(param, g, state, lr, weight_decay=wd)
        steps.append(Step(f"step {i}: g + wd * w", decayed))
        steps.append(Step(f"step {i}: w - lr * (g + wd * w)", param))
    shown = "\n".join(f"gradient at step {i}: {show(g)}" for i, g in enumerate(grads, 1))
    prompt = "\n\n".join(
        [
            f"`torch.optim.SGD([w], lr={fmt_num(lr)}, weight_decay={fmt_num(wd)})` (no momentum) starts "
            f"from w = {show(w)}. The loss gradients are:",
            shown,
            f"What is w after {level} step{'s' if level > 1 else ''}?",
            answer_hint(param.shape, decimals=3),
        ]
    )
    doubled = w
    for g in grads:  # reading weight_decay as lambda in lambda * sum(w^2): decay 2 * wd
        doubled, _ = regularize.sgd_step(doubled, g, None, lr, weight_decay=2 * wd)
    variants = [Variant("weight_decay_doubled", doubled)]
    inputs = {"w": w, "lr": lr, "weight_decay": wd} | {f"grad{i}": g for i, g in enumerate(grads, 1)}
    return Draft(f"w after {level} step(s)", prompt, param, steps, inputs, atol=5e-4, variants=variants)


def _adam_setup(rng):
    """Weights, gradients and hyper-parameters where decay visibly matters on the first step."""
    lr = float(choice(rng, [0.1, 0.2]))
    wd = float(choice(rng, [0.1, 0.5]))
    w = nonzero_ints(rng, 3, -4, 4)
    # At t = 1 Adam moves each weight by about lr * sign(g + wd * w) and AdamW by lr * sign(g) +
    # lr * wd * w: the two agree where wd * |w| is 1 or 2 and the signs fall right, so not on w[0].
    w[0] = choice(rng, [v for v in (-4, -3, -2, -1, 1, 2, 3, 4) if wd * abs(v) not in (1.0, 2.0)])
    g = nonzero_ints(rng, 3, -10, 10) / 10  # one decimal, never 0
    return w, g, lr, wd


def _adam_draft(rng, level, decoupled):
    w, g, lr, wd = _adam_setup(rng)
    name = "AdamW" if decoupled else "Adam"
    grads = [g] if level == 2 else [g, nonzero_ints(rng, 3, -10, 10) / 10]
    right = regularize.adamw_step if decoupled else regularize.adam_step
    wrong = regularize.adam_step if decoupled else regularize.adamw_step

    def run(step):
        param, state = w, None
        trail = []
        for grad in grads:
            param, state = step(param, grad, state, lr=lr, weight_decay=wd)
            trail.append(param)
        return param, trail

    answer, trail = run(right)
    other, _ = run(wrong)
    shown = "\n".join(f"gradient at step {i}: {show(x)}" for i, x in enumerate(grads, 1))
    if decoupled:
        first = [Step("AdamW decays the weights directly, first: w * (1 - lr * wd)", w * (1 - lr * wd))]
    else:
        first = [Step("Adam's weight_decay is L2, added to the gradient: g + wd * w", g + wd * w)]
    steps = first + [
        Step("at t = 1, m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps) ~ lr * sign(g)", ""),
    ] + [Step(f"w after step {i}", p) for i, p in enumerate(trail, 1)]
    steps[-1] = Step(steps[-1].label, answer)
    prompt = "\n\n".join(
        [
            f"`torch.optim.{name}([w], lr={fmt_num(lr)}, weight_decay={fmt_num(wd)})` with the default "
            f"betas (0.9, 0.999) and eps = 1e-8 starts from w = {show(w)}. The loss gradients are:",
            shown,
            f"What is w after {len(grads)} step{'s' if len(grads) > 1 else ''}?",
            answer_hint(answer.shape, decimals=4),
        ]
    )
    variants = [Variant("coupled_weight_decay" if decoupled else "decoupled_for_adam", other)]
    inputs = {"w": w, "lr": lr, "weight_decay": wd} | {f"grad{i}": x for i, x in enumerate(grads, 1)}
    return Draft(f"w after the {name} step(s)", prompt, answer, steps, inputs, atol=5e-4, rtol=1e-4, variants=variants)


@generator("optim.adamw_step", "AdamW: decoupled weight decay, one or two steps by hand", levels=(2, 3))
def adamw_step(rng, level=2):
    return _adam_draft(rng, level, decoupled=True)


@generator("optim.adam_l2_step", "Adam with weight_decay (coupled L2), one or two steps by hand", levels=(2, 3))
def adam_l2_step(rng, level=2):
    return _adam_draft(rng, level, decoupled=False)


def _losses(rng, patience: int, min_delta: float, epochs: int = 12) -> np.ndarray:
    """A validation curve that falls, wobbles and rises, built so that training stops before the
    last epoch: the best epoch b is drawn first (2 <= b <= epochs - 2 - patience), every epoch
    up to b improves or is one of fewer than ``patience`` misses in a row, and the ``patience``
    epochs after b miss.  After that the curve only rises.

    Worked in hundredths, so every comparison is exact: an epoch beats the best by more than
    min_delta or misses by at least 0.01 more (with min_delta = 0 it may tie the best); it never
    gains exactly min_delta, which would be a coin toss in floating point.
    """
    delta = round(min_delta * 100)
    miss_by = [0, 2, 3, 5, 10] if delta == 0 else [1, 2, 3, 5, 10]
    best_epoch = int(rng.integers(2, epochs - 1 - patience))
    best = last = 100
    values, misses = [best], 0
    for epoch in range(1, epochs):
        if epoch > best_epoch + patience:  # training has stopped: the curve rises
            last += choice(rng, [0, 3, 5, 10])
        elif epoch == best_epoch or (epoch < best_epoch and (misses == patience - 1 or rng.random() < 0.6)):
            best = last = best - delta - choice(rng, [1, 2, 5, 10])
            misses = 0
        else:
            last = best - delta + choice(rng, miss_by)
            misses += 1
        values.append(last)
    return np.array(values) / 100


@generator(
    "early_stopping.stop_epoch",
    "Early stopping: the epoch training stops at and the epoch whose weights are restored",
    levels=(1, 2),
)
def stop_epoch(rng, level=1):
    patience = int(choice(rng, [2, 3]))
    min_delta = 0.0 if level == 1 else float(choice(rng, [0.01, 0.02]))
    losses = _losses(rng, patience, min_delta)
    stopper = regularize.EarlyStopping(patience, min_delta=min_delta)
    for value in losses:
        if stopper.step(value):
            break
    answer = np.array([stopper.stopped_epoch, stopper.best_epoch], dtype=float)
    delta_text = "" if min_delta == 0 else f", min_delta={fmt_num(min_delta)}"
    prompt = "\n\n".join(
        [
            f"`EarlyStopping(monitor='val_loss', patience={patience}{delta_text}, restore_best_weights=True)` "
            "watches these validation losses, epochs numbered from 0:",
            block(losses),
            "An epoch improves only if it beats the best so far by more than min_delta; training stops "
            f"once {patience} epochs in a row have not improved.",
            "At which epoch does training stop, and which epoch's weights are restored?",
            answer_hint((2,), decimals=0, what="[stop epoch, restored epoch]"),
        ]
    )
    steps = [
        Step("best epoch (last real improvement)", stopper.best_epoch),
        Step(f"stop after {patience} epochs in a row without improvement", stopper.stopped_epoch),
        Step("[stop epoch, restored epoch]", answer),
    ]
    variants = [
        Variant("patience_off_by_one", np.array([stopper.stopped_epoch + 1, stopper.best_epoch], dtype=float)),
        Variant("restore_last_not_best", np.array([stopper.stopped_epoch, stopper.stopped_epoch], dtype=float)),
    ]
    inputs = {"val_loss": losses, "patience": patience, "min_delta": min_delta}
    return Draft("[stop epoch, restored epoch]", prompt, answer, steps, inputs, atol=0.0, rtol=0.0, variants=variants)
