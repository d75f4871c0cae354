"""The mock interview's report and the answers it held back, as plain lines: what ``quizapp mock``
prints at the end of a round and the mock screen shows."""

from __future__ import annotations

import textwrap
from datetime import timedelta

from quizapp.engine.exercises.misconceptions import CATALOG
from quizapp.interview.mock import MockReport
from quizapp.plaintext import steps_lines
from quizapp.session import Outcome

__all__ = ["clock_text", "report_lines", "review_lines"]

WIDTH = 100


def clock_text(left: timedelta) -> str:
    minutes, seconds = divmod(int(left.total_seconds()), 60)
    return f"{minutes}:{seconds:02d}"


def report_lines(report: MockReport) -> list[str]:
    """The per-topic report of a round."""
    if not report.answered:
        return ["No question was answered in this round."]
    lines = [f"Report: {report.right} of {report.answered} right ({report.score:.0%})."]
    width = max(len(t.title) for t in report.topics)
    for t in report.topics:
        missed = f"  misconceptions: {', '.join(t.misconceptions)}" if t.misconceptions else ""
        lines.append(f"  {t.title:<{width}}  {t.right} right  {t.wrong} wrong  {clock_text(t.time)}{missed}")
    return lines


def review_lines(outcomes: tuple[Outcome, ...]) -> list[str]:
    """Each question with your answer, the right one and why: what the round held back."""
    lines = ["Your answers:"] if outcomes else []
    for n, outcome in enumerate(outcomes, 1):
        card = outcome.card
        verdict = "right" if outcome.correct else "wrong"
        lines.append(f"{n}. [{verdict}] {card.title} ({card.id})")
        if not outcome.correct:
            lines.append(f"   answer: {outcome.expected}")
        belief = CATALOG.get(outcome.misconception or "")
        if belief is not None:
            lines += _wrapped(f"{belief.belief} {belief.truth}")
        if outcome.presented.exercise is not None:
            lines += ["  " + line for line in steps_lines(outcome.presented.exercise)]
        if card.explain:
            lines += _wrapped(f"why: {' '.join(card.explain.split())}")
    return lines


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, initial_indent="   ", subsequent_indent="   ")
