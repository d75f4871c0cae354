"""Exercises on the normalization layers: forward passes, running statistics, counts, folding.

The right answer always comes from :mod:`engine.norms`.  A misconception's answer comes from the
same formula with the one belief changed (``ddof=1``, the wrong axes, the variance in place of the
standard deviation, ...), computed by :func:`normalize_variant` below.

The numbers are chosen so that every belief gives its own answer: no slice a belief averages over
is constant (its answer would divide by zero), and one slice has a standard deviation far from 1,
where dividing by the variance and by the standard deviation would agree.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

from .. import norms
from .base import Draft, Step, Variant, generator
from .draw import choice, complete, int_except, ints, ints_varying, wide_ints
from .text import answer_hint, block, fmt_num, show


def normalize_variant(x, axes, *, ddof=0, eps=0.0, divide_by="std"):
    """(x - mean) / scale over ``axes``, with the belief-dependent choices made explicit.

    ``ddof=1`` is the unbiased-variance belief; ``divide_by="var"`` divides by the variance itself
    (the std-for-var slip).  Used only to compute what a misconception would answer.
    """
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    var = np.square(centred).sum(axis=axes, keepdims=True) / (x.size // mean.size - ddof)
    scale = var + eps if divide_by == "var" else np.sqrt(var + eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        return centred / scale


def _mean_var(values, ddof=0):
    """Mean and variance of a handful of numbers, dividing by n - ddof, as on paper."""
    values = np.ravel(values).tolist()
    mean = sum(values) / len(values)
    return mean, sum((v - mean) ** 2 for v in values) / (len(values) - ddof)


def _affine(y, gamma, beta, channel_axis):
    if gamma is None:
        return y
    shape = [1] * y.ndim
    shape[channel_axis] = -1
    return y * gamma.reshape(shape) + beta.reshape(shape)


def _batch(rng, samples: int, features: int) -> np.ndarray:
    """A (samples, features) batch of integers 0..9: no row and no column constant, and one
    column, chosen at random, wide (see :func:`wide_ints`).

    The wide column is placed first; then the other cells are filled row by row, each drawn from
    the values that keep its row and its column from ending up constant.
    """
    wide = int(rng.integers(features))
    x = [[0.0] * features for _ in range(samples)]
    for i, value in enumerate(wide_ints(rng, samples)):
        x[i][wide] = value
    others = [j for j in range(features) if j != wide]
    for i in range(samples):
        for j in others:
            forbidden = set()
            rest_of_row = {x[i][k] for k in range(features) if k != j}
            if j == others[-1] and len(rest_of_row) == 1:
                forbidden |= rest_of_row
            column_above = {x[k][j] for k in range(i)}
            if i == samples - 1 and len(column_above) == 1:
                forbidden |= column_above
            x[i][j] = float(int_except(rng, 0, 9, forbidden))
    return np.array(x)


def _wide_pairs(rng) -> np.ndarray:
    """Two pairs of integers 0..9 (rows), each pair two different values, together three values
    with a spread of at least 5 (see :func:`wide_ints`), in random order."""
    smallest = int(rng.integers(0, 5))
    largest = int(rng.integers(smallest + 5, 10))
    pairs = np.array(
        [[smallest, int(rng.integers(smallest + 1, largest))], [largest, int_except(rng, 0, 9, {largest})]], dtype=float
    )
    return rng.permuted(pairs[rng.permutation(2)], axis=1)


def _varying_runs(rng, n: int, sizes: set[int]) -> np.ndarray:
    """``n`` integers 0..9 in which every run of ``size`` consecutive values (runs start at 0,
    one size after another) holds two different values: the last value of a run is drawn from
    the values other than the one the rest of the run repeats."""
    values: list[int] = []
    for i in range(n):
        forbidden = {values[-1] for size in sizes if i % size == size - 1 and len(set(values[i - size + 1 :])) == 1}
        values.append(int_except(rng, 0, 9, forbidden))
    return np.array(values, dtype=float)


def _channels_for_level_three(rng) -> np.ndarray:
    """An (N, C, L) = (2, 2, 2) input for BatchNorm's level 3, which asks for channel 1.

    Channel 1 is wide, and each sample's two values in it differ (see :func:`_wide_pairs`);
    channel 0 is not constant, and sample 0's mean differs from channel 1's mean, so normalizing
    each sample over (C, L) (the wrong axes) gives other numbers.
    """
    wide = _wide_pairs(rng)
    other = ints_varying(rng, (2, 2), axes=(0, 1))
    wide_sum, other_second = wide[1].sum(), set(other[1])
    other[0] = complete(rng, other[0, :1], 0, 9, lambda pair: sum(pair) != wide_sum and len(set(pair) | other_second) > 1)
    return np.stack([other, wide], axis=1)


def _nonzero_sum(rng, shape, low: int, high: int) -> np.ndarray:
    """Integers in [low, high] whose sum is not 0.

    For an upstream gradient g: a normalization's backward pass subtracts mean(g), so with
    mean(g) = 0 (and g orthogonal to x_hat) treating the statistics as constants would give the
    right dL/dx.
    """
    head = ints(rng, int(np.prod(shape)) - 1, low, high)
    return complete(rng, head, low, high, lambda g: sum(g) != 0).reshape(shape)


# ---------------------------------------------------------------------------------------------
# BatchNorm


@generator(
    "batch_norm.train_forward",
    "BatchNorm in training mode: normalize each feature with its own batch statistics",
    levels=(1, 2, 3),
)
def batch_norm_train_forward(rng, level=1):
    gamma = beta = None
    if level == 1:
        x = _batch(rng, 2, 3)
    elif level == 2:
        x = _batch(rng, choice(rng, [3, 4]), 2)
        gamma, beta = ints(rng, 2, 1, 3), ints(rng, 2, -2, 2)
    else:
        x = _channels_for_level_three(rng)
        gamma, beta = ints(rng, 2, 1, 3), ints(rng, 2, -2, 2)
    axes = (0,) if x.ndim == 2 else (0, 2)
    y_all = norms.batch_norm(x, None, None, gamma, beta, training=True, eps=0.0)
    n = x.shape[0] * (x.shape[2] if x.ndim == 3 else 1)

    def pick(a):  # the slice that is asked for
        return a if x.ndim == 2 else a[:, 1, :]

    mean = x.mean(axis=axes)
    var = x.var(axis=axes)
    affine = "" if gamma is None else (
        f" with weight gamma = {show(gamma)} and bias beta = {show(beta)}"
    )
    if x.ndim == 2:
        layer, shape_text = "BatchNorm1d", f"a batch of N={x.shape[0]} samples with {x.shape[1]} features (rows are samples)"
        asks = f"the BatchNorm output y ({x.shape[0]}x{x.shape[1]})"
    else:
        layer, shape_text = "BatchNorm1d", "an (N, C, L) = (2, 2, 2) input; x[n] is printed as a C x L block"
        asks = "channel 1 of the BatchNorm output, y[:, 1, :] (2x2, rows are samples)"
    answer = pick(y_all)
    prompt = "\n\n".join(
        [
            f"A {layer} layer in **training mode** (eps = 0){affine} receives {shape_text}:",
            block(x),
            f"What is {asks}?",
            answer_hint(answer.shape),
        ]
    )
    steps = [
        Step(f"batch mean per channel (over {n} values)", mean),
        Step("biased variance per channel (divide by n)", var),
        Step("std = sqrt(var + eps)", np.sqrt(var)),
        Step("x_hat = (x - mean) / std", pick(normalize_variant(x, axes))),
    ]
    if gamma is not None:
        steps.append(Step("y = gamma * x_hat + beta", answer))

    def variant(**kw):
        return pick(_affine(normalize_variant(x, **kw), gamma, beta, 1))

    wrong_axes = tuple(range(1, x.ndim))  # per sample, as LayerNorm would
    variants = [
        Variant("unbiased_variance", variant(axes=axes, ddof=1)),
        Variant("std_for_var", variant(axes=axes, divide_by="var")),
        Variant("wrong_axes", variant(axes=wrong_axes)),
    ]
    inputs = {"x": x} | ({} if gamma is None else {"gamma": gamma, "beta": beta})
    return Draft(asks, prompt, answer, steps, inputs, variants=variants)


#: Running variances that, with eps = 0.01 added, have a round square root (0.4, 0.5, 0.8, 1, 2).
EPS_FRIENDLY_VAR = [0.15, 0.24, 0.63, 0.99, 3.99]


@generator(
    "batch_norm.eval_forward",
    "BatchNorm in eval mode: normalize with the running statistics, not the batch's (level 2: eps matters)",
    levels=(1, 2),
)
def batch_norm_eval_forward(rng, level=1):
    c = 2 if level == 1 else 3
    x = ints_varying(rng, (2, c), axes=0)
    # One channel, k, tells every belief apart: its running mean is not the batch mean (or the
    # batch's statistics would give the same output), and its running variance is not 1 (level
    # 1: var and std agree there) or is 0.15 (level 2: the one variance where eps = 0.01 outside
    # the square root, 1 / (sqrt(0.15) + 0.01) = 2.517, differs from 1 / sqrt(0.16) = 2.5).
    k = int(rng.integers(c))
    running_mean = ints(rng, c, 1, 6)
    running_mean[k] = int_except(rng, 1, 6, {x[:, k].mean()})
    if level == 1:
        eps = 0.0
        running_var = np.array([choice(rng, [0.25, 1.0, 4.0, 9.0, 16.0]) for _ in range(c)])
        running_var[k] = choice(rng, [0.25, 4.0, 9.0, 16.0])
        gamma, beta = np.ones(c), np.zeros(c)
    else:  # a small running variance, where eps = 0.01 visibly changes the answer
        eps = 0.01
        running_var = np.array([choice(rng, EPS_FRIENDLY_VAR) for _ in range(c)])
        running_var[k] = EPS_FRIENDLY_VAR[0]
        gamma, beta = ints(rng, c, 1, 3), ints(rng, c, -2, 2)
    y = norms.batch_norm(x, running_mean.copy(), running_var.copy(), gamma, beta, training=False, eps=eps)
    affine = "" if level == 1 else f", weight gamma = {show(gamma)} and bias beta = {show(beta)}"
    prompt = "\n\n".join(
        [
            f"A BatchNorm1d layer with {c} features is in **eval mode** (eps = {fmt_num(eps)}). Its "
            f"buffers are running_mean = {show(running_mean)} and running_var = {show(running_var)}{affine}.",
            "It receives this batch (rows are samples):",
            block(x),
            f"What is the output y ({x.shape[0]}x{c})?",
            answer_hint(y.shape),
        ]
    )
    std = np.sqrt(running_var + eps)
    steps = [
        Step("eval mode uses running_mean", running_mean),
        Step("and std = sqrt(running_var + eps)", std),
        Step("x_hat = (x - running_mean) / std", (x - running_mean) / std),
        Step("y = gamma * x_hat + beta", y),
    ]
    centred = x - running_mean
    variants = [
        Variant("batch_stats_at_eval", _affine(normalize_variant(x, (0,), eps=eps), gamma, beta, 1)),
        Variant("std_for_var", centred / (running_var + eps) * gamma + beta),
    ]
    if eps:
        variants += [
            Variant("no_eps", centred / np.sqrt(running_var) * gamma + beta),
            Variant("eps_outside_sqrt", centred / (np.sqrt(running_var) + eps) * gamma + beta),
        ]
    inputs = {"x": x, "running_mean": running_mean, "running_var": running_var, "gamma": gamma, "beta": beta, "eps": eps}
    return Draft(f"the eval-mode BatchNorm output ({x.shape[0]}x{c})", prompt, y, steps, inputs, variants=variants)


@generator(
    "batch_norm.running_stats",
    "BatchNorm's running mean and variance after k training batches (PyTorch's momentum)",
    levels=(1, 2, 3),
)
def batch_norm_running_stats(rng, level=1):
    k = level  # one, two or three batches
    batch_size = 2 if level < 3 else 3
    batches = [ints_varying(rng, (batch_size, 1), axes=0) for _ in range(k)]
    momentum = 0.1 if level < 3 else choice(rng, [0.1, 0.2, 0.3])  # not 0.5: Keras would agree

    mean, var = np.zeros(1), np.ones(1)
    for b in batches:  # the engine updates the buffers in place, as PyTorch does
        norms.batch_norm(b, mean, var, training=True, momentum=momentum, eps=0.0)
    answer = np.array([mean[0], var[0]])

    def believed(seen=batches, m=momentum, ddof=1, sign=1):
        """The update as a belief has it: a momentum, a variance, and the sign of the new term."""
        mean, var = 0.0, 1.0
        for b in seen:
            batch_mean, batch_var = _mean_var(b, ddof)
            mean = (1 - m) * mean + sign * m * batch_mean
            var = (1 - m) * var + sign * m * batch_var
        return np.array([mean, var])

    shown = "\n".join(f"batch {i + 1}: {show(b.ravel())}" for i, b in enumerate(batches))
    prompt = "\n\n".join(
        [
            f"A BatchNorm1d(1, momentum={fmt_num(momentum)}) layer starts with running_mean = 0 and "
            f"running_var = 1. In training mode it sees {k} batch{'es' if k > 1 else ''} "
            f"of {batch_size} values:",
            shown,
            "What are running_mean and running_var afterwards, as PyTorch computes them?",
            answer_hint(answer.shape, what="[running_mean, running_var]"),
        ]
    )
    steps = []
    for i, b in enumerate(batches, 1):
        steps.append(Step(f"batch {i}: mean, unbiased var (divide by n-1)", np.array(_mean_var(b, 1))))
        steps.append(Step(f"after batch {i}: (1-m)*running + m*batch", believed(batches[:i])))
    steps[-1] = Step(steps[-1].label, answer)
    variants = [
        Variant("biased_running_var", believed(ddof=0)),
        Variant("keras_momentum", believed(m=1 - momentum)),
        Variant("running_average_sign", believed(sign=-1)),  # m*running - (1-m)*batch, as one source wrote it
    ]
    inputs = {f"batch{i + 1}": b.ravel() for i, b in enumerate(batches)} | {"momentum": momentum}
    return Draft("[running_mean, running_var] after the batches", prompt, answer, steps, inputs, variants=variants)


@generator(
    "batch_norm.param_count",
    "Learnable parameters and buffers of BatchNorm layers",
    levels=(1, 2),
)
def batch_norm_param_count(rng, level=1):
    c = int(choice(rng, [16, 32, 64, 128, 256]))
    dims = choice(rng, ["1d", "2d", "3d"])
    affine = True if level == 1 else bool(rng.integers(2))
    track = True if level == 1 else bool(rng.integers(2))
    layer = norms.BatchNorm(c, affine=affine, track_running_stats=track)
    params = sum(p.size for p in layer.parameters())
    buffers = sum(np.size(b) for b in layer.buffers())
    answer = np.array([params, buffers], dtype=float)
    args = f"{c}" + ("" if affine else ", affine=False") + ("" if track else ", track_running_stats=False")
    prompt = "\n\n".join(
        [
            f"How many learnable parameters and how many buffer values does `nn.BatchNorm{dims}({args})` hold?",
            "Count every scalar (a vector of C values counts C).",
            answer_hint(answer.shape, decimals=0, what="[parameters, buffer values]"),
        ]
    )
    steps = [
        Step("parameters: weight (gamma) and bias (beta), C each" if affine else "affine=False: no weight, no bias", params),
        Step(
            "buffers: running_mean, running_var (C each) + num_batches_tracked (1)"
            if track
            else "track_running_stats=False: no buffers",
            buffers,
        ),
        Step("answer", answer),
    ]
    variants = [Variant("buffers_without_counter", np.array([params, 2 * c]))] if track else []
    inputs = {"num_features": c, "affine": affine, "track_running_stats": track}
    return Draft("[parameters, buffer values] of the layer", prompt, answer, steps, inputs, atol=0.0, rtol=0.0, variants=variants)


@generator(
    "batch_norm.fold",
    "Fold an eval-mode BatchNorm into the preceding linear layer: no cost at inference",
    levels=(2,),
)
def batch_norm_fold(rng, level=2):
    weight = ints(rng, (2, 2), -3, 3)
    bias = ints(rng, 2, -2, 2)
    running_mean = ints(rng, 2, -2, 3)
    running_var = np.array([choice(rng, [0.25, 1.0, 4.0, 16.0]) for _ in range(2)])
    # Output k has a variance other than 1 and a weight other than 0, so dividing by the
    # variance instead of the standard deviation changes W'.
    k = int(rng.integers(2))
    running_var[k] = choice(rng, [0.25, 4.0, 16.0])
    weight[k, int(rng.integers(2))] = choice(rng, [-3, -2, -1, 1, 2, 3])
    gamma, beta = ints(rng, 2, 1, 4), ints(rng, 2, -2, 2)
    fused_w, fused_b = norms.fold_batch_norm(weight, bias, running_mean, running_var, gamma, beta, eps=0.0)
    answer = np.column_stack([fused_w, fused_b])
    prompt = "\n\n".join(
        [
            "A Linear layer y = W x + b is followed by a BatchNorm1d in **eval mode** (eps = 0):",
            f"W ={show(weight)}b = {show(bias)}",
            f"running_mean = {show(running_mean)}, running_var = {show(running_var)}, "
            f"gamma = {show(gamma)}, beta = {show(beta)}",
            "Fold the BatchNorm into the Linear layer: give the fused W' and b' as one 2x3 matrix "
            "[W' | b'] (row i is W'[i] followed by b'[i]).",
            answer_hint(answer.shape),
        ]
    )
    scale = gamma / np.sqrt(running_var)
    steps = [
        Step("scale = gamma / sqrt(running_var + eps), one per output", scale),
        Step("W' = scale[:, None] * W", fused_w),
        Step("b' = scale * (b - running_mean) + beta", fused_b),
        Step("[W' | b']", answer),
    ]
    variants = [
        Variant("std_for_var", np.column_stack([weight * (gamma / running_var)[:, None], gamma / running_var * (bias - running_mean) + beta])),
    ]
    inputs = {"W": weight, "b": bias, "running_mean": running_mean, "running_var": running_var, "gamma": gamma, "beta": beta}
    return Draft("the fused [W' | b'] (2x3)", prompt, answer, steps, inputs, variants=variants)


@generator(
    "batch_norm.backward",
    "The gradient of training-mode BatchNorm with respect to its input",
    levels=(3,),
)
def batch_norm_backward(rng, level=3):
    # N >= 3: with two samples the normalized values are always +-1, so dL/dx would be 0 for any x.
    x = ints_varying(rng, (choice(rng, [3, 4]), 1), axes=0)
    g = _nonzero_sum(rng, x.shape, -3, 3)
    grad_input, _, _ = norms.batch_norm_backward(g, x, None, eps=0.0)
    xhat = normalize_variant(x, (0,))
    std = x.std(axis=0)
    prompt = "\n\n".join(
        [
            "y = BatchNorm(x) in **training mode** for one feature, no affine, eps = 0. "
            f"The batch x (N={x.shape[0]}) and the upstream gradient dL/dy are:",
            f"x = {show(x.ravel())} and dL/dy = {show(g.ravel())}",
            "What is dL/dx? Remember that the mean and the variance depend on x.",
            answer_hint((x.shape[0],)),
        ]
    )
    answer = grad_input.ravel()
    steps = [
        Step("x_hat = (x - mean) / std", xhat.ravel()),
        Step("mean(g)", g.mean()),
        Step("mean(g * x_hat)", (g * xhat).mean()),
        Step("dx = (g - mean(g) - x_hat * mean(g * x_hat)) / std", answer),
    ]
    variants = [Variant("stats_as_constants", (g / std).ravel())]
    return Draft("dL/dx for the batch", prompt, answer, steps, {"x": x.ravel(), "grad_output": g.ravel()}, variants=variants)


# ---------------------------------------------------------------------------------------------
# LayerNorm, GroupNorm, InstanceNorm, RMSNorm, weight norm


@generator(
    "layer_norm.forward",
    "LayerNorm: normalize each sample over its own features, the same in training and eval",
    levels=(1, 2, 3),
)
def layer_norm_forward(rng, level=1):
    gamma = beta = None
    if level == 1:
        x = _batch(rng, 3, 2).T  # one sample wide; no sample and no feature constant
        shape = (3,)
    elif level == 2:
        x = _batch(rng, 4, 2).T
        shape = (4,)
        gamma, beta = ints(rng, 4, 1, 3), ints(rng, 4, -2, 2)
    else:  # sample 0, the one asked for, is wide
        x = np.stack([wide_ints(rng, 4).reshape(2, 2), ints_varying(rng, (2, 2), axes=(0, 1))])
        shape = (2, 2)
        gamma, beta = ints(rng, shape, 1, 3), ints(rng, shape, -1, 1)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    y = norms.layer_norm(x, shape, gamma, beta, eps=0.0)
    answer = y if level < 3 else y[0]
    pick = (lambda a: a) if level < 3 else (lambda a: a[0])
    affine = "" if gamma is None else f", weight = {show(gamma)} and bias = {show(beta)}"
    prompt = "\n\n".join(
        [
            f"`nn.LayerNorm({shape if len(shape) > 1 else shape[0]})` (eps = 0{affine}) is applied to "
            + ("this input of shape (2, 2, 2), printed as x[0] then x[1]:" if level == 3 else f"this input (rows are samples, shape {x.shape}):"),
            block(x),
            "What is " + ("y[0] (2x2)?" if level == 3 else f"the output y ({x.shape[0]}x{x.shape[1]})?"),
            answer_hint(answer.shape),
        ]
    )
    steps = [
        Step("mean per sample (over the normalized axes)", x.mean(axis=axes)),
        Step("biased variance per sample", x.var(axis=axes)),
        Step("x_hat = (x - mean) / sqrt(var + eps)", pick(normalize_variant(x, axes))),
    ]
    if gamma is not None:
        steps.append(Step("y = weight * x_hat + bias", answer))

    def variant(**kw):
        z = normalize_variant(x, **kw)
        return pick(z if gamma is None else z * gamma + beta)

    variants = [
        Variant("unbiased_variance", variant(axes=axes, ddof=1)),
        Variant("std_for_var", variant(axes=axes, divide_by="var")),
    ]
    if level < 3:
        variants.append(Variant("wrong_axes", variant(axes=(0,))))
    inputs = {"x": x} | ({} if gamma is None else {"weight": gamma, "bias": beta})
    return Draft("the LayerNorm output", prompt, answer, steps, inputs, variants=variants)


@generator(
    "layer_norm.backward",
    "The gradient of LayerNorm with respect to its input, for one sample",
    levels=(3,),
)
def layer_norm_backward(rng, level=3):
    x = ints_varying(rng, (1, 3), axes=1)
    g = _nonzero_sum(rng, (1, 3), -3, 3)
    grad_input, _, _ = norms.layer_norm_backward(g, x, (3,), None, eps=0.0)
    xhat = normalize_variant(x, (1,))
    std = x.std(axis=1, keepdims=True)
    answer = grad_input.ravel()
    prompt = "\n\n".join(
        [
            "y = LayerNorm(x) over 3 features, no affine, eps = 0, for one sample:",
            f"x = {show(x.ravel())} and dL/dy = {show(g.ravel())}",
            "What is dL/dx? The mean and variance depend on x.",
            answer_hint((3,)),
        ]
    )
    steps = [
        Step("x_hat", xhat.ravel()),
        Step("mean(g), mean(g * x_hat)", np.array([g.mean(), (g * xhat).mean()])),
        Step("dx = (g - mean(g) - x_hat * mean(g * x_hat)) / std", answer),
    ]
    variants = [Variant("stats_as_constants", (g / std).ravel())]
    return Draft("dL/dx for the sample", prompt, answer, steps, {"x": x.ravel(), "grad_output": g.ravel()}, variants=variants)


@generator(
    "group_norm.forward",
    "GroupNorm: channels split into groups, each group normalized per sample",
    levels=(1, 2),
)
def group_norm_forward(rng, level=1):
    if level == 1:
        c, groups, length = 4, 2, 1
    else:
        c, groups, length = choice(rng, [(4, 2, 2), (6, 3, 1), (6, 2, 1)])
    per = c // groups
    # No group is constant, nor (where the belief regroups) any group of `groups` channels.
    x = _varying_runs(rng, c * length, {per * length, groups * length}).reshape(1, c, length)
    y = norms.group_norm(x, groups, eps=0.0)
    answer = y[0] if length > 1 else y[0, :, 0]
    prompt = "\n\n".join(
        [
            f"`nn.GroupNorm({groups}, {c})` (eps = 0, weight 1, bias 0) is applied to one sample with "
            f"C = {c} channels" + (f" and L = {length} positions (row c is channel c):" if length > 1 else " (one value per channel):"),
            block(x[0] if length > 1 else x[0, :, 0]),
            "What is the output for the sample?",
            answer_hint(answer.shape),
        ]
    )
    grouped = x.reshape(1, groups, -1)
    steps = [
        Step(f"{groups} groups of {per} channels: channels " + ", ".join(
            "{" + ", ".join(str(g * per + i) for i in range(per)) + "}" for g in range(groups)), ""),
        Step("mean per group", grouped.mean(axis=2).ravel()),
        Step("biased variance per group", grouped.var(axis=2).ravel()),
        Step("y = (x - group mean) / sqrt(group var + eps)", answer),
    ]

    def shaped(z):
        z = z.reshape(x.shape)
        return z[0] if length > 1 else z[0, :, 0]

    variants = [Variant("unbiased_variance", shaped(normalize_variant(grouped, (2,), ddof=1)))]
    if per != groups:  # reading G as the group size gives a different grouping
        swapped = x.reshape(1, per, -1)
        variants.append(Variant("groups_as_group_size", shaped(normalize_variant(swapped, (2,)))))
    return Draft("the GroupNorm output for the sample", prompt, answer, steps, {"x": x, "num_groups": groups}, variants=variants)


@generator(
    "instance_norm.forward",
    "InstanceNorm: each channel of each sample normalized over its own positions",
    levels=(1, 2),
)
def instance_norm_forward(rng, level=1):
    c, length = (2, 3) if level == 1 else (3, 4)
    x = ints_varying(rng, (1, c, length), axes=2)
    # Channels 0 and 1 have different means, or normalizing the whole sample at once (the wrong
    # axes) could give the same numbers.
    first_sum = x[0, 0].sum()
    x[0, 1] = complete(rng, x[0, 1, :-1], 0, 9, lambda row: min(row) < max(row) and sum(row) != first_sum)
    y = norms.instance_norm(x, eps=0.0)
    answer = y[0]
    prompt = "\n\n".join(
        [
            f"`nn.InstanceNorm1d({c})` (PyTorch defaults: affine=False, track_running_stats=False; "
            f"eps = 0 here) is applied to one sample with C = {c} channels and L = {length} positions "
            "(row c is channel c):",
            block(x[0]),
            f"What is the output ({c}x{length})?",
            answer_hint(answer.shape),
        ]
    )
    steps = [
        Step("mean per channel (over the positions)", x[0].mean(axis=1)),
        Step("biased variance per channel", x[0].var(axis=1)),
        Step("y = (x - mean) / sqrt(var + eps)", answer),
    ]
    variants = [
        Variant("unbiased_variance", normalize_variant(x, (2,), ddof=1)[0]),
        Variant("wrong_axes", normalize_variant(x, (1, 2))[0]),
    ]
    return Draft(f"the InstanceNorm output ({c}x{length})", prompt, answer, steps, {"x": x[0]}, variants=variants)


@generator(
    "rms_norm.forward",
    "RMSNorm: divide by the root mean square, with no mean subtraction and no bias",
    levels=(1, 2),
)
def rms_norm_forward(rng, level=1):
    n = 1 if level == 1 else 2
    x = ints_varying(rng, (n, 4), axes=1, low=-4, high=4)
    # Sample 0 has a mean other than 0 (LayerNorm's centring would change nothing) and a mean
    # square other than 1 (dividing by it or by its square root would agree).
    x[0] = complete(rng, x[0, :-1], -4, 4, lambda row: min(row) < max(row) and sum(row) != 0 and sum(v * v for v in row) != 4)
    weight = None if level == 1 else ints(rng, 4, 1, 3)
    y = norms.rms_norm(x, (4,), weight)
    answer = y[0] if n == 1 else y
    weight_text = "" if weight is None else f" with weight = {show(weight)}"
    prompt = "\n\n".join(
        [
            f"`nn.RMSNorm(4)`{weight_text} is applied to " + ("this vector:" if n == 1 else "these two samples (rows):"),
            block(x[0] if n == 1 else x),
            "What is the output? (PyTorch's default eps is the dtype's machine epsilon: ignore it.)",
            answer_hint(answer.shape),
        ]
    )
    rms = np.sqrt((x**2).mean(axis=1))
    steps = [
        Step("mean of squares per sample", (x**2).mean(axis=1)),
        Step("rms = sqrt(mean(x^2) + eps)", rms),
        Step("y = x / rms" + ("" if weight is None else " * weight"), answer),
    ]
    w = 1.0 if weight is None else weight
    centred = normalize_variant(x, (1,)) * w
    by_square = x / (x**2).mean(axis=1, keepdims=True) * w
    pick = (lambda a: a[0]) if n == 1 else (lambda a: a)
    variants = [
        Variant("mean_not_subtracted_rms", pick(centred)),
        Variant("std_for_var", pick(by_square)),
    ]
    inputs = {"x": x} | ({} if weight is None else {"weight": weight})
    return Draft("the RMSNorm output", prompt, answer, steps, inputs, variants=variants)


#: The methods of the unified view a stat_count exercise can ask about (its ``method`` param).
Method = Literal["batch", "layer", "instance", "group"]

#: Integer vectors whose Euclidean norm is an integer, so weight norm works out by hand.
PYTHAGOREAN_ROWS = {
    2: [(3, 4), (4, 3), (6, 8), (8, 6), (5, 12), (0, 2), (-3, 4), (4, -3)],
    3: [(1, 2, 2), (2, 1, 2), (2, 3, 6), (2, -1, 2), (1, 4, 8), (2, 6, 9), (-2, 1, 2), (4, 4, 2)],
}


@generator(
    "weight_norm.forward",
    "Weight normalization: w = g * v / ||v||, one norm per output unit (dim=0)",
    levels=(1, 2),
)
def weight_norm_forward(rng, level=1):
    width = 2 if level == 1 else 3
    rows = PYTHAGOREAN_ROWS[width]
    first = choice(rng, rows)
    # Not the first row's absolute values swapped, as (3, 4) and (4, 3): the column norms would
    # equal the row norms and normalizing columns (the wrong axes) would give the right w.
    swapped = (abs(first[1]), abs(first[0]))
    v = np.array([first, choice(rng, [r for r in rows if r != first and (abs(r[0]), abs(r[1])) != swapped])], dtype=float)
    g = ints(rng, 2, 1, 5)
    w = norms.weight_norm(v, g.reshape(2, 1), dim=0)
    prompt = "\n\n".join(
        [
            "A linear layer uses weight normalization, `torch.nn.utils.parametrizations.weight_norm` "
            "with dim=0 (one norm per output row). Direction v and magnitude g are:",
            f"v ={show(v)}g = {show(g)}",
            f"What is the weight w (2x{width})?",
            answer_hint(w.shape),
        ]
    )
    norm = np.linalg.norm(v, axis=1)
    steps = [
        Step("||v|| per row", norm),
        Step("w = g * v / ||v||", w),
    ]
    column_norm = np.linalg.norm(v, axis=0, keepdims=True)
    variants = [Variant("wrong_axes", g.reshape(2, 1) * v / column_norm)] if width == 2 else []
    return Draft(f"the weight w (2x{width})", prompt, w, steps, {"v": v, "g": g}, variants=variants)


@generator(
    "norms.stat_count",
    "The unified view: how many values one mean averages, for BatchNorm, LayerNorm, InstanceNorm, GroupNorm",
    levels=(1, 2),
)
def stat_count(rng, level=1, method: Method | None = None):
    method = method or choice(rng, get_args(Method))
    n = int(choice(rng, [4, 8, 16, 32]))
    # BatchNorm averages N*H*W values and LayerNorm C*H*W: with C = N the confusion is invisible.
    c = int(choice(rng, [v for v in [8, 16, 32, 64] if method not in ("batch", "layer") or v != n]))
    hw = int(choice(rng, [2, 4, 7, 8]))
    groups = int(choice(rng, [2, 4, 8])) if method == "group" else None
    shape = (n, c, hw, hw)
    per_stat = norms.stat_count(shape, method, num_groups=groups)
    count = n * c * hw * hw // per_stat
    names = {"batch": "BatchNorm2d", "layer": "LayerNorm over (C, H, W)", "instance": "InstanceNorm2d", "group": f"GroupNorm with G = {groups}"}
    if level == 1:
        answer = np.array(float(per_stat))
        question = "How many values does each mean average over?"
        hint = answer_hint((), decimals=0)
    else:
        answer = np.array([count, per_stat], dtype=float)
        question = "How many separate means are computed, and how many values does each average?"
        hint = answer_hint((2,), decimals=0, what="[number of means, values per mean]")
    prompt = "\n\n".join(
        [f"An input of shape (N, C, H, W) = {shape} goes through **{names[method]}** in training mode.", question, hint]
    )
    sets = {
        "batch": "S_i = {k : k_C = i_C}: every sample and position of one channel",
        "layer": "S_i = {k : k_N = i_N}: every channel and position of one sample",
        "instance": "S_i = {k : k_N = i_N, k_C = i_C}: the positions of one channel of one sample",
        "group": "S_i = {k : k_N = i_N, floor(k_C / (C/G)) = floor(i_C / (C/G))}: one group of one sample",
    }
    steps = [Step("the set each statistic averages", sets[method]), Step("values per mean", per_stat)]
    if level == 2:
        steps.append(Step("number of means = N*C*H*W / values per mean", count))
        steps.append(Step("[number of means, values per mean]", answer))
    confusions = {"batch": "layer", "layer": "batch", "instance": "layer", "group": "layer"}
    other = norms.stat_count(shape, confusions[method], num_groups=groups)
    wrong = np.array(float(other)) if level == 1 else np.array([n * c * hw * hw // other, other], dtype=float)
    variants = [Variant("wrong_axes", wrong)]
    inputs = {"shape": list(shape), "method": method} | ({"num_groups": groups} if groups else {})
    return Draft("values per statistic" if level == 1 else "[number of means, values per mean]", prompt, answer, steps, inputs, atol=0.0, rtol=0.0, variants=variants)


# ---------------------------------------------------------------------------------------------
# Spectral normalization and weight standardization

#: Unit vectors with friendly entries, for the stored power-iteration vectors u and v.
UNIT_VECTORS = np.array([(1.0, 0.0), (0.0, 1.0), (0.6, 0.8), (0.8, 0.6), (0.8, -0.6), (-0.6, 0.8)])
#: The spectral-norm exercises' tolerance.
SPECTRAL_ATOL, SPECTRAL_RTOL = 5e-4, 1e-3


def _distinct_singular_values(entries: list[float]) -> bool:
    """A 2x2 ``[a, b, c, d]`` with |det| >= 2 (well away from singular) and two different singular
    values: with s1 = s2 (a scaled rotation or reflection) every estimate of sigma is the same,
    so no order of the power-iteration step could be told from another."""
    a, b, c, d = entries
    det = abs(a * d - b * c)
    return det >= 2 and a * a + b * b + c * c + d * d != 2 * det  # sum of squares = s1^2 + s2^2


def _apart(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether x and y differ by more than the exercise's tolerance (over the last two axes)."""
    tol = SPECTRAL_ATOL + SPECTRAL_RTOL * np.maximum(np.abs(x), np.abs(y))
    return (np.abs(x - y) > tol).any(axis=(-2, -1))


