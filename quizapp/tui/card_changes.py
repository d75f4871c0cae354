"""Changing a card's schedule by hand, as the browser offers it: suspend, unsuspend, unbury,
reset, and undo, newest first.  No Textual here; each change is one store transaction.

An undo puts back what the change changed (the suspension, or the burial), but only while that is
still as the change left it: a card unsuspended or buried again elsewhere since is left alone,
and the undo says so; its schedule, studied or reset meanwhile, is never touched.  A reset is not undone: it is recorded for replays and merges between devices
(``Store.reset_card``), so it is asked for first instead, as ``quizapp card ID reset`` does.
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
    what: str  # "suspend", "unsuspend", "unbury"
    before: CardState


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
        if self.store.state(card_id).is_new:
            return f"{card_id} is new already: nothing to reset."
        self.store.reset_card(card_id, self.now())
        return f"{card_id} is new again; its review history is kept."

    def undo(self) -> str:
        if not self._done:
            return "Nothing to undo."
        change = self._done.pop()
        card_id, before = change.card_id, change.before
        now = self.store.state(card_id)
        if change.what == "unbury":
            if now.is_buried(self.now()):
                return f"{card_id} was buried again since the unbury: not undone."
            self.store.bury(card_id, before.buried_until)
        else:
            if now.suspended == before.suspended:
                return f"{card_id} has changed since the {change.what}: not undone."
            self.store.set_suspended(card_id, before.suspended)
        return f"Undone: the {change.what} of {card_id}."

    def _record(self, card_id: str, what: str, before: CardState) -> None:
        self._done.append(Change(card_id, what, before))
