"""Card states recomputed from the review log: the log is the source of truth (schema v2).

Replaying a card's scheduled reviews through FSRS, oldest first, gives the state the live grades
gave: :meth:`quizapp.scheduler.Scheduler.review` is a pure function of the state, the rating and
the time (its fuzz is seeded by the card id and the review count).  So a merge of two machines'
logs (quizapp.merge) and a reschedule with new FSRS parameters both come down to this one loop.

Only ``review`` rows move a card; ``cram`` and ``mock`` rows are in the log but left alone, as
they are live.  A card put back to new (``quizapp card ID reset``) starts again at its last reset:
:func:`after_resets` keeps only the reviews since (for a replay, as for fitting FSRS).  Buried and
suspended are not in the log: the caller keeps those flags.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from quizapp.cardstate import CardState
from quizapp.scheduler import Rating, Scheduler
from quizapp.store import Review, to_ms

__all__ = ["after_resets", "replay_card", "replay_order"]


def replay_order(review: Review) -> tuple[int, int]:
    """The order reviews are replayed in: time, then the row id for reviews in the same ms."""
    return to_ms(review.reviewed_at) or 0, review.id if review.id is not None else 0


def after_resets(reviews: Iterable[Review], resets: Mapping[str, datetime]) -> list[Review]:
    """The reviews that make each card's memory now: for a card that was reset
    (:meth:`quizapp.store.Store.resets`), only those after its last reset."""
    return [r for r in reviews if r.card_id not in resets or r.reviewed_at > resets[r.card_id]]


def replay_card(card_id: str, reviews: Sequence[Review], scheduler: Scheduler) -> CardState:
    """The state of ``card_id`` after its ``reviews`` (any order; other modes skipped), from new.

    Raises ValueError for a review of another card: a caller that mixes cards has a bug.
    """
    strays = [r.card_id for r in reviews if r.card_id != card_id]
    if strays:
        raise ValueError(f"replaying {card_id!r} was given a review of {strays[0]!r}")
    state = CardState(card_id)
    for review in sorted((r for r in reviews if r.mode == "review"), key=replay_order):
        state = scheduler.review(state, Rating(review.rating), review.reviewed_at)
    return state
