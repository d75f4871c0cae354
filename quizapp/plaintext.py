"""Plain-text rendering of exercises and verdicts, for the command line and screen readers.

The TUI renders the same pieces with widgets; here everything is lines of text, so the output of
``quizapp exercise`` and ``quizapp study --plain`` can be piped, diffed and read aloud.
"""

from __future__ import annotations

from typing import Any, Iterable

from quizapp.engine.answers import Verdict, format_answer
from quizapp.engine.exercises import Exercise
from quizapp.engine.exercises.misconceptions import CATALOG
from quizapp.engine.exercises.text import fmt_array


def value_text(value: Any) -> str:
    """A step's value: strings as they are, numbers and arrays in the friendly format."""
    if isinstance(value, str):
        return value
    return fmt_array(value)


def steps_lines(exercise: Exercise) -> list[str]:
    """The worked solution, one ``label: value`` per step (matrices indented below the label)."""
    lines = []
    for step in exercise.steps:
        text = value_text(step.value)
        if not text:
            lines.append(f"  - {step.label}")
        elif "\n" in text:
            lines.append(f"  - {step.label}:")
            lines.extend("      " + row for row in text.splitlines())
        else:
            lines.append(f"  - {step.label}: {text}")
    return lines


def verdict_lines(exercise: Exercise, verdict: Verdict, teaching_cards: Iterable[str] = ()) -> list[str]:
    """The outcome of an answer: right or wrong, why, the expected answer and the worked steps.

    For a recognised misconception the verdict's message already names the belief and the truth;
    ``teaching_cards`` (ids of cards that teach it) add where to review it.
    """
    if verdict.correct:
        lines = ["Correct."]
    elif verdict.misconception in CATALOG:
        lines = [f"Not quite. Misconception '{verdict.misconception}': {verdict.message}"]
        cards = list(teaching_cards)
        if cards:
            lines.append("Review: " + ", ".join(cards[:3]))
    else:
        lines = [f"Not quite: {verdict.message}"]
    lines.append(f"Expected: {format_answer(exercise.answer)}")
    lines.append("Worked steps:")
    lines.extend(steps_lines(exercise))
    return lines
