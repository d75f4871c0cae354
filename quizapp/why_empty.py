"""Why a study session has nothing to show: the facts, with no UI in them.

A session is empty for a handful of reasons, and a user deserves to hear which (issue 14, item 11):
nothing matches the topics and tags asked for; the daily new-card or review limit is reached while
cards wait; every card here is buried or suspended; or nothing is due until later.  The command
line and the TUI both say it from :func:`why_empty`; each adds the offers that fit its own keys and
commands (``quizapp settings new_per_day N``, a key on the home screen, ...).

    empty = why_empty(session)          # when session.next() is None
    for sentence in empty.reasons(): ...
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quizapp.cardstate import NEW, REVIEW, format_interval
from quizapp.session import Session
from quizapp.store import from_ms, to_ms

__all__ = ["Emptiness", "why_empty"]


@dataclass(frozen=True)
class Emptiness:
    """The counts that explain an empty session, over the session's scope (its topics and tags)."""

    now: datetime
    cards: int  # cards in the scope
    suspended: int
    buried: int  # buried until a later study day (not suspended)
    new_waiting: int  # new cards the daily new-card limit holds back
    new_today: int  # new cards introduced today (scheduled study; cram and mock do not count)
    new_limit: int
    reviews_waiting: int  # due reviews the daily review limit holds back
    review_limit: int
    next_due: datetime | None  # the soonest due time after now of a started card not hidden

    @property
    def hidden(self) -> int:
        return self.suspended + self.buried

    def limit_reasons(self) -> list[str]:
        """The daily limits that hold cards back, one sentence each ([] when none does)."""
        out = []
        if self.new_waiting:
            out.append(
                f"The daily limit of {_count(self.new_limit, 'new card')} is reached ({self.new_today} "
                f"introduced today); {_count(self.new_waiting, 'new card')} {_wait(self.new_waiting)} for tomorrow."
            )
        if self.reviews_waiting:
            out.append(
                f"The daily limit of {_count(self.review_limit, 'review')} is reached; "
                f"{_count(self.reviews_waiting, 'due review')} {_wait(self.reviews_waiting)} for tomorrow."
            )
        return out

    def reasons(self) -> list[str]:
        """Every reason the session is empty, most telling first, one sentence each."""
        if not self.cards:
            return ["No card matches this selection."]
        out = self.limit_reasons()
        if self.hidden:
            parts = [(n, what) for n, what in ((self.buried, "buried until tomorrow"), (self.suspended, "suspended")) if n]
            if self.hidden == self.cards:
                out.append(f"Every card here is hidden: {' and '.join(f'{n} {what}' for n, what in parts)}.")
            else:
                some = " and ".join(f"{n} {'is' if n == 1 else 'are'} {what}" for n, what in parts)
                out.append(f"Of the {_count(self.cards, 'card')} here, {some}.")
        if self.next_due is not None:
            wait = format_interval(self.next_due - self.now)
            out.append(f"Nothing else is due: the next card falls due in {wait} ({self.next_due.astimezone():%Y-%m-%d %H:%M}).")
        elif not out:
            out.append("Nothing here is due or new right now.")
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _wait(n: int) -> str:
    return "waits" if n == 1 else "wait"


def why_empty(session: Session) -> Emptiness:
    """The facts behind an empty ``session`` (call it when ``session.next()`` is None).

    Reads the stored states and today's review counts once; cheap enough for every empty screen.
    """
    store = session.store
    now = session.now()
    today, tomorrow = session.study_day()
    now_ms, tomorrow_ms = to_ms(now), to_ms(tomorrow)
    rows = store.state_rows()
    done = store.done_since(today)
    suspended = buried = unseen = due_reviews = 0
    dues: list[int] = []
    for card_id in session.scope:
        row = rows.get(card_id)
        if row is not None and row.suspended:
            suspended += 1
        elif row is not None and row.buried(now_ms):
            buried += 1
        elif row is None or not row.started:
            unseen += 1
        elif row.due is not None:
            if row.due > now_ms:
                dues.append(row.due)
            due_reviews += row.state == REVIEW and row.due < tomorrow_ms
    new_today = done.get(NEW, 0)
    new_room = max(0, session.new_limit - new_today)
    review_room = max(0, session.review_limit - done.get(REVIEW, 0))
    if session.chosen:  # a session of chosen cards (a cram, ``study CARD...``) holds none back
        new_room = review_room = len(session.scope)
    return Emptiness(
        now=now,
        cards=len(session.scope),
        suspended=suspended,
        buried=buried,
        new_waiting=max(0, unseen - new_room),
        new_today=new_today,
        new_limit=session.new_limit,
        reviews_waiting=max(0, due_reviews - review_room),
        review_limit=session.review_limit,
        next_due=from_ms(min(dues)) if dues else None,
    )
