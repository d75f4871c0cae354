"""Pointed hints: what a recognised wrong output or a familiar exception says about the code.

Mistakes are named.  Names shared with the exercises (``unbiased_variance``, ``no_eps``,
``keep_prob_as_drop_prob``, ...) take their text from ``engine.exercises.misconceptions.CATALOG``,
so a card's ``teaches`` list and the exercise diagnoses speak the same language; the few mistakes
only code can make (``eps_ignored``: the eps argument was not used) are described in :data:`LOCAL`
in the same belief/truth form.
"""

from __future__ import annotations

import re

from quizapp.engine.exercises.misconceptions import CATALOG, Misconception

LOCAL: dict[str, Misconception] = {
    m.name: m
    for m in (
        Misconception(
            "eps_ignored",
            "You used a fixed eps instead of the eps argument.",
            "Use the eps you are given: callers change it (1e-5 in PyTorch, 1e-3 in Keras, 1e-6 in many LLMs).",
        ),
        Misconception(
            "forgot_affine",
            "You normalized but did not apply the scale and shift.",
            "After normalizing, multiply by gamma (weight) and add beta (bias).",
        ),
        Misconception(
            "groups_strided",
            "You grouped every G-th channel together (reshape to (N, C // G, G, ...)).",
            "A group is C // G consecutive channels: reshape to (N, G, C // G, H, W) and reduce over "
            "axes (2, 3, 4).",
        ),
        Misconception(
            "rms_sum_not_mean",
            "You divided by the root of the sum of squares (the L2 norm), not of their mean.",
            "RMSNorm divides by sqrt(mean(x**2) + eps): the root *mean* square over the last axis.",
        ),
        Misconception(
            "mask_meaning_inverted",
            "You treated True in the mask as dropped.",
            "In the mask True (1) means kept: y = x * mask / (1 - p).",
        ),
        Misconception(
            "mask_at_eval",
            "You applied the mask in evaluation mode.",
            "In evaluation mode (training=False) dropout is the identity: return x unchanged.",
        ),
        Misconception(
            "mask_wrong_axis",
            "You broadcast the per-sample mask along the last axis.",
            "DropPath decides once per sample: reshape the mask to (N, 1, ..., 1) so it scales the "
            "whole sample.",
        ),
        Misconception(
            "divide_by_zero_keep",
            "You divided by a keep probability of 0.",
            "When everything is dropped (keep probability 0) the output is all zeros; PyTorch and timm "
            "skip the division rather than compute 0 / 0.",
        ),
        Misconception(
            "loss_sum_not_mean",
            "You summed the per-sample losses.",
            "nn.CrossEntropyLoss's default reduction is the mean over the batch.",
        ),
        Misconception(
            "smoothing_ignored",
            "You computed the plain cross-entropy, without label smoothing.",
            "With smoothing eps the target is (1 - eps) * one_hot + eps / K: "
            "loss = (1 - eps) * (-log p_y) + eps * mean_k(-log p_k).",
        ),
        Misconception(
            "unstable_log_softmax",
            "Your log-softmax overflowed or underflowed (inf or nan for large logits).",
            "Subtract the row maximum before exp, and compute log p = z - max - log(sum(exp(z - max))) "
            "rather than log(softmax(z)).",
        ),
        Misconception(
            "labels_not_mixed",
            "You mixed the inputs but returned the labels unchanged.",
            "MixUp mixes the labels with the same weight: y_mixed = lam * y + (1 - lam) * y[perm].",
        ),
        Misconception(
            "perm_inverted",
            "You paired sample perm[i] with sample i (the inverse permutation).",
            "Sample i's partner is x[perm[i]]: x_mixed = lam * x + (1 - lam) * x[perm].",
        ),
        Misconception(
            "box_not_clipped",
            "You did not clip the box at the image border.",
            "Clip each side to the image: yl = clip(cy - cut_h // 2, 0, H), yh = clip(cy + cut_h // 2, 0, H), "
            "and likewise for x.",
        ),
        Misconception(
            "cutmix_lambda_complement",
            "You returned the box's share of the image as lambda.",
            "lambda is the share of the *original* image that remains: 1 - box_area / (H * W).",
        ),
        Misconception(
            "box_order",
            "You returned the box corners in another order.",
            "Return the box as (yl, yh, xl, xh): rows yl:yh, columns xl:xh (timm's order).",
        ),
        Misconception(
            "no_bias_correction",
            "You left out Adam's bias correction.",
            "Divide m by (1 - beta1**t) and v by (1 - beta2**t): both start at zero and would "
            "otherwise make the first steps too small.",
        ),
        Misconception(
            "step_off_by_one",
            "You used the wrong step number in the bias correction.",
            "t is the number of this step, counting from 1: the first step corrects with 1 - beta**1.",
        ),
        Misconception(
            "decay_without_lr",
            "You decayed the weights by weight_decay alone, not lr * weight_decay.",
            "torch.optim.AdamW multiplies the weights by (1 - lr * weight_decay).",
        ),
        Misconception(
            "eps_inside_adam_sqrt",
            "You added eps inside the square root of v.",
            "Adam's denominator is sqrt(v_hat) + eps: eps is added after the square root.",
        ),
        Misconception(
            "backward_gamma_forgotten",
            "You left gamma out of dx.",
            "dx flows through y = gamma * x_hat + beta, so it starts from g = dout * gamma.",
        ),
        Misconception(
            "dgamma_uses_x",
            "You computed dgamma from x instead of the normalized x_hat.",
            "dgamma = sum(dout * x_hat) over the batch: gamma multiplies x_hat, not x.",
        ),
        Misconception(
            "dgamma_dbeta_swapped",
            "You returned dbeta where dgamma belongs (or the other way round).",
            "dgamma = sum(dout * x_hat), dbeta = sum(dout); return (dx, dgamma, dbeta).",
        ),
        Misconception(
            "loss_per_sample",
            "You returned one loss per sample.",
            "Return the mean over the batch, a single number (nn.CrossEntropyLoss's default reduction).",
        ),
    )
}

