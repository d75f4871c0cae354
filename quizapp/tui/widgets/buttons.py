"""Buttons for the mouse that never take keyboard focus, and the row that holds them.

Keys drive every action (1-4, space, enter); a focused button would swallow space and enter and
press itself, so a user who clicked "Again" once would grade the next card Again with the space
bar.  These buttons only answer clicks.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import Button


class ClickButton(Button, can_focus=False):
    """A compact button that never takes focus."""

    DEFAULT_CSS = """
    ClickButton { margin: 0 1 0 0; }
    """

    def __init__(self, label: str, *, variant: str = "default", **kwargs) -> None:
        super().__init__(label, variant=variant, compact=True, **kwargs)  # type: ignore[arg-type]


class ActionRow(Horizontal):
    """A card's row of buttons (Answer, Show answer, the grades, Run checks...)."""

    DEFAULT_CSS = """
    ActionRow { height: auto; padding: 0 1; margin-top: 1; }
    """
