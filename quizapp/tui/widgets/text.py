"""Small text helpers: numbers and arrays laid out as on paper, shapes and durations in words."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from textual.content import Content


def num(x: Any) -> str:
    """A number as people write it (2, 0.5, -1.2247): the engine's own friendly format."""
    from quizapp.engine.exercises.text import fmt_num

    return fmt_num(x)


def array_content(value: Any, wrong: Collection[tuple[int, ...]] = (), wrong_style: str = "bold $text-error") -> Content:
    """An array drawn as aligned text (a matrix one row per line), with the entries at the
    ``wrong`` indices styled: the user's answer with the mistakes marked."""
    import numpy as np

    a = np.asarray(value, dtype=np.float64)
    marked = set(wrong)
    if a.ndim == 0:
        text = num(a)
        return Content.styled(text, wrong_style) if () in marked else Content(text)
    if a.ndim == 1:
        parts: list[Any] = ["["]
        for i, v in enumerate(a):
            if i:
                parts.append(", ")
            parts.append((num(v), wrong_style) if (i,) in marked else num(v))
        parts.append("]")
        return Content.assemble(*parts)
    if a.ndim == 2:
        cells = [[num(v) for v in row] for row in a]
        width = max((len(c) for row in cells for c in row), default=1)
        lines = []
        for r, row in enumerate(cells):
            parts = ["[ "]
            for c, cell in enumerate(row):
                if c:
                    parts.append("  ")
                padded = cell.rjust(width)
                parts.append((padded, wrong_style) if (r, c) in marked else padded)
            parts.append(" ]")
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)
    from quizapp.engine.exercises.text import fmt_array

    return Content(fmt_array(a))


def shape_words(shape: tuple[int, ...]) -> str:
    """``()`` a single number, ``(3,)`` a vector of 3 numbers, ``(2, 3)`` a 2x3 matrix."""
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"a vector of {shape[0]} number{'s' if shape[0] != 1 else ''}"
    if len(shape) == 2:
        return f"a {shape[0]}x{shape[1]} matrix"
    return "an array of shape " + "x".join(str(n) for n in shape)


def duration_words(seconds: float) -> str:
    """``42s``, ``3m 05s``, ``1h 02m``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