_clash = set(LOCAL) & set(CATALOG)
assert not _clash, f"local hint names clash with the catalog: {_clash}"


def describe(name: str) -> Misconception | None:
    """The misconception called ``name``, from the catalog or :data:`LOCAL`."""
    return CATALOG.get(name) or LOCAL.get(name)


def hint_text(name: str) -> str:
    """One line: what the code did, then what is right."""
    m = describe(name)
    if m is None:
        return name
    return f"{m.belief} {m.truth}"


def exception_hint(
    error_type: str, message: str, *, broadcast_hint: str = "", function: str = "", memory_limit: str = "1 GiB"
) -> str | None:
    """A hint for an exception the user's code raised, when it is a familiar one."""
    if error_type == "NotImplementedError":
        return "The starter's `raise NotImplementedError` is still there: replace it with your code."
    if error_type == "ValueError" and "could not be broadcast" in message:
        return broadcast_hint or (
            "Shapes did not broadcast: keep reduced axes with keepdims=True so statistics line up with x."
        )
    if error_type == "MemoryError":
        return (
            f"The solution needed more than the {memory_limit} memory limit: drill inputs are tiny, so look for "
            "an array built far too big."
        )
    if error_type == "RecursionError":
        return "The function calls itself without end: is a name reused for the function and a helper?"
    if error_type == "EOFError":
        return "A drill gets no keyboard input: everything comes through the function's arguments."
    if error_type == "SystemExit":
        return "The code called exit(): a drill must return its result."
    if error_type == "TypeError" and re.search(r"positional argument|takes \d+|unexpected keyword", message):
        if function and function in message:
            return "Keep the starter's signature: the checker passes the arguments in that order."
    if error_type in ("ImportError", "ModuleNotFoundError"):
        return _import_hint(message)
    if error_type == "PermissionError":
        return ("A drill can read and write only its own folder: everything it needs comes in through the "
                "function's arguments.")
    if error_type == "OSError" and "File too large" in message:
        return "The code wrote too much output: remove the printing loop."
    return None


def _import_hint(message: str) -> str:
    """Why a module cannot be imported in a drill: only NumPy and the standard library are there."""
    match = re.search(r"No module named '([\w.]+)'", message)
    root = match.group(1).split(".")[0] if match else ""
    if root in ("quizapp", "engine"):
        return (f"The drill cannot import {root}: the app and its engine (the reference answer) are out of a "
                "solution's reach. Write it with NumPy.")
    if root:
        return f"A drill runs with NumPy and the standard library only: {root} is not available. Write it with NumPy."
    return "A drill runs with NumPy and the standard library only."
