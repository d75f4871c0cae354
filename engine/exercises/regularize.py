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


# ---------------------------------------------------------------------------------------------
# Gradient clipping, AMSGrad, weighted cross-entropy, Keras's early-stopping options

#: Two gradient norms and their total: the legs and hypotenuse of a right triangle.
NORM_TRIPLES = [(3, 4, 5), (6, 8, 10), (5, 12, 13), (9, 12, 15), (8, 15, 17)]
#: Directions with friendly entries for a gradient of a given norm.
DIRECTIONS = [(1.0, 0.0), (0.0, -1.0), (0.6, 0.8), (0.8, -0.6), (-0.6, 0.8)]
#: Clipping thresholds: below every total norm, or above most of them.
MAX_NORMS = [1, 2, 5, 20]


@generator(
    "optim.clip_grad_norm",
    "Gradient clipping by the total norm, as torch.nn.utils.clip_grad_norm_",
    levels=(1,),
)
def clip_grad_norm(rng, level=1):
    a, b, total = NORM_TRIPLES[int(rng.integers(len(NORM_TRIPLES)))]
    g1 = a * np.array(DIRECTIONS[int(rng.integers(len(DIRECTIONS)))])
    g2 = b * np.array(DIRECTIONS[int(rng.integers(len(DIRECTIONS)))])
    # a max_norm equal to the total would leave the gradients as they are either way
    max_norm = float(choice(rng, [m for m in MAX_NORMS if m != total]))
    result = regularize.clip_grad_norm([g1, g2], max_norm)
    answer = np.concatenate(result.grads)
    prompt = "\n\n".join(
        [
            f"A model has two parameter tensors whose gradients are g1 = {show(g1)} and g2 = {show(g2)}. "
            f"The training loop calls `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm={fmt_num(max_norm)})`.",
            "What are the gradients afterwards, g1 then g2?",
            answer_hint(answer.shape, decimals=3, what="[g1, g2]"),
        ]
    )
    steps = [
        Step("||g1||, ||g2||", np.array([a, b], dtype=float)),
        Step("total norm = sqrt(||g1||^2 + ||g2||^2)", result.total_norm),
        Step("factor = min(max_norm / (total + 1e-6), 1)", result.clip_coef),
        Step("every gradient times the same factor", answer),
    ]
    if total > max_norm:
        each = [g * min(max_norm / np.linalg.norm(g), 1.0) for g in (g1, g2)]
        variants = [Variant("clip_each_separately", np.concatenate(each))]
    else:
        variants = [Variant("clip_scales_up", np.concatenate([g1, g2]) * max_norm / total)]
    inputs = {"g1": g1, "g2": g2, "max_norm": max_norm}
    return Draft("the clipped gradients [g1, g2]", prompt, answer, steps, inputs, atol=5e-3, variants=variants)


