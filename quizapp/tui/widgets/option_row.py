"""One pickable line of a choice or true/false card: ``(•) 2 b  the option text``."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from quizapp.tui.widgets.markdown_text import inline_content


class OptionRow(Static):
    """Shows its keys and a mark when picked; a click picks it.  ``set_option`` reuses the row
    for another card's option."""

    DEFAULT_CSS = """
    OptionRow { width: 1fr; height: auto; padding: 0 1; margin-top: 1; }
    OptionRow:hover { background: $boost; }
    OptionRow.-picked { background: $accent 20%; }
    """

    picked: reactive[bool] = reactive(False)

    class Clicked(Message):
        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, position: int = 0, text: str = "", *, multiple: bool = False, keys: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.position = position
        self.text = text
        self.multiple = multiple
        self.keys = keys  # "1 a" or "t 1"

    def set_option(self, position: int, text: str, *, multiple: bool, keys: str) -> None:
        self.position, self.text, self.multiple, self.keys = position, text, multiple, keys
        self.set_reactive(OptionRow.picked, False)
        self.remove_class("-picked")
        self.update(self._label())

    def _label(self) -> Content:
        if self.multiple:
            mark = "[x]" if self.picked else "[ ]"
        else:
            mark = "(•)" if self.picked else "( )"
        return Content.assemble(
            (mark, "bold $text-accent" if self.picked else "dim"),
            " ",
            (f"{self.keys:<4}", "bold"),
            " ",
            inline_content(" ".join(self.text.split())),
        )

    def on_mount(self) -> None:
        self.update(self._label())

    def watch_picked(self, picked: bool) -> None:
        self.set_class(picked, "-picked")
        if self.is_mounted:
            self.update(self._label())

    def on_click(self) -> None:
        self.post_message(self.Clicked(self.position))
