"""What the review history says, computed once for ``quizapp stats`` and the TUI's stats screen.

No printing here: :func:`compute` returns a :class:`Stats` value and each UI draws it its own way.
The per-topic figures are :mod:`quizapp.figures`' (the home screen's too).

Definitions:

- **Reviews per day**: grades given on each study day (days start at ``Settings.day_starts_at``
  local time, like the queue's "today"), the last 30 days, oldest first.
- **Retention**: right / reviewed over the last 30 days, where *right* is any rating but Again
  (an auto-graded card is Good when right, Again when wrong).
- **Cards by state**: the content's cards: new (never reviewed), learning, review, relearning;
  suspended cards are counted in their state and also on their own.
- **Forecast**: cards falling due on each of the next 14 days; today's figure includes overdue.
- Per topic, **due**, **new** and **mastery**: see :mod:`quizapp.figures`.
- **Misconceptions**: the wrong beliefs that wrong exercise answers matched most often (from the
  review log), each with the cards that teach the truth (their ``teaches`` names it).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

from quizapp.cardstate import LEARNING, NEW, RELEARNING, REVIEW, STATE_NAMES, day_start
from quizapp.figures import TopicStats, card_ids, topic_figures, topic_outlines
from quizapp.history import daily_reviews, local_date
from quizapp.store import Store

__all__ = ["DayCount", "MisconceptionCount", "Stats", "compute"]


class DayCount(NamedTuple):
    day: date  # the local calendar date the study day starts on
    count: int


class MisconceptionCount(NamedTuple):
    name: str
    count: int
    last_seen: datetime
    teaching_cards: tuple[str, ...]  # ids of cards whose ``teaches`` lists this name


class Stats(NamedTuple):
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

    outlines = topic_outlines(library)
    cards = {card_id for topic in outlines for card_id in card_ids(topic)}
    groups = store.card_groups(today, forecast_days)
    by_state = {STATE_NAMES[s]: len(cards & groups.by_state[s]) for s in (LEARNING, REVIEW, RELEARNING)}
    by_state = {STATE_NAMES[NEW]: len(cards) - sum(by_state.values()), **by_state}  # stored as new, or never
    by_state["suspended"] = len(cards & groups.suspended)
    forecast = [0] * forecast_days
    for card_id, day in groups.due_day.items():
        if card_id in cards:
            forecast[day] += 1
    forecast_counts = tuple(
        DayCount(local_date(today + timedelta(days=i), tz), forecast[i]) for i in range(forecast_days)
    )

    teaching = library.teaching()
    misconceptions = tuple(
        MisconceptionCount(m.name, m.count, m.last_seen, teaching.get(m.name, ()))
        for m in store.misconception_counts(top_misconceptions)
    )
    return Stats(
        now=now,
        reviews_per_day=tuple(per_day),
        reviewed_30d=reviewed,
        right_30d=right,
        by_state=by_state,
        forecast=forecast_counts,
        topics=topic_figures(outlines, store, now, today),
        misconceptions=misconceptions,
        total_reviews=store.review_count(),
        mastery_target=settings.desired_retention,
    )
