"""Misconceptions are scheduled, not just counted.

A misconception the learner has shown gets its own FSRS memory state, replayed from the review
log in time order (so a merge of two logs, or a replay, recomputes it): a review whose answer
matched misconception M is a lapse (Again) for M, and a right answer to a re-test of M (logged
with M's name and ``correct`` set, see quizapp.session) is a success (Good).  Misconceptions are
scheduled in days, without learning steps: one shown today is due for a re-test tomorrow, then
at intervals that grow with every right re-test, as a card's do.  A memory carries what its
events say (how often shown, how often re-tested right, the run of right re-tests since the last
lapse), not the events, so it can be continued with later events alone
(quizapp.interview.memory_cache keeps them in the database that way).

Status, from the same events:

- **active**: the last event is a lapse (shown, and not answered right since);
- **fixed**: the re-tests since the last lapse were all right, there are at least two and they
  are spread over at least a week (:data:`FIXED_SPREAD`);
- **improving**: right on the last re-test, not fixed yet.

When one is due, quizapp.interview.retests names the exercise cards that can re-test it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from quizapp.scheduler import CardState, Rating, Scheduler
from quizapp.store import MisconceptionEvent

__all__ = [
    "ACTIVE",
    "FIXED",
    "FIXED_SPREAD",
    "IMPROVING",
    "Memory",
    "memories",
    "replay_key",
    "status",
]

ACTIVE, IMPROVING, FIXED = "active", "improving", "fixed"
#: Right re-tests spread over at least this long (and at least two of them) fix a misconception.
FIXED_SPREAD = timedelta(days=7)


class Memory(NamedTuple):
    """One misconception's memory: its FSRS state after its events, and what they say."""

    name: str
    state: CardState
    shown: int  # answers that matched it (lapses)
    right_retests: int  # re-tests answered right
    last: datetime  # the last event
    run: int  # right re-tests since the last lapse
    run_start: datetime | None  # the first of them (None when ``run`` is 0)
    shown_on: tuple[str, ...]  # the cards whose answers matched it, first seen first

    @property
    def due(self) -> datetime | None:
        return self.state.due

    @property
    def status(self) -> str:
        """Active, improving or fixed (see the module docstring)."""
        if not self.run:
            return ACTIVE
        if self.run >= 2 and self.last - self.run_start >= FIXED_SPREAD:
            return FIXED
        return IMPROVING

    def is_due(self, now: datetime) -> bool:
        return self.due is not None and self.due <= now


def _in_days(scheduler: Scheduler) -> Scheduler:
    """The user's FSRS (their settings and parameters), in whole days: no learning steps."""
    settings = replace(scheduler.settings, learning_steps=(), relearning_steps=())
    return Scheduler(settings, scheduler.parameters)


def replay_key(scheduler: Scheduler) -> dict[str, Any]:
    """What a replay through ``scheduler`` depends on (JSON values): its FSRS, as the fsrs
    package describes it, in whole days.  Memories replayed under another key are stale."""
    return _in_days(scheduler).fsrs_description()


def _unseen(name: str) -> Memory:
    return Memory(name, CardState(f"misconception:{name}"), 0, 0, datetime.min, 0, None, ())


def _counted(memory: Memory, events: Sequence[MisconceptionEvent], state: CardState) -> Memory:
    """``memory`` with ``events`` (its next ones, oldest first) counted in, and ``state``."""
    shown, right, run, run_start = memory.shown, memory.right_retests, memory.run, memory.run_start
    for event in events:
        if event.correct:
            right, run = right + 1, run + 1
            run_start = run_start if run > 1 else event.reviewed_at
        else:
            shown, run, run_start = shown + 1, 0, None
    cards = dict.fromkeys(memory.shown_on)
    cards.update(dict.fromkeys(event.card_id for event in events if not event.correct))
    return Memory(memory.name, state, shown, right, events[-1].reviewed_at, run, run_start, tuple(cards))


def status(events: Sequence[MisconceptionEvent]) -> str:
    """Active, improving or fixed (see the module docstring); ``events`` oldest first."""
    if not events:
        return ACTIVE
    blank = _unseen(events[0].name)
    return _counted(blank, events, blank.state).status


def memories(
    events: Iterable[MisconceptionEvent], scheduler: Scheduler, after: Mapping[str, Memory] | None = None
) -> dict[str, Memory]:
    """Every misconception's :class:`Memory`, replayed from ``events`` (oldest first) through
    ``scheduler``'s FSRS (quizapp.scheduler.scheduler_for: the user's settings and parameters).
    ``after``: the memories of the events before these (none: the events are the whole log),
    continued here; a misconception without new events keeps its memory."""
    scheduler = _in_days(scheduler)
    grouped: dict[str, list[MisconceptionEvent]] = {}
    for event in events:
        grouped.setdefault(event.name, []).append(event)
    out = dict(after or {})
    for name, own in grouped.items():
        memory = out.get(name) or _unseen(name)
        state = memory.state
        for event in own:
            state = scheduler.review(state, Rating.Good if event.correct else Rating.Again, event.reviewed_at)
        out[name] = _counted(memory, own, state)
    return out
