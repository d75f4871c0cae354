"""Exercises on label smoothing, cross-entropy, MixUp, CutMix and the classic augmentations.

Answers come from :mod:`engine.augment` and :mod:`engine.regularize`; a misconception's answer
comes from the same op with the belief plugged in (smoothing over K - 1 classes, lambda on the
wrong sample, the sampled CutMix lambda left uncorrected, a vertical flip).
"""

from __future__ import annotations

import numpy as np

from .. import augment, regularize
from .base import Draft, Step, Variant, generator
from .draw import choice, int_except, ints
from .text import answer_hint, block, fmt_num, show


def _smoothed_over_rest(target: int, k: int, eps: float) -> np.ndarray:
    """The K - 1 belief: 1 - eps on the true class and eps / (K - 1) on each of the others."""
    q = np.full(k, eps / (k - 1))
    q[target] = 1 - eps
    return q


@generator(
    "label_smoothing.target",
    "Label smoothing: the soft target PyTorch trains against",
    levels=(1,),
)
def smoothed_target(rng, level=1):
    k = int(choice(rng, [4, 5]))
    eps = float(choice(rng, [0.1, 0.2]))
    target = int(rng.integers(k))
    q = augment.smooth_labels(np.array(target), k, eps)
    prompt = "\n\n".join(
        [
            f"A classifier has K = {k} classes and is trained with "
            f"`nn.CrossEntropyLoss(label_smoothing={fmt_num(eps)})`. The true class is {target} "
            f"(classes are numbered 0 to {k - 1}).",
            "What target distribution does the loss compare the prediction with?",
            answer_hint(q.shape, decimals=3),
        ]
    )
    steps = [
        Step("every class gets eps / K", eps / k),
        Step("the true class gets 1 - eps + eps / K", 1 - eps + eps / k),
        Step("q = (1 - eps) * one_hot + eps / K", q),
    ]
    variants = [Variant("smoothing_over_k_minus_1", _smoothed_over_rest(target, k, eps))]
    return Draft("the smoothed target", prompt, q, steps, {"num_classes": k, "eps": eps, "target": target}, atol=5e-4, variants=variants)


def _logits(rng, k: int) -> np.ndarray:
    return ints(rng, k, -1, 3)


@generator(
    "label_smoothing.cross_entropy",
    "Cross-entropy with label smoothing, as nn.CrossEntropyLoss(label_smoothing=eps)",
    levels=(2,),
)
def smoothed_cross_entropy(rng, level=2):
    k = 3
    eps = float(choice(rng, [0.1, 0.2, 0.3]))
    z = _logits(rng, k)
    target = int(rng.integers(k))
    # Spreading eps over the K - 1 other classes changes the loss by eps/6 * (2 z_t - z_a - z_b):
    # the true class's logit is not the mean of the other two.
    others = np.delete(z, target)
    z[target] = int_except(rng, -1, 3, {others.mean()})
    loss = regularize.cross_entropy(z[None, :], np.array([target]), label_smoothing=eps)
    log_p = z - np.log(np.exp(z).sum())
    q = augment.smooth_labels(np.array(target), k, eps)
    prompt = "\n\n".join(
        [
            f"Logits for one sample over K = 3 classes: z = {show(z)}; the true class is {target}.",
            f"What is `nn.CrossEntropyLoss(label_smoothing={fmt_num(eps)})` for it? "
            "(Natural log; a calculator is fine.)",
            answer_hint((), decimals=3),
        ]
    )
    steps = [
        Step("log p = z - log(sum(exp(z)))", log_p),
        Step("smoothed target q = (1 - eps) * one_hot + eps / K", q),
        Step("loss = -sum(q * log p)", loss),
    ]
    wrong_q = _smoothed_over_rest(target, k, eps)
    variants = [
        Variant("smoothing_over_k_minus_1", -(wrong_q * log_p).sum()),
    ]
    return Draft("the smoothed cross-entropy", prompt, loss, steps, {"logits": z, "target": target, "label_smoothing": eps}, atol=2e-3, variants=variants)


@generator(
    "cross_entropy.forward",
    "Plain cross-entropy of logits: -log softmax of the true class",
    levels=(1,),
)
def cross_entropy_forward(rng, level=1):
    z = _logits(rng, 3)
    target = int(rng.integers(3))
    loss = regularize.cross_entropy(z[None, :], np.array([target]))
    p = np.exp(z) / np.exp(z).sum()
    prompt = "\n\n".join(
        [
            f"Logits for one sample over 3 classes: z = {show(z)}; the true class is {target}.",
            "What is the cross-entropy loss `F.cross_entropy(z, y)`? (Natural log.)",
            answer_hint((), decimals=3),
        ]
    )
    steps = [
        Step("softmax p = exp(z) / sum(exp(z))", p),
        Step(f"loss = -log p[{target}]", loss),
    ]
    return Draft("the cross-entropy loss", prompt, loss, steps, {"logits": z, "target": target}, atol=2e-3)


