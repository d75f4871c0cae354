"""What the review history says, computed once for ``quizapp stats`` and the TUI's stats screen.

No printing here: :func:`compute` returns a :class:`Stats` value and each UI draws it its own way.

Definitions:

- **Reviews per day**: grades given on each study day (days start at ``Settings.day_starts_at``
  local time, like the queue's "today"), the last 30 days, oldest first.
- **Retention**: right / reviewed over the last 30 days, where *right* is any rating but Again
  (an auto-graded card is Good when right, Again when wrong).
- **Cards by state**: the content's cards: new (never reviewed), learning, review, relearning;
  suspended cards are counted in their state and also on their own.
- **Forecast**: cards falling due on each of the next 14 days; today's figure includes overdue.
- **Mastery** of a topic: the share of its cards that FSRS has in the Review state *and* predicts
  the user would recall right now with at least the desired retention (0.9 by default).  A card
  learned last week and still fresh counts; one overdue long enough to be probably forgotten
  does not, so mastery falls when reviews are skipped, as knowledge does.
- **Misconceptions**: the wrong beliefs that wrong exercise answers matched most often (from the
  review log), each with the cards that teach the truth (their ``teaches`` names it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple, Protocol

from quizapp.content.model import Topic
from quizapp.history import daily_reviews
from quizapp.scheduler import LEARNING, NEW, RELEARNING, REVIEW, STATE_NAMES, Scheduler, day_start
from quizapp.store import Store, from_ms, to_ms

__all__ = ["DayCount", "TopicStats", "MisconceptionCount", "Stats", "compute", "topic_overview"]

_DAY_MS = 86_400_000


class LibraryLike(Protocol):
    topics: Sequence[Topic]


@dataclass(frozen=True)
class DayCount:
    day: date  # the local calendar date the study day starts on
    count: int


@dataclass(frozen=True)
class TopicStats:
    topic_id: str
    title: str
    cards: int
    new: int
    due: int  # started cards due today (learning and reviews, overdue included)
    mastered: int

    @property
    def mastery(self) -> float:
        """Share of the topic's cards mastered (see the module docstring), 0..1."""
        return self.mastered / self.cards if self.cards else 0.0


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


def _local_date(moment: datetime, tz: Any) -> date:
    return (moment.astimezone(tz) if tz is not None else moment.astimezone()).date()


def _card_ids(library: LibraryLike) -> dict[str, str]:
    """card id -> topic id, first occurrence wins."""
    out: dict[str, str] = {}
    for topic in library.topics:
        for card in topic.cards:
            out.setdefault(card.id, topic.id)
    return out


class _Row(NamedTuple):
    """The columns of a card's state the figures need, times in epoch ms (no datetimes built
    for thousands of cards)."""

    state: int
    stability: float | None
    due: int | None
    last_review: int | None
    suspended: int
    buried_until: int | None


def _state_rows(store: Store) -> dict[str, _Row]:
    rows = store.query(
        "SELECT card_id, state, stability, due, last_review, suspended, buried_until FROM card_state"
    )
    return {row[0]: _Row(*row[1:]) for row in rows}


def _mastered(row: _Row, scheduler: Scheduler, now: datetime, target: float) -> bool:
    if row.state != REVIEW or row.last_review is None:
        return False
    last = from_ms(row.last_review)
    return scheduler.recall_probability(row.stability, last, now) >= target


def _topic_overview(
    library: LibraryLike, rows: dict[str, _Row], store: Store, now: datetime, tz: Any
) -> tuple[TopicStats, ...]:
    settings = store.settings()
    scheduler = Scheduler(settings)
    tomorrow_ms = to_ms(day_start(now, settings.day_starts_at, tz) + timedelta(days=1))
    now_ms = to_ms(now)
    target = settings.desired_retention
    out = []
    for topic in library.topics:
        new = due = mastered = 0
        seen: set[str] = set()
        for card in topic.cards:
            if card.id in seen:
                continue
            seen.add(card.id)
            row = rows.get(card.id)
            hidden = row is not None and (row.suspended or (row.buried_until or 0) > now_ms)
            if row is None or row.state == NEW:
                new += not hidden
                continue
            if hidden:
                continue
            if row.due is not None and row.due < tomorrow_ms:
                due += 1
            mastered += _mastered(row, scheduler, now, target)
        out.append(TopicStats(topic.id, topic.title, len(seen), new, due, mastered))
    return tuple(out)


def topic_overview(
    library: LibraryLike, store: Store, now: datetime | None = None, tz: Any = None
) -> tuple[TopicStats, ...]:
    """Per topic: cards, new (not suspended or buried), due today, mastered (the home screen)."""
    return _topic_overview(library, _state_rows(store), store, now or datetime.now(timezone.utc), tz)


def compute(
    library: LibraryLike,
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

    card_topics = _card_ids(library)
    rows = _state_rows(store)
    by_state = {STATE_NAMES[s]: 0 for s in (NEW, LEARNING, REVIEW, RELEARNING)}
    by_state["suspended"] = 0
    forecast = [0] * forecast_days
    today_ms = to_ms(today)
    for cid in card_topics:
        row = rows.get(cid)
        if row is None:
            by_state["new"] += 1
            continue
        by_state[STATE_NAMES[row.state]] += 1
        if row.suspended:
            by_state["suspended"] += 1
            continue
        if row.state == NEW or row.due is None:
            continue
        index = max(0, (row.due - today_ms) // _DAY_MS)
        if index < forecast_days:
            forecast[index] += 1
    forecast_counts = tuple(
        DayCount(_local_date(today + timedelta(days=i), tz), forecast[i]) for i in range(forecast_days)
    )

    teaching: dict[str, list[str]] = {}
    for topic in library.topics:
        for card in topic.cards:
            for name in card.teaches:
                if card.id not in teaching.setdefault(name, []):
                    teaching[name].append(card.id)
    top = store.query(
        "SELECT misconception, count(*) AS n, max(reviewed_at) AS last FROM review_log "
        "WHERE misconception IS NOT NULL GROUP BY misconception ORDER BY n DESC, last DESC LIMIT ?",
        (int(top_misconceptions),),
    )
    misconceptions = tuple(
        MisconceptionCount(name, int(n), from_ms(last), tuple(teaching.get(name, ()))) for name, n, last in top
    )
    return Stats(
        now=now,
        reviews_per_day=tuple(per_day),
        reviewed_30d=reviewed,
        right_30d=right,
        by_state=by_state,
        forecast=forecast_counts,
        topics=_topic_overview(library, rows, store, now, tz),
        misconceptions=misconceptions,
        total_reviews=store.review_count(),
        mastery_target=settings.desired_retention,
    )
