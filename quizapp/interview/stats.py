"""The interview-day figures of the stats (``quizapp stats`` and the stats screen's Interview tab):

- **cram and mock reviews** in the last 30 study days (logged, but leaving the schedule alone);
- **mock interviews**: each round's right answers out of those given, oldest first, for the trend;
- **misconceptions**: each one ever shown, with its status (active, improving, fixed; see
  quizapp.interview.misconceptions), how often it was shown, how often a re-test was answered
  right, and when it is next re-tested.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from quizapp.cardstate import day_start
from quizapp.interview.memory_cache import kept_memories
from quizapp.interview.misconceptions import ACTIVE, FIXED, IMPROVING
from quizapp.interview.mock import report
from quizapp.store import Store

__all__ = ["InterviewStats", "MisconceptionStatus", "MockTrend", "interview_stats"]

_STATUS_ORDER = {ACTIVE: 0, IMPROVING: 1, FIXED: 2}


class MockTrend(NamedTuple):
    started: datetime
    minutes: int
    right: int
    answered: int

    @property
    def score(self) -> float | None:
        return self.right / self.answered if self.answered else None


class MisconceptionStatus(NamedTuple):
    name: str
    status: str  # active, improving or fixed
    shown: int  # answers that matched it
    right_retests: int  # re-tests answered right
    last: datetime  # the last event
    due: datetime | None  # the next re-test


class InterviewStats(NamedTuple):
    cram_30d: int
    mock_30d: int
    mocks: tuple[MockTrend, ...]  # oldest first
    misconceptions: tuple[MisconceptionStatus, ...]  # active first, then improving, then fixed


def interview_stats(library: Any, store: Store, now: datetime, tz: Any = None, days: int = 30) -> InterviewStats:
    settings = store.settings()
    since = day_start(now, settings.day_starts_at, tz) - timedelta(days=days - 1)
    modes = store.mode_counts(since)
    mocks = []
    for round in store.mock_rounds():
        result = report(round, store.mock_reviews(round), library)
        mocks.append(MockTrend(round.started_at, round.minutes, result.right, result.answered))
    statuses = [
        MisconceptionStatus(m.name, m.status, m.shown, m.right_retests, m.last, m.due)
        for m in kept_memories(store).values()
    ]
    statuses.sort(key=lambda s: (_STATUS_ORDER[s.status], -s.shown, s.name))
    return InterviewStats(modes.get("cram", 0), modes.get("mock", 0), tuple(mocks), tuple(statuses))
