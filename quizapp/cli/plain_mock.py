"""The plain-text mock interview behind ``quizapp mock``: the study loop's reading of answers,
with the mock's rules (a clock, no verdict until the end, then the report and the answers).

Kept apart from the command's parser so that building ``quizapp``'s parser imports no study loop.
"""

from __future__ import annotations

from datetime import timedelta
from typing import IO, Any, Callable

from quizapp.cli.plain_session import PlainDrill, _Quit
from quizapp.grading import AnswerError
from quizapp.interview.mock import MockRound, TimeUp
from quizapp.interview.text import clock_text, report_lines, review_lines


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
