"""The keys and palette entries that change one card's schedule by hand, shared by the browser
(the highlighted row) and a card's detail: x suspends or unsuspends, b unburies, u undoes the
last of these; r resets, after a confirmation (a reset is not undone).  The changes are :mod:`quizapp.tui.card_changes`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding
from textual.screen import Screen

from quizapp.store import StoreError
from quizapp.tui.card_changes import CardChanges
from quizapp.tui.screens.confirm import ConfirmScreen


#: Listed after each screen's own keys (a screen puts them in its BINDINGS, so the footer and the
#: help show them in that order).
CARD_BINDINGS = [
    Binding("x", "toggle_suspend", "Suspend", tooltip="Suspend the card, or unsuspend it"),
    Binding("r", "reset", "Reset", tooltip="Reset the card to new (asks first; its history stays)"),
    Binding("u", "undo_change", "Undo", tooltip="Undo the last suspend, unsuspend or unbury"),
    Binding("b", "unbury", "Unbury", tooltip="Unbury the card: it can be studied today"),
]


class CardActionsScreen(Screen):
    """A screen that shows a card (or a row of cards) and takes :data:`CARD_BINDINGS`."""

    def __init__(self, changes: CardChanges) -> None:
        super().__init__()
        self.changes = changes

    def acted_on(self) -> str | None:
        """The id of the card the keys act on (None: no card)."""
        raise NotImplementedError

    def card_changed(self) -> None:
        """Show the card's new state."""
        raise NotImplementedError

    def _apply(self, change: Callable[[str], str]) -> None:
        """Make ``change`` to the card the keys act on."""
        card_id = self.acted_on()
        if card_id is not None:
            self._run(lambda: change(card_id))

    def _run(self, change: Callable[[], str]) -> None:
        try:
            message = change()
        except StoreError as problem:  # the database went away: one line, not a traceback
            self.app.fail(problem)  # type: ignore[attr-defined]
            return
        self.notify(message, markup=False)
        self.card_changed()

    def action_toggle_suspend(self) -> None:
        self._apply(self.changes.toggle_suspended)

    def action_unbury(self) -> None:
        self._apply(self.changes.unbury)

    def action_reset(self) -> None:
        card_id = self.acted_on()
        if card_id is None:
            return
        if self.changes.store.state(card_id).is_new:  # nothing to forget: say so, ask nothing
            self._apply(self.changes.reset)
            return
        question = ConfirmScreen(
            f"Reset {card_id} to new?",
            "Its schedule is forgotten and it is introduced again like a new card; its review "
            "history stays. This cannot be undone.",
            yes="reset it",
        )
        self.app.push_screen(question, callback=lambda yes: self._apply(self.changes.reset) if yes else None)

    def action_undo_change(self) -> None:
        self._run(self.changes.undo)

    def palette_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        """The card's actions for the command palette."""
        card_id = self.acted_on()
        out: list[tuple[str, Callable[[], Any], str]] = []
        if card_id is not None:
            state = self.changes.store.state(card_id)
            verb = "Unsuspend" if state.suspended else "Suspend"
            out.append((f"{verb} card {card_id}", self.action_toggle_suspend, "Take it out of every queue, or put it back"))
            if state.is_buried(self.changes.now()):
                out.append((f"Unbury card {card_id}", self.action_unbury, "It can be studied today"))
            if not state.is_new:
                out.append((f"Reset card {card_id}", self.action_reset, "New again (asks first; the history stays)"))
        last = self.changes.last
        if last is not None:
            out.append((f"Undo: {last.what} {last.card_id}", self.action_undo_change, "Put the card back as it was"))
        return out
