"""How many reviews a desired retention costs: the expected reviews per study day over the next
weeks, from the cards' own FSRS states (the settings screen shows it for the retention being
typed against the one in use).

A small Monte Carlo run of the scheduler itself, so it needs no optimizer package: each card is
reviewed when it falls due; the learner recalls it with the probability FSRS predicts then (under
the parameters in use) and rates a recall Hard, Good or Easy and a first sight Again to Easy in the
proportions of fsrs-rs's default simulator (Anki users' averages).  New cards come in at the
daily limit.  Reviews are not capped by the daily review limit: this is the work the retention
asks for.  The draws come from a seeded generator, so the same states give the same figures.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from quizapp.cardstate import CardState
from quizapp.scheduler import Rating, Scheduler

__all__ = ["FIRST_RATINGS", "RECALL_RATINGS", "daily_reviews"]

#: fsrs-rs's default simulator: a first sight rated Again, Hard, Good, Easy ...
FIRST_RATINGS = ((Rating.Again, 0.24), (Rating.Hard, 0.094), (Rating.Good, 0.495), (Rating.Easy, 0.171))
#: ... and a recalled review rated Hard, Good, Easy.
RECALL_RATINGS = ((Rating.Hard, 0.224), (Rating.Good, 0.631), (Rating.Easy, 0.145))


def _draw(rng: random.Random, weighted: Sequence[tuple[Rating, float]]) -> Rating:
    x = rng.random() * sum(weight for _, weight in weighted)
    for rating, weight in weighted:
        x -= weight
        if x < 0:
            return rating
    return weighted[-1][0]


def daily_reviews(
    states: Iterable[CardState],
    new_cards: int,
    scheduler: Scheduler,
    today: datetime,
    *,
    days: int = 30,
    runs: int = 4,
    seed: int = 0,
) -> list[float]:
    """Expected reviews on each of ``days`` study days from ``today`` (the start of today's study
    day): ``states`` are the started cards (new ones among them are ignored), ``new_cards`` the
    cards never seen, introduced ``scheduler.settings.new_per_day`` a day."""
    started = [state for state in states if not state.is_new and not state.suspended]
    end = today + timedelta(days=days)
    totals = [0.0] * days
    per_day = scheduler.settings.new_per_day
    for run in range(runs):
        rng = random.Random(f"{seed}:{run}")
        queue: list[tuple[datetime, int, CardState]] = []
        for number, state in enumerate(started):
            heapq.heappush(queue, (max(state.due or today, today), number, state))
        for number in range(new_cards):
            day = number // per_day if per_day else days
            if day < days:
                fresh = CardState(f"new-{number}")
                heapq.heappush(queue, (today + timedelta(days=day), len(started) + number, fresh))
        while queue and queue[0][0] < end:
            at, number, state = heapq.heappop(queue)
            totals[(at - today) // timedelta(days=1)] += 1
            if state.is_new:
                rating = _draw(rng, FIRST_RATINGS)
            elif rng.random() < scheduler.retrievability(state, at):
                rating = _draw(rng, RECALL_RATINGS)
            else:
                rating = Rating.Again
            after = scheduler.review(state, rating, at)
            heapq.heappush(queue, (after.due, number, after))
    return [total / runs for total in totals]