@generator(
    "optim.amsgrad",
    "Adam with amsgrad=True: the running maximum of the raw second moment, two steps",
    levels=(2,),
)
def amsgrad(rng, level=2):
    betas, lr = (0.8, 0.9), 0.1
    w = ints(rng, 2, -3, 3)
    g1 = np.array([float(choice(rng, [-2, -1, 1, 2])), float(choice(rng, [-1, 1]))])
    g2 = np.array([0.0, float(choice(rng, [-2, 2]))])  # v falls in the first entry, rises in the second
    p1, state1 = regularize.adam_step(w, g1, None, lr=lr, betas=betas, amsgrad=True)
    answer, state2 = regularize.adam_step(p1, g2, state1, lr=lr, betas=betas, amsgrad=True)
    adam_p, adam_state = regularize.adam_step(w, g1, None, lr=lr, betas=betas)
    adam_p, _ = regularize.adam_step(adam_p, g2, adam_state, lr=lr, betas=betas)
    corrected = np.maximum(state1.exp_avg_sq / (1 - betas[1]), state2.exp_avg_sq / (1 - betas[1] ** 2))
    m_hat = state2.exp_avg / (1 - betas[0] ** 2)
    max_of_corrected = p1 - lr * m_hat / (np.sqrt(corrected) + 1e-8)
    prompt = "\n\n".join(
        [
            f"`torch.optim.Adam([w], lr={fmt_num(lr)}, betas=(0.8, 0.9), amsgrad=True)` (eps = 1e-8) starts "
            f"from w = {show(w)}. The gradients are {show(g1)} at step 1 and {show(g2)} at step 2.",
            "What is w after the two steps?",
            answer_hint(answer.shape, decimals=4),
        ]
    )
    steps = [
        Step("step 1: w (the first Adam step is about lr * sign(g))", p1),
        Step("step 2: v = 0.9 * v + 0.1 * g^2", state2.exp_avg_sq),
        Step("v_max = max(v_max, v), the raw v", state2.max_exp_avg_sq),
        Step("w - lr / (1 - 0.8^2) * m / (sqrt(v_max) / sqrt(1 - 0.9^2) + eps)", answer),
    ]
    variants = [
        Variant("amsgrad_max_of_corrected", max_of_corrected),
        Variant("amsgrad_as_adam", adam_p),
    ]
    inputs = {"w": w, "grad1": g1, "grad2": g2, "lr": lr}
    return Draft("w after two AMSGrad steps", prompt, answer, steps, inputs, atol=5e-4, rtol=1e-4, variants=variants)


def _class_weights(rng, counted: np.ndarray) -> np.ndarray:
    """Class weights in 1..4 whose two counted targets weigh at least 4 together, so the weighted
    mean's divisor is neither the number of counted targets (2) nor the batch size (3)."""
    weight = ints(rng, 3, 1, 4)
    first, second = (int(c) for c in counted)
    if first == second:
        weight[first] = choice(rng, [2, 3, 4])
    else:
        weight[second] = rng.integers(max(1, 4 - int(weight[first])), 5)
    return weight


@generator(
    "cross_entropy.weighted_ignore",
    "Cross-entropy with ignore_index=-100 (level 1) and class weights (level 2): what the mean divides by",
    levels=(1, 2),
)
def cross_entropy_weighted_ignore(rng, level=1):
    logits = ints(rng, (3, 3), -1, 2)
    target = rng.integers(0, 3, size=3)
    target[int(rng.integers(3))] = -100
    weight = _class_weights(rng, target[target != -100]) if level == 2 else None
    loss = regularize.cross_entropy_weighted(logits, target, weight)
    per_sample = regularize.cross_entropy_weighted(logits, target, weight, reduction="none")
    counted = target != -100
    denominator = weight[target[counted]].sum() if level == 2 else counted.sum()
    weight_text = "" if weight is None else ", weight=torch.tensor([" + ", ".join(f"{v:.1f}" for v in weight) + "])"
    prompt = "\n\n".join(
        [
            f"A batch of 3 samples over 3 classes (rows are samples) goes into "
            f"`F.cross_entropy(logits, target{weight_text})`, whose ignore_index is -100. The logits are",
            block(logits),
            f"and the targets are {show(target)}.",
            "What is the loss (the default reduction='mean')? (Natural log; a calculator is fine.)",
            answer_hint((), decimals=3),
        ]
    )
    steps = [
        Step("per-sample losses -w[y] * log softmax(z)[y], 0 where the target is -100", per_sample),
        Step("the mean divides by " + ("the summed weights w[y] of the counted targets" if level == 2 else "the number of counted targets"), denominator),
        Step("loss", loss),
    ]
    variants = [Variant("ce_ignored_in_mean", per_sample.sum() / 3)]
    if level == 2:
        variants.append(Variant("ce_weighted_mean_over_count", per_sample.sum() / counted.sum()))
    inputs = {"logits": logits, "target": target} | ({} if weight is None else {"weight": weight})
    return Draft("the cross-entropy loss", prompt, loss, steps, inputs, atol=2e-3, variants=variants)