def _telling_vectors(w: np.ndarray) -> np.ndarray:
    """``[i, j]`` pairs of UNIT_VECTORS indices: u = UNIT_VECTORS[i], v = UNIT_VECTORS[j], i != j,
    for which sigma, the legacy order's sigma and the Frobenius norm all differ, as numbers and as
    W / sigma.

    After one step PyTorch's sigma depends on v alone, ``|W^T W v| / |W v|``, and the legacy
    order's on u alone, ``|W W^T u| / |W^T u|``, so each is computed once per candidate vector.
    """
    wv = UNIT_VECTORS @ w.T  # rows W v
    sigma = np.linalg.norm(wv @ w, axis=1) / np.linalg.norm(wv, axis=1)
    wtu = UNIT_VECTORS @ w  # rows W^T u
    legacy = np.linalg.norm(wtu @ w.T, axis=1) / np.linalg.norm(wtu, axis=1)
    frobenius = np.sqrt((w * w).sum())
    # every estimate, and W divided by it, indexed [u, v, ...]
    new_at = np.broadcast_to(sigma[None, :, None, None], (6, 6, 1, 1))
    old_at = np.broadcast_to(legacy[:, None, None, None], (6, 6, 1, 1))
    frob_at = np.full((6, 6, 1, 1), frobenius)
    ok = ~np.eye(6, dtype=bool)
    for first, second in ((new_at, old_at), (new_at, frob_at), (old_at, frob_at)):
        ok &= _apart(first, second) & _apart(w / first, w / second)
    return np.argwhere(ok)


