"""The review history over longer spans than ``quizapp stats`` prints, for the TUI's stats screen.

UI-free, like :mod:`quizapp.stats`, and with the same definitions so the two never disagree:

- a **study day** starts at ``Settings.day_starts_at`` local time and lasts 24 hours; a review
  at 1 a.m. counts for the day before (the queue's "today" works the same way);
- a review is **right** when its rating is not Again (an auto-graded card is Good when right,
  Again when wrong).

:func:`daily_reviews` feeds the calendar heatmap (the last ~16 weeks), :func:`weekly_retention`
the retention plot, :func:`streak` the "days in a row" figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from quizapp.cardstate import day_start
from quizapp.store import Store

__all__ = ["DayReviews", "WeekRetention", "daily_reviews", "local_date", "streak", "weekly_retention"]


class DayReviews(NamedTuple):
    day: date  # the local calendar date the study day starts on
    reviewed: int
    right: int


class WeekRetention(NamedTuple):
    start: date  # the first study day of the week (a Monday)
    reviewed: int
    right: int

    @property
    def retention(self) -> float | None:
        """right / reviewed; None for a week with no reviews (a gap, not a 0%)."""
        return self.right / self.reviewed if self.reviewed else None


def local_date(moment: datetime, tz: Any) -> date:
    """The calendar date of ``moment`` in ``tz`` (default: the system's time zone)."""
    return (moment.astimezone(tz) if tz is not None else moment.astimezone()).date()


def daily_reviews(store: Store, now: datetime, days: int, tz: Any = None) -> tuple[DayReviews, ...]:
    """Reviews and right answers on each of the last ``days`` study days, oldest first, today last.

    Days are 24-hour spans from the start of the oldest study day; :func:`quizapp.stats.compute`
    counts its last 30 days with this same function.
    """
    if days < 1:
        return ()
    today = day_start(now, store.settings().day_starts_at, tz)
    first = today - timedelta(days=days - 1)
    return tuple(
        DayReviews(local_date(first + timedelta(days=i), tz), reviewed, right)
        for i, (reviewed, right) in enumerate(store.daily_counts(first, days))
    )


def weekly_retention(days: Sequence[DayReviews]) -> tuple[WeekRetention, ...]:
    """Group study days into calendar weeks (Monday first), oldest first.

    A week only partly inside ``days`` counts the days it has; retention per week rather than per
    day, because a day with three reviews says little about how well a person remembers.
    """
    weeks: dict[date, list[int]] = {}
    for d in days:
        monday = d.day - timedelta(days=d.day.weekday())
        totals = weeks.setdefault(monday, [0, 0])
        totals[0] += d.reviewed
        totals[1] += d.right
    return tuple(WeekRetention(start, n, r) for start, (n, r) in sorted(weeks.items()))


def streak(days: Sequence[DayReviews]) -> int:
    """Study days in a row with at least one review, counting back from today (the last entry).

    Today without reviews yet does not break the streak: it counts from yesterday then, since the
    day is not over.
    """
    counts = [d.reviewed for d in days]
    if counts and counts[-1] == 0:
        counts.pop()
    run = 0
    for n in reversed(counts):
        if n == 0:
            break
        run += 1
    return run