def _warm_up_curve(rng, patience: int, warm_up: int) -> np.ndarray:
    """Losses that rise during the ``warm_up`` epochs, then fall to a best epoch and rise again.

    Monitored from epoch 0, epoch 0 is the best and the rising warm-up stops training at epoch
    ``patience`` (warm_up > patience); with ``start_from_epoch=warm_up`` the run improves after the
    warm-up and stops ``patience`` epochs after its best.  Worked in hundredths: every comparison
    is exact.
    """
    values = [200]
    for _ in range(warm_up - 1):
        values.append(values[-1] + choice(rng, [5, 10, 20]))
    best = 160
    for _ in range(int(rng.integers(2, 5))):  # epochs that improve after the warm-up
        best -= choice(rng, [10, 20])
        values.append(best)
    values += [best + choice(rng, [5, 10, 15]) for _ in range(patience + 2)]  # misses, then more
    return np.array(values) / 100


def _slow_curve(rng, patience: int) -> np.ndarray:
    """Losses that creep down by small steps, never reaching the baseline (at most 0.85).

    The first setback comes at epoch s > patience, where a baseline run stops (its wait, never
    reset, is s + 1 >= patience by then).  Without a baseline the wait resets: the curve improves
    again after the setback and stops ``patience`` misses after that.  Worked in hundredths, from 1.00
    down by at most 0.02 for at most 6 improvements: every value is above 0.85.
    """
    values = [100]
    for _ in range(int(rng.integers(patience, patience + 2))):  # epochs 1..s-1 improve
        values.append(values[-1] - choice(rng, [1, 2]))
    best = values[-1]
    values.append(best + choice(rng, [1, 2]))  # the setback at epoch s
    for _ in range(int(rng.integers(1, 3))):  # improving again
        best -= choice(rng, [1, 2])
        values.append(best)
    values += [best + choice(rng, [1, 2, 3]) for _ in range(patience + 1)]  # misses, then one more
    return np.array(values) / 100


@generator(
    "early_stopping.keras_options",
    "Keras EarlyStopping with start_from_epoch (level 1) or baseline (level 2): stop and restored epochs",
    levels=(1, 2),
)
def early_stopping_keras_options(rng, level=1):
    if level == 1:
        patience = int(choice(rng, [1, 2]))
        start, baseline = int(rng.integers(patience + 1, patience + 3)), None
        losses = _warm_up_curve(rng, patience, start)
        option = f"start_from_epoch={start}"
    else:
        patience = int(choice(rng, [2, 3]))
        start, baseline = 0, float(choice(rng, [0.8, 0.85]))
        losses = _slow_curve(rng, patience)
        option = f"baseline={fmt_num(baseline)}"
    belief = regularize.keras_early_stopping(losses, patience)  # the option ignored
    run = regularize.keras_early_stopping(losses, patience, baseline=baseline, start_from_epoch=start)
    answer = np.array([run.stopped_epoch, run.best_epoch], dtype=float)
    prompt = "\n\n".join(
        [
            f"`keras.callbacks.EarlyStopping(monitor='val_loss', patience={patience}, {option}, "
            "restore_best_weights=True)` watches these validation losses, epochs numbered from 0:",
            block(losses),
            "After which epoch does training stop, and which epoch's weights are restored?",
            answer_hint((2,), decimals=0, what="[stop epoch, restored epoch]"),
        ]
    )
    rule = (
        f"epochs before {start} are ignored entirely" if level == 1 else
        f"the wait resets only when an epoch beats both the best so far and {fmt_num(baseline)}"
    )
    steps = [
        Step(rule, ""),
        Step("restored: the best monitored epoch", run.best_epoch),
        Step("stop: the first non-improving epoch once the wait reaches patience", run.stopped_epoch),
        Step("[stop epoch, restored epoch]", answer),
    ]
    name = "warmup_epochs_monitored" if level == 1 else "baseline_ignored"
    variants = [Variant(name, np.array([belief.stopped_epoch, belief.best_epoch], dtype=float))]
    inputs = {"val_loss": losses, "patience": patience} | (
        {"start_from_epoch": start} if level == 1 else {"baseline": baseline}
    )
    return Draft("[stop epoch, restored epoch]", prompt, answer, steps, inputs, atol=0.0, rtol=0.0, variants=variants)