@generator(
    "spectral_norm.power_step",
    "Spectral norm: one training-mode power-iteration step, then W / sigma (PyTorch's parametrization)",
    levels=(1, 2),
)
def spectral_norm_power_step(rng, level=1):
    head = [float(choice(rng, [-2, -1, 1, 2, 3, 4])), *ints(rng, 2, -2, 4)]  # a != 0: some d fits
    w = complete(rng, head, -2, 4, _distinct_singular_values).reshape(2, 2)
    pairs = _telling_vectors(w)
    i, j = pairs[int(rng.integers(len(pairs)))]
    u, v = UNIT_VECTORS[i], UNIT_VECTORS[j]
    result = norms.spectral_norm(w, u, v)
    legacy = norms.spectral_norm(w, u, v, legacy=True)
    frobenius = np.sqrt((w**2).sum())
    if level == 1:
        answer, question, decimals = result.sigma, "What sigma does this forward pass divide by?", 3
        variants = [Variant("spectral_norm_frobenius", frobenius), Variant("spectral_norm_legacy_order", legacy.sigma)]
        asks = "the spectral norm estimate sigma"
    else:
        answer, question, decimals = result.weight, "What is the normalized weight W / sigma (2x2)?", 3
        variants = [
            Variant("spectral_norm_frobenius", w / frobenius),
            Variant("spectral_norm_legacy_order", legacy.weight),
        ]
        asks = "the normalized weight W / sigma"
    prompt = "\n\n".join(
        [
            "A Linear layer's weight is registered with `torch.nn.utils.parametrizations.spectral_norm` "
            "(n_power_iterations=1) and the module is in **training mode**. The weight W is",
            block(w),
            f"and the stored power-iteration vectors are u = {show(u)} and v = {show(v)}.",
            question,
            answer_hint(np.shape(answer), decimals=decimals),
        ]
    )
    steps = [
        Step("u = normalize(W v)  (the stored u is overwritten, not read)", result.u),
        Step("v = normalize(W^T u)", result.v),
        Step("sigma = u . (W v)", result.sigma),
    ]
    if level == 2:
        steps.append(Step("W / sigma", result.weight))
    inputs = {"W": w, "u": u, "v": v}
    return Draft(asks, prompt, answer, steps, inputs, atol=SPECTRAL_ATOL, rtol=SPECTRAL_RTOL, variants=variants)


