"""Exercises on dropout and its relatives: inverted vs original, Dropout2d, DropPath, MC dropout.

Masks are printed in the prompt (1 = kept, 0 = dropped), so the exercise is about the convention,
not about luck.  The answers come from :mod:`engine.dropout`; a misconception's answer comes from
the same op with the belief plugged in (p read as the keep probability, no rescaling, ...).

Where a belief reads p as the keep probability, p is never 0.5 (then p = 1 - p and the belief
gives the right answer), and the values a mask keeps are never all 0 (then scaling them or not
gives the same zeros).
"""

from __future__ import annotations

import numpy as np

from .. import dropout as ops
from .base import Draft, Step, Variant, generator
from .draw import choice, complete, ints, mask, nonzero_ints
from .text import answer_hint, block, fmt_num, show

#: Drop probabilities whose keep probability gives a friendly 1/(1-p), and p != 1 - p.
FRIENDLY_P = [0.2, 0.25, 0.75, 0.8]


def _mask_text(m: np.ndarray) -> str:
    return show(m.astype(int))


@generator(
    "dropout.inverted_forward",
    "Inverted dropout (PyTorch): the output for a given keep-mask in training mode",
    levels=(1, 2),
)
def inverted_forward(rng, level=1):
    p = float(choice(rng, FRIENDLY_P))
    shape = (5,) if level == 1 else (2, 3)
    x = nonzero_ints(rng, shape, -4, 6)
    m = mask(rng, shape, keep=1 - p)
    y = ops.dropout(x, p, training=True, mask=m)
    prompt = "\n\n".join(
        [
            f"`nn.Dropout(p={fmt_num(p)})` is in **training mode**. The input x and the mask it "
            "drew (1 = kept, 0 = dropped) are:",
            (f"x = {show(x)}, mask = {_mask_text(m)}" if x.ndim == 1 else f"x ={show(x)}mask ={_mask_text(m)}"),
            "What is the output?",
            answer_hint(y.shape),
        ]
    )
    steps = [
        Step("keep probability = 1 - p", 1 - p),
        Step("scale for kept units = 1 / (1 - p)", 1 / (1 - p)),
        Step("y = x * mask / (1 - p)", y),
    ]
    variants = [
        Variant("no_inverted_scaling", x * m),
        Variant("keep_prob_as_drop_prob", x * m / p),
    ]
    return Draft("the dropout output", prompt, y, steps, {"x": x, "mask": m.astype(int), "p": p}, variants=variants)


@generator(
    "dropout.eval_forward",
    "Inverted dropout in eval mode: what model.eval() does to nn.Dropout",
    levels=(1,),
)
def eval_forward(rng, level=1):
    p = float(choice(rng, FRIENDLY_P))
    x = ints(rng, (4,), 1, 9)
    y = ops.dropout(x, p, training=False)
    prompt = "\n\n".join(
        [
            f"A network with `nn.Dropout(p={fmt_num(p)})` was trained and then put in eval mode with "
            f"`model.eval()`. The activations reaching the dropout layer are x = {show(x)}.",
            "What does the dropout layer output?",
            answer_hint(y.shape),
        ]
    )
    steps = [
        Step("inverted dropout already divided by 1 - p during training", 1 / (1 - p)),
        Step("so at eval the layer is the identity: y = x", y),
    ]
    variants = [
        Variant("scale_at_eval", x * (1 - p)),
        Variant("keep_prob_as_drop_prob", x * p),
    ]
    return Draft("the eval-mode dropout output", prompt, y, steps, {"x": x, "p": p}, variants=variants)