@generator(
    "mixup.mix",
    "MixUp: blend two samples and their labels with the same lambda",
    levels=(1, 2),
)
def mixup_mix(rng, level=1):
    lam = float(choice(rng, [0.2, 0.3, 0.6, 0.7, 0.8]))
    width = 3 if level == 1 else 4
    x = ints(rng, (2, width), 0, 9)
    y = np.array([0, 2]) if level == 1 else np.array(rng.permutation(3)[:2])
    x_mixed, y_mixed = augment.mixup(x, y, lam, perm=np.array([1, 0]), num_classes=3)
    answer = np.stack([x_mixed[0][:3], y_mixed[0]]) if level == 1 else np.concatenate([x_mixed[0], y_mixed[0]])
    if level == 1:
        ask = "Give the mixed input (first row) and the mixed label (second row) as a 2x3 matrix."
        what = "row 1 the mixed input, row 2 the mixed one-hot label"
    else:
        ask = f"Give the mixed input followed by the mixed label, as one vector of {width + 3} numbers."
        what = "input then label"
    prompt = "\n\n".join(
        [
            f"MixUp with lambda = {fmt_num(lam)} mixes sample a = {show(x[0])} (class {y[0]}) with "
            f"sample b = {show(x[1])} (class {y[1]}), for K = 3 classes: x = lam * a + (1 - lam) * b.",
            ask,
            answer_hint(answer.shape, what=what),
        ]
    )
    steps = [
        Step("x = lam * a + (1 - lam) * b", x_mixed[0]),
        Step("y = lam * one_hot(a) + (1 - lam) * one_hot(b)", y_mixed[0]),
        Step("answer", answer),
    ]
    swapped_x, swapped_y = augment.mixup(x, y, 1 - lam, perm=np.array([1, 0]), num_classes=3)
    wrong = np.stack([swapped_x[0][:3], swapped_y[0]]) if level == 1 else np.concatenate([swapped_x[0], swapped_y[0]])
    variants = [Variant("mixup_lambda_swapped", wrong)]
    return Draft("the mixed input and label", prompt, answer, steps, {"a": x[0], "b": x[1], "class_a": int(y[0]), "class_b": int(y[1]), "lam": lam}, variants=variants)


#: lambda values whose sqrt(1 - lambda) is a round number, so the box side is exact (0.91 is
#: not: 10 * sqrt(0.09) is 2.999... in floating point, so int() gives 2, as in timm).
FRIENDLY_LAMBDA = [0.19, 0.36, 0.51, 0.64, 0.75, 0.84]
#: Those with an odd side (9, 7, 5): the box, cut//2 on either side of the centre, is one pixel
#: narrower than cut, so even a box inside the image corrects lambda.
ODD_SIDE_LAMBDA = [0.19, 0.51, 0.75]


@generator(
    "cutmix.lambda",
    "CutMix: the box from lambda, clipped at the border, and lambda corrected to the pasted area",
    levels=(1, 2),
)
def cutmix_lambda(rng, level=1):
    size = 10
    lam = float(choice(rng, ODD_SIDE_LAMBDA if level == 1 else FRIENDLY_LAMBDA))
    cut = int(size * np.sqrt(1 - lam))
    half = cut // 2
    if level == 1:  # the box fits inside the image
        cy, cx = (int(v) for v in rng.integers(half, size - half + 1, size=2))
    else:  # the box sticks out of at least one border: one coordinate within half of an edge
        near_edge = [*range(half), *range(size - half + 1, size)]
        cy, cx = choice(rng, near_edge), int(rng.integers(size))
        if rng.integers(2):
            cy, cx = cx, cy
    box = augment.cutmix_box(size, size, lam, center=(cy, cx))
    corrected = augment.cutmix_lambda(box, size, size)
    prompt = "\n\n".join(
        [
            f"CutMix on {size}x{size} images samples lambda = {fmt_num(lam)}. Following timm, the box "
            f"side is cut = int({size} * sqrt(1 - lambda)) and the box spans rows cy - cut//2 to "
            f"cy + cut//2 (likewise columns), clipped at the border. The centre drawn is "
            f"(cy, cx) = ({cy}, {cx}).",
            "What lambda is used to mix the labels?",
            answer_hint((), decimals=2),
        ]
    )
    steps = [
        Step("cut = int(10 * sqrt(1 - lambda))", cut),
        Step("box rows yl:yh, cols xl:xh after clipping", f"rows {box.yl}:{box.yh}, cols {box.xl}:{box.xh}"),
        Step("pasted area", box.area),
        Step("lambda = 1 - area / (H * W)", corrected),
    ]
    variants = [Variant("cutmix_uncorrected_lambda", lam)]
    return Draft("the corrected lambda", prompt, corrected, steps, {"height": size, "width": size, "lam": lam, "center": [cy, cx]}, atol=5e-3, variants=variants)


