"""Adjustable auto grades: a checked answer is recorded with its suggested grade (right Good,
wrong Again); until the next card is shown the user may change it, and the card is scheduled as
if that grade had been given, in one transaction; undo still takes the whole review back.

Expected intervals are FSRS's, worked by hand (fsrs defaults, no fuzz) or computed with the
``fsrs`` package itself, never with quizapp's scheduler."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta, timezone

import fsrs
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from quizapp.merge import merge
from quizapp.scheduler import LEARNING, NEW, REVIEW, CardState, Rating
from quizapp.session import SessionError
from quizapp.store import Store

from .store_helpers import T0, choice, library, topic, truefalse


@pytest.fixture
def no_fuzz(store):
    store.save_settings(enable_fuzzing=False)


def tf_library(*ids):
    return library(topic("alpha", [truefalse(card_id, answer=True) for card_id in ids]))


# A new card under FSRS's defaults (learning steps 1m 10m): Again 1m, Hard 5.5m (the mean of the
# first two steps), Good 10m (the next step), Easy graduates with the initial Easy stability
# w3 = 8.2956 days, which is the interval at 90% retention: 8 days.
NEW_CARD = {Rating.Again: timedelta(minutes=1), Rating.Hard: timedelta(minutes=5.5),
            Rating.Good: timedelta(minutes=10), Rating.Easy: timedelta(days=8)}


def test_the_suggested_grade_is_recorded_and_the_options_show_each_interval(make_session, store, no_fuzz):
    session = make_session(tf_library("c1"))
    session.next()
    outcome = session.submit("t")
    assert (outcome.correct, outcome.rating, outcome.interval) == (True, Rating.Good, timedelta(minutes=10))
    assert session.grade_options() == NEW_CARD


@pytest.mark.parametrize("rating", list(Rating))
def test_a_regrade_schedules_as_that_grade_and_keeps_the_result(make_session, store, no_fuzz, rating):
    session = make_session(tf_library("c1"))
    session.next()
    session.submit("f")  # wrong: suggested Again
    changed = session.regrade(rating)
    assert changed.rating == rating and changed.correct is False
    assert changed.interval == NEW_CARD[rating]
    assert store.state("c1").due == T0 + NEW_CARD[rating]
    [logged] = store.reviews("c1")
    assert (logged.rating, logged.correct, logged.answer) == (int(rating), False, "false")
    assert session.history == (changed,)


def test_a_regrade_moves_the_card_in_and_out_of_todays_learning_queue(make_session, store, clock, no_fuzz):
    session = make_session(tf_library("c1"))
    session.next()
    session.submit("f")  # Again: back in a minute
    session.regrade(Rating.Easy)  # graduates: due in 8 days
    clock.advance(minutes=30)
    assert session.next() is None
    assert session.remaining().total == 0

    other = make_session(tf_library("c2"))
    other.next()
    other.submit("t")
    other.regrade(Rating.Easy)
    other.regrade(Rating.Again)  # changed the mind again: back in a minute, today
    assert store.state("c2").state == LEARNING
    clock.advance(minutes=2)
    assert other.next().card.id == "c2"


def test_undo_after_a_regrade_takes_the_whole_review_back(make_session, store, no_fuzz):
    session = make_session(tf_library("c1"))
    session.next()
    session.submit("t")
    session.regrade(Rating.Hard)
    again = session.undo()
    assert again.card.id == "c1" and again.state.is_new
    assert store.state("c1").state == NEW
    assert store.reviews() == []
    assert len(store.undone_uids()) == 2  # the first grade's row and the regraded one's
    assert session.history == ()
    session.submit("t")  # answered again: a fresh review
    [fresh] = store.reviews()
    assert fresh.rating == int(Rating.Good) and fresh.uid not in store.undone_uids()


def test_only_the_last_grade_before_the_next_card_can_change(make_session):
    session = make_session(tf_library("c1", "c2"))
    with pytest.raises(SessionError):
        session.regrade(Rating.Hard)  # nothing graded yet
    session.next()
    with pytest.raises(SessionError):
        session.regrade(Rating.Hard)  # shown, not answered
    session.submit("t")
    session.next()  # the next card is shown: the grade is final
    with pytest.raises(SessionError):
        session.regrade(Rating.Hard)
    with pytest.raises(SessionError):
        session.grade_options()


def test_a_regrade_can_turn_a_review_into_a_lapse_and_back(make_session, store, no_fuzz):
    store.put_state(CardState("c1", state=REVIEW, stability=20.0, difficulty=5.0, due=T0,
                              last_review=T0 - timedelta(days=20), reps=5))
    session = make_session(tf_library("c1"))
    session.next()
    session.submit("t")
    assert session.regrade(Rating.Again).state.lapses == 1
    assert session.regrade(Rating.Good).state.lapses == 0
    assert store.state("c1").lapses == 0 and len(store.reviews()) == 1


def test_a_regrade_of_a_choice_card_keeps_its_answer_and_seed(make_session, store):
    session = make_session(library(topic("alpha", [choice("q1")])))
    shown = session.next()
    right = shown.option_order.index(1)  # the shown position of the right option
    session.submit([right])
    session.regrade(Rating.Hard)
    [logged] = store.reviews("q1")
    assert (logged.rating, logged.correct, logged.seed) == (int(Rating.Hard), True, shown.seed)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stability=st.floats(min_value=0.5, max_value=300.0),
    difficulty=st.floats(min_value=1.0, max_value=10.0),
    elapsed=st.integers(min_value=1, max_value=400),
    right=st.booleans(),
    rating=st.sampled_from(list(Rating)),
)
def test_a_regraded_state_is_what_fsrs_gives_for_that_grade(tmp_path_factory, stability, difficulty, elapsed, right, rating):
    """Whatever the card's memory and the answer, a regrade leaves the state fsrs computes for
    the new grade from the state before the review."""
    import random

    from quizapp.session import Session
    from quizapp.store import Store

    from .store_helpers import Clock

    with Store.open(tmp_path_factory.mktemp("regrade") / "r.db") as store:
        store.save_settings(enable_fuzzing=False)
        last = T0 - timedelta(days=elapsed)
        due = T0 - timedelta(hours=1)
        store.put_state(CardState("c1", state=REVIEW, stability=stability, difficulty=difficulty,
                                  due=due, last_review=last, reps=3))
        session = Session(tf_library("c1"), store, now=Clock(), tz=timezone.utc, rng=random.Random(1))
        session.next()
        session.submit("t" if right else "f")
        after = session.regrade(rating).state
        card = fsrs.Card(state=fsrs.State.Review, stability=stability, difficulty=difficulty, due=due, last_review=last)
        expected, _ = fsrs.Scheduler(enable_fuzzing=False).review_card(card, rating, review_datetime=T0)
        assert after.due == expected.due
        assert after.stability == pytest.approx(expected.stability)
        assert after.difficulty == pytest.approx(expected.difficulty)
        assert store.state("c1") == after


def test_a_regrade_logs_a_new_fact_so_a_machine_holding_the_old_one_converges(make_session, store, tmp_path, no_fuzz):
    """A copy of the database taken between the answer and the regrade holds the first grade
    under its uid; after merging each other both machines hold only the changed grade."""
    session = make_session(tf_library("c1"))
    session.next()
    session.submit("f")  # wrong: Again
    [first] = store.reviews("c1")
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    _copy(store.path, before)
    session.regrade(Rating.Good)
    _copy(store.path, after)
    [changed] = store.reviews("c1")
    assert changed.uid != first.uid and changed.rating == Rating.Good and changed.reviewed_at == first.reviewed_at
    assert first.uid in store.undone_uids()
    with Store.open(before) as other:
        merge(other, after)
        assert [(r.uid, r.rating) for r in other.reviews("c1")] == [(changed.uid, Rating.Good)]
        assert other.state("c1") == store.state("c1")
    session.undo()  # undo after a regrade still takes the review back whole
    assert store.reviews("c1") == [] and {first.uid, changed.uid} <= store.undone_uids()


def _copy(source, target):
    """A consistent copy of an open database, as `quizapp backup` makes."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
