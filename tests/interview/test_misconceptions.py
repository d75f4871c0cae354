"""Misconceptions are scheduled: each one shown gets an FSRS memory replayed from the log, is
re-tested with a fresh exercise when due, and is marked active, improving or fixed."""

from __future__ import annotations

import random
from datetime import timedelta, timezone

import fsrs
import numpy as np
import pytest

from quizapp.interview.misconceptions import ACTIVE, FIXED, IMPROVING, memories, status
from quizapp.interview.retests import due_retests
from quizapp.scheduler import Scheduler, Settings, scheduler_for
from quizapp.store import MisconceptionEvent
from quizapp.study import open_session

from ..store.store_helpers import T0, exercise, flash, library, topic
from .history import grade

UTC = timezone.utc


def event(days: float, correct: bool, name: str = "difference") -> MisconceptionEvent:
    return MisconceptionEvent(name, T0 + timedelta(days=days), correct, "ex-a")


# -- status --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "events, expected",
    [
        ([event(0, False)], ACTIVE),
        ([event(0, False), event(1, True)], IMPROVING),
        ([event(0, False), event(1, True), event(5, True)], IMPROVING),  # right twice, within a week
        ([event(0, False), event(1, True), event(8, True)], FIXED),  # right twice, a week apart
        ([event(0, False), event(8, True)], IMPROVING),  # one right re-test is not enough
        ([event(0, False), event(1, True), event(8, True), event(9, False)], ACTIVE),  # shown again
        ([event(0, False), event(1, True), event(2, False), event(3, True), event(9, True)], IMPROVING),
        ([event(0, False), event(1, True), event(2, False), event(3, True), event(10, True)], FIXED),
    ],
)
def test_status_from_the_events(events, expected):
    assert status(events) == expected


def test_a_memory_is_an_fsrs_replay_of_its_events_in_whole_days():
    events = [event(0, False), event(1.2, True), event(4.5, True), event(6, False), event(7.1, True)]
    got = memories(events, Scheduler(Settings(enable_fuzzing=False)))["difference"]
    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = fsrs.Card(card_id=1)
    for e in events:
        card, _ = scheduler.review_card(card, fsrs.Rating.Good if e.correct else fsrs.Rating.Again, e.reviewed_at)
    assert (got.state.stability, got.state.difficulty, got.state.due) == (card.stability, card.difficulty, card.due)
    assert got.status == IMPROVING and got.shown_on == ("ex-a",)


def test_memories_follow_review_time_not_the_order_rows_were_added(store):
    """A merge adds older reviews after newer ones: the replay still goes by time."""
    late, early = T0 + timedelta(days=3), T0
    grade(store, "ex-a", 3, late, misconception="difference", correct=True)
    grade(store, "ex-b", 1, early, misconception="difference", correct=False)
    events = store.misconception_events()
    assert [e.reviewed_at for e in events] == [early, late]
    assert memories(events, scheduler_for(store))["difference"].status == IMPROVING


def test_right_re_tests_are_not_counted_as_occurrences_of_the_misconception(store):
    grade(store, "ex-a", 1, T0, misconception="difference", correct=False)
    grade(store, "ex-a", 3, T0 + timedelta(days=1), misconception="difference", correct=True)
    [row] = store.misconception_counts(10)
    assert (row.name, row.count, row.last_seen) == ("difference", 1, T0)


# -- re-tests in the study session ------------------------------------------------------------------------


@pytest.fixture
def sometimes():
    """``test.some``: a + b, whose 'difference' variant exists only when a > b (about 4 draws in 9)."""
    from quizapp.engine.exercises.base import REGISTRY, Draft, Step, Variant, generator

    @generator("test.some", "a + b, sometimes diagnosing 'difference'")
    def _some(rng, level=1):
        a, b = (int(v) for v in rng.integers(1, 10, size=2))
        variants = [Variant("difference", np.asarray(float(a - b)))] if a > b else []
        return Draft(asks="a + b", prompt=f"What is {a} + {b}?", answer=a + b, steps=[Step("add", a + b)],
                     inputs={"a": a, "b": b}, variants=variants)

    yield
    REGISTRY.pop("test.some", None)