@generator("augment.hflip", "Horizontal flip of a small image", levels=(1,))
def hflip(rng, level=1):
    x = ints(rng, (3, 3), 0, 9)
    # Not mirror-symmetric left-right (the flip would change nothing), up-down (an upside-down
    # flip would change nothing) or under a half turn (both flips would agree).
    x[0, 2] = int_except(rng, 0, 9, {x[0, 0]})
    x[2, 1] = int_except(rng, 0, 9, {x[0, 1]})
    x[2, 2] = int_except(rng, 0, 9, {x[0, 0]})
    y = augment.hflip(x)
    prompt = "\n\n".join(
        [
            "`torchvision.transforms.RandomHorizontalFlip` decides to flip this 3x3 image (H x W):",
            block(x),
            "What is the flipped image?",
            answer_hint(y.shape, decimals=0),
        ]
    )
    steps = [Step("a horizontal flip reverses the columns (the width axis)", y)]
    variants = [Variant("flip_axis_swapped", x[::-1, :])]
    return Draft("the flipped image", prompt, y, steps, {"image": x}, atol=0.0, rtol=0.0, variants=variants)


@generator(
    "augment.random_crop",
    "RandomCrop with zero padding: pad, then cut a window at an offset",
    levels=(1, 2),
)
def random_crop(rng, level=1):
    size = 3 if level == 1 else 4
    padding = 1
    x = ints(rng, (size, size), 1, 9)
    shifts = range(2 * padding + 1)
    top, left = choice(rng, [(t, l) for t in shifts for l in shifts if (t, l) != (padding, padding)])  # not the unshifted crop
    y = augment.random_crop(x, size, padding, offset=(top, left))
    prompt = "\n\n".join(
        [
            f"`RandomCrop({size}, padding={padding})` pads this {size}x{size} image with zeros on every "
            f"side and crops a {size}x{size} window whose top-left corner in the padded image is at "
            f"(row, col) = ({top}, {left}):",
            block(x),
            "What is the cropped image?",
            answer_hint(y.shape, decimals=0),
        ]
    )
    padded = np.pad(x, padding)
    steps = [Step("padded image", padded), Step(f"window rows {top}..{top + size - 1}, cols {left}..{left + size - 1}", y)]
    return Draft("the cropped image", prompt, y, steps, {"image": x, "padding": padding, "offset": [top, left]}, atol=0.0, rtol=0.0)


@generator("augment.cutout", "Cutout: zero a square around a centre, clipped at the border", levels=(1,))
def cutout(rng, level=1):
    x = ints(rng, (4, 4), 1, 9)
    cy, cx = (int(v) for v in rng.integers(0, 4, size=2))
    y = augment.cutout(x, 2, center=(cy, cx))
    prompt = "\n\n".join(
        [
            "Cutout with size 2 (as the paper's code: rows cy - 1 to cy + 1, exclusive end, likewise "
            f"columns, clipped at the border) is applied at centre (cy, cx) = ({cy}, {cx}) to:",
            block(x),
            "What is the image afterwards?",
            answer_hint(y.shape, decimals=0),
        ]
    )
    steps = [
        Step("square rows max(cy-1, 0):min(cy+1, 4), cols likewise", f"rows {max(cy - 1, 0)}:{min(cy + 1, 4)}, cols {max(cx - 1, 0)}:{min(cx + 1, 4)}"),
        Step("zeroed", y),
    ]
    return Draft("the image after cutout", prompt, y, steps, {"image": x, "center": [cy, cx]}, atol=0.0, rtol=0.0)


