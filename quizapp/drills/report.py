"""What a drill check says, and how it reads as plain text.

A :class:`DrillReport` names the first failing case: its inputs (small, printed exactly), the
expected and the returned values, the largest error; or the exception with the line of the user's
file; or why the run stopped (time limit, memory, a crash).  ``message`` is one line for a status
bar; :meth:`DrillReport.lines` is the full story for plain mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: Arrays with more values than this are summarised (shape, dtype, first and last values).
SHOW_ALL_UP_TO = 60


@dataclass(frozen=True)
class DrillReport:
    task: str
    passed: bool
    message: str  # one line
    cases_passed: int = 0
    cases_total: int = 0
    case_label: str | None = None  # what the failing case tests: "two samples (N = 2)"
    failing_case: str | None = None  # its inputs, one "name = value" per line
    expected: str | None = None
    got: str | None = None
    max_error: float | None = None
    error: str | None = None  # "ZeroDivisionError: division by zero (line 7: y = x / 0)"
    hint: str | None = None
    misconception: str | None = None  # the recognised mistake's name
    timed_out: bool = False
    seed: int | None = None
    seconds: float = 0.0
    printed: str = ""  # what the code printed (the start of it)

    def lines(self) -> list[str]:
        """The report as lines of plain text (no markup), for ``--plain`` and screen readers."""
        out = [f"{'PASS' if self.passed else 'FAIL'} {self.task}: {self.message}"]
        if self.passed:
            return out
        if self.error:
            out.append(f"error: {self.error}")
        if self.failing_case:
            title = f"inputs of case: {self.case_label}" if self.case_label else "inputs:"
            out.append(title)
            out.extend(_indent(self.failing_case))
        if self.expected is not None:
            out.append("expected:")
            out.extend(_indent(self.expected))
        if self.got is not None:
            out.append("got:")
            out.extend(_indent(self.got))
        if self.hint:
            out.append(f"hint: {self.hint}")
        if self.printed:
            out.append("your code printed:")
            out.extend(_indent(self.printed.rstrip("\n")))
        if self.seed is not None:
            out.append(f"(cases drawn from seed {self.seed})")
        return out


def _indent(text: str) -> list[str]:
    return ["  " + line for line in text.splitlines()]


def show_value(value: Any, digits: int = 6) -> str:
    """A value as a person reads it: numbers in their shortest form, small arrays in full."""
    # Loaded when a failing report is shown: the engine's exercise package loads with it, 20-55 ms
    # that a passing ``--file`` check need not wait.
    from quizapp.engine.exercises.text import fmt_array, fmt_num

    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(show_value(v, digits) for v in value) + ")"
    if isinstance(value, (int, float, np.integer, np.floating)) and np.ndim(value) == 0:
        return fmt_num(value, digits)
    a = np.asarray(value)
    note = ""
    if a.dtype == np.bool_:
        a, note = a.astype(np.int8), "  (bool: 1 is True)"
    elif a.dtype == np.float32:
        note = "  (float32)"
    if a.ndim == 0:
        return fmt_num(a, digits)
    if a.size <= SHOW_ALL_UP_TO:
        text = fmt_array(a, digits)
    else:
        body = np.array2string(a, precision=digits, suppress_small=True, threshold=SHOW_ALL_UP_TO, edgeitems=2, max_line_width=100)
        text = f"shape {a.shape}, {a.dtype}\n{body}"
    return text + note


def show_named(names: tuple[str, ...], values: tuple[Any, ...], digits: int = 4) -> str:
    """``name = value`` lines; a multi-line value starts on the next line, indented."""
    parts = []
    for name, value in zip(names, values):
        text = show_value(value, digits=digits)
        parts.append(f"{name} =\n{_indent_text(text)}" if "\n" in text else f"{name} = {text}")
    return "\n".join(parts)


def _indent_text(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
