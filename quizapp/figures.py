"""The per-topic figures (one function, for the home screen, ``quizapp stats`` and the stats
screen) and the home screen's line about today.

:func:`topic_stats` counts over the store's :class:`~quizapp.store.CardSets` (the ids of the
hidden, started, due and mastered cards, sorted out in one SQL pass), so 10,000 cards take
milliseconds and the home screen opens in a blink.  Per topic:

- **due**: started cards falling due before the next study day begins (overdue included);
- **new**: cards never reviewed; suspended and buried cards count in neither;
- **mastered**: cards that FSRS has in the Review state *and* predicts the user would recall right
  now with at least the desired retention (0.9 by default), that is whose whole days since the
  last review are at most ``stability * Scheduler.mastery_ratio()``.  A card learned last week
  and still fresh counts; one overdue long enough to be probably forgotten does not, so mastery
  falls when reviews are skipped, as knowledge does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from quizapp.cardstate import NEW, day_start, mastery_ratio
from quizapp.store import CardSets, Store

__all__ = ["Today", "TopicLike", "TopicStats", "card_ids", "home_figures", "topic_figures", "topic_outlines", "topic_stats"]


class TopicLike(Protocol):
    """A topic, or anything with its id, title and cards (or just ``card_ids``)."""

    id: str
    title: str


class TopicStats(NamedTuple):
    topic_id: str
    title: str
    cards: int
    new: int  # never reviewed, not suspended or buried
    due: int  # started cards due today (learning and reviews, overdue included)
    mastered: int

    @property
    def mastery(self) -> float:
        """Share of the topic's cards mastered (see the module docstring), 0..1."""
        return self.mastered / self.cards if self.cards else 0.0


class Today(NamedTuple):
    """The home screen's line about today."""

    reviewed: int  # grades given since the study day began
    due: int  # started cards due today, all topics
    new_available: int  # new cards today's limit still lets in
    first_run: bool  # the review log is empty
    new_today: int  # new cards introduced since the study day began (by any session)
    new_limit: int  # the daily limit of new cards (the setting new_per_day)
    unseen: int  # new cards in every topic, limit or not (suspended and buried ones left out)

    @property
    def new_room(self) -> int:
        """How many more new cards the daily limit lets in today."""
        return max(0, self.new_limit - self.new_today)

    @property
    def new_waiting(self) -> int:
        """New cards the daily limit holds back until tomorrow."""
        return self.unseen - self.new_available


def topic_outlines(library: Any) -> Sequence[Any]:
    """Each topic's id, title and card ids, without decoding the cards (when the library can)."""
    outlines = getattr(library, "outlines", None)
    return outlines if outlines is not None else library.topics


def card_ids(topic: Any) -> Sequence[str]:
    """A topic's card ids (``topic.card_ids`` when it has them)."""
    ids = getattr(topic, "card_ids", None)
    return ids if ids is not None else [card.id for card in topic.cards]


def topic_stats(topics: Iterable[TopicLike], sets: CardSets) -> tuple[TopicStats, ...]:
    """Per topic, in order: its cards, and how many are new, due and mastered (see the module
    docstring) by the store's :class:`~quizapp.store.CardSets`."""
    out = []
    for topic in topics:
        ids = set(card_ids(topic))
        shown = ids - sets.hidden
        out.append(
            TopicStats(
                topic_id=topic.id,
                title=topic.title,
                cards=len(ids),
                new=len(shown - sets.started),
                due=len(shown & sets.due),
                mastered=len(shown & sets.mastered),
            )
        )
    return tuple(out)


def topic_figures(topics: Iterable[TopicLike], store: Store, now: datetime, today: datetime) -> tuple[TopicStats, ...]:
    """:func:`topic_stats` at ``now``, in the study day that began at ``today`` (mastery by the
    database's own FSRS parameters)."""
    sets = store.card_sets(now, today + timedelta(days=1), _mastery_ratio(store))
    return topic_stats(topics, sets)


def _mastery_ratio(store: Store) -> float:
    """The database's mastery ratio; with FSRS's default parameters (no ``quizapp optimize``
    yet) worked out without importing fsrs: importing quizapp.scheduler and fsrs costs the home
    screen 6 ms of CPU at start-up (farm-bench, 15 pairs, 2-core machine)."""
    if store.fsrs_parameters() is None:
        return mastery_ratio(store.settings().desired_retention)
    from quizapp.scheduler import scheduler_for  # see above: fitted parameters need fsrs

    return scheduler_for(store).mastery_ratio()


def home_figures(
    topics: Iterable[TopicLike], store: Store, now: datetime, tz: Any = None
) -> tuple[tuple[TopicStats, ...], Today]:
    """The home screen's figures: each topic's, and today's totals (reviews since the study day
    began, cards due, new cards introduced today and the daily limit, new cards the limit still
    lets in, whether this is a first run)."""
    settings = store.settings()
    today = day_start(now, settings.day_starts_at, tz)
    figures = topic_figures(topics, store, now, today)
    new_today = store.done_since(today).get(NEW, 0)
    unseen = sum(t.new for t in figures)
    return figures, Today(
        reviewed=store.reviews_since(today),
        due=sum(t.due for t in figures),
        new_available=min(unseen, max(0, settings.new_per_day - new_today)),
        first_run=not store.has_reviews(),
        new_today=new_today,
        new_limit=settings.new_per_day,
        unseen=unseen,
    )
