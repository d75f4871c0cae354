"""Drill on one AdamW step from a given state.  Reference: ``engine.regularize.adamw_step``.

The cases use a large lr * weight_decay (0.1 * 0.1) besides the defaults, so decoupled and coupled
decay give visibly different weights; a zero gradient shows eps's place; t = 1 shows the bias
correction at its largest.
"""

from __future__ import annotations

import numpy as np

from quizapp.engine.regularize import AdamState, adam_step, adamw_step
from quizapp.drills.task import Case, Mistake, Task, friendly


def _state(rng, shape):
    m = friendly(rng, shape, 0, 0.1)
    v = np.round(rng.uniform(0.001, 0.05, size=shape), 3)
    return m, v


def _adamw_cases(rng):
    zeros = np.zeros(3)
    cases = [Case("the first step (t = 1, m = v = 0), lr = 0.1, weight_decay = 0.1",
                  (np.array([1.0, -2.0, 0.5]), np.array([0.5, 0.1, -0.2]), zeros, zeros, 1, 0.1, 0.9, 0.999, 1e-8, 0.1))]
    p, g = friendly(rng, 4, 0, 1), friendly(rng, 4, 0, 0.2)
    cases.append(Case("step t = 5 from a given state, lr = 0.1, weight_decay = 0.1", (p, g, *_state(rng, 4), 5, 0.1, 0.9, 0.999, 1e-8, 0.1)))
    p, g = friendly(rng, (2, 3), 0, 1), friendly(rng, (2, 3), 0, 0.2)
    cases.append(Case("PyTorch's defaults (lr = 1e-3, weight_decay = 1e-2), t = 3",
                      (p, g, *_state(rng, (2, 3)), 3, 1e-3, 0.9, 0.999, 1e-8, 1e-2)))
    p = friendly(rng, 3, 0, 1)
    cases.append(Case("weight_decay = 0 (then AdamW is Adam), betas (0.8, 0.99)",
                      (p, friendly(rng, 3, 0, 0.5), *_state(rng, 3), 2, 0.05, 0.8, 0.99, 1e-8, 0.0)))
    p = friendly(rng, 3, 0, 1)
    cases.append(Case("a zero gradient at t = 1, eps = 1e-3: only the decay moves the weights",
                      (p, np.zeros(3), zeros, zeros, 1, 0.1, 0.9, 0.999, 1e-3, 0.1)))
    for _ in range(4):
        shape = (int(rng.integers(1, 6)),) if rng.random() < 0.5 else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        t = int(rng.integers(1, 20))
        m, v = _state(rng, shape) if t > 1 else (np.zeros(shape), np.zeros(shape))
        lr = float(rng.choice([0.01, 0.05, 0.1]))
        wd = float(rng.choice([0.01, 0.05, 0.1, 0.2]))
        cases.append(Case("random", (friendly(rng, shape, 0, 1), friendly(rng, shape, 0, 0.3), m, v, t, lr, 0.9, 0.999, 1e-8, wd)))
    return cases


def _adamw_reference(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    new_param, state = adamw_step(param, grad, AdamState(step=t - 1, exp_avg=m, exp_avg_sq=v), lr, (beta1, beta2), eps, weight_decay)
    return new_param, state.exp_avg, state.exp_avg_sq


def _coupled(param, grad, m, v, t, lr, beta1, beta2, eps, wd):
    if wd == 0:
        return None
    new_param, state = adam_step(param, grad, AdamState(step=t - 1, exp_avg=m, exp_avg_sq=v), lr, (beta1, beta2), eps, wd)
    return new_param, state.exp_avg, state.exp_avg_sq


def _off_by_one(shift):
    def outputs(param, grad, m, v, t, lr, beta1, beta2, eps, wd):
        step = t - 1 + shift
        if step < 0:
            return None
        new_param, _ = adamw_step(param, grad, AdamState(step=step, exp_avg=m, exp_avg_sq=v), lr, (beta1, beta2), eps, wd)
        return new_param, beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2

    return outputs


def _decay_without_lr(param, grad, m, v, t, lr, beta1, beta2, eps, wd):
    if wd == 0 or lr == 1:
        return None
    new_param, state = adam_step(param * (1 - wd), grad, AdamState(step=t - 1, exp_avg=m, exp_avg_sq=v), lr, (beta1, beta2), eps, 0.0)
    return new_param, state.exp_avg, state.exp_avg_sq


def _by_hand(correct_bias=True, eps_inside=False):
    """The AdamW update written out, with one detail changed (for mistakes only)."""

    def outputs(param, grad, m, v, t, lr, beta1, beta2, eps, wd):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        m_hat = m / (1 - beta1**t) if correct_bias else m
        v_hat = v / (1 - beta2**t) if correct_bias else v
        denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        return param * (1 - lr * wd) - lr * m_hat / denom, m, v

    return outputs


ADAMW_STEP = Task(
    id="adamw_step",
    title="One AdamW step from a given state",
    function="adamw_step",
    params="param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2",
    description="""
One step of torch.optim.AdamW (Loshchilov & Hutter), from a given state.

param  array  the weights before the step
grad   array  their gradient (same shape)
m, v   arrays the first and second moment estimates before the step (zeros before step 1)
t      int    the number of this step, 1 for the first
lr, beta1, beta2, eps, weight_decay   floats, PyTorch's names and defaults

Return (new_param, new_m, new_v), each shaped like param.
""",
    outputs=("param", "m", "v"),
    reference=_adamw_reference,
    cases=_adamw_cases,
    mistakes=(
        Mistake("coupled_weight_decay", _coupled),
        Mistake("no_bias_correction", _by_hand(correct_bias=False)),
        Mistake("step_off_by_one", _off_by_one(+1)),
        Mistake("step_off_by_one", _off_by_one(-1)),
        Mistake("decay_without_lr", _decay_without_lr),
        Mistake("eps_inside_adam_sqrt", _by_hand(eps_inside=True)),
    ),
    topic="adamw",
    shape_hint="new_param, new_m and new_v each have the shape of param.",
)

TASKS = (ADAMW_STEP,)
