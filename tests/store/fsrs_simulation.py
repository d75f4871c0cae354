"""A review log simulated from a known FSRS parameter set, for the optimizer's tests.

A learner whose memory follows ``TRUE_PARAMETERS`` (forgetting faster at first, and with a
steeper forgetting curve, than FSRS's defaults assume) studies cards scheduled by FSRS's default
parameters, as quizapp does before it is optimised.  At each review the learner recalls with the
probability FSRS gives under the true parameters; a recalled card is rated Hard, Good or Easy, a
forgotten one Again.  Everything is drawn from one seeded generator, and no learning steps are
used, so every review after a card's first is a day or more after the one before.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone

import fsrs

from quizapp.store import Review

START = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
TRUE_PARAMETERS = (
    0.08, 0.4, 1.2, 4.0,  # first-review stabilities (defaults 0.21, 1.29, 2.31, 8.30)
    6.4133, 0.8334, 3.0194, 0.001, 1.2, 0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014,
    1.8729, 0.5425, 0.0912, 0.0658,
    0.45,  # decay (default 0.1542): recall falls off faster past the stability
)
FIRST_RATINGS = ((fsrs.Rating.Again, 0.2), (fsrs.Rating.Hard, 0.1), (fsrs.Rating.Good, 0.5), (fsrs.Rating.Easy, 0.2))


def _pick(rng: random.Random, weighted) -> fsrs.Rating:
    x = rng.random()
    for rating, weight in weighted:
        x -= weight
        if x < 0:
            return rating
    return weighted[-1][0]


def simulate_log(cards: int, days: int, seed: int, start: datetime = START) -> list[Review]:
    """The review log of ``cards`` cards introduced evenly over the first half of ``days`` days."""
    rng = random.Random(seed)
    steps = dict(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    app = fsrs.Scheduler(**steps)
    truth = fsrs.Scheduler(parameters=TRUE_PARAMETERS, **steps)
    end = start + timedelta(days=days)
    log: list[Review] = []
    for n in range(cards):
        card_id = f"sim-{n:04d}"
        at = start + timedelta(days=n * days // (2 * cards), hours=rng.random() * 8)
        scheduled, memory = fsrs.Card(), fsrs.Card()
        rating = _pick(rng, FIRST_RATINGS)
        while at < end:
            log.append(Review(card_id=card_id, reviewed_at=at, rating=int(rating), kind="flashcard",
                              id=len(log) + 1, correct=rating != fsrs.Rating.Again))
            scheduled, _ = app.review_card(scheduled, rating, review_datetime=at)
            memory, _ = truth.review_card(memory, rating, review_datetime=at)
            # reviewed on the due day or up to three days late, at some hour of the day
            at = scheduled.due + timedelta(days=rng.randrange(4), hours=rng.random() * 8)
            recalled = rng.random() < truth.get_card_retrievability(memory, at)
            rating = _pick(rng, ((fsrs.Rating.Hard, 0.15), (fsrs.Rating.Good, 0.7), (fsrs.Rating.Easy, 0.15))) if recalled else fsrs.Rating.Again
    return log


def log_loss(parameters, reviews: list[Review]) -> float:
    """The log loss of ``parameters``' recall predictions on ``reviews``, computed with the fsrs
    package alone: each card replayed from new, every review a day or more after the previous
    one predicted (recalled: any rating but Again)."""
    scheduler = fsrs.Scheduler(parameters=parameters, learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    by_card: dict[str, list[Review]] = {}
    for review in sorted(reviews, key=lambda r: (r.reviewed_at, r.id)):
        by_card.setdefault(review.card_id, []).append(review)
    losses = []
    for rows in by_card.values():
        card = fsrs.Card()
        for review in rows:
            if card.last_review is not None and (review.reviewed_at - card.last_review).days >= 1:
                p = min(max(scheduler.get_card_retrievability(card, review.reviewed_at), 1e-6), 1 - 1e-6)
                recalled = review.rating > 1
                losses.append(-math.log(p if recalled else 1 - p))
            card, _ = scheduler.review_card(card, fsrs.Rating(review.rating), review_datetime=review.reviewed_at)
    return sum(losses) / len(losses)


def write_log(path, reviews: list[Review]) -> None:
    """A quizapp database holding ``reviews`` (states as FSRS's defaults leave them), written in
    one transaction: thousands of reviews through Store.apply_review, one fsync each, would take
    half a minute."""
    import sqlite3

    from quizapp.replay import replay_card
    from quizapp.scheduler import Scheduler
    from quizapp.store import Store, to_ms

    by_card: dict[str, list[Review]] = {}
    for review in reviews:
        by_card.setdefault(review.card_id, []).append(review)
    scheduler = Scheduler()
    with Store.open(path) as store:
        store.put_states(replay_card(card_id, rows, scheduler) for card_id, rows in by_card.items())
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO review_log (card_id, reviewed_at, rating, kind, prev_state, correct, uid, mode) "
        "VALUES (?, ?, ?, ?, 0, ?, ?, 'review')",
        [(r.card_id, to_ms(r.reviewed_at), r.rating, r.kind, int(r.correct), f"sim-{n:06d}") for n, r in enumerate(reviews)],
    )
    conn.execute("COMMIT")
    conn.close()
