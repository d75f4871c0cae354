"""A flashcard: the front; space reveals the back; then the user rates their recall 1-4.

The four buttons show the interval each rating gives, as Anki does (``3 Good 10m``), so the
user sees what a grade costs before giving it.  After the answer is shown, space or enter is
Good, as in Anki.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Button, Static

from quizapp.tui.widgets.buttons import ActionRow, ClickButton
from quizapp.tui.widgets.card_markdown import CardMarkdown
from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.markdown_text import MarkdownText

#: (rating, word, button variant)
GRADES = ((1, "Again", "error"), (2, "Hard", "warning"), (3, "Good", "success"), (4, "Easy", "primary"))


def format_interval(delta: timedelta) -> str:
    from quizapp.cardstate import format_interval as fmt

    return fmt(delta)


class FlashcardView(CardView):
    DEFAULT_CSS = """
    FlashcardView .front { margin-top: 1; }
    FlashcardView .rule { height: 1; border-top: solid $foreground 20%; margin-top: 1; }
    FlashcardView .explain { margin-top: 1; color: $text-muted; }
    """

    BINDINGS = [
        # One key, two meanings: the footer shows the one that applies now (check_action).
        Binding("space", "reveal", "Show answer", tooltip="Show the answer"),
        Binding("enter", "reveal", "Show answer", show=False, tooltip="Show the answer"),
        Binding("space", "grade(3)", "Good", tooltip="Once the answer is shown: Good"),
        Binding("enter", "grade(3)", "Good", show=False, tooltip="Once the answer is shown: Good"),
        # the grade buttons show these keys with their intervals; the footer stays short
        Binding("1", "grade(1)", "Again", show=False, tooltip="Again: forgot it (see it again in minutes)"),
        Binding("2", "grade(2)", "Hard", show=False, tooltip="Hard: recalled with effort"),
        Binding("3", "grade(3)", "Good", show=False, tooltip="Good: recalled"),
        Binding("4", "grade(4)", "Easy", show=False, tooltip="Easy: recalled at once"),
    ]

    #: The back is shown: space means Good now, and the grade keys work.
    revealed: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, preview: Callable[[], Mapping[Any, timedelta]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._preview = preview

    def compose(self) -> ComposeResult:
        yield MarkdownText(classes="front")
        yield Static("", classes="rule answer-part")
        yield MarkdownText(classes="back answer-part")
        yield CardMarkdown(classes="explain answer-part")
        with ActionRow():
            yield ClickButton("Show answer (space)", id="reveal", variant="primary")
            for rating, word, variant in GRADES:
                yield ClickButton(f"{rating} {word}", id=f"grade-{rating}", variant=variant, classes="grade")

    def load(self, presented: Any) -> None:
        super().load(presented)
        self.revealed = False
        self.query_one(".front", MarkdownText).show(self.card.front)

    def watch_revealed(self, revealed: bool) -> None:
        for widget in self.query(".answer-part"):
            widget.display = revealed
        self.query_one("#reveal").display = not revealed
        for button in self.query(".grade"):
            button.display = revealed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return not self.revealed
        if action == "grade":
            return self.revealed
        return True

    def action_grade(self, rating: int) -> None:
        if self.revealed:  # a click on a grade button never comes before the answer is shown
            self.post_message(self.Rated(int(rating)))

    def action_reveal(self) -> None:
        if self.revealed or self.presented is None:
            return
        card = self.card
        self.query_one(".back", MarkdownText).show(card.back)
        explain = (card.explain or "").strip()
        self.query_one(".explain", CardMarkdown).update(explain if explain != card.back.strip() else "")
        preview = self._preview()
        for rating, word, _variant in GRADES:
            interval = preview.get(rating)  # keyed by fsrs.Rating, an IntEnum: 1 finds Again
            label = f"{rating} {word} {format_interval(interval)}" if interval is not None else f"{rating} {word}"
            self.query_one(f"#grade-{rating}", Button).label = label
        self.revealed = True
        if not explain or explain == card.back.strip():
            self.query_one(".explain").display = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        if button_id == "reveal":
            self.action_reveal()
        elif button_id.startswith("grade-"):
            self.action_grade(int(button_id.removeprefix("grade-")))
