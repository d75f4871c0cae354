"""The interview date: when it is, how far off, and the moment readiness is taken at.

Readiness is the recall expected *on the interview day*: at the start of that study day
(``Settings.day_starts_at`` local time, 4 a.m. by default), what you will know when you get up,
not counting anything studied that morning.  On the day itself that moment has passed, so it is
now.  A date before today (local calendar) has passed: it is not shown any more (setting one is
refused by quizapp.settings_text.check_setting).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from quizapp.cardstate import Settings, day_start
from quizapp.history import local_date

__all__ = ["days_left", "interview_moment", "upcoming"]


def _local_noon(day: date, tz: Any) -> datetime:
    """Noon of ``day`` in ``tz`` (default: the system's time zone), aware."""
    noon = datetime(day.year, day.month, day.day, 12)
    return noon.replace(tzinfo=tz) if tz is not None else noon.astimezone()


def interview_moment(day: date, settings: Settings, now: datetime, tz: Any = None) -> datetime:
    """When readiness for an interview on ``day`` is taken: that study day's start, or ``now``
    once it has begun (an aware UTC datetime)."""
    return max(day_start(_local_noon(day, tz), settings.day_starts_at, tz), now)


def days_left(day: date, settings: Settings, now: datetime, tz: Any = None) -> int:
    """Study days from today's to the interview's (0 on the day itself)."""
    return (day - local_date(day_start(now, settings.day_starts_at, tz), tz)).days


def upcoming(settings: Settings, now: datetime, tz: Any = None) -> date | None:
    """The interview date when one is set and has not passed, else None."""
    day = settings.interview_date
    if day is None or day < local_date(now, tz):
        return None
    return day
