"""A flashcard: the front; space reveals the back; then the user rates their recall 1-4.

The four buttons show the interval each rating gives, as Anki does (``3 Good 10m``), so the
user sees what a grade costs before giving it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Markdown, Static

from quizapp.tui.widgets.buttons import ClickButton
from quizapp.tui.widgets.card_view import CardView

#: (rating, word, button variant)
GRADES = ((1, "Again", "error"), (2, "Hard", "warning"), (3, "Good", "success"), (4, "Easy", "primary"))


def format_interval(delta: timedelta) -> str:
    from quizapp.scheduler import format_interval as fmt

    return fmt(delta)


class FlashcardView(CardView):
    BINDINGS = [
        Binding("space", "reveal_or_good", "Show answer / Good"),
        Binding("enter", "reveal_or_good", "Show answer / Good", show=False),
        Binding("1", "grade(1)", "Again"),
        Binding("2", "grade(2)", "Hard"),
        Binding("3", "grade(3)", "Good"),
        Binding("4", "grade(4)", "Easy"),
    ]

    def __init__(self, presented: Any, preview: Callable[[], Mapping[Any, timedelta]], **kwargs: Any) -> None:
        super().__init__(presented, **kwargs)
        self._preview = preview
        self.revealed = False

    def compose(self) -> ComposeResult:
        yield Markdown(self.card.front, classes="front")
        with Horizontal(classes="actions"):
            yield ClickButton("Show answer (space)", id="reveal", variant="primary")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "grade":
            return self.revealed
        return True

    def action_reveal_or_good(self) -> None:
        if self.revealed:
            self.post_message(self.Rated(3))
        else:
            self.reveal()

    def action_grade(self, rating: int) -> None:
        if self.revealed:
            self.post_message(self.Rated(int(rating)))

    def reveal(self) -> None:
        if self.revealed:
            return
        self.revealed = True
        card = self.card
        actions = self.query_one(".actions", Horizontal)
        widgets = [Static("", classes="rule"), Markdown(card.back, classes="back")]
        explain = (card.explain or "").strip()
        if explain and explain != card.back.strip():
            widgets.append(Markdown(explain, classes="explain"))
        self.mount_all(widgets, before=actions)
        actions.remove_children()
        preview = self._preview()
        buttons = []
        for rating, word, variant in GRADES:
            interval = preview.get(rating)  # keyed by fsrs.Rating, an IntEnum: 1 finds Again
            label = f"{rating} {word} {format_interval(interval)}" if interval is not None else f"{rating} {word}"
            buttons.append(ClickButton(label, id=f"grade-{rating}", variant=variant))
        actions.mount_all(buttons)
        self.refresh_bindings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        if button_id == "reveal":
            self.reveal()
        elif button_id.startswith("grade-"):
            self.action_grade(int(button_id.removeprefix("grade-")))
