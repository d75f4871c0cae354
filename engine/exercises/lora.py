"""Exercises on LoRA: how many parameters it trains, and the alpha / r scaling of its update.

Answers come from :mod:`engine.lora`; the misconceptions are counting the full update matrix as
trainable and scaling the update by alpha instead of alpha / r.
"""

from __future__ import annotations

import numpy as np

from .. import lora
from .base import Draft, Step, Variant, generator
from .draw import choice, ints, nonzero_ints
from .text import answer_hint, block, fmt_num, show


@generator(
    "lora.param_count",
    "LoRA's trainable parameters: r * (in + out) per adapted matrix (level 2: a whole Transformer)",
    levels=(1, 2),
)
def param_count(rng, level=1):
    r = int(choice(rng, [4, 8, 16]))
    if level == 1:
        d_in, d_out = int(choice(rng, [512, 768, 1024])), int(choice(rng, [768, 2048, 3072]))
        answer = lora.lora_param_count(d_in, d_out, r)
        full = d_in * d_out
        question = (
            f"A frozen `nn.Linear({d_in}, {d_out})` gets a LoRA adapter of rank r = {r} (A is r x in, "
            "B is out x r). How many parameters does the adapter train?"
        )
        steps = [Step("A: r * in", r * d_in), Step("B: out * r", d_out * r), Step("r * (in + out)", answer)]
        inputs = {"in_features": d_in, "out_features": d_out, "r": r}
    else:
        layers, d = int(choice(rng, [12, 24, 32])), int(choice(rng, [768, 1024, 4096]))
        per_matrix = lora.lora_param_count(d, d, r)
        answer = layers * 2 * per_matrix
        full = layers * 2 * d * d
        question = (
            f"A Transformer with {layers} layers and d_model = {d} is fine-tuned with LoRA of rank "
            f"r = {r} on the query and value projections only (each a {d} x {d} weight). How many "
            "parameters are trained?"
        )
        steps = [
            Step("per adapted matrix: r * (d + d)", per_matrix),
            Step("2 matrices per layer, times the layers", answer),
        ]
        inputs = {"layers": layers, "d_model": d, "r": r}
    prompt = "\n\n".join([question, answer_hint((), decimals=0)])
    variants = [Variant("lora_full_matrix", full)]
    return Draft("the trainable LoRA parameters", prompt, answer, steps, inputs, atol=0.0, rtol=0.0, variants=variants)


@generator(
    "lora.forward",
    "A LoRA-adapted Linear: y = x W^T + (alpha / r) * x A^T B^T",
    levels=(2,),
)
def forward(rng, level=2):
    r = 2
    alpha = float(choice(rng, [1, 4, 8]))
    x = nonzero_ints(rng, 2, -2, 3)
    w = ints(rng, (2, 2), -2, 2)
    # The low-rank path must not vanish, or alpha / r would not matter: row k of A picks one input
    # (x A^T)[k] = +-x[j] != 0, and row p of B picks that rank, so (x A^T B^T)[p] = +-x[j].
    k, j, p = (int(n) for n in rng.integers(2, size=3))
    a = ints(rng, (r, 2), -1, 1)
    a[k] = 0.0
    a[k, j] = choice(rng, [-1.0, 1.0])
    b = ints(rng, (2, r), -1, 1)
    b[p] = 0.0
    b[p, k] = choice(rng, [-1.0, 1.0])
    y = lora.lora_linear(x, w, a, b, alpha)
    prompt = "\n\n".join(
        [
            f"A frozen Linear(2, 2) with weight W (no bias) carries a LoRA adapter of rank r = {r} with "
            f"lora_alpha = {fmt_num(alpha)} (Hugging Face PEFT). W, A (r x in) and B (out x r) are:",
            "W =",
            block(w),
            "A =",
            block(a),
            "B =",
            block(b),
            f"What does the layer output for x = {show(x)}?",
            answer_hint(y.shape),
        ]
    )
    steps = [
        Step("x W^T (the frozen path)", x @ w.T),
        Step("x A^T B^T (the low-rank path)", (x @ a.T) @ b.T),
        Step("scaling = alpha / r", lora.lora_scaling(alpha, r)),
        Step("y = x W^T + scaling * x A^T B^T", y),
    ]
    variants = [Variant("lora_alpha_not_divided_by_r", x @ w.T + alpha * ((x @ a.T) @ b.T))]
    inputs = {"x": x, "W": w, "A": a, "B": b, "lora_alpha": alpha}
    return Draft("the layer output y", prompt, y, steps, inputs, variants=variants)