@generator(
    "dropout.original_forward",
    "Dropout in the original paper's convention: keep probability, scale at test time",
    levels=(1, 2),
)
def original_forward(rng, level=1):
    # Level 1 asks about test time, where reading p as the drop probability gives (1 - p) * x:
    # not 0.5 there.  Level 2 asks about training, where no such belief is diagnosed.
    p_keep = float(choice(rng, [0.6, 0.75, 0.8] if level == 1 else [0.5, 0.6, 0.75, 0.8]))
    x = ints(rng, (4,), 1, 9)
    if level == 1:
        y = ops.dropout_original(x, p_keep, training=False)
        prompt = "\n\n".join(
            [
                f"A network was trained with dropout in the **original** convention (Srivastava et "
                f"al., 2014): each unit is kept with probability p = {fmt_num(p_keep)} and kept units "
                "are not rescaled during training.",
                f"At **test time**, a layer's activations before dropout are x = {show(x)}.",
                "What does the layer pass on at test time?",
                answer_hint(y.shape),
            ]
        )
        steps = [Step("original convention: multiply by the keep probability at test", p_keep), Step("y = p * x", y)]
        variants = [
            Variant("mixed_conventions", x),  # the inverted rule: nothing at test
            Variant("keep_prob_as_drop_prob", x * (1 - p_keep)),
        ]
        asks = "the test-time output"
        inputs = {"x": x, "p_keep": p_keep}
    else:
        m = mask(rng, (4,), keep=p_keep)
        y = ops.dropout_original(x, p_keep, training=True, mask=m)
        prompt = "\n\n".join(
            [
                f"Dropout in the **original** convention, keep probability p = {fmt_num(p_keep)}, is "
                "in **training** mode. The activations and the drawn mask (1 = kept) are:",
                f"x = {show(x)}, mask = {_mask_text(m)}",
                "What is the training-time output?",
                answer_hint(y.shape),
            ]
        )
        steps = [Step("original convention: no rescaling in training", ""), Step("y = x * mask", y)]
        variants = [Variant("mixed_conventions", x * m / p_keep)]
        asks = "the training-time output"
        inputs = {"x": x, "mask": m.astype(int), "p_keep": p_keep}
    return Draft(asks, prompt, y, steps, inputs, variants=variants)


@generator(
    "dropout.expected_value",
    "What inverted dropout outputs for a kept unit, and the expectation it preserves",
    levels=(1,),
)
def expected_value(rng, level=1):
    p = float(choice(rng, FRIENDLY_P))
    x = float(ints(rng, (), 1, 9))
    kept = float(ops.dropout(np.array([x]), p, training=True, mask=np.array([True]))[0])
    answer = np.array([kept, (1 - p) * kept])  # E[y] = keep * kept value + p * 0
    prompt = "\n\n".join(
        [
            f"A unit outputs x = {fmt_num(x)} before `nn.Dropout(p={fmt_num(p)})` in training mode.",
            "When the unit is kept, what value does dropout pass on? And what is the expected output "
            "over the random mask?",
            answer_hint((2,), what="[value when kept, expected value]"),
        ]
    )
    steps = [
        Step("kept with probability 1 - p", 1 - p),
        Step("kept value = x / (1 - p)", kept),
        Step("E[y] = (1 - p) * x / (1 - p) + p * 0 = x", x),
        Step("[value when kept, expected value]", answer),
    ]
    variants = [  # reading p as the keep probability still preserves the expectation
        Variant("keep_prob_as_drop_prob", np.array([x / p, x])),
        Variant("no_inverted_scaling", np.array([x, (1 - p) * x])),
    ]
    return Draft("[value when kept, expected value]", prompt, answer, steps, {"x": x, "p": p}, variants=variants)


@generator(
    "dropout.backward",
    "The gradient through inverted dropout: the same mask, the same scale",
    levels=(2,),
)
def backward(rng, level=2):
    p = float(choice(rng, FRIENDLY_P))
    g = nonzero_ints(rng, (5,), -4, 4)
    m = mask(rng, (5,), keep=1 - p)
    grad = ops.dropout_backward(g, m, p)
    prompt = "\n\n".join(
        [
            f"In the forward pass, `nn.Dropout(p={fmt_num(p)})` (training mode) drew the mask "
            f"{_mask_text(m)} (1 = kept). The upstream gradient is dL/dy = {show(g)}.",
            "What is dL/dx?",
            answer_hint(grad.shape),
        ]
    )
    steps = [
        Step("once the mask is drawn, y = x * mask / (1 - p): the scale 1 / (1 - p) is", 1 / (1 - p)),
        Step("dL/dx = dL/dy * mask / (1 - p)", grad),
    ]
    variants = [
        Variant("no_inverted_scaling", g * m),
        Variant("keep_prob_as_drop_prob", g * m / p),
    ]
    return Draft("dL/dx", prompt, grad, steps, {"grad_output": g, "mask": m.astype(int), "p": p}, variants=variants)


