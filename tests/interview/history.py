"""Building review histories for the interview tests through the real store and scheduler."""

from __future__ import annotations

from datetime import datetime

import fsrs

from quizapp.scheduler import CardState, Rating, Scheduler
from quizapp.store import Review, Store


def grade(store: Store, card_id: str, rating: int, at: datetime, *, scheduler: Scheduler | None = None,
          mode: str = "review", misconception: str | None = None, correct: bool | None = None) -> None:
    """One review of ``card_id`` at ``at``, logged and scheduled as a session would."""
    scheduler = scheduler or Scheduler(store.settings())
    review = Review(card_id=card_id, reviewed_at=at, rating=int(rating), kind="flashcard",
                    misconception=misconception, correct=correct, mode=mode)
    store.apply_review(card_id, lambda state: scheduler.review(state, Rating(rating), at), review)


def fsrs_card(state: CardState) -> fsrs.Card:
    """The stored state as the fsrs package's own Card (built here, not by the code under test)."""
    return fsrs.Card(card_id=1, state=fsrs.State(state.state), step=state.step, stability=state.stability,
                     difficulty=state.difficulty, due=state.due, last_review=state.last_review)
