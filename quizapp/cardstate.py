"""What the store keeps per card, the user's settings, and the clock arithmetic of study days.

None of this needs the FSRS package; :mod:`quizapp.scheduler` does the scheduling with fsrs (and
turns a :class:`CardState` into an ``fsrs.Card``).

- :class:`CardState` is what the store keeps per card id.  FSRS has no "new" state (a fresh
  ``fsrs.Card`` is Learning at step 0), so the app adds ``NEW = 0`` for a card never reviewed,
  and counts ``reps`` and ``lapses`` (a lapse is a Review card rated Again; a card with
  :attr:`Settings.leech_lapses` lapses is a *leech*: it keeps failing and needs rewriting or
  a different angle).  The other states are fsrs's own numbers.
- :class:`Settings` holds the knobs a user may change (desired retention, learning and relearning
  steps, maximum interval, daily limits, when the day starts, the interview date and the readiness
  to reach by then) and checks their bounds; the defaults are fsrs's own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

NEW = 0
LEARNING = 1  # fsrs.State.Learning
REVIEW = 2  # fsrs.State.Review
RELEARNING = 3  # fsrs.State.Relearning
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}

_UTC = timezone.utc


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(_UTC)

@dataclass(frozen=True)
class CardState:
    """The memory state of one card, keyed by the content's card id."""

    card_id: str
    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None  # None for a new card: it is due when the daily limit lets it in
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    buried_until: datetime | None = None
    suspended: bool = False

    @property
    def is_new(self) -> bool:
        return self.state == NEW

    @property
    def is_learning(self) -> bool:
        """Learning or relearning: short steps within the day."""
        return self.state in (LEARNING, RELEARNING)

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, str(self.state))

    def is_leech(self, threshold: int) -> bool:
        """At least ``threshold`` lapses (``Settings.leech_lapses``): it keeps failing."""
        return self.lapses >= threshold

    def is_buried(self, now: datetime) -> bool:
        return self.buried_until is not None and self.buried_until > now


#: What a user may set (quizapp.settings_text reads these bounds for its messages).
RETENTION_RANGE = (0.70, 0.99)
#: FSRS's recommended band for desired retention: outside it, a setting is allowed with a warning.
RECOMMENDED_RETENTION = (0.80, 0.95)
#: The readiness at the interview a topic should reach (``quizapp plan --target``).
INTERVIEW_TARGET_RANGE = (0.50, 0.99)
DAILY_LIMIT_MAX = 9999
MAXIMUM_INTERVAL_MAX = 36500  # days: fsrs's own default, a hundred years
LEECH_LAPSES_MAX = 99
#: Learning steps: each from a second to a day (FSRS schedules whole days after the last step), at
#: most this many.
STEP_RANGE = (timedelta(seconds=1), timedelta(days=1))
STEPS_MAX = 10


def _steps_from(value: Any, key: str) -> tuple[timedelta, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"setting {key!r} must be a list of seconds, got {value!r}")
    steps = []
    for item in value:
        if isinstance(item, timedelta):
            seconds = item.total_seconds()
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            seconds = float(item)
        else:
            raise ValueError(f"setting {key!r}: {item!r} is not a number of seconds")
        if not math.isfinite(seconds):
            raise ValueError(f"setting {key!r}: {item!r} is not a number of seconds")
        steps.append(timedelta(seconds=seconds))
    return tuple(steps)


def _date_from(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"setting 'interview_date' must be a date YYYY-MM-DD or none, got {value!r}")


def _whole_in(key: str, value: Any, low: int, high: int, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"setting {key!r} must be {what} from {low} to {high}, got {value!r}")