@generator(
    "dropout2d.forward",
    "Dropout2d: whole channels are dropped, and the kept ones rescaled",
    levels=(1,),
)
def dropout2d_forward(rng, level=1):
    p = float(choice(rng, FRIENDLY_P))
    x = ints(rng, (1, 3, 2, 2), 1, 6)
    m = mask(rng, (1, 3), keep=1 - p)
    y = ops.dropout2d(x, p, training=True, mask=m)
    answer = y[0].reshape(3, 4)
    prompt = "\n\n".join(
        [
            f"`nn.Dropout2d(p={fmt_num(p)})` in training mode gets one sample with 3 channels of 2x2. "
            "Each channel is printed flattened as one row (channel c is row c):",
            block(x[0].reshape(3, 4)),
            f"The channel mask it drew is {_mask_text(m[0])} (1 = kept).",
            "What is the output, in the same layout (3x4)?",
            answer_hint(answer.shape),
        ]
    )
    steps = [
        Step("one decision per channel; a dropped channel is all zeros", m[0].astype(int)),
        Step("kept channels are scaled by 1 / (1 - p)", 1 / (1 - p)),
        Step("output", answer),
    ]
    flat = x[0].reshape(3, 4) * m[0][:, None]
    variants = [
        Variant("no_inverted_scaling", flat),
        Variant("keep_prob_as_drop_prob", flat / p),
    ]
    return Draft("the Dropout2d output (3x4)", prompt, answer, steps, {"x": x[0].reshape(3, 4), "mask": m[0].astype(int), "p": p}, variants=variants)


@generator(
    "drop_path.forward",
    "DropPath (stochastic depth): drop the residual branch of whole samples, rescale the rest",
    levels=(1, 2),
)
def drop_path_forward(rng, level=1):
    drop_prob = float(choice(rng, [0.2, 0.25]))
    branch = nonzero_ints(rng, (3, 2), -3, 5)
    m = mask(rng, (3,), keep=1 - drop_prob)
    dropped = ops.drop_path(branch, drop_prob, training=True, mask=m)
    if level == 1:
        answer = dropped
        question = "What is drop_path(F(x)), the branch after DropPath (3x2)?"
        inputs = {"branch": branch}
        extra = ""
    else:
        x = ints(rng, (3, 2), -3, 5)
        answer = x + dropped
        question = "What is the block's output x + drop_path(F(x)) (3x2)?"
        inputs = {"x": x, "branch": branch}
        extra = f"The block input x is{show(x)}"
    prompt = "\n\n".join(
        [
            f"A residual block uses DropPath with drop_prob = {fmt_num(drop_prob)} (timm, "
            "scale_by_keep=True) in training mode. Rows are samples. The branch output F(x) is",
            block(branch),
            f"{extra}The per-sample mask drawn is {_mask_text(m)} (1 = branch kept).",
            question,
            answer_hint(answer.shape),
        ]
    )
    steps = [
        Step("one decision per sample; keep probability = 1 - drop_prob", 1 - drop_prob),
        Step("drop_path(F(x)) = F(x) * mask / (1 - drop_prob)", dropped),
    ]
    if level == 2:
        steps.append(Step("output = x + drop_path(F(x))", answer))
    base = 0 if level == 1 else inputs["x"]
    variants = [
        Variant("drop_path_no_scale", base + branch * m[:, None]),
        Variant("keep_prob_as_drop_prob", base + branch * m[:, None] / drop_prob),
    ]
    inputs |= {"mask": m.astype(int), "drop_prob": drop_prob}
    return Draft("the output with DropPath", prompt, answer, steps, inputs, variants=variants)


@generator(
    "drop_path.linear_decay",
    "Stochastic depth's linear rule: the drop probability of each block",
    levels=(1,),
)
def drop_path_linear_decay(rng, level=1):
    depth = int(choice(rng, [5, 9, 11, 12, 13]))
    rate = float(choice(rng, [0.1, 0.2, 0.3, 0.4]))
    block_index = int(rng.integers(1, depth - 1))
    rates = ops.drop_path_rates(rate, depth)
    answer = rates[block_index]
    prompt = "\n\n".join(
        [
            f"A model with {depth} residual blocks (numbered 0 to {depth - 1}) uses timm's stochastic "
            f"depth rule with drop_path_rate = {fmt_num(rate)}: "
            f"`dpr = torch.linspace(0, {fmt_num(rate)}, {depth})`.",
            f"What is the drop probability of block {block_index}?",
            answer_hint((), decimals=3),
        ]
    )
    steps = [
        Step("rates grow linearly from 0 (first block) to drop_path_rate (last block)", ""),
        Step(f"rate[i] = drop_path_rate * i / (depth - 1) = {fmt_num(rate)} * {block_index} / {depth - 1}", answer),
    ]
    variants = [Variant("linear_decay_off_by_one", rate * block_index / depth)]
    return Draft(f"the drop probability of block {block_index}", prompt, answer, steps, {"depth": depth, "drop_path_rate": rate, "block": block_index}, rtol=1e-3, atol=5e-4, variants=variants)


