"""Changing a card's schedule by hand, as the browser offers it: suspend, unsuspend, unbury,
reset, and undo, newest first.  No Textual here; each change is one store transaction.

An undo puts back the card's whole state as it was before the change, but only while the card is
still as the change left it: a card studied (or changed elsewhere) since is left alone, and the
undo says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from quizapp.scheduler import CardState
from quizapp.store import Store


@dataclass(frozen=True)
class Change:
    card_id: str
    what: str  # "suspend", "unsuspend", "unbury", "reset"
    before: CardState
    after: CardState


class CardChanges:
    def __init__(self, store: Store, now: Callable[[], datetime]) -> None:
        self.store = store
        self.now = now
        self._done: list[Change] = []

    @property
    def last(self) -> Change | None:
        """The change an undo would take back."""
        return self._done[-1] if self._done else None

    def toggle_suspended(self, card_id: str) -> str:
        """Suspend the card (out of every queue), or unsuspend it; one line saying which."""
        if self.store.state(card_id).suspended:
            self._record(card_id, "unsuspend", self.store.set_suspended(card_id, False))
            return f"{card_id} is back in the queues."
        self._record(card_id, "suspend", self.store.set_suspended(card_id, True))
        return f"{card_id} is suspended: in no queue until you unsuspend it (x)."

    def unbury(self, card_id: str) -> str:
        if not self.store.state(card_id).is_buried(self.now()):
            return f"{card_id} is not buried."
        self._record(card_id, "unbury", self.store.bury(card_id, None))
        return f"{card_id} is unburied: it can be studied today."

    def reset(self, card_id: str) -> str:
        """Forget the card's schedule: it is new again (its reviews stay in the history)."""
        self._record(card_id, "reset", self.store.reset(card_id))
        return f"{card_id} is new again; its review history is kept."

    def undo(self) -> str:
        if not self._done:
            return "Nothing to undo."
        change = self._done.pop()
        if self.store.state(change.card_id) != change.after:
            return f"{change.card_id} has changed since the {change.what}: not undone."
        self.store.put_state(change.before)
        return f"Undone: the {change.what} of {change.card_id}."

    def _record(self, card_id: str, what: str, before: CardState) -> None:
        self._done.append(Change(card_id, what, before, self.store.state(card_id)))
