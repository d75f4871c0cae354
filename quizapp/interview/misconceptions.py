"""Misconceptions are scheduled, not just counted.

A misconception the learner has shown gets its own FSRS memory state, replayed from the review
log in time order (so a merge of two logs, or a replay, recomputes it): a review whose answer
matched misconception M is a lapse (Again) for M, and a right answer to a re-test of M (logged
with M's name and ``correct`` set, see quizapp.session) is a success (Good).  Misconceptions are
scheduled in days, without learning steps: one shown today is due for a re-test tomorrow, then
at intervals that grow with every right re-test, as a card's do.

Status, from the same events:

- **active**: the last event is a lapse (shown, and not answered right since);
- **fixed**: the re-tests since the last lapse were all right, there are at least two and they
  are spread over at least a week (:data:`FIXED_SPREAD`);
- **improving**: right on the last re-test, not fixed yet.

When one is due, :func:`due_retests` names the exercise cards whose generator can produce it
(their drawn wrong-answer variants include it); the study session picks one and draws it until
the misconception is among the variants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from quizapp.scheduler import CardState, Rating, Scheduler, scheduler_for
from quizapp.store import MisconceptionEvent, Store

__all__ = [
    "ACTIVE",
    "FIXED",
    "FIXED_SPREAD",
    "IMPROVING",
    "Memory",
    "due_retests",
    "memories",
    "producing_cards",
]

ACTIVE, IMPROVING, FIXED = "active", "improving", "fixed"
#: Right re-tests spread over at least this long (and at least two of them) fix a misconception.
FIXED_SPREAD = timedelta(days=7)
#: Seeds drawn per exercise card to learn which misconceptions its generator can produce.
SAMPLE_DRAWS = 3


class Memory(NamedTuple):
    """One misconception's memory: its FSRS state after its events, and what they say."""

    name: str
    state: CardState
    events: tuple[MisconceptionEvent, ...]
    status: str
    shown_on: tuple[str, ...]  # the cards whose answers matched it, first seen first

    @property
    def due(self) -> datetime | None:
        return self.state.due

    def is_due(self, now: datetime) -> bool:
        return self.due is not None and self.due <= now


def _in_days(scheduler: Scheduler) -> Scheduler:
    """The user's FSRS (their settings and parameters), in whole days: no learning steps."""
    settings = replace(scheduler.settings, learning_steps=(), relearning_steps=())
    return Scheduler(settings, scheduler.parameters)


def status(events: Sequence[MisconceptionEvent]) -> str:
    """Active, improving or fixed (see the module docstring); ``events`` oldest first."""
    if not events or not events[-1].correct:
        return ACTIVE
    run = []
    for event in reversed(events):
        if not event.correct:
            break
        run.append(event.reviewed_at)
    if len(run) >= 2 and run[0] - run[-1] >= FIXED_SPREAD:
        return FIXED
    return IMPROVING


def memories(events: Iterable[MisconceptionEvent], scheduler: Scheduler) -> dict[str, Memory]:
    """Every misconception's :class:`Memory`, replayed from ``events`` (oldest first) through
    ``scheduler``'s FSRS (quizapp.scheduler.scheduler_for: the user's settings and parameters)."""
    scheduler = _in_days(scheduler)
    grouped: dict[str, list[MisconceptionEvent]] = {}
    for event in events:
        grouped.setdefault(event.name, []).append(event)
    out = {}
    for name, own in grouped.items():
        state = CardState(f"misconception:{name}")
        for event in own:
            state = scheduler.review(state, Rating.Good if event.correct else Rating.Again, event.reviewed_at)
        shown = tuple(dict.fromkeys(event.card_id for event in own if not event.correct))
        out[name] = Memory(name, state, tuple(own), status(own), shown)
    return out


_variants_by_card: dict[tuple[Any, ...], frozenset[str]] = {}


def _variants(card: Any) -> frozenset[str]:
    """The misconceptions a few draws of ``card`` can diagnose (kept for the process)."""
    # Imported here: drawing brings the engine and NumPy, which the home screen's readiness line
    # (this module's replay) does not need - python -X importtime: about 70 ms of start-up.
    from quizapp.content.drawing import DrawError, draw_exercise

    key = (card.generator, card.level, repr(sorted(card.params.items())))
    if key not in _variants_by_card:
        names: set[str] = set()
        for seed in range(SAMPLE_DRAWS):
            try:
                names.update(variant.name for variant in draw_exercise(card, seed).variants)
            except DrawError:
                break
        _variants_by_card[key] = frozenset(names)
    return _variants_by_card[key]


def producing_cards(library: Any, names: Iterable[str]) -> dict[str, list[str]]:
    """For each misconception in ``names``: the exercise cards whose generator can produce it, in
    content order (none for a misconception no exercise diagnoses)."""
    wanted = set(names)
    out: dict[str, list[str]] = {name: [] for name in wanted}
    for topic in library.topics:
        for card in topic.cards:
            if card.kind == "exercise":
                for name in _variants(card) & wanted:
                    out[name].append(card.id)
    return out


def due_retests(library: Any, store: Store, now: datetime) -> Mapping[str, Sequence[str]]:
    """The misconceptions due for a re-test at ``now``, each with the cards that can re-test it."""
    due = [m.name for m in memories(store.misconception_events(), scheduler_for(store)).values() if m.is_due(now)]
    if not due:
        return {}
    return {name: cards for name, cards in producing_cards(library, due).items() if cards}
