"""The review log is the source of truth: replaying every card's logged reviews through FSRS gives
exactly the states real sessions stored (learning steps, lapses, undo, bury, cram rows)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from quizapp.replay import replay_card
from hypothesis import HealthCheck, given, settings, strategies as st

from quizapp.scheduler import NEW, RELEARNING, REVIEW, CardState, Rating, Scheduler, scheduler_for
from quizapp.store import Review, Store
from quizapp.study import open_session

from .store_helpers import Clock, choice, flash, flash_library, library, topic, truefalse

CARDS = [flash(f"f{i}") for i in range(6)] + [choice("c0"), choice("c1"), truefalse("t0"), truefalse("t1", answer=False)]
LIB = library(topic("alpha", CARDS))


def study_days(store, clock, seed: int, days: int = 40) -> None:
    """A learner who studies most days, answers at random (wrong often enough to lapse), now and
    then undoes a grade or buries a card, over ``days`` days."""
    rng = random.Random(seed)
    for _ in range(days):
        session = open_session(LIB, store, now=clock, rng=random.Random(rng.random()), tz=timezone.utc)
        while (shown := session.next()) is not None:
            clock.advance(seconds=rng.randint(5, 50))
            roll = rng.random()
            if roll < 0.05:
                session.bury()
                continue
            if shown.self_graded:
                session.grade(rng.choice([Rating.Again, Rating.Hard, Rating.Good, Rating.Good, Rating.Easy]))
            elif shown.kind == "choice":
                session.submit([rng.randrange(len(shown.options))])
            else:
                session.submit(rng.random() < 0.7)
            if rng.random() < 0.08:
                session.undo()
        clock.advance(days=1, hours=rng.randint(-3, 3))


def replayed(store) -> dict[str, CardState]:
    scheduler = Scheduler(store.settings())
    out = {}
    for card_id in store.state_rows():
        kept = store.state(card_id)
        state = replay_card(card_id, store.reviews(card_id), scheduler)
        out[card_id] = replace(state, buried_until=kept.buried_until, suspended=kept.suspended)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_replaying_the_log_gives_exactly_the_stored_states(store, clock, seed):
    study_days(store, clock, seed)
    stored = {card_id: store.state(card_id) for card_id in store.state_rows()}
    # the history is rich enough to mean something: lapses, relearning, undone grades
    assert sum(s.lapses for s in stored.values()) > 0
    assert store.undone_uids()
    assert any(r.prev_state == RELEARNING or r.prev_state == REVIEW for r in store.reviews())
    assert replayed(store) == stored


def test_cram_and_mock_rows_are_skipped_and_order_is_by_time_then_row(store, clock):
    scheduler = Scheduler()
    t0 = clock()
    at = [t0, t0 + timedelta(minutes=1), t0 + timedelta(minutes=11), t0 + timedelta(days=3)]
    for moment, rating in zip(at, [Rating.Again, Rating.Good, Rating.Good, Rating.Good]):
        store.apply_review("x", lambda s, m=moment, r=rating: scheduler.review(s, r, m), Review("x", moment, int(rating), "flashcard"))
    store.apply_review("x", lambda s: s, Review("x", t0 + timedelta(days=4), 1, "flashcard", mode="cram"))
    reviews = store.reviews("x")
    assert replay_card("x", list(reversed(reviews)), scheduler) == replay_card("x", reviews, scheduler) == store.state("x")
    # by hand: four scheduled reviews, the first a fail while learning (not a lapse)
    state = store.state("x")
    assert (state.reps, state.lapses, state.state) == (4, 0, REVIEW)


def test_no_reviews_is_a_new_card_and_a_stray_card_is_refused():
    scheduler = Scheduler()
    assert replay_card("x", [], scheduler) == CardState("x", state=NEW)
    with pytest.raises(ValueError, match="'y'"):
        replay_card("x", [Review("y", datetime.now(timezone.utc), 3, "flashcard")], scheduler)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(list(Rating)),
            st.integers(min_value=0, max_value=40 * 24 * 60),
            st.sampled_from(["review", "review", "cram", "mock"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_grades_waits_and_modes_replay_to_the_stored_state(tmp_path_factory, steps):
    with Store.open(tmp_path_factory.mktemp("replay") / "r.db") as store:
        clock = Clock()
        scheduler = scheduler_for(store)
        for rating, wait_minutes, mode in steps:
            clock.advance(minutes=wait_minutes)
            if mode == "review":
                session = open_session(flash_library(1), store, now=clock, tz=timezone.utc, rng=random.Random(1), cards=["alpha-000"])
                session.next()
                session.grade(rating)
            else:  # cram and mock are logged beside the schedule, even for a card never reviewed
                review = Review("alpha-000", clock.t, int(rating), "flashcard", mode=mode)
                store.apply_review("alpha-000", lambda s: s, review)
        store.bury("alpha-000", clock.t + timedelta(days=1))
        kept = store.state("alpha-000")
        replayed = replay_card("alpha-000", store.reviews("alpha-000"), scheduler)
        assert replace(replayed, buried_until=kept.buried_until) == kept
