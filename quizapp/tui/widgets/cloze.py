"""A cloze card: the text with its blank shown as ``[...]`` (or the author's hint), and a field for
what the blank hides.  Enter answers; the answer is matched leniently (quizapp.content.cloze)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input

from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.exercise import AnswerInput
from quizapp.tui.widgets.hint import Hint
from quizapp.tui.widgets.markdown_text import MarkdownText

HINT = "Type what the blank hides; case, spaces and punctuation do not matter."


class ClozeView(CardView):
    DEFAULT_CSS = """
    ClozeView #answer { margin-top: 1; }
    """

    BINDINGS = [Binding("enter", "submit", "Answer", show=False)]

    def compose(self) -> ComposeResult:
        yield Hint("Fill in the blank")
        yield MarkdownText(classes="prompt")
        yield AnswerInput(id="answer", placeholder="the hidden text")

    def load(self, presented: Any) -> None:
        super().load(presented)
        self.query_one(".prompt", MarkdownText).show(self.card.question)
        field = self.query_one("#answer", AnswerInput)
        with field.prevent(Input.Changed):
            field.value = ""
        field.remove_class("-invalid")
        self.query_one(Hint).update(HINT)

    def focus_target(self) -> Widget:
        return self.query_one("#answer", AnswerInput)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        field = self.query_one("#answer", AnswerInput)
        if not field.value.strip():
            self.show_error("Type the hidden text first.")
            field.focus()
            return
        self.post_message(self.Answered(field.value, shown=field.value))
