"""A plan to be ready on the interview date: new cards a day, the reviews to expect, the topics
that stay below the target.

**New cards.**  Every card not studied yet should be introduced at least :data:`LEAD_DAYS` days
before the interview, so that it has been through its learning steps and a first review or two.
With ``n`` cards to go and ``d`` days to introduce them in (today up to the interview minus
LEAD_DAYS), the plan needs ``ceil((n + introduced today) / d)`` new cards a day; the user's
``new_per_day`` is kept when it is already enough.  The plan only advises: ``quizapp plan --apply``
raises ``new_per_day`` to it.

**Expected reviews: an expected-value model, not a Monte Carlo simulation.**  Each card's future
is walked through FSRS (the app's scheduler, without fuzz) as a tree: a review falls at the card's
due time (now, when overdue), is right with FSRS's predicted recall probability at that moment
(for a card seen for the first time: the share of first answers the user got right, with one
right and one wrong added so a new user starts at 1/2) and wrong otherwise, and each branch is
scheduled on.  Summing the branches' probabilities per study day gives the expected reviews per
day *exactly* for that model, with no sampling noise, so the numbers do not change from one run
to the next and a test can hold them against a simulation.  Branches less likely than
:data:`PRUNE` stop branching and follow their likelier outcome, which keeps the work small (new
cards introduced together share one walk).  The same walk gives each card's expected recall at
the interview, hence the predicted readiness per topic at the plan's pace and at the user's
current one; the topics below the target at the current pace are named.  Learning steps within a
day are predicted right (FSRS gives a recall of 1 less than a day after a review), daily review
limits are not applied (the plan says when a day's load goes over ``reviews_per_day``), and active
misconceptions stay counted at recall 0.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, NamedTuple

from quizapp.cardstate import NEW, CardState, day_start, day_starts
from quizapp.history import local_date
from quizapp.interview.dates import days_left, interview_moment
from quizapp.interview.readiness import Readiness, TopicReadiness, active_by_topic, card_ids, readiness, stored_recall
from quizapp.scheduler import Rating, Scheduler, scheduler_for
from quizapp.store import StateRow, Store

__all__ = [
    "LEAD_DAYS",
    "PRUNE",
    "Plan",
    "PlanDay",
    "expected_reviews",
    "first_recall",
    "introductions",
    "make_plan",
    "needed_per_day",
]

#: Every card is introduced at least this many days before the interview.
LEAD_DAYS = 3
#: A branch of a card's future less likely than this stops branching.
PRUNE = 0.01


class PlanDay(NamedTuple):
    day: date
    new: int  # new cards to introduce
    reviews: float  # expected reviews, learning steps included (the new cards' first sight too)


@dataclass(frozen=True)
class Plan:
    interview: date
    at: datetime  # the moment readiness is taken at
    days_left: int
    target: float
    unseen: int  # cards never studied (suspended ones aside)
    introduced_today: int
    needed_per_day: int  # new cards a day that introduce every card LEAD_DAYS days early
    new_per_day: int  # the user's setting
    reviews_per_day: int  # the user's setting
    first_recall: float  # the probability of a right first answer the model assumes
    days: tuple[PlanDay, ...]  # today up to the day before the interview, at the plan's pace
    now: Readiness  # at the interview, from the cards as they are (nothing more studied)
    with_plan: Readiness  # predicted, at the plan's pace
    at_pace: Readiness  # predicted, at the user's current new_per_day

    @property
    def pace(self) -> int:
        """The plan's new cards a day: the user's limit when it is enough, else what is needed."""
        return max(self.needed_per_day, self.new_per_day)

    @property
    def too_low(self) -> bool:
        """The user's new_per_day cannot introduce every card in time."""
        return self.new_per_day < self.needed_per_day

    @property
    def too_late(self) -> bool:
        """Fewer than LEAD_DAYS days are left: the remaining new cards cannot all be early."""
        return self.unseen > 0 and self.days_left < LEAD_DAYS

    def below_target(self) -> tuple[TopicReadiness, ...]:
        """Topics predicted under the target at the current pace, least ready first."""
        return self.at_pace.at_risk(self.target)

    def over_limit(self) -> tuple[PlanDay, ...]:
        """Days whose expected reviews exceed the user's reviews_per_day."""
        return tuple(d for d in self.days if d.reviews > self.reviews_per_day)


# -- the expected-value walk ------------------------------------------------------------------------


class _Walk:
    """Expected reviews per study day, and expected recall at ``end``, of one card's future."""

    def __init__(self, scheduler: Scheduler, bounds: Sequence[datetime], end: datetime, first_recall: float) -> None:
        self.scheduler = scheduler
        self.bounds = bounds  # day i runs from bounds[i] to bounds[i + 1]
        self.end = end
        self.first_recall = first_recall

    def run(self, state: CardState, at: datetime) -> tuple[list[float], float]:
        self.reviews = [0.0] * (len(self.bounds) - 1)
        self.recall = 0.0
        self._step(state, at, 1.0)
        return self.reviews, self.recall

    def _step(self, state: CardState, at: datetime, weight: float) -> None:
        if at >= self.end:
            self.recall += weight * self.scheduler.retrievability(state, self.end)
            return
        day = bisect.bisect_right(self.bounds, at) - 1
        if 0 <= day < len(self.reviews):
            self.reviews[day] += weight
        right = self.first_recall if state.state == NEW else self.scheduler.retrievability(state, at)
        outcomes = [(Rating.Good, right), (Rating.Again, 1.0 - right)]
        if weight < PRUNE:  # stop branching: the likelier outcome takes the whole weight
            outcomes = [(Rating.Good if right >= 0.5 else Rating.Again, 1.0)]
        for rating, chance in outcomes:
            if chance > 0:
                after = self.scheduler.review(state, rating, at)
                self._step(after, max(after.due, at), weight * chance)


