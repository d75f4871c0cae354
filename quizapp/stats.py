"""What the review history says, computed once for ``quizapp stats``, the home screen and the TUI's
stats screen.

No printing here: :func:`home_figures` and :func:`compute` return values and each UI draws them
its own way.  Every per-topic figure comes from one function, :func:`topic_stats`, over the
store's :class:`~quizapp.store.CardSets` (the ids of the hidden, started, due and mastered cards,
sorted out in one SQL pass), so 10,000 cards take milliseconds and the home screen opens in a
blink.

Definitions:

- **Reviews per day**: grades given on each study day (days start at ``Settings.day_starts_at``
  local time, like the queue's "today"), the last 30 days, oldest first.
- **Retention**: right / reviewed over the last 30 days, where *right* is any rating but Again
  (an auto-graded card is Good when right, Again when wrong).
- **Cards by state**: the content's cards: new (never reviewed), learning, review, relearning;
  suspended cards are counted in their state and also on their own.
- **Forecast**: cards falling due on each of the next 14 days; today's figure includes overdue.
- Per topic, **due**: started cards falling due before the next study day begins (overdue
  included); **new**: cards never reviewed; suspended and buried cards count in neither.
- **Mastery** of a topic: the share of its cards that FSRS has in the Review state *and* predicts
  the user would recall right now with at least the desired retention (0.9 by default), that is
  whose whole days since the last review are at most ``stability * Scheduler.mastery_ratio()``.
  A card learned last week and still fresh counts; one overdue long enough to be probably
  forgotten does not, so mastery falls when reviews are skipped, as knowledge does.
- **Misconceptions**: the wrong beliefs that wrong exercise answers matched most often (from the
  review log), each with the cards that teach the truth (their ``teaches`` names it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol

from quizapp.cardstate import LEARNING, NEW, RELEARNING, REVIEW, STATE_NAMES, Settings, day_start
from quizapp.history import daily_reviews, local_date
from quizapp.scheduler import Scheduler
from quizapp.store import CardSets, Store, to_ms

__all__ = [
    "DayCount",
    "MisconceptionCount",
    "Stats",
    "Today",
    "TopicStats",
    "compute",
    "home_figures",
    "topic_stats",
]

_DAY_MS = 86_400_000


class TopicLike(Protocol):
    """A topic, or anything with its id, title and cards (or just ``card_ids``)."""

    id: str
    title: str


@dataclass(frozen=True)
class DayCount:
    day: date  # the local calendar date the study day starts on
    count: int


@dataclass(frozen=True)
class TopicStats:
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


@dataclass(frozen=True)
class Today:
    """The home screen's line about today."""

    reviewed: int  # grades given since the study day began
    due: int  # started cards due today, all topics
    new_available: int  # new cards today's limit still lets in
    first_run: bool  # the review log is empty


@dataclass(frozen=True)
class MisconceptionCount:
    name: str
    count: int
    last_seen: datetime
    teaching_cards: tuple[str, ...]  # ids of cards whose ``teaches`` lists this name


@dataclass(frozen=True)
class Stats:
    now: datetime
    reviews_per_day: tuple[DayCount, ...]  # last 30 days, oldest first, today last
    reviewed_30d: int
    right_30d: int
    by_state: dict[str, int]  # new / learning / review / relearning, plus "suspended"
    forecast: tuple[DayCount, ...]  # today (with overdue) and the next 13 days
    topics: tuple[TopicStats, ...]
    misconceptions: tuple[MisconceptionCount, ...]
    total_reviews: int
    mastery_target: float = 0.9  # the desired retention a mastered card's recall must reach

    @property
    def retention_30d(self) -> float | None:
        """right / reviewed over the last 30 days; None when nothing was reviewed."""
        return self.right_30d / self.reviewed_30d if self.reviewed_30d else None


def card_ids(topic: Any) -> set[str]:
    """A topic's card ids (``topic.card_ids`` when it has them)."""
    ids = getattr(topic, "card_ids", None)
    return set(ids if ids is not None else (card.id for card in topic.cards))


def topic_stats(topics: Iterable[TopicLike], sets: CardSets) -> tuple[TopicStats, ...]:
    """Per topic, in order: its cards, and how many are new, due and mastered (see the module
    docstring) by the store's :class:`~quizapp.store.CardSets`."""
    out = []
    for topic in topics:
        ids = card_ids(topic)
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


def _card_sets(store: Store, settings: Settings, now: datetime, today: datetime) -> CardSets:
    ratio = Scheduler(settings).mastery_ratio()
    return store.card_sets(now, today + timedelta(days=1), ratio)


def home_figures(
    topics: Sequence[TopicLike], store: Store, now: datetime, tz: Any = None
) -> tuple[tuple[TopicStats, ...], Today]:
    """The home screen's figures: each topic's, and today's totals (reviews since the study day
    began, cards due, new cards the daily limit still lets in, whether this is a first run)."""
    settings = store.settings()
    today = day_start(now, settings.day_starts_at, tz)
    figures = topic_stats(topics, _card_sets(store, settings, now, today))
    new_room = max(0, settings.new_per_day - store.done_since(today).get(NEW, 0))
    return figures, Today(
        reviewed=store.reviews_since(today),
        due=sum(t.due for t in figures),
        new_available=min(sum(t.new for t in figures), new_room),
        first_run=not store.has_reviews(),
    )


def compute(
    library: Any,
    store: Store,
    now: datetime | None = None,
    *,
    tz: Any = None,
    days: int = 30,
    forecast_days: int = 14,
    top_misconceptions: int = 10,
) -> Stats:
    """Every figure of the stats screen (see the module docstring for definitions)."""
    now = now or datetime.now(timezone.utc)
    settings = store.settings()
    today = day_start(now, settings.day_starts_at, tz)
    history = daily_reviews(store, now, days, tz)
    per_day = [DayCount(d.day, d.reviewed) for d in history]
    reviewed, right = sum(d.reviewed for d in history), sum(d.right for d in history)

    rows = store.state_rows()
    by_state = {STATE_NAMES[s]: 0 for s in (NEW, LEARNING, REVIEW, RELEARNING)}
    by_state["suspended"] = 0
    forecast = [0] * forecast_days
    today_ms = to_ms(today)
    for card_id in dict.fromkeys(card.id for topic in library.topics for card in topic.cards):
        row = rows.get(card_id)
        if row is None:
            by_state["new"] += 1
            continue
        by_state[STATE_NAMES[row.state]] += 1
        if row.suspended:
            by_state["suspended"] += 1
        elif row.started and row.due is not None:
            index = max(0, (row.due - today_ms) // _DAY_MS)
            if index < forecast_days:
                forecast[index] += 1
    forecast_counts = tuple(
        DayCount(local_date(today + timedelta(days=i), tz), forecast[i]) for i in range(forecast_days)
    )

    teaching: dict[str, list[str]] = {}
    for topic in library.topics:
        for card in topic.cards:
            for name in card.teaches:
                if card.id not in teaching.setdefault(name, []):
                    teaching[name].append(card.id)
    misconceptions = tuple(
        MisconceptionCount(m.name, m.count, m.last_seen, tuple(teaching.get(m.name, ())))
        for m in store.misconception_counts(top_misconceptions)
    )
    return Stats(
        now=now,
        reviews_per_day=tuple(per_day),
        reviewed_30d=reviewed,
        right_30d=right,
        by_state=by_state,
        forecast=forecast_counts,
        topics=topic_stats(library.topics, _card_sets(store, settings, now, today)),
        misconceptions=misconceptions,
        total_reviews=store.review_count(),
        mastery_target=settings.desired_retention,
    )