LIB = library(
    topic("alpha", [flash("f-1", "alpha"), exercise("ex-a", "alpha", generator="test.some"),
                    exercise("ex-b", "alpha", generator="test.sum"), exercise("ex-c", "alpha", generator="test.pair")]),
)


def study(store, clock, answer) -> list:
    """One study session now; ``answer(presented)`` gives the text to submit (flashcards: Good)."""
    session = open_session(LIB, store, now=clock, rng=random.Random(hash(clock()) & 0xFFFF), tz=UTC)
    shown = []
    while (p := session.next()) is not None:
        shown.append(p)
        if p.self_graded:
            session.grade(3)
        else:
            session.submit(answer(p))
    return shown


def right(p) -> str:
    return " ".join(str(v) for v in np.ravel(p.exercise.answer)) if p.exercise.answer.ndim else str(float(p.exercise.answer))


def test_a_misconception_shown_once_comes_back_as_a_fresh_exercise_when_due_and_is_fixed_by_right_re_tests(
    store, clock, generators, sometimes
):
    # Day 0: every card is new; the first exercise that can show 'difference' is answered with it.
    def answer_with_the_misconception(p):
        wrong = [v for v in p.exercise.variants if v.name == "difference"]
        if wrong and not store.misconception_events():
            return str(float(wrong[0].answer))
        return right(p)

    first = study(store, clock, answer_with_the_misconception)
    [shown] = store.misconception_events()
    assert not shown.correct
    first_seed = next(p.seed for p in first if p.card.id == shown.card_id)
    assert due_retests(LIB, store, clock()) == {}  # not due again the same day

    retests = []
    for day in range(1, 40):
        clock.advance(days=1)
        due = due_retests(LIB, store, clock())
        if due:
            assert due == {"difference": ["ex-a", "ex-b"]}  # the exercises whose generator can show it
        session_shown = study(store, clock, right)
        these = [p for p in session_shown if p.retest == "difference"]
        assert len(these) == (1 if due else 0)
        retests += these
        for p in these:
            assert "difference" in [v.name for v in p.exercise.variants]  # a test of that belief
        mem = memories(store.misconception_events(), scheduler_for(store))["difference"]
        if mem.status == FIXED:
            break
    assert mem.status == FIXED
    assert len(retests) >= 2
    assert retests[0].shown_at - first[0].shown_at >= timedelta(days=1)
    assert len({(p.card.id, p.seed) for p in retests} | {(shown.card_id, first_seed)}) == len(retests) + 1  # fresh
    successes = [e for e in store.misconception_events() if e.correct]
    assert [e.reviewed_at for e in successes] == [p.shown_at for p in retests]  # the clock does not move in a session
    assert successes[-1].reviewed_at - successes[0].reviewed_at >= timedelta(days=7)


def test_a_wrong_re_test_that_shows_it_again_is_a_lapse_and_it_comes_back_the_next_day(
    store, clock, generators, sometimes
):
    grade(store, "ex-b", 1, clock(), misconception="difference", correct=False)
    clock.advance(days=1)
    session = open_session(LIB, store, cards=None, now=clock, rng=random.Random(3), tz=UTC)
    while (p := session.next()) is not None and p.retest is None:
        if p.self_graded:
            session.grade(3)
        else:
            session.submit(right(p))
    assert p is not None and p.retest == "difference"
    session.submit(str(float(next(v.answer for v in p.exercise.variants if v.name == "difference"))))
    mem = memories(store.misconception_events(), scheduler_for(store))["difference"]
    assert mem.status == ACTIVE and (mem.shown, mem.right_retests) == (2, 0)
    assert [e.correct for e in store.misconception_events()] == [False, False]
    assert mem.due - clock() >= timedelta(days=1)


def test_a_cram_or_chosen_session_has_no_re_tests(store, clock, generators, sometimes):
    grade(store, "ex-b", 1, clock(), misconception="difference", correct=False)
    clock.advance(days=2)
    for kwargs in ({"cards": ["ex-a", "ex-b"]}, {"cards": ["ex-b"], "mode": "cram"}):
        session = open_session(LIB, store, now=clock, rng=random.Random(3), tz=UTC, **kwargs)
        assert session.next().retest is None
