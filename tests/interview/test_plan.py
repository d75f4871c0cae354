"""The plan: new cards a day so every card is introduced 3 days early, and the expected reviews
per day, held against a Monte Carlo simulation of the same schedule written here with fsrs."""

from __future__ import annotations

import bisect
import random
from datetime import date, timedelta, timezone

import fsrs
import pytest

from quizapp.interview.plan import introductions, make_plan
from quizapp.store import Store

from ..store.store_helpers import T0, flash, library, topic
from .history import fsrs_card, grade

UTC = timezone.utc
INTERVIEW = date(2026, 3, 24)  # 14 days after T0 (2026-03-10 12:00 UTC)
LIB = library(*(topic(name, [flash(f"{name}-{i:02d}", name) for i in range(n)])
                for name, n in (("alpha", 30), ("beta", 20), ("gamma", 18))))
CARDS = [card.id for t in LIB.topics for card in t.cards]
STUDIED = [cid for cid in CARDS if cid.startswith("alpha") and int(cid[-2:]) < 20]  # 20 cards
FIRST_RECALL = (15 + 1) / (20 + 2)  # 15 of 20 first answers right, one right and one wrong added


def study_the_first_twenty(store: Store) -> None:
    """Ten days ago: 20 cards learned, one in four failed at first sight, then reviewed on."""
    start = T0 - timedelta(days=10)
    for i, card_id in enumerate(STUDIED):
        at = start + timedelta(hours=i * 5)
        grade(store, card_id, 1 if i % 4 == 0 else 3, at)
        for minutes in (1, 11, 25):
            if store.state(card_id).is_learning:
                grade(store, card_id, 3, at + timedelta(minutes=minutes))
        if i % 3 == 0:
            grade(store, card_id, 3, at + timedelta(days=3))


def simulate(store: Store, plan, runs: int, seed: int = 11) -> tuple[list[float], float]:
    """Reviews per day and the mean recall at the interview, averaged over ``runs`` random
    futures: each review is right with fsrs's retrievability (a first sight: FIRST_RECALL)."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    rng = random.Random(seed)
    bounds = [datetime_at(i) for i in range(len(plan.days) + 1)]
    end = plan.at
    starts = [(fsrs_card(store.state(cid)), None) for cid in STUDIED]
    for day, pd in enumerate(plan.days):
        starts += [(None, T0 + timedelta(days=day))] * pd.new
    counts = [0.0] * len(plan.days)
    recall = 0.0
    for _ in range(runs):
        for card, intro in starts:
            card = card or fsrs.Card(card_id=1, due=intro)
            at = max(card.due, T0) if intro is None else intro
            while at < end:
                counts[bisect.bisect_right(bounds, at) - 1] += 1
                p = FIRST_RECALL if card.last_review is None else scheduler.get_card_retrievability(card, at)
                rating = fsrs.Rating.Good if rng.random() < p else fsrs.Rating.Again
                card, _ = scheduler.review_card(card, rating, at)
                at = max(card.due, at)
            recall += scheduler.get_card_retrievability(card, end)
    return [c / runs for c in counts], recall / runs / len(CARDS)


def datetime_at(day: int):
    return T0.replace(hour=4) + timedelta(days=day)  # study days start at 04:00 UTC


@pytest.fixture
def planned(store):
    study_the_first_twenty(store)
    store.save_settings(new_per_day=2)
    return make_plan(LIB.topics, store, T0, INTERVIEW, UTC)


def test_a_plan_14_days_out_introduces_every_card_by_day_11(planned):
    plan = planned
    assert (plan.days_left, len(plan.days), plan.unseen) == (14, 14, 48)
    assert plan.needed_per_day == 4 and plan.too_low and plan.pace == 4  # 48 cards in 12 days
    assert [d.new for d in plan.days] == [4] * 12 + [0, 0]
    assert plan.days[11].day == INTERVIEW - timedelta(days=3)
    assert [d.day for d in plan.days] == [date(2026, 3, 10) + timedelta(days=i) for i in range(14)]
    assert plan.first_recall == pytest.approx(FIRST_RECALL)


def test_the_predicted_daily_load_matches_a_simulation_of_the_same_schedule_within_10_percent(store, planned):
    simulated, recall = simulate(store, planned, runs=300)
    predicted = [d.reviews for d in planned.days]
    for day, (p, s) in enumerate(zip(predicted, simulated)):
        assert p == pytest.approx(s, rel=0.10), f"day {day}: predicted {p:.2f}, simulated {s:.2f}"
    assert sum(predicted) == pytest.approx(sum(simulated), rel=0.03)
    assert planned.with_plan.overall == pytest.approx(recall, abs=0.02)


def test_a_first_day_of_new_cards_costs_3_minus_p_reviews_each(store):
    """Right at first sight: two learning steps; wrong: a third (FSRS predicts the same-day steps right)."""
    plan = make_plan(LIB.topics, store, T0, INTERVIEW, UTC)
    p = plan.first_recall
    assert p == 0.5  # no history: one right and one wrong
    assert (plan.needed_per_day, plan.pace) == (6, 20)  # 68 cards in 12 days; the limit is enough
    assert plan.days[0].new == 20
    assert plan.days[0].reviews == pytest.approx(20 * (3 - p))


def test_at_the_current_pace_the_topics_left_new_stay_below_the_target(planned):
    plan = planned
    at_pace = {t.topic_id: t.ready for t in plan.at_pace.topics}
    with_plan = {t.topic_id: t.ready for t in plan.with_plan.topics}
    # 2 a day for 14 days reaches 28 of the 48 new cards: the rest of beta and all of gamma stay new.
    assert at_pace["gamma"] == 0.0
    assert [t.topic_id for t in plan.below_target()][:2] == ["gamma", "beta"]
    assert all(with_plan[t] > at_pace[t] for t in ("beta", "gamma"))


def test_the_plan_keeps_a_limit_that_is_already_enough(store):
    store.save_settings(new_per_day=30)
    plan = make_plan(LIB.topics, store, T0, INTERVIEW, UTC)
    assert (plan.needed_per_day, plan.pace, plan.too_low) == (6, 30, False)
    assert [d.new for d in plan.days][:3] == [30, 30, 8]


def test_cards_introduced_today_count_towards_todays_share(store):
    store.save_settings(new_per_day=1)
    for card_id in CARDS[:3]:
        grade(store, card_id, 3, T0 - timedelta(hours=1))
    plan = make_plan(LIB.topics, store, T0, INTERVIEW, UTC)
    assert (plan.unseen, plan.introduced_today, plan.needed_per_day) == (65, 3, 6)
    assert plan.days[0].new == 3 and sum(d.new for d in plan.days) == 65


def test_introductions_stop_when_every_card_is_in():
    assert introductions(10, 4, 1, 5) == [3, 4, 3, 0, 0]
    assert introductions(0, 4, 0, 3) == [0, 0, 0]
    assert introductions(5, 4, 6, 3) == [0, 4, 1]


def test_the_interview_today_has_no_days_left_to_plan(store):
    plan = make_plan(LIB.topics, store, T0, T0.date(), UTC)
    assert plan.days == () and plan.too_late and plan.at == T0
