"""An exercise: the generated prompt, an answer field, and what the field reads as you type.

The prompt is Markdown whose input arrays are code fences, drawn as aligned monospace blocks.
Under the field, every keystroke is parsed (``engine.answers.parse``, a small grammar, never
eval): "reads as a 2x3 matrix", or where it stops reading ("col 7: unexpected '('") in the error
colour.  Enter on unreadable input only marks it; nothing is graded until it reads.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static

from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.hint import Hint
from quizapp.tui.widgets.markdown_text import MarkdownText
from quizapp.tui.widgets.text import shape_words


class AnswerInput(Input):
    """The answer field; escape leaves it, so the study keys (u, s, q) work again."""

    BINDINGS = [
        Binding("enter", "submit", "Answer"),
        Binding("escape", "leave", "Leave field"),
    ]

    def action_leave(self) -> None:
        self.screen.set_focus(None)


def reading(text: str, expected_shape: tuple[int, ...]) -> tuple[Content, bool]:
    """What ``text`` reads as, and whether it can be submitted."""
    from quizapp.engine.answers import ParseError, parse

    if not text.strip():
        return Content.styled(f"Type {shape_words(expected_shape)}.", "dim"), False
    try:
        value = parse(text)
    except ParseError as err:
        return Content.assemble(("✘ ", "bold $text-error"), (str(err), "$text-error")), False
    words = shape_words(tuple(value.shape))
    if value.size == 1 and len(expected_shape) == 0:
        words = "a single number"
    if tuple(value.shape) == tuple(expected_shape) or value.size == _size(expected_shape):
        return Content.assemble(("✔ ", "bold $text-success"), f"reads as {words}"), True
    return (
        Content.assemble(
            ("! ", "bold $text-warning"),
            f"reads as {words}; the answer is {shape_words(expected_shape)}",
        ),
        True,
    )


def _size(shape: tuple[int, ...]) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


def entry_hint(shape: tuple[int, ...]) -> str:
    """How to type an answer of this shape."""
    if not shape:
        return "Type one number: 1.5, -1/3, 2e-3 and sqrt(2)/2 all read."
    if len(shape) == 1:
        n = shape[0]
        shown = [str(i) for i in range(1, n + 1)] if n <= 4 else ["1", "2", "3", "...", str(n)]
        return f"Type {n} number{'s' if n != 1 else ''}: [{', '.join(shown)}] or {' '.join(shown)}."
    if len(shape) == 2:
        rows, cols = shape
        example = "; ".join(", ".join(str(r * cols + c + 1) for c in range(min(cols, 3))) + (", ..." if cols > 3 else "") for r in range(min(rows, 2)))
        more = "; ..." if rows > 2 else ""
        return f"Type {rows} rows of {cols}, rows separated by ';': [{example}{more}]."
    return "Type nested brackets, e.g. [[[1, 2], [3, 4]]]."


class ExerciseView(CardView):
    DEFAULT_CSS = """
    ExerciseView #answer { margin-top: 1; }
    ExerciseView #reading { height: auto; padding: 0 1; }
    """

    BINDINGS = [Binding("enter", "submit", "Answer", show=False)]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exercise: Any = None
        self.shape: tuple[int, ...] = ()

    def compose(self) -> ComposeResult:
        yield MarkdownText(classes="prompt")
        yield AnswerInput(id="answer")
        yield Static("", id="reading")
        yield Hint()

    def load(self, presented: Any) -> None:
        super().load(presented)
        self.exercise = presented.exercise
        self.shape = tuple(self.exercise.answer.shape)
        intro = (getattr(self.card, "intro", "") or "").strip()
        prompt = self.exercise.prompt.strip()
        self.query_one(".prompt", MarkdownText).show(f"{intro}\n\n{prompt}" if intro else prompt)
        field = self.query_one("#answer", AnswerInput)
        with field.prevent(Input.Changed):
            field.value = ""
        field.placeholder = f"your answer: {shape_words(self.shape)}"
        field.remove_class("-invalid")
        self.query_one("#reading", Static).update(reading("", self.shape)[0])
        self.query_one(Hint).update(entry_hint(self.shape))

    def focus_target(self) -> Widget:
        return self.query_one("#answer", AnswerInput)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        content, _ok = reading(event.value, self.shape)
        self.query_one("#reading", Static).update(content)
        self.query_one("#answer").remove_class("-invalid")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        field = self.query_one("#answer", AnswerInput)
        content, ok = reading(field.value, self.shape)
        self.query_one("#reading", Static).update(content)
        if not ok:
            field.add_class("-invalid")
            field.focus()
            return
        self.post_message(self.Answered(field.value, shown=field.value))

    def show_error(self, message: str) -> None:
        field = self.query_one("#answer", AnswerInput)
        field.add_class("-invalid")
        self.query_one("#reading", Static).update(Content.assemble(("✘ ", "bold $text-error"), (message, "$text-error")))
        field.focus()
