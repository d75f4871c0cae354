"""The plain-text mock interview behind ``quizapp mock``: the study loop's reading of answers,
with the mock's rules (a clock, no verdict until the end, then the report and the answers).

Kept apart from the command's parser so that building ``quizapp``'s parser imports no study loop.
"""

from __future__ import annotations

import textwrap
from datetime import timedelta
from typing import IO, Any, Callable

from quizapp.cli.plain_session import PlainDrill, _Quit
from quizapp.engine.exercises.misconceptions import CATALOG
from quizapp.grading import AnswerError
from quizapp.interview.mock import MockReport, MockRound, TimeUp
from quizapp.plaintext import steps_lines
from quizapp.session import Outcome

WIDTH = 100


def clock_text(left: timedelta) -> str:
    minutes, seconds = divmod(int(left.total_seconds()), 60)
    return f"{minutes}:{seconds:02d}"


class MockDrill(PlainDrill):
    """The plain-text study loop with the mock's rules: no verdict until the end, a clock."""

    HELP = "type your answer (option numbers, t/f, a number or matrix, code ending with a line '.'); q ends the round"

    def __init__(self, mock: MockRound, inp: IO[str], out: IO[str]) -> None:
        super().__init__(mock.session, inp, out)
        self.mock = mock

    def run(self) -> int:
        self.say(
            f"Mock interview: {self.mock.minutes} minutes, {len(self.mock.questions)} questions ready. "
            "No verdicts until the end; q ends the round."
        )
        try:
            while (presented := self.mock.next()) is not None:
                self.study(presented)
        except _Quit:
            pass
        if self.mock.time_left() <= timedelta(0):
            self.say("", "Time is up.")
        self.say("", *report_lines(self.mock.end()), "", *review_lines(self.mock.outcomes))
        return 0

    def header(self, p: Any) -> str:
        question = self.mock.question(p)
        topic = p.topic.title if p.topic else p.card.topic
        follow = ", follow-up" if question.follow_up else ""
        return f"[{p.number}] {topic}, {p.kind}{follow}. {clock_text(self.mock.time_left())} left."

    def answer_loop(self, read_answer: Callable[[], str]) -> None:
        while True:
            line = read_answer()
            word = line.strip().lower()
            if word in ("q", "quit", "exit"):
                raise _Quit
            if word in ("?", "h", "help"):
                self.say(self.HELP)
                continue
            if not word:
                self.say("Type an answer (q ends the round).")
                continue
            try:
                self.mock.answer(line)
            except AnswerError as exc:
                self.say(f"Could not use that: {exc}. Try again.")
                continue
            except TimeUp:
                self.say("That answer came after the time was up; it was not counted.")
                raise _Quit from None
            self.say("Noted.")
            return


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
