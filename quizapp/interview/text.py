"""Interview day as plain lines, for the commands and the screens alike: a mock round's report
and the answers it held back (``quizapp mock``, the mock screen), and the stats' interview
figures (``quizapp stats``, the stats screen's Interview tab)."""

from __future__ import annotations

import textwrap
from datetime import timedelta

from quizapp.engine.exercises.misconceptions import CATALOG
from quizapp.interview.mock import MockReport
from quizapp.interview.stats import InterviewStats
from quizapp.plaintext import steps_lines
from quizapp.session import Outcome

__all__ = ["clock_text", "interview_lines", "report_lines", "review_lines"]

WIDTH = 78  # wrapped lines fit an 80-column terminal (the report screen gives its own width)
BAR_WIDTH = 30


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


def review_lines(outcomes: tuple[Outcome, ...], width: int = WIDTH) -> list[str]:
    """Each question with your answer, the right one and why: what the round held back; prose
    wrapped to ``width`` columns with a hanging indent."""
    lines = ["Your answers:"] if outcomes else []
    for n, outcome in enumerate(outcomes, 1):
        card = outcome.card
        verdict = "right" if outcome.correct else "wrong"
        lines += textwrap.wrap(f"{n}. [{verdict}] {card.title} ({card.id})", width=width, subsequent_indent="   ")
        if not outcome.correct:
            lines.append(f"   answer: {outcome.expected}")
        belief = CATALOG.get(outcome.misconception or "")
        if belief is not None:
            lines += _wrapped(f"{belief.belief} {belief.truth}", width)
        if outcome.presented.exercise is not None:
            lines += ["  " + line for line in steps_lines(outcome.presented.exercise)]
        if card.explain:
            lines += _wrapped(f"why: {' '.join(card.explain.split())}", width)
    return lines


def _wrapped(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent="   ", subsequent_indent="   ")


def interview_lines(stats: InterviewStats) -> list[str]:
    """Cram and mock reviews, the mock trend and each misconception's status."""
    lines = [
        f"Interview practice in the last 30 days: {stats.cram_30d} cram and {stats.mock_30d} mock answers "
        "(they leave the schedule alone)."
    ]
    if stats.mocks:
        lines.append("Mock interviews (right of answered):")
        for mock in stats.mocks:
            score = f"{mock.score:4.0%}" if mock.score is not None else "   -"
            bar = "#" * round(BAR_WIDTH * (mock.score or 0))
            lines.append(
                f"  {mock.started.astimezone():%Y-%m-%d %H:%M}  {mock.minutes:3d} min  "
                f"{mock.right:3d}/{mock.answered:<3d} {score}  {bar}".rstrip()
            )
    if stats.misconceptions:
        lines.append("Misconceptions (re-tested when due; fixed: right on re-tests a week apart):")
        width = max(len(m.name) for m in stats.misconceptions)
        for m in stats.misconceptions:
            due = f", next re-test {m.due.astimezone():%Y-%m-%d}" if m.due is not None else ""
            lines.append(f"  {m.name:<{width}}  {m.status:<9}  shown {m.shown}x, right {m.right_retests}x{due}")
    return lines