@dataclass(frozen=True)
class Settings:
    """The user's study settings; stored in the database's settings table (one row per field).

    Every bound is checked here, so the store, ``quizapp settings`` and the settings screen
    refuse the same values with the same message.  ``interview_date`` may lie in the past once
    stored (time passes); only setting a past date is refused (quizapp.settings_text).
    """

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500  # days
    enable_fuzzing: bool = True
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: int = 4  # local hour at which "today" begins, as in Anki
    leech_lapses: int = 8
    learn_ahead: timedelta = field(default=timedelta(minutes=20))
    interview_date: date | None = None
    interview_target: float = 0.9  # the readiness each topic should reach by the interview

    def __post_init__(self) -> None:
        low, high = RETENTION_RANGE
        retention = self.desired_retention
        if not isinstance(retention, (int, float)) or isinstance(retention, bool) or not low <= retention <= high:
            raise ValueError(
                f"setting 'desired_retention' must be a number from {low:.2f} to {high:.2f}, got {retention!r}"
            )
        _whole_in("maximum_interval", self.maximum_interval, 1, MAXIMUM_INTERVAL_MAX, "a number of days")
        _whole_in("leech_lapses", self.leech_lapses, 1, LEECH_LAPSES_MAX, "a number of lapses")
        for key in ("new_per_day", "reviews_per_day"):
            _whole_in(key, getattr(self, key), 0, DAILY_LIMIT_MAX, "a whole number")
        _whole_in("day_starts_at", self.day_starts_at, 0, 23, "an hour")
        shortest, longest = STEP_RANGE
        for key in ("learning_steps", "relearning_steps"):
            steps = getattr(self, key)
            if len(steps) > STEPS_MAX or any(not shortest <= step <= longest for step in steps):
                raise ValueError(
                    f"setting {key!r} must be at most {STEPS_MAX} steps, each from 1s to 1d, "
                    f"got {[step.total_seconds() for step in steps]}"
                )
        if self.interview_date is not None and not isinstance(self.interview_date, date):
            raise ValueError(f"setting 'interview_date' must be a date or none, got {self.interview_date!r}")
        low, high = INTERVIEW_TARGET_RANGE
        target = self.interview_target
        if not isinstance(target, (int, float)) or isinstance(target, bool) or not low <= target <= high:
            raise ValueError(f"setting 'interview_target' must be a number from {low:.2f} to {high:.2f}, got {target!r}")

    def to_mapping(self) -> dict[str, Any]:
        """JSON-ready values: steps and learn_ahead in seconds, the interview date as YYYY-MM-DD."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [step.total_seconds() for step in value]
            elif isinstance(value, timedelta):
                value = value.total_seconds()
            elif isinstance(value, date):
                value = value.isoformat()
            out[f.name] = value
        return out

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Settings":
        """Settings from stored values; unknown keys are ignored, bad values raise ValueError."""
        kwargs: dict[str, Any] = {}
        known = {f.name for f in fields(cls)}
        for key, value in values.items():
            if key not in known:
                continue
            if key in ("learning_steps", "relearning_steps"):
                value = _steps_from(value, key)
            elif key == "learn_ahead":
                if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"setting 'learn_ahead' must be seconds >= 0, got {value!r}")
                value = timedelta(seconds=value)
            elif key in ("desired_retention", "interview_target"):
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    raise ValueError(f"setting {key!r} must be a number, got {value!r}")
                value = float(value)
            elif key == "enable_fuzzing":
                if not isinstance(value, bool):
                    raise ValueError(f"setting 'enable_fuzzing' must be true or false, got {value!r}")
            elif key == "interview_date":
                value = _date_from(value)
            kwargs[key] = value
        return cls(**kwargs)


@dataclass(frozen=True)
class FittedParameters:
    """FSRS parameters fitted to this database's own review log (``quizapp optimize``): the
    scheduler uses them instead of FSRS's defaults from then on."""

    parameters: tuple[float, ...]
    fitted_at: datetime
    reviews: int  # how many reviews the log held when they were fitted


def format_interval(delta: timedelta) -> str:
    """A short label like Anki's: ``<1m``, ``1m``, ``10m``, ``3h``, ``4d``, ``1.5mo``, ``2.1y``."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m" if seconds > 0 else "now"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        months = days / 30
        return f"{months:.1f}mo".replace(".0mo", "mo")
    years = days / 365
    return f"{years:.1f}y".replace(".0y", "y")


#: FSRS's default decay (``-w[20]`` of fsrs 6's default parameters), for the figures a start-up
#: draws without importing fsrs; tests/store/test_stats_figures.py checks it against fsrs.
DEFAULT_DECAY = -0.1542


def mastery_ratio(desired_retention: float, decay: float = DEFAULT_DECAY) -> float:
    """The largest (whole days since the last review) / stability at which FSRS still predicts
    recall with at least ``desired_retention``.

    FSRS's forgetting curve is R = (1 + F * t / S) ** D with decay D = -w[20] and F chosen so that
    R = 0.9 at t = S; solving R = desired retention for t / S gives this ratio (the same factor
    fsrs multiplies a stability by to schedule the next interval).
    """
    factor = 0.9 ** (1 / decay) - 1
    return (desired_retention ** (1 / decay) - 1) / factor


def day_start(now: datetime, starts_at: int = 4, tz: Any = None) -> datetime:
    """The start of the study day containing ``now``: ``starts_at`` o'clock local time (``tz``,
    default the system's), as an aware UTC datetime.  Reviews at 1 a.m. count for the day before."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    start = local.replace(hour=starts_at, minute=0, second=0, microsecond=0)
    if local < start:
        start = (start - timedelta(days=1)).replace(hour=starts_at)
        # replace() again: across a DST change the naive subtraction keeps the wall-clock hour
    return start.astimezone(_UTC)


def day_starts(now: datetime, count: int, starts_at: int = 4, tz: Any = None) -> list[datetime]:
    """``count + 1`` consecutive day boundaries beginning with today's start (for forecasts)."""
    first = day_start(now, starts_at, tz)
    local_tz = tz if tz is not None else first.astimezone().tzinfo
    base = first.astimezone(local_tz)
    out = []
    for i in range(count + 1):
        moment = (base.replace(tzinfo=None) + timedelta(days=i)).replace(tzinfo=local_tz)
        out.append(moment.astimezone(_UTC))
    return out
