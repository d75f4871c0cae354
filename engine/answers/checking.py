"""Checking a typed answer against an exercise, and saying in one line what is wrong.

:func:`check` grades a typed answer against an exercise: an entry is right when
``|got - expected| <= atol + rtol * |expected|`` (``inf`` only matches ``inf`` of the same sign,
``nan`` matches nothing).  It forgives the arrangements a person expects to be forgiven (a row or
column for a vector, a flat list of 6 numbers for a 2x3 matrix, read row by row, a ``[x]`` for a
single number) and says what is wrong in one line: the count, which entries are off (numbered from
1, as people count), that the answer is close but rounded too coarsely, or the misconception that
produces exactly this wrong answer.

The text is read by :mod:`.parsing`; this module only compares numbers and words the verdict.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from ..exercises.misconceptions import CATALOG
from .parsing import ParseError, _shape_text, parse

__all__ = ["Verdict", "check", "grade", "CLOSE_FACTOR"]

#: An answer that is off by at most this many tolerances is "close" (rounded too coarsely).
CLOSE_FACTOR = 10.0


@dataclass(frozen=True)
class Verdict:
    """The grade of one typed answer, with what the UI needs to explain it.

    ``wrong`` holds the 0-based indices (in the expected shape) of the entries that are off, so
    the UI can mark them; ``((),)`` for a wrong single number, ``()`` when the answer is right or
    could not be compared.  ``value`` is what was read, arranged in the expected shape when the
    arrangement was forgiven.  ``misconception`` is a name from ``misconceptions.CATALOG``.
    """

    correct: bool
    message: str
    wrong: tuple[tuple[int, ...], ...] = ()
    value: np.ndarray | None = field(default=None, compare=False)
    misconception: str | None = None
    parse_error: bool = False


def _within(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
            factor: float = 1.0) -> np.ndarray:
    """Elementwise |got - expected| <= factor * (atol + rtol*|expected|); inf only equals inf."""
    with np.errstate(invalid="ignore", over="ignore"):
        ok = np.abs(got - expected) <= factor * (atol + rtol * np.abs(expected))
    inf = np.isinf(expected)
    if inf.any():
        ok = np.where(inf, got == expected, ok)
    return np.asarray(ok, dtype=bool)


def _arrange(value: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """``value`` in ``shape`` when a person would call it the same answer, else None.

    Forgiven: a row or a column for a vector (and ``[x]`` for a number); a flat list, a single
    row or a single column read row by row into a matrix; and, for answers of rank 3 or more,
    rows of the last axis typed one under another.  Not forgiven: a 3x2 for a 2x3 (that is the
    transpose, a real mistake).
    """
    if value.shape == shape:
        return value
    if value.size != math.prod(shape):
        return None
    squeezed = tuple(n for n in value.shape if n != 1)
    if len(squeezed) <= 1 or squeezed == tuple(n for n in shape if n != 1):
        return value.reshape(shape)
    if len(shape) >= 3 and value.ndim == 2 and value.shape[-1] == shape[-1]:
        return value.reshape(shape)
    return None


def _amount(x: float) -> str:
    """A difference or tolerance in two significant digits: ``0.27``, ``0.012``, ``1.5e-07``."""
    x = abs(float(x))
    if x == 0 or not math.isfinite(x):
        return str(x)
    if 1e-5 <= x < 1e6:
        return np.format_float_positional(x, precision=2, unique=True, fractional=False, trim="-")
    return f"{x:.1e}"


def _entry_name(index: tuple[int, ...], ndim: int) -> str:
    if ndim == 1:
        return str(index[0] + 1)
    return "(" + ",".join(str(i + 1) for i in index) + ")"


def _entries(indices: Sequence[tuple[int, ...]], ndim: int, limit: int = 4) -> str:
    """``entry 3``, ``entries (1,2) and (2,2)``, ``entries 1, 2, 4, 5 and 3 more``."""
    names = [_entry_name(ix, ndim) for ix in indices]
    if len(names) == 1:
        return f"entry {names[0]}"
    if len(names) > limit:
        return f"entries {', '.join(names[:limit])} and {len(names) - limit} more"
    return f"entries {', '.join(names[:-1])} and {names[-1]}"


def _decimals_for(tol: float) -> int:
    """How many decimals a rounded answer needs to land within ``tol`` (rounding error 0.5e-d)."""
    return max(0, math.ceil(-math.log10(2 * tol)))


def _shape_message(expected: tuple[int, ...], value: np.ndarray, text: str) -> str:
    want = "a single number" if not expected else f"{_shape_text(expected)} numbers"
    got = str(value.size) if value.ndim <= 1 else _shape_text(value.shape)
    message = f"expected {want}, got {got}"
    if value.ndim == 2 and len(expected) == 2 and value.shape == expected[::-1]:
        message += " (rows and columns swapped?)"
    elif not expected and re.search(r"[0-9],[0-9]", text):
        message += " (a comma separates numbers: write 1.5, not 1,5)"
    elif not expected and re.search(r"\S[ \t]+[-+\u2212][^\s]", text):
        message += " (a space before a minus starts a new number: write 3 - 1 to subtract)"
    return message


def _misconception(value: np.ndarray, variants: Iterable[Any], rtol: float,
                   atol: float) -> str | None:
    for variant in variants:
        answer = np.asarray(variant.answer, dtype=np.float64)
        arranged = _arrange(value, answer.shape)
        if arranged is not None and _within(arranged, answer, rtol, atol).all():
            return variant.name
    return None


def _misconception_message(name: str) -> str:
    known = CATALOG.get(name)
    if known is None:
        return f"this is the answer the misconception {name!r} gives"
    return f"{known.belief} {known.truth}"


def _wrong_message(got: np.ndarray, expected: np.ndarray, ok: np.ndarray, rtol: float,
                   atol: float) -> str:
    with np.errstate(all="ignore"):
        return _describe_wrong(got, expected, ok, rtol, atol)


def _describe_wrong(got: np.ndarray, expected: np.ndarray, ok: np.ndarray, rtol: float,
                    atol: float) -> str:
    """Say what is wrong with an answer of the right shape, most specific finding first."""
    tol = atol + rtol * np.abs(expected)
    err = np.abs(got - expected)
    wrong = ~ok
    finite = np.isfinite(expected) & np.isfinite(got)
    indices = [tuple(int(i) for i in ix) for ix in zip(*np.nonzero(wrong))] if got.ndim else [()]

    if np.isnan(got[wrong]).any():
        where = "" if got.ndim == 0 else _entries(
            [ix for ix in indices if np.isnan(got[ix])], got.ndim) + ": "
        return f"{where}nan is not a number, so it never matches"

    # Close: every entry within CLOSE_FACTOR tolerances, i.e. rounded too coarsely.
    if finite[wrong].all() and _within(got, expected, rtol, atol, CLOSE_FACTOR).all():
        ratio = np.where(wrong, err / tol, 0.0)
        worst = np.unravel_index(int(np.argmax(ratio)), got.shape)
        worst_err, worst_tol = float(err[worst]), float(tol[worst])
        advice = f"round to {_decimals_for(worst_tol)} decimals or better"
        if got.ndim == 0:
            return f"close: off by {_amount(worst_err)} where {_amount(worst_tol)} is allowed; {advice}"
        verb = "is off by" if len(indices) == 1 else "are off by up to"
        return (f"close: {_entries(indices, got.ndim)} {verb} {_amount(worst_err)} "
                f"where {_amount(worst_tol)} is allowed; {advice}")

    nonzero = np.abs(expected) > tol
    sign_flipped = bool(nonzero.any()) and bool(_within(-got, expected, rtol, atol).all())
    if got.ndim == 0:
        if sign_flipped:
            return "the sign is wrong"
        if not math.isfinite(float(expected)):
            return "the answer is infinite"
        if not math.isfinite(float(got)):
            return "the answer is a finite number"
        direction = "too high" if got > expected else "too low"
        return f"off by {_amount(float(err))} ({direction})"

    message = (f"all {got.size} entries are off" if len(indices) == got.size > 2
               else f"{_entries(indices, got.ndim)} {'is' if len(indices) == 1 else 'are'} off")
    if sign_flipped:
        return message + "; every entry has the wrong sign"
    if len(indices) == got.size and got.size > 1 and nonzero.all() and finite.all():
        ratios = got / expected
        r = float(np.median(ratios))
        if r != 0 and np.allclose(ratios, r, rtol=1e-3, atol=0):
            return message + f"; every entry is {r:.3g} times the right one"
    return message


def grade(expected: Any, value: np.ndarray, *, rtol: float, atol: float,
          variants: Iterable[Any] = (), text: str = "") -> Verdict:
    """Grade an already parsed ``value`` against ``expected`` (see :func:`check`)."""
    expected = np.asarray(expected, dtype=np.float64)
    variants = tuple(variants)
    got = _arrange(value, expected.shape)
    if got is None:
        name = _misconception(value, variants, rtol, atol)
        if name is not None:
            return Verdict(False, _misconception_message(name), (), value, name)
        return Verdict(False, _shape_message(expected.shape, value, text), (), value)
    ok = _within(got, expected, rtol, atol)
    if ok.all():
        return Verdict(True, "correct", (), got)
    wrong = tuple(tuple(int(i) for i in ix) for ix in zip(*np.nonzero(~ok))) if got.ndim else ((),)
    name = _misconception(got, variants, rtol, atol)
    if name is not None:
        return Verdict(False, _misconception_message(name), wrong, got, name)
    return Verdict(False, _wrong_message(got, expected, ok, rtol, atol), wrong, got)


def check(exercise: Any, text: str) -> Verdict:
    """Grade what a person typed for ``exercise`` (an ``engine.exercises.Exercise``).

    Uses the exercise's answer, ``rtol``/``atol`` and declared misconception ``variants``.
    Unreadable input gives a verdict with ``parse_error=True`` and the parser's message; it never
    raises for anything a person can type.
    """
    try:
        value = parse(text)
    except ParseError as err:
        return Verdict(False, f"could not read the answer: {err}", (), None, None, True)
    return grade(exercise.answer, value, rtol=exercise.rtol, atol=exercise.atol,
                 variants=exercise.variants, text=text)
