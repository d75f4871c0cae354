"""The mock interview screen: the study screen's card views with the mock's rules.

A countdown above the card; each answer moves straight on to the next question (no verdict, no
hint, no worked steps, no "run checks" for code); undo and bury are off.  When the time is up
(the clock is the app context's, so tests move it by hand and call :meth:`MockScreen.tick`) or
the questions run out or q is pressed, the round is saved and :class:`MockReportScreen` shows the
report per topic and every question with its answer and why.  The round itself is
:class:`quizapp.interview.mock.MockRound`.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from quizapp.interview.mock import MockReport, MockRound
from quizapp.interview.text import clock_text, report_lines, review_lines
from quizapp.session import Outcome
from quizapp.tui.context import AppContext
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.key_bar import KeyBar

#: Under this much time left the countdown turns red.
LOW_TIME = timedelta(minutes=2)
#: Columns the report screen's padding (2 + 2) and scrollbar (2) take; the narrowest wrap.
REPORT_MARGIN, MIN_WIDTH = 6, 30


def _no_checks(code: str) -> Any:
    raise RuntimeError("no checks in a mock interview: submit when you are done")


class MockScreen(StudyScreen):
    DEFAULT_CSS = """
    #countdown {
        height: 1;
        padding: 0 1;
        text-style: bold;
        background: $accent 20%;
    }

    #countdown.-low {
        background: $error 30%;
    }
    """

    BINDINGS = [Binding("q,escape", "leave", "End the round", tooltip="End the round now and see the report")]

    def __init__(self, ctx: AppContext, minutes: int) -> None:
        self.mock = MockRound(ctx.library, ctx.store, minutes, ctx.now, ctx.rng or random.Random())
        super().__init__(ctx, self.mock.session, f"Mock interview, {minutes} minutes")

    def compose(self) -> ComposeResult:
        header, *rest = super().compose()
        yield header
        yield Static(id="countdown")
        yield from rest

    def on_mount(self) -> None:  # StudyScreen.on_mount then shows the first question
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        """Show the time left; end the round when it is up."""
        left = self.mock.time_left()
        countdown = self.query_one("#countdown", Static)
        countdown.update(f"Mock interview · {clock_text(left)} left · no verdicts until the end, q ends the round")
        countdown.set_class(left < LOW_TIME, "-low")
        if left <= timedelta(0) and not self.busy:
            self.finish()

    def next_card(self) -> Any:
        """The next question, or None once the round is over (time up, or no question left)."""
        return self.mock.next()

    async def show_feedback(self, outcome: Any, shown: Any) -> None:
        """No verdict in a mock interview: straight on to the next question."""
        await self.advance()

    def on_card_view_answered(self, message: CardView.Answered) -> None:
        """An answer after the time is up is not counted (StudyScreen's handler records the rest)."""
        if self.mock.time_left() <= timedelta(0):
            message.prevent_default()
            message.stop()
            self.finish()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("undo", "bury"):
            return False
        return super().check_action(action, parameters)

    def _load_drill(self, view: Any, presented: Any) -> None:
        super()._load_drill(view, presented)
        view.run_check = _no_checks
        view.query_one("#run").display = False

    def finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        self.app.switch_screen(MockReportScreen(self.mock.end(), self.mock.outcomes))


class MockReportScreen(Screen):
    """The end of a mock interview: the report per topic, then every question answered."""

    DEFAULT_CSS = """
    #mock-report {
        padding: 1 2;
    }
    """

    BINDINGS = [Binding("enter,escape,q", "home", "Back to home")]

    def __init__(self, report: MockReport, outcomes: tuple[Outcome, ...]) -> None:
        super().__init__()
        self.report = report
        self.outcomes = outcomes
        self.sub_title = "Mock interview: report"

    def text(self, columns: int) -> str:
        """The report for a terminal ``columns`` wide: the prose wrapped, with its hanging indent,
        inside the padding and the scrollbar (Textual's own wrap would lose the indent)."""
        width = max(MIN_WIDTH, columns - REPORT_MARGIN)
        return "\n".join(report_lines(self.report) + [""] + review_lines(self.outcomes, width))

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="mock-report"):
            yield Static(self.text(self.app.size.width), markup=False, id="report-text")
        yield KeyBar()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#report-text", Static).update(self.text(event.size.width))

    def on_mount(self) -> None:
        self.query_one("#mock-report").focus()

    def action_home(self) -> None:
        self.app.pop_screen()
