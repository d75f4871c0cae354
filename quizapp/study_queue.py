"""Which card a study session shows next: today's queue, built from the store.

- Learning and relearning cards (short steps within the day) come first whenever they are due; a
  card that goes (back) to learning during the session re-enters when its step is due, and when
  nothing else is left, one due within ``Settings.learn_ahead`` (20 minutes) is shown early.
- Review cards due today (before the next study day starts), most overdue first, at most
  ``review_limit`` a day.
- New cards in content order, at most ``new_limit`` a day, spread evenly among the reviews (with
  100 reviews and 20 new, one new card after every 5 reviews or so).  The daily limits count what
  the review log already holds for today, so quitting and restarting does not hand out another
  20 new cards.
- Explicitly chosen cards are studied now, due or not, in the order given.

Each builder also returns the state number (NEW, LEARNING, REVIEW, RELEARNING) of every card it
queued, so the session can count what is left by each card's real state.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta

from quizapp.cardstate import NEW, REVIEW
from quizapp.store import StateRow, from_ms, to_ms

__all__ = ["StudyQueue", "interleave", "todays_queue", "chosen_queue"]


def interleave(reviews: Sequence[str], news: Sequence[str]) -> list[str]:
    """Spread ``news`` evenly among ``reviews``, keeping each list's order."""
    if not news or not reviews:
        return [*reviews, *news]
    out: list[str] = []
    taken = 0
    for i, new in enumerate(news):
        upto = (i + 1) * len(reviews) // (len(news) + 1)
        out.extend(reviews[taken:upto])
        taken = upto
        out.append(new)
    out.extend(reviews[taken:])
    return out


class StudyQueue:
    """What is left to show: the main order (reviews and new cards mixed) and the learning
    cards waiting for their next step (id -> due, also kept sorted by due)."""

    def __init__(self, main: Iterable[str] = (), learning: Iterable[tuple[str, datetime]] = ()) -> None:
        self.main: list[str] = list(main)
        self.learning: dict[str, datetime] = {}
        self._learning_order: list[tuple[datetime, str]] = []
        for card_id, due in learning:
            self.add_learning(card_id, due)

    def copy(self) -> StudyQueue:
        other = StudyQueue(self.main)
        other.learning = dict(self.learning)
        other._learning_order = list(self._learning_order)
        return other

    def add_learning(self, card_id: str, due: datetime) -> None:
        self.discard(card_id)
        self.learning[card_id] = due
        bisect.insort(self._learning_order, (due, card_id))

    def discard(self, card_id: str) -> None:
        due = self.learning.pop(card_id, None)
        if due is not None:
            self._learning_order.remove((due, card_id))
        if card_id in self.main:
            self.main.remove(card_id)

    def candidates(self, now: datetime, learn_ahead: timedelta) -> Iterator[str]:
        """Card ids in the order they should be shown at ``now`` (the caller takes the first
        that fits and stops iterating before changing the queue)."""
        for due, card_id in self._learning_order:
            if due > now:
                break
            yield card_id
        yield from self.main
        ahead = now + learn_ahead
        for due, card_id in self._learning_order:
            if due > ahead:
                break
            if due > now:
                yield card_id


def todays_queue(
    rows: Mapping[str, StateRow],
    done_today: Mapping[int, int],
    scope: Sequence[str],
    *,
    now: datetime,
    today: datetime,
    new_limit: int,
    review_limit: int,
    limit: int | None = None,
) -> tuple[StudyQueue, dict[str, int]]:
    """Due learning cards, today's reviews and new cards among ``scope`` (card ids in content
    order), within the daily limits; returns the queue and each queued card's state number.

    ``rows`` are the stored states (:meth:`Store.state_rows`), ``done_today`` the reviews since
    ``today`` began by the card's state before them (:meth:`Store.done_since`).
    """
    now_ms = to_ms(now)
    tomorrow_ms = to_ms(today + timedelta(days=1))
    states: dict[str, int] = {}
    learning: list[tuple[int, str]] = []
    reviews: list[tuple[int, str]] = []
    news: list[str] = []
    new_room = max(0, new_limit - done_today.get(NEW, 0))
    for card_id in scope:
        row = rows.get(card_id)
        if row is not None and row.hidden(now_ms):
            continue
        if row is None or not row.started:
            if len(news) < new_room:
                news.append(card_id)
                states[card_id] = NEW
        elif row.due is not None and row.due < tomorrow_ms:
            states[card_id] = row.state
            (reviews if row.state == REVIEW else learning).append((row.due, card_id))
    review_room = max(0, review_limit - done_today.get(REVIEW, 0))
    reviews.sort()  # most overdue first
    learning.sort()
    main = interleave([card_id for _, card_id in reviews[:review_room]], news)
    if limit is not None:
        learning = learning[:limit]
        main = main[: max(0, limit - len(learning))]
    return StudyQueue(main, [(card_id, from_ms(due)) for due, card_id in learning]), states


def chosen_queue(
    rows: Mapping[str, StateRow], card_ids: Sequence[str], limit: int | None = None
) -> tuple[StudyQueue, dict[str, int]]:
    """Exactly ``card_ids`` (at most ``limit``), now, due or not."""
    chosen = list(dict.fromkeys(card_ids))[:limit]
    return StudyQueue(chosen), {card_id: rows[card_id].state if card_id in rows else NEW for card_id in chosen}
