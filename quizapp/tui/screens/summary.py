"""The end of a session: what was done, how it went, when the next cards fall due, and the daily
limits that held cards back.  Enter returns to the screen the session was started from (the
topics, the stats, the browser), and says which."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from quizapp.tui.widgets.hint import Hint
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.tui.widgets.text import duration_words

RATING_WORDS = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def summary_lines(summary: Any, now: datetime) -> list[Content]:
    from quizapp.cardstate import format_interval

    lines: list[Content] = []
    if summary.reviewed == 0:
        lines.append(Content("Nothing was graded in this session."))
    else:
        lines.append(
            Content.assemble(
                ("Reviewed ", ""), (str(summary.reviewed), "bold"),
                f" ({summary.cards} card{'s' if summary.cards != 1 else ''}, {summary.new_cards} new): ",
                (f"{summary.right} right", "bold $text-success"), ", ",
                (f"{summary.wrong} wrong", "bold $text-error" if summary.wrong else "bold"),
            )
        )
        ratings = "  ".join(f"{RATING_WORDS[int(r)]} {n}" for r, n in summary.by_rating.items() if n)
        lines.append(Content.assemble(("Grades: ", "dim"), ratings))
        lines.append(Content.assemble(("Time: ", "dim"), duration_words(summary.time_spent.total_seconds())))
    if summary.next_due is not None:
        wait = summary.next_due - now
        when = "now" if wait.total_seconds() <= 0 else f"in {format_interval(wait)}"
        lines.append(Content.assemble(("Next due: ", "dim"), (when, "bold")))
    if summary.leeches:
        lines.append(
            Content.assemble(
                (f"Leeches (failed {summary.leech_lapses}+ times): ", "bold $text-warning"), ", ".join(summary.leeches)
            )
        )
    left = summary.remaining
    if left.total:
        lines.append(
            Content.assemble(
                ("Still to come: ", "dim"),
                f"{left.new} new, {left.learning} learning, {left.review} review",
            )
        )
    return lines


class SummaryScreen(Screen):
    DEFAULT_CSS = """
    SummaryScreen #summary {
        height: auto;
        max-width: 90;
        margin: 1 2;
        padding: 1 2;
        border: round $accent;
    }

    SummaryScreen #summary-title {
        text-style: bold;
        color: $text-accent;
        margin-bottom: 1;
    }
    """

    BINDINGS = [Binding("enter,escape,q", "back", "Back")]

    def __init__(
        self, summary: Any, now: datetime, title: str = "", back_to: str = "the topics", limits: Sequence[str] = ()
    ) -> None:
        """``back_to``: where Enter returns, as words; ``limits``: the daily limits that held cards
        back, one sentence each (quizapp.why_empty)."""
        super().__init__()
        self.summary = summary
        self.now = now
        self.back_to = back_to
        self.limits = limits
        self.sub_title = f"{title}: summary" if title else "Summary"

    def compose(self) -> ComposeResult:
        yield Header()
        done = self.summary.remaining.total == 0
        with Vertical(id="summary"):
            yield Static("Session complete" if done else "Session ended", id="summary-title")
            for line in summary_lines(self.summary, self.now):
                yield Static(line, classes="summary-line")
            for line in self.limits:
                yield Static(Content.styled(line, "$text-warning"), classes="summary-line")
            yield Hint(f"Every answer was saved the moment you gave it. Enter returns to {self.back_to}.", markup=False)
        yield KeyBar()

    def action_back(self) -> None:
        self.app.pop_screen()
