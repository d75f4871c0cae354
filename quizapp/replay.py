"""A card's memory state recomputed from its review log (schema v2 made the log the source of
truth): ``quizapp optimize --reschedule`` replays every card with the newly fitted parameters, and
a merge replays the union of two logs.

Only scheduled reviews (mode ``review``) change the state, in (reviewed_at, id) order; cram and
mock reviews are skipped, and undone reviews are already gone from the log.  Buried and suspended
flags are not in the log: the caller keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence

from quizapp.scheduler import CardState, Rating, Scheduler
from quizapp.store import Review

__all__ = ["replay_card"]


def replay_card(card_id: str, reviews: Sequence[Review], scheduler: Scheduler) -> CardState:
    """The state of ``card_id`` after its scheduled ``reviews`` (any order; other cards' rows
    are ignored), from new."""
    state = CardState(card_id)
    ordered = sorted(
        (r for r in reviews if r.card_id == card_id and r.mode == "review"),
        key=lambda r: (r.reviewed_at, r.id if r.id is not None else 0),
    )
    for review in ordered:
        state = scheduler.review(state, Rating(review.rating), review.reviewed_at)
    return state
