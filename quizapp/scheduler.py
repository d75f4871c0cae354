"""Spaced repetition with FSRS: when each card should be seen again.

The scheduling itself is the ``fsrs`` package (the reference implementation of FSRS); this module
only adapts it to the app:

- :class:`CardState` is what the store keeps per card id.  FSRS has no "new" state (a fresh
  ``fsrs.Card`` is Learning at step 0), so the app adds ``NEW = 0`` for a card never reviewed,
  and counts ``reps`` and ``lapses`` (a lapse is a Review card rated Again; a card with
  :attr:`Settings.leech_lapses` lapses is a *leech*: it keeps failing and needs rewriting or
  a different angle).
- :class:`Settings` holds the knobs a user may change (desired retention, learning and relearning
  steps, maximum interval, daily limits, when the day starts); the defaults are fsrs's own.
- :class:`Scheduler` reviews a state with a rating and previews the interval each rating would
  give, so the UI can show "1m / 6m / 10m / 4d" on the buttons as Anki does.

Fuzz: fsrs spreads review intervals of 3+ days by a few percent so cards learned together do not
stay bunched together.  fsrs draws the fuzz from Python's global ``random``; this module keeps
fsrs's fuzz but feeds it from a generator seeded by (card id, number of reviews).  So the interval
shown on a button is exactly the one the grade gives, and tests are deterministic, while different
cards still get different fuzz.
"""

from __future__ import annotations

import importlib
import random
import threading
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Iterator, NamedTuple, Sequence

import fsrs
from fsrs import Rating

from quizapp.cardstate import (
    LEARNING,
    NEW,
    RELEARNING,
    REVIEW,
    STATE_NAMES,
    CardState,
    Settings,
    _utc,
    day_start,
    day_starts,
    format_interval,
    mastery_ratio,
)
from quizapp.dbfile import StoreError

if TYPE_CHECKING:
    from quizapp.store import Store

__all__ = [
    "Rating",
    "NEW",
    "LEARNING",
    "REVIEW",
    "RELEARNING",
    "STATE_NAMES",
    "CardState",
    "Settings",
    "Scheduler",
    "format_interval",
    "day_start",
    "day_starts",
    "AUTO_RATING",
    "scheduler_for",
    "DEFAULT_PARAMETERS",
]

#: Auto-graded cards: a right answer is Good, a wrong one Again.
AUTO_RATING = {True: Rating.Good, False: Rating.Again}

_fsrs_scheduler_module = importlib.import_module("fsrs.scheduler")
_fuzz_lock = threading.Lock()
#: FSRS-6's default parameters (fsrs-rs-python's are the same numbers, in float32).
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(_fsrs_scheduler_module.DEFAULT_PARAMETERS)


class _Memory(NamedTuple):
    """What ``fsrs.Scheduler.get_card_retrievability`` reads of a card."""

    stability: float
    last_review: datetime


@contextmanager
def _fuzz_from(rng: random.Random) -> Iterator[None]:
    """Let fsrs draw its fuzz from ``rng`` instead of the global random generator."""
    with _fuzz_lock:
        saved = _fsrs_scheduler_module.random
        _fsrs_scheduler_module.random = rng.random
        try:
            yield
        finally:
            _fsrs_scheduler_module.random = saved


def _fsrs_card(state: CardState) -> fsrs.Card:
    """The equivalent ``fsrs.Card`` (a new card is fsrs's fresh Learning card at step 0)."""
    if state.state == NEW:
        return fsrs.Card(card_id=0, state=fsrs.State.Learning, step=0, due=state.due or datetime.now(timezone.utc))
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


class Scheduler:
    """FSRS with the user's settings (and parameters: FSRS's defaults unless given), on
    :class:`CardState` values.  ``parameters`` out of FSRS's bounds raise ValueError."""

    def __init__(self, settings: Settings | None = None, parameters: Sequence[float] | None = None) -> None:
        self.settings = settings or Settings()
        s = self.settings
        self._fsrs = fsrs.Scheduler(
            parameters=DEFAULT_PARAMETERS if parameters is None else tuple(parameters),
            desired_retention=s.desired_retention,
            learning_steps=s.learning_steps,
            relearning_steps=s.relearning_steps,
            maximum_interval=s.maximum_interval,
            enable_fuzzing=s.enable_fuzzing,
        )

    @property
    def parameters(self) -> tuple[float, ...]:
        return tuple(self._fsrs.parameters)

    def fsrs_description(self) -> dict[str, Any]:
        """Everything fsrs schedules by (parameters, retention, steps, maximum interval, fuzz),
        as the fsrs package lists it: JSON values, equal for schedulers that review alike."""
        return self._fsrs.to_dict()

    def review(self, state: CardState, rating: Rating, now: datetime) -> CardState:
        """The state after rating ``state`` at ``now`` (a pure function of its inputs)."""
        now = _utc(now)
        rating = Rating(rating)
        rng = random.Random(f"{state.card_id}\x00{state.reps}")
        with _fuzz_from(rng):
            card, _log = self._fsrs.review_card(_fsrs_card(state), rating, review_datetime=now)
        lapse = state.state == REVIEW and rating == Rating.Again
        return replace(
            state,
            state=int(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
            reps=state.reps + 1,
            lapses=state.lapses + (1 if lapse else 0),
            buried_until=None,
        )

    def preview(self, state: CardState, now: datetime) -> dict[Rating, timedelta]:
        """The interval each rating would give, from ``now`` to the next due time."""
        now = _utc(now)
        return {rating: self.review(state, rating, now).due - now for rating in Rating}

    def retrievability(self, state: CardState, now: datetime) -> float:
        """FSRS's predicted probability of recalling the card at ``now`` (0 for a new card)."""
        if state.state == NEW:
            return 0.0
        return self.recall_probability(state.stability, state.last_review, now)

    def mastery_ratio(self) -> float:
        """:func:`quizapp.cardstate.mastery_ratio` with this scheduler's retention and decay."""
        return mastery_ratio(self.settings.desired_retention, -self._fsrs.parameters[20])

    def recall_probability(self, stability: float | None, last_review: datetime | None, now: datetime) -> float:
        """The same from the two numbers it depends on (stats over thousands of cards use this
        to skip building full card objects)."""
        if stability is None or last_review is None:
            return 0.0
        memory = _Memory(stability=stability, last_review=last_review)
        return float(self._fsrs.get_card_retrievability(memory, current_datetime=_utc(now)))


def scheduler_for(store: Store) -> Scheduler:
    """The scheduler a database asks for: its settings and, once ``quizapp optimize`` has fitted
    them, its own FSRS parameters (every session, figure and replay builds it here)."""
    fitted = store.fsrs_parameters()
    if fitted is None:
        return Scheduler(store.settings())
    try:
        return Scheduler(store.settings(), fitted.parameters)
    except ValueError:
        raise StoreError(
            f"{store.path}: the stored FSRS parameters are out of FSRS's bounds; "
            "run `quizapp optimize` again, or `quizapp optimize --reset` for the defaults"
        ) from None