def _variance(values: list[float]) -> float:
    """The biased variance of a handful of numbers (plain Python: quicker than NumPy here)."""
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / len(values)


@generator(
    "mc_dropout.predict",
    "MC dropout: predictive mean and variance from T stochastic forward passes",
    levels=(1, 2),
)
def mc_dropout_predict(rng, level=1):
    passes = 4 if level == 1 else 5
    outputs = 1 if level == 1 else 2
    # Each output's passes have a variance other than 0, other than 1 (the std would equal it)
    # and other than ((T-1)/T)^2 (the unbiased variance would equal the std).
    unclear = [0.0, 1.0, ((passes - 1) / passes) ** 2]
    samples = ints(rng, (passes, outputs), 0, 8)
    for j in range(outputs):
        samples[:, j] = complete(rng, samples[:-1, j], 0, 8, lambda column: all(abs(_variance(column) - u) > 1e-9 for u in unclear))
    queue = iter(samples)
    mean, var = ops.mc_dropout_predict(lambda x, r: next(queue), None, passes, rng=rng)
    if outputs == 1:
        answer = np.array([mean[0], var[0]])
        what = "[mean, variance]"
        shown = show(samples.ravel())
    else:
        answer = np.stack([mean, var])
        what = "row 1 the means, row 2 the variances"
        shown = show(samples)
    prompt = "\n\n".join(
        [
            f"With dropout kept on at test time, {passes} forward passes on the same input give "
            + ("these predictions:" if outputs == 1 else "these 2 outputs each (one row per pass):"),
            shown,
            "What are the predictive mean and the predictive variance (the plain variance over the "
            "passes, dividing by T)?",
            answer_hint(answer.shape, what=what),
        ]
    )
    steps = [
        Step("mean = sum of passes / T", mean),
        Step("variance = mean of (y - mean)^2 over the T passes", var),
        Step("answer", answer),
    ]
    unbiased = samples.var(axis=0, ddof=1)
    std = np.sqrt(var)
    pick = (lambda a, b: np.array([a[0], b[0]])) if outputs == 1 else (lambda a, b: np.stack([a, b]))
    variants = [
        Variant("mc_variance_unbiased", pick(mean, unbiased)),
        Variant("std_for_var", pick(mean, std)),
    ]
    return Draft("[predictive mean, predictive variance]", prompt, answer, steps, {"passes": samples}, variants=variants)


# ---------------------------------------------------------------------------------------------
# Alpha dropout and DropBlock


@generator(
    "alpha_dropout.forward",
    "AlphaDropout (SELU networks): dropped units go to -1.7581, then a*x + b keeps mean 0, variance 1",
    levels=(1,),
)
def alpha_dropout_forward(rng, level=1):
    p = float(choice(rng, [0.1, 0.2, 0.5]))
    x = ints(rng, (4,), -2, 3)
    m = mask(rng, (4,), keep=1 - p)
    y = ops.alpha_dropout(x, p, training=True, mask=m)
    alpha = ops.SELU_ALPHA_PRIME
    a = 1 / np.sqrt((alpha**2 * p + 1) * (1 - p))
    b = a * alpha * p
    prompt = "\n\n".join(
        [
            f"`nn.AlphaDropout(p={fmt_num(p)})` is in **training mode** in a SELU network. The input "
            f"and the mask it drew (1 = kept) are x = {show(x)}, mask = {_mask_text(m)}.",
            "PyTorch sets a dropped unit to -alpha' = -1.7580993 (SELU's saturation value), then "
            "applies y = a * x + b with a = 1 / sqrt((alpha'^2 * p + 1) * (1 - p)) and b = a * 1.7580993 * p.",
            "What is the output?",
            answer_hint(y.shape, decimals=3),
        ]
    )
    steps = [
        Step("a = 1 / sqrt((1.7581^2 * p + 1) * (1 - p))", a),
        Step("b = a * 1.7581 * p", b),
        Step("kept: a * x + b; dropped: a * (-1.7581) + b", y),
    ]
    variants = [
        Variant("alpha_dropout_as_dropout", x * m / (1 - p)),
        Variant("alpha_dropout_no_affine", np.where(m, x, -alpha)),
    ]
    inputs = {"x": x, "mask": m.astype(int), "p": p}
    return Draft("the AlphaDropout output", prompt, y, steps, inputs, atol=5e-3, variants=variants)


