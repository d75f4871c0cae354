"""Printing numbers and arrays the way a person writes them on paper.

Prompts show their inputs as aligned monospace blocks (Markdown code fences), which read the same
in the TUI, in plain mode and in a screen reader: ``fmt_num(0.5) == "0.5"``, ``fmt_num(2.0) == "2"``,
and a matrix is printed one row per line with its columns aligned.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def fmt_num(x: Any, digits: int = 4) -> str:
    """A number in its shortest friendly form: integers without ``.0``, others to ``digits`` decimals."""
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) < 1e-12:  # rounding noise of a computed zero
        return "0"
    if x == round(x) and abs(x) < 1e12:
        return str(int(round(x)))
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    if text in ("-0", "0"):
        return f"{x:.{digits}g}"  # very small but non-zero: keep it visible
    return text


def fmt_array(a: Any, digits: int = 4) -> str:
    """An array as aligned text: a scalar, one bracketed row, or one row per line for a matrix.

    Arrays of rank 3 or more print as a sequence of labelled 2-D slices (``[0, :, :]``), which is
    how people work through an (N, C, H, W) example by hand.
    """
    a = np.asarray(a)
    if a.ndim == 0:
        return fmt_num(a, digits)
    if a.ndim == 1:
        return "[" + ", ".join(fmt_num(v, digits) for v in a) + "]"
    if a.ndim == 2:
        cells = [[fmt_num(v, digits) for v in row] for row in a]
        width = max((len(c) for row in cells for c in row), default=1)
        lines = ["  ".join(c.rjust(width) for c in row) for row in cells]
        return "\n".join(f"[ {line} ]" for line in lines)
    blocks = []
    for index in np.ndindex(*a.shape[:-2]):
        label = "[" + ", ".join(str(i) for i in index) + ", :, :]"
        blocks.append(f"{label}\n{fmt_array(a[index], digits)}")
    return "\n".join(blocks)


def block(a: Any, digits: int = 4) -> str:
    """An array as a fenced Markdown block, ready to drop into a prompt."""
    return "```\n" + fmt_array(a, digits) + "\n```"


def shape_words(shape: tuple[int, ...]) -> str:
    """``(2, 3)`` as ``"2x3"``, ``(3,)`` as ``"3"``, ``()`` as ``"a single number"``."""
    if not shape:
        return "a single number"
    return "x".join(str(n) for n in shape)


def answer_hint(shape: tuple[int, ...], decimals: int = 2, what: str = "") -> str:
    """The closing line of a prompt: what shape to type and how precisely."""
    if not shape:
        form = "a single number"
    elif len(shape) == 1:
        form = f"a vector of {shape[0]} numbers, e.g. `[a, b, ...]`"
    else:
        form = f"a {shape_words(shape)} matrix, rows separated by `;`"
    extra = f" ({what})" if what else ""
    precision = "whole numbers" if decimals == 0 else f"to {decimals} decimals or exactly"
    return f"Answer with {form}{extra}, {precision}."


def show(a, digits: int = 4) -> str:
    """An array for a sentence: inline code for a scalar or vector, a fenced block for a matrix.

    ``f"x = {show(x)}"`` reads ``x = `[1, 2, 3]` `` inline, while a matrix starts on its own line.
    """
    a = np.asarray(a)
    if a.ndim <= 1:
        return f"`{fmt_array(a, digits)}`"
    return "\n\n" + block(a, digits) + "\n\n"
