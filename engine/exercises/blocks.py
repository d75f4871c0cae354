"""Exercises on residual connections and on where the LayerNorm goes (Pre-LN vs Post-LN).

Answers come from :mod:`engine.blocks`.  The sublayer is a tiny linear map ``F(h) = W h`` with
small integer weights, so both placements can be worked by hand (eps = 0).
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

from .. import blocks
from .base import Draft, Step, Variant, generator
from .draw import choice, complete, int_except, ints, ints_varying
from .text import answer_hint, show

#: Where the LayerNorm goes: the ``placement`` param of blocks.pre_post_ln.
Placement = Literal["pre", "post"]


@generator(
    "blocks.pre_post_ln",
    "Pre-LN x + F(LN(x)) vs Post-LN LN(x + F(x)): the output of a tiny sublayer",
    levels=(2, 3),
)
def pre_post_ln(rng, level=2, placement: Placement | None = None):
    placement = placement or choice(rng, get_args(Placement))
    d = 3 if level == 2 else 4
    x = ints_varying(rng, (1, d), axes=1, low=-3, high=3)[0]
    weight = ints(rng, (d, d), -1, 1)
    # Post-LN of a constant sum x + W x divides by zero.  Changing W[0, j] where x[j] != 0
    # changes only the first entry of the sum, so a different W[0, j] breaks the tie.
    j = int(np.flatnonzero(x)[0])
    replacement = int_except(rng, -1, 1, {weight[0, j]})
    summed = x + weight @ x
    if summed.min() == summed.max():
        weight[0, j] = replacement
    f = blocks.Linear(weight)
    pre = blocks.pre_ln_sublayer(x, f, d, eps=0.0)
    post = blocks.post_ln_sublayer(x, f, d, eps=0.0)
    answer, other = (pre, post) if placement == "pre" else (post, pre)
    name = "Pre-LN" if placement == "pre" else "Post-LN"
    prompt = "\n\n".join(
        [
            f"A Transformer sublayer is F(h) = W h with W ={show(weight)}"
            f"The token's residual stream is x = {show(x)}. LayerNorm has no affine and eps = 0.",
            f"What does the **{name}** sublayer output?",
            answer_hint(answer.shape),
        ]
    )
    if placement == "pre":
        ln_x = blocks.layer_norm(x, d, eps=0.0)
        steps = [
            Step("Pre-LN normalizes only F's input: LN(x)", ln_x),
            Step("F(LN(x)) = W LN(x)", weight @ ln_x),
            Step("x + F(LN(x))", answer),
        ]
    else:
        steps = [
            Step("Post-LN adds first: x + F(x) = x + W x", x + weight @ x),
            Step("then normalizes the sum: LN(x + F(x))", answer),
        ]
    variants = [Variant("pre_post_ln_swapped", other)]
    return Draft(f"the {name} output", prompt, answer, steps, {"x": x, "W": weight, "placement": placement}, variants=variants)


@generator(
    "blocks.residual_grad",
    "The gradient through residual connections: the identity path I + dF/dx",
    levels=(1, 2),
)
def residual_grad(rng, level=1):
    if level == 1:
        depth = int(choice(rng, [3, 4]))
        gains = np.array([choice(rng, [0.1, 0.2, 0.5, -0.5, 0.25]) for _ in range(depth)], dtype=float)
        # One gain is positive: with every w = -0.5, 1 + w = |w| and prod(1 + w) could equal prod(w).
        gains[int(rng.integers(depth))] = choice(rng, [0.1, 0.2, 0.5, 0.25])
        jac = blocks.residual_stack_jacobian([np.array([[w]]) for w in gains])
        answer = jac[0, 0]
        listed = ", ".join(f"w{i + 1} = {w:g}" for i, w in enumerate(gains))
        prompt = "\n\n".join(
            [
                f"A stack of {depth} scalar residual blocks computes h <- h + w_l * h with {listed}.",
                "What is the derivative of the output with respect to the input?",
                answer_hint((), decimals=4),
            ]
        )
        steps = [
            Step("each block contributes d(h + w h)/dh = 1 + w", 1 + gains),
            Step("the chain rule multiplies them: prod(1 + w_l)", answer),
        ]
        plain = float(np.prod(gains))
        variants = [Variant("residual_identity_forgotten", plain)]
        inputs = {"w": gains}
        asks = "d output / d input"
    else:
        weight = ints(rng, (2, 2), -2, 2)
        grad_out = complete(rng, ints(rng, 1, -2, 2), -2, 2, any)  # not all zero
        jac = blocks.residual_jacobian(weight)
        answer = jac.T @ grad_out
        prompt = "\n\n".join(
            [
                f"A residual block computes y = x + W x with W ={show(weight)}"
                f"The upstream gradient is dL/dy = {show(grad_out)}.",
                "What is dL/dx?",
                answer_hint((2,)),
            ]
        )
        steps = [
            Step("Jacobian dy/dx = I + W", jac),
            Step("dL/dx = (I + W)^T dL/dy", answer),
        ]
        variants = [Variant("residual_identity_forgotten", weight.T @ grad_out)]
        inputs = {"W": weight, "grad_output": grad_out}
        asks = "dL/dx"
    return Draft(asks, prompt, answer, steps, inputs, atol=5e-4, rtol=1e-4, variants=variants)
