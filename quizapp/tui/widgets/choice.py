"""A choice card: the prompt and its options in the order shown; digits or letters pick.

With one right option a pick replaces the previous one; with several ("choose all that apply")
each key toggles its option.  Enter submits.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button

from quizapp.tui.widgets.buttons import ActionRow, ClickButton
from quizapp.tui.widgets.card_view import CardView
from quizapp.tui.widgets.hint import Hint
from quizapp.tui.widgets.markdown_text import MarkdownText
from quizapp.tui.widgets.option_row import OptionRow

LETTERS = "abcdefgh"


def _pick_bindings() -> list[Binding]:
    what = "Pick an option (toggles when several are right)"
    out = [Binding(str(n), f"pick({n - 1})", f"Pick {n}", show=False, tooltip=what) for n in range(1, 10)]
    out += [Binding(letter, f"pick({i})", f"Pick {letter}", show=False, tooltip=what) for i, letter in enumerate(LETTERS)]
    return out


def option_keys(position: int) -> str:
    """The keys that pick the option at ``position``: ``1 a``, ..., ``9`` alone past h."""
    number = str(position + 1) if position < 9 else ""
    letter = LETTERS[position] if position < len(LETTERS) else ""
    return f"{number} {letter}".strip()


class ChoiceView(CardView):
    DEFAULT_CSS = """
    ChoiceView .options { height: auto; }
    """

    BINDINGS = [
        *_pick_bindings(),
        Binding("enter", "submit", "Answer"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.options: tuple[str, ...] = ()
        self.multiple = False
        self.picked: set[int] = set()

    def compose(self) -> ComposeResult:
        yield MarkdownText(classes="prompt")
        yield Hint()
        yield Vertical(classes="options")
        with ActionRow():
            yield ClickButton("Answer (enter)", id="submit", variant="primary")

    def load(self, presented: Any) -> None:
        super().load(presented)
        self.options = tuple(presented.options)
        self.multiple = bool(self.card.multiple)
        self.picked = set()
        self.query_one(".prompt", MarkdownText).show(self.card.prompt)
        self._show_how()
        count = len(self.options)
        box = self.query_one(".options", Vertical)
        rows = list(box.query(OptionRow))
        if len(rows) < count:  # rows are kept and reused; only a longer list needs more
            extra = [OptionRow(id=f"option-{i}") for i in range(len(rows), count)]
            box.mount_all(extra)
            rows.extend(extra)
        for position, row in enumerate(rows):
            if position < count:
                row.set_option(position, self.options[position], multiple=self.multiple, keys=option_keys(position))
            row.display = position < count

    def _show_how(self) -> None:
        count = len(self.options)
        keys = f"1-{min(count, 9)}" + (f" or a-{LETTERS[count - 1]}" if count <= len(LETTERS) else "")
        how = "Choose all that apply" if self.multiple else "Choose one"
        self.query_one(Hint).update(f"{how}: press {keys} to pick, Enter to answer.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return int(parameters[0]) < len(self.options)  # type: ignore[call-overload]
        return True

    def action_pick(self, position: int) -> None:
        position = int(position)
        if not 0 <= position < len(self.options):
            return
        if self.multiple:
            self.picked ^= {position}
        else:
            self.picked = {position}
        for row in self.query(OptionRow):
            row.picked = row.display and row.position in self.picked
        self._show_how()

    def on_option_row_clicked(self, event: OptionRow.Clicked) -> None:
        event.stop()
        self.action_pick(event.position)

    def action_submit(self) -> None:
        if not self.picked:
            self.show_error("Pick an option first (its number or letter).")
            return
        picks = tuple(sorted(self.picked))
        self.post_message(self.Answered(list(picks), shown=picks))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