@generator(
    "drop_block.gamma",
    "DropBlock's seed rate gamma, as torchvision.ops.drop_block2d computes it",
    levels=(1,),
)
def drop_block_gamma(rng, level=1):
    p = float(choice(rng, [0.1, 0.2, 0.25]))
    block_size = int(choice(rng, [3, 5]))
    size = int(choice(rng, [7, 9, 14, 16]))
    gamma = ops.drop_block_gamma(p, block_size, size, size)
    valid = size - block_size + 1
    prompt = "\n\n".join(
        [
            f"`torchvision.ops.DropBlock2d(p={fmt_num(p)}, block_size={block_size})` runs in training "
            f"mode on {size}x{size} feature maps. Each seed drops a {block_size}x{block_size} block, and "
            "seeds are drawn only where a whole block fits.",
            "With what probability gamma is each seed position drawn?",
            answer_hint((), decimals=4),
        ]
    )
    steps = [
        Step("valid seed positions per map: (H - bs + 1) * (W - bs + 1)", valid * valid),
        Step("gamma = p * H * W / (bs^2 * valid positions)", gamma),
    ]
    variants = [
        Variant("dropblock_gamma_no_valid_region", p / block_size**2),
        Variant("dropblock_seed_rate_is_p", p),
    ]
    inputs = {"p": p, "block_size": block_size, "size": size}
    return Draft("the seed rate gamma", prompt, gamma, steps, inputs, atol=5e-5, rtol=1e-3, variants=variants)


def _seed_grid(rng, grid: int) -> np.ndarray:
    """One or two block seeds on a grid x grid map of seed positions."""
    seeds = np.zeros((grid, grid), dtype=bool)
    for index in rng.choice(grid * grid, size=int(rng.integers(1, 3)), replace=False):
        seeds.flat[int(index)] = True
    return seeds


@generator(
    "drop_block.forward",
    "DropBlock from a given seed draw: which units go, and the count-based rescaling",
    levels=(2, 3),
)
def drop_block_forward(rng, level=2):
    p = float(choice(rng, [0.1, 0.2]))
    size = 5 if level == 2 else 4
    x = ints(rng, (1, 1, size, size), 1, 9)
    seeds = _seed_grid(rng, size - 2)
    y, keep = ops.drop_block2d(x, p, 3, seeds=seeds[None, None], return_mask=True)
    kept = int(keep.sum())
    scale = keep.size / (1e-6 + kept)
    dropped_units = keep.size - kept
    seed_text = " and ".join(f"({r}, {c})" for r, c in zip(*np.nonzero(seeds)))
    if level == 2:
        answer = np.array([dropped_units, scale])
        question = "How many units are dropped, and by what factor are the kept units scaled?"
        hint = answer_hint((2,), decimals=3, what="[units dropped, scale]")
        wrong = np.array([dropped_units, 1 / (1 - p)])
        asks = "[units dropped, scale factor]"
    else:
        answer = y[0, 0]
        question = "What is the output map (4x4)?"
        hint = answer_hint(answer.shape, decimals=2)
        wrong = x[0, 0] * keep[0, 0] / (1 - p)
        asks = "the DropBlock output (4x4)"
    prompt = "\n\n".join(
        [
            f"`torchvision.ops.drop_block2d(x, p={fmt_num(p)}, block_size=3)` in training mode gets one "
            f"{size}x{size} map x:",
            block(x[0, 0]),
            f"Its Bernoulli draw on the {size - 2}x{size - 2} grid of seed positions (1 = seed) is",
            block(seeds.astype(int)),
            f"that is, seeds at {seed_text}. A seed at (i, j) drops rows i..i+2 and columns j..j+2 "
            "(blocks may overlap).",
            question,
            hint,
        ]
    )
    steps = [
        Step("keep mask (1 = kept)", keep[0, 0].astype(int)),
        Step("units dropped (overlaps counted once)", dropped_units),
        Step("scale = numel / (eps + kept units)", scale),
        Step("answer", answer),
    ]
    variants = [Variant("dropblock_scale_by_keep_rate", wrong)]
    inputs = {"x": x[0, 0], "seeds": seeds.astype(int), "p": p}
    return Draft(asks, prompt, answer, steps, inputs, atol=5e-3, variants=variants)
