"""The settings a user may change, as text: what each means, how a typed value is read, how a
stored one is shown.  ``quizapp settings`` and the TUI's settings screen both go through
:func:`check_setting`, so they accept and refuse exactly the same values with the same message;
the bounds themselves live in :class:`quizapp.cardstate.Settings` (one place for each rule).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from quizapp.cardstate import RECOMMENDED_RETENTION, Settings

__all__ = ["KEYS", "SettingError", "SettingInfo", "check_setting", "default_text", "format_setting", "setting_warning"]


class SettingError(ValueError):
    """A key or value a user typed that cannot be used; the message is one line saying what can."""


@dataclass(frozen=True)
class SettingInfo:
    key: str
    meaning: str  # one line
    allowed: str  # what a value may be, for the messages


_INFOS = (
    SettingInfo("desired_retention", "the share of reviews you aim to recall; higher means more reviews",
                "a number from 0.70 to 0.99 (FSRS recommends 0.80-0.95)"),
    SettingInfo("new_per_day", "new cards introduced per study day", "a whole number from 0 to 9999"),
    SettingInfo("reviews_per_day", "reviews per study day at most", "a whole number from 0 to 9999"),
    SettingInfo("learning_steps", "waits between a new card's first reviews",
                "steps like `1m 10m` (s, m, h, d; each 1s to 1d, at most 10) or `none`"),
    SettingInfo("relearning_steps", "waits after a forgotten card, before days again",
                "steps like `10m` (s, m, h, d; each 1s to 1d, at most 10) or `none`"),
    SettingInfo("maximum_interval", "the longest wait between two reviews, in days", "a whole number of days from 1 to 36500"),
    SettingInfo("day_starts_at", "the hour a new study day begins (reviews before it count for the day before)",
                "an hour from 0 to 23"),
    SettingInfo("leech_lapses", "lapses that mark a card as a leech", "a whole number from 1 to 99"),
    SettingInfo("interview_date", "the day of your interview (quizapp plan)", "a date YYYY-MM-DD, today or later, or `none`"),
    SettingInfo("interview_target", "the readiness each topic should reach by the interview (quizapp plan)",
                "a number from 0.50 to 0.99"),
)
INFO = {info.key: info for info in _INFOS}
#: The user's settings, in the order they are listed.
KEYS = tuple(INFO)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STEP = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_NONE_WORDS = ("none", "-", "")


def check_setting(settings: Settings, key: str, text: str, today: date) -> Settings:
    """``settings`` with ``key`` set to the value ``text`` names, every bound checked (the only
    way user input becomes a setting).  Raises :class:`SettingError` (one line) when the key is
    unknown or the value not allowed; ``today`` is the user's date, before which no interview
    date may be set."""
    info = INFO.get(key)
    if info is None:
        raise SettingError(f"unknown setting {key!r}; the settings are: {', '.join(KEYS)}")
    refused = SettingError(f"{key} cannot be {text.strip()!r}: it is {info.allowed}")
    try:
        value = _parse(key, text.strip())
        changed = replace(settings, **{key: value})
    except (ValueError, TypeError, OverflowError):
        raise refused from None
    if key == "interview_date" and value is not None and value < today:
        raise SettingError(f"interview_date cannot be {value.isoformat()}: that day has passed ({info.allowed})")
    return changed


def _parse(key: str, text: str) -> Any:
    if key in ("desired_retention", "interview_target"):
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value
    if key in ("learning_steps", "relearning_steps"):
        return _steps(text)
    if key == "interview_date":
        if text.lower() in _NONE_WORDS:
            return None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return date.fromisoformat(text)
    if not re.fullmatch(r"\d{1,6}", text):
        raise ValueError(text)
    return int(text)


def _steps(text: str) -> tuple[timedelta, ...]:
    if text.lower() in _NONE_WORDS:
        return ()
    steps = []
    for word in text.replace(",", " ").split():
        match = _STEP.fullmatch(word.lower())
        if match is None:
            raise ValueError(word)
        steps.append(timedelta(seconds=float(match[1]) * _UNITS[match[2]]))
    return tuple(steps)


def _step_text(step: timedelta) -> str:
    seconds = step.total_seconds()
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{int(seconds // _UNITS[unit])}{unit}"
    return f"{seconds:g}s"


def format_setting(settings: Settings, key: str) -> str:
    """The value of ``key`` as a user would type it (``1m 10m``, ``0.9``, ``none``)."""
    value = getattr(settings, key)
    if key in ("learning_steps", "relearning_steps"):
        return " ".join(_step_text(step) for step in value) or "none"
    if key == "interview_date":
        return value.isoformat() if value is not None else "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def default_text(key: str) -> str:
    return format_setting(Settings(), key)


def setting_warning(settings: Settings) -> str | None:
    """A warning for an allowed but unwise value (a retention outside FSRS's recommended band)."""
    low, high = RECOMMENDED_RETENTION
    retention = settings.desired_retention
    if retention < low:
        return f"desired_retention {retention:g} is below FSRS's recommended {low:.2f}-{high:.2f}: you will forget more between reviews"
    if retention > high:
        return f"desired_retention {retention:g} is above FSRS's recommended {low:.2f}-{high:.2f}: reviews grow steeply for little gain"
    return None
