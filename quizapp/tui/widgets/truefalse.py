"""A true/false card: the statement (often a popular misconception); t or f picks, Enter submits."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button

from quizapp.tui.widgets.buttons import ActionRow, ClickButton
from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.hint import Hint
from quizapp.tui.widgets.markdown_text import MarkdownText
from quizapp.tui.widgets.option_row import OptionRow


class TrueFalseView(CardView):
    BINDINGS = [
        Binding("t,1", "pick(True)", "True"),
        Binding("f,2", "pick(False)", "False"),
        Binding("enter", "submit", "Answer"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choice: bool | None = None

    def compose(self) -> ComposeResult:
        yield Hint("True or false?")
        yield MarkdownText(classes="prompt")
        yield OptionRow(0, "True", keys="t 1", id="option-true")
        yield OptionRow(1, "False", keys="f 2", id="option-false")
        with ActionRow():
            yield ClickButton("Answer (enter)", id="submit", variant="primary")

    def load(self, presented: Any) -> None:
        super().load(presented)
        self.choice = None
        self.query_one(".prompt", MarkdownText).show(self.card.statement)
        self.query_one(Hint).update("True or false?")
        self.query_one("#option-true", OptionRow).picked = False
        self.query_one("#option-false", OptionRow).picked = False

    def action_pick(self, value: bool) -> None:
        self.choice = bool(value)
        self.query_one("#option-true", OptionRow).picked = self.choice is True
        self.query_one("#option-false", OptionRow).picked = self.choice is False
        self.query_one(Hint).update("True or false?")

    def on_option_row_clicked(self, event: OptionRow.Clicked) -> None:
        event.stop()
        self.action_pick(event.position == 0)

    def action_submit(self) -> None:
        if self.choice is None:
            self.show_error("Press t (true) or f (false) first.")
            return
        self.post_message(self.Answered(self.choice, shown=self.choice))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