@generator("augment.gaussian_noise", "Additive Gaussian noise from given standard-normal draws", levels=(1,))
def gaussian_noise(rng, level=1):
    x = ints(rng, 4, 0, 9)
    std = float(choice(rng, [0.1, 0.5, 2.0]))
    z = np.round(rng.standard_normal(4), 1)
    big = int(rng.integers(4))  # one draw of at least 0.5 in size: std * z and std^2 * z then differ
    z[big] = np.copysign(max(abs(z[big]), 0.5), z[big])
    # augment.gaussian_noise draws e ~ N(0, std^2) itself; here the draws are given so the sum is
    # by hand: e = std * z for standard-normal z.
    noisy = x + std * z
    prompt = "\n\n".join(
        [
            f"Gaussian noise with std = {fmt_num(std)} is added to x = {show(x)}. The standard-normal "
            f"draws are z = {show(z)}, so each noise value is std * z.",
            "What is the noisy input?",
            answer_hint(noisy.shape),
        ]
    )
    steps = [Step("noise e = std * z", std * z), Step("y = x + e", noisy)]
    variants = [Variant("std_for_var", x + std**2 * z)] if std != 1 else []
    return Draft("the noisy input", prompt, noisy, steps, {"x": x, "std": std, "z": z}, variants=variants)


# ---------------------------------------------------------------------------------------------
# Random Erasing


def _erase_box_level(rng):
    """Level 1: erase a given box; the answer is the image."""
    img = ints(rng, (4, 5), 1, 9)
    h, w = int(rng.integers(1, 3)), int(rng.integers(2, 4))
    # i != j, and both fit as either the top row or the left column: the swapped reading
    # (i as the column, j as the row) is another box inside the image
    i, j = (int(n) for n in rng.choice(min(4 - h, 5 - w) + 1, size=2, replace=False))
    value = float(choice(rng, [0, 0.5]))
    answer = augment.erase(img, i, j, h, w, value)
    prompt = "\n\n".join(
        [
            "A 1-channel 4x5 image (rows top to bottom, columns left to right, numbered from 0):",
            block(img),
            f"`torchvision.transforms.RandomErasing(value={fmt_num(value)})` fires and its get_params "
            f"returns i = {i}, j = {j}, h = {h}, w = {w}; it then calls "
            "`F.erase(img, i, j, h, w, v)`.",
            "What is the erased image (4x5)?",
            answer_hint(answer.shape, decimals=1),
        ]
    )
    steps = [
        Step(f"rows i..i+h-1 = {i}..{i + h - 1}, columns j..j+w-1 = {j}..{j + w - 1}", ""),
        Step("img[..., i:i+h, j:j+w] = value", answer),
    ]
    variants = [Variant("erase_rows_cols_swapped", augment.erase(img, j, i, h, w, value))]
    inputs = {"image": img, "i": i, "j": j, "h": h, "w": w, "value": value}
    return Draft("the erased image (4x5)", prompt, answer, steps, inputs, atol=0.05, variants=variants)


#: One attempt of RandomErasing.get_params as (image size, erased fraction, aspect ratio): the
#: friendly draws whose box fits (h < H and w < W) and is not square (so h and w cannot be swapped
#: unnoticed).
ERASE_ATTEMPTS = [
    (size, fraction, ratio)
    for size in (8, 10, 12, 16)
    for fraction in (0.05, 0.1, 0.15, 0.2, 0.3)
    for ratio in (0.3, 0.5, 2.0, 3.0)
    if (box := augment.random_erasing_size(size, size, fraction, ratio)) is not None and box[0] != box[1]
]


def _erase_size_level(rng):
    """Level 2: the box size get_params computes from its two random draws."""
    size, fraction, ratio = choice(rng, ERASE_ATTEMPTS)
    box = augment.random_erasing_size(size, size, fraction, ratio)
    h, w = box
    area = size * size * fraction
    answer = np.array([h, w], dtype=float)
    prompt = "\n\n".join(
        [
            f"`torchvision.transforms.RandomErasing()` works on a {size}x{size} image. In one attempt of "
            f"get_params it draws the erased fraction of the area {fmt_num(fraction)} (from scale) and the "
            f"aspect ratio {fmt_num(ratio)} (from ratio).",
            "What height h and width w does it compute for the box? (Round as Python's round does.)",
            answer_hint((2,), decimals=0, what="[h, w]"),
        ]
    )
    steps = [
        Step("erase_area = H * W * fraction", area),
        Step("h = round(sqrt(erase_area * ratio))", h),
        Step("w = round(sqrt(erase_area / ratio))", w),
        Step("h < H and w < W, so the attempt is kept: [h, w]", answer),
    ]
    variants = [Variant("erasing_ratio_inverted", np.array([w, h], dtype=float))]
    inputs = {"size": size, "fraction": fraction, "ratio": ratio}
    return Draft("[h, w] of the erased box", prompt, answer, steps, inputs, atol=0.0, rtol=0.0, variants=variants)


@generator(
    "random_erasing.box",
    "Random Erasing (torchvision): erase a given box (level 1); the box size from area and ratio (level 2)",
    levels=(1, 2),
)
def random_erasing_box(rng, level=1):
    return _erase_box_level(rng) if level == 1 else _erase_size_level(rng)
