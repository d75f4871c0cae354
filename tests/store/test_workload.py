"""The workload preview: expected reviews per study day from the cards' FSRS states."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from quizapp.scheduler import REVIEW, CardState, Scheduler, Settings
from quizapp.workload import daily_reviews

from .store_helpers import T0

TODAY = T0.replace(hour=4)  # the study day that began at 04:00


def review_card(card_id: str, due, stability: float = 10.0) -> CardState:
    return CardState(card_id, state=REVIEW, stability=stability, difficulty=5.0, due=due,
                     last_review=due - timedelta(days=stability), reps=3)


def test_a_card_is_first_reviewed_on_its_due_day_and_not_before():
    forecast = daily_reviews([review_card("c", TODAY + timedelta(days=3, hours=2))], 0, Scheduler(), TODAY, days=10, runs=8)
    assert forecast[:3] == [0, 0, 0]
    assert 1 <= forecast[3] <= 2  # reviewed once; a lapse adds a relearning step the same day
    # next due at least a stability later (10 days at R 0.9 when recalled, ~1 day after a lapse)
    assert sum(forecast[4:]) <= 1.5


def test_overdue_cards_are_due_today_and_new_cards_come_in_at_the_daily_limit():
    scheduler = Scheduler(Settings(new_per_day=2, learning_steps=()))  # no steps: one review each
    forecast = daily_reviews([review_card("late", TODAY - timedelta(days=5))], 5, scheduler, TODAY, days=3, runs=1)
    # today: the overdue card and two new ones; tomorrow two new ones; the day after the fifth
    # (a first review rated Again with no steps is due the next day, so later days may hold more)
    assert forecast[0] >= 3 and forecast[1] >= 2 and forecast[2] >= 1
    assert daily_reviews([], 5, Scheduler(Settings(new_per_day=0)), TODAY, days=3) == [0, 0, 0]


def test_a_higher_retention_asks_for_more_reviews():
    rng = random.Random(4)
    cards = [review_card(f"c{i}", TODAY + timedelta(days=rng.uniform(-2, 25)), rng.uniform(2, 40)) for i in range(120)]
    totals = {
        retention: sum(daily_reviews(cards, 40, Scheduler(Settings(desired_retention=retention)), TODAY))
        for retention in (0.80, 0.90, 0.95)
    }
    assert totals[0.80] < totals[0.90] < totals[0.95]


def test_the_same_states_give_the_same_figures():
    cards = [review_card(f"c{i}", TODAY + timedelta(days=i)) for i in range(20)]
    first = daily_reviews(cards, 10, Scheduler(), TODAY, seed=3)
    assert first == daily_reviews(cards, 10, Scheduler(), TODAY, seed=3)
    assert len(first) == 30 and sum(first) > 0


def test_suspended_and_new_states_are_left_out():
    suspended = CardState("s", state=REVIEW, stability=5.0, difficulty=5.0, due=TODAY, last_review=TODAY - timedelta(days=5),
                          suspended=True)
    assert daily_reviews([suspended, CardState("n")], 0, Scheduler(), TODAY, days=5) == pytest.approx([0] * 5)
