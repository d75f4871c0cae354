"""The home screen's interview line: days left, readiness, today's share of the plan, topics at
risk.  Cheap enough for every time the home screen is shown: the stored states and one pass
over the misconception events, no forecast (``quizapp plan`` has the day-by-day figures)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple

from quizapp.cardstate import NEW, day_start
from quizapp.interview.dates import days_left, interview_moment, upcoming
from quizapp.interview.plan import needed_per_day
from quizapp.interview.readiness import TopicReadiness, card_ids, readiness_at
from quizapp.store import StateRow, Store

__all__ = ["InterviewToday", "interview_today"]


class InterviewToday(NamedTuple):
    day: date
    days_left: int
    ready: float  # overall readiness at the interview
    target: float
    new_today: int  # the plan's new cards still to introduce today
    at_risk: tuple[TopicReadiness, ...]  # below the target, least ready first


def interview_today(topics: Iterable[Any], store: Store, now: datetime, tz: Any = None) -> InterviewToday | None:
    """None when no interview date is set or it has passed."""
    settings = store.settings()
    day = upcoming(settings, now, tz)
    if day is None:
        return None
    topics = list(topics)
    ready = readiness_at(topics, store, interview_moment(day, settings, now, tz))
    rows = store.state_rows()
    unseen = sum(1 for cid in {cid for t in topics for cid in card_ids(t)} if _new(rows.get(cid)))
    introduced = store.done_since(day_start(now, settings.day_starts_at, tz)).get(NEW, 0)
    left = days_left(day, settings, now, tz)
    new_today = min(unseen, max(0, needed_per_day(unseen, introduced, left) - introduced))
    return InterviewToday(day, left, ready.overall, settings.interview_target, new_today, ready.at_risk(settings.interview_target))


def _new(row: StateRow | None) -> bool:
    """Never studied, and not suspended."""
    return row is None or not (row.started or row.suspended)