@generator(
    "weight_standardization.forward",
    "Weight Standardization: standardize each output filter of a conv weight (timm's StdConv2d)",
    levels=(1,),
)
def weight_standardization_forward(rng, level=1):
    first = wide_ints(rng, 4, -3, 5)  # a standard deviation above 1.7: not its variance
    # the second filter is not constant and its mean differs from the first's, or standardizing
    # the whole tensor at once would give the same numbers
    second = complete(rng, ints(rng, 3, -3, 5), -3, 5, lambda f: len(set(f)) > 1 and sum(f) != first.sum())
    w = np.stack([first, second])
    conv = w.reshape(2, 1, 2, 2)
    answer = norms.weight_standardization(conv).reshape(2, 4)
    prompt = "\n\n".join(
        [
            "A Conv2d(1, 2, kernel_size=2) uses Weight Standardization (timm's `StdConv2d`, eps = 1e-6). "
            "Its weight has shape (2, 1, 2, 2); each row below is one output filter, flattened:",
            block(w),
            "What is the standardized weight, in the same layout (2x4)?",
            answer_hint(answer.shape, decimals=3),
        ]
    )
    mean = w.mean(axis=1)
    var = w.var(axis=1)
    steps = [
        Step("mean of each filter (over in_channels x kH x kW)", mean),
        Step("biased variance of each filter", var),
        Step("(W - mean) / sqrt(var + eps)", answer),
    ]
    variants = [
        Variant("ws_whole_tensor", (w - w.mean()) / np.sqrt(w.var() + 1e-6)),
        Variant("std_for_var", (w - mean[:, None]) / (var[:, None] + 1e-6)),
    ]
    return Draft("the standardized weight (2x4)", prompt, answer, steps, {"W": w}, atol=5e-3, variants=variants)