def expected_reviews(
    stored: Iterable[CardState],
    new_by_day: Sequence[int],
    *,
    scheduler: Scheduler,
    now: datetime,
    bounds: Sequence[datetime],
    end: datetime,
    first_recall: float,
) -> tuple[list[float], dict[str, float], list[float]]:
    """The expected-value model (module docstring) for the started cards ``stored`` and
    ``new_by_day[i]`` new cards introduced on day ``i`` (at the time of day it is now).

    Returns the expected reviews per day, each started card's expected recall at ``end``, and the
    expected recall at ``end`` of a card introduced on each day."""
    walk = _Walk(scheduler, bounds, end, first_recall)
    per_day = [0.0] * (len(bounds) - 1)
    recall = {}
    for state in stored:
        reviews, recall[state.card_id] = walk.run(state, max(state.due or now, now))
        per_day = [a + b for a, b in zip(per_day, reviews)]
    new_recall = []
    for day, count in enumerate(new_by_day):
        reviews, value = walk.run(CardState("new"), now + (bounds[day] - bounds[0]))
        new_recall.append(value)
        per_day = [a + count * b for a, b in zip(per_day, reviews)]
    return per_day, recall, new_recall


# -- the plan -----------------------------------------------------------------------------------------


def first_recall(store: Store) -> float:
    """The chance of a right first answer: the user's share, with one right and one wrong added."""
    count, right = store.first_answers()
    return (right + 1) / (count + 2)


def needed_per_day(unseen: int, introduced_today: int, days_left: int) -> int:
    """New cards a day that introduce ``unseen`` cards at least LEAD_DAYS days before the
    interview, today's share counting those already introduced today."""
    if not unseen:
        return 0
    return math.ceil((unseen + introduced_today) / max(1, days_left - LEAD_DAYS + 1))


def introductions(unseen: int, pace: int, introduced_today: int, days: int) -> list[int]:
    """New cards on each of ``days`` days at ``pace`` a day, today's share less what was already
    introduced today, until ``unseen`` are all introduced."""
    out = []
    left = unseen
    for day in range(days):
        count = min(left, max(0, pace - (introduced_today if day == 0 else 0)))
        out.append(count)
        left -= count
    return out


def make_plan(topics: Iterable[Any], store: Store, now: datetime, interview: date, tz: Any = None, *, target: float | None = None) -> Plan:
    """The plan for an interview on ``interview`` (today or later), as of ``now``."""
    topics = list(topics)
    scheduler = scheduler_for(store)
    settings = scheduler.settings
    target = settings.interview_target if target is None else target
    at = interview_moment(interview, settings, now, tz)
    left = max(0, days_left(interview, settings, now, tz))
    rows = store.state_rows()
    active = active_by_topic(topics, store)
    order = [cid for cid in dict.fromkeys(cid for t in topics for cid in card_ids(t)) if not _suspended(rows.get(cid))]
    unseen = [cid for cid in order if not (cid in rows and rows[cid].started)]
    stored = [store.state(cid) for cid in order if cid in rows and rows[cid].started]
    introduced_today = store.done_since(day_start(now, settings.day_starts_at, tz)).get(NEW, 0)
    needed = needed_per_day(len(unseen), introduced_today, left)
    model = _Model(
        scheduler=Scheduler(replace(settings, enable_fuzzing=False), scheduler.parameters),
        bounds=day_starts(now, left, settings.day_starts_at, tz),
        now=now, at=at, recall_first=first_recall(store), topics=topics, stored=stored, unseen=unseen,
        introduced_today=introduced_today, active=active, rows=rows,
    )
    pace = max(needed, settings.new_per_day)
    per_day, new_by_day, with_plan = model.forecast(pace)
    at_pace = with_plan if pace == settings.new_per_day else model.forecast(settings.new_per_day)[2]
    days = tuple(
        PlanDay(local_date(model.bounds[i], tz), new_by_day[i], per_day[i]) for i in range(left)
    )
    return Plan(
        interview=interview, at=at, days_left=left, target=target, unseen=len(unseen),
        introduced_today=introduced_today, needed_per_day=needed, new_per_day=settings.new_per_day,
        reviews_per_day=settings.reviews_per_day, first_recall=model.recall_first, days=days,
        now=readiness(topics, rows, at, stored_recall(rows, scheduler, at), active),
        with_plan=with_plan, at_pace=at_pace,
    )


def _suspended(row: StateRow | None) -> bool:
    return row is not None and bool(row.suspended)


@dataclass
class _Model:
    """What the two forecasts of one plan share."""

    scheduler: Scheduler
    bounds: list[datetime]
    now: datetime
    at: datetime
    recall_first: float
    topics: list[Any]
    stored: list[CardState]
    unseen: list[str]
    introduced_today: int
    active: dict[str, int]
    rows: dict[str, StateRow]

    def forecast(self, pace: int) -> tuple[list[float], list[int], Readiness]:
        """Expected reviews per day, new cards per day and the predicted readiness at ``pace``."""
        new_by_day = introductions(len(self.unseen), pace, self.introduced_today, len(self.bounds) - 1)
        per_day, recall, new_recall = expected_reviews(
            self.stored, new_by_day, scheduler=self.scheduler, now=self.now, bounds=self.bounds,
            end=self.at, first_recall=self.recall_first,
        )
        position = 0
        for day, count in enumerate(new_by_day):
            for cid in self.unseen[position:position + count]:
                recall[cid] = new_recall[day]
            position += count
        predicted = readiness(self.topics, self.rows, self.at, lambda cid: recall.get(cid, 0.0), self.active)
        return per_day, new_by_day, predicted
