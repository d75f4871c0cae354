"""The study session: today's queue (limits, filters, order, siblings, learning cards coming
back), grading (right -> Good, wrong -> Again), undo, bury/skip, leeches and the summary."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.grading import AnswerError, Check
from quizapp.scheduler import LEARNING, NEW, RELEARNING, REVIEW, CardState, Rating
from quizapp.session import SessionError
from quizapp.study_queue import interleave

from .store_helpers import (
    T0,
    choice,
    code,
    exercise,
    flash,
    flash_library,
    library,
    topic,
    truefalse,
)


def review_state(card_id: str, due, **kw) -> CardState:
    """A mature card (Review state) due at ``due``."""
    defaults = dict(state=REVIEW, stability=20.0, difficulty=5.0, due=due,
                    last_review=due - timedelta(days=20), reps=5)
    defaults.update(kw)
    return CardState(card_id, **defaults)


def drain(session, rating=Rating.Good, answers=None) -> list[str]:
    """Study until nothing is left; returns the ids in the order shown."""
    shown = []
    while (p := session.next()) is not None:
        shown.append(p.card.id)
        if p.self_graded:
            session.grade(rating)
        else:
            session.submit(answers(p))
        if len(shown) > 500:
            raise AssertionError("session does not end")
    return shown


# -- limits -----------------------------------------------------------------------------------


def test_new_cards_are_limited_per_day_counting_earlier_sessions(make_session, clock):
    lib = flash_library(30)
    first = make_session(lib, new_limit=20)
    assert first.remaining().new == 20
    for _ in range(5):
        first.next()
        first.grade(Rating.Easy)  # graduates at once: no learning repeats
    second = make_session(lib, new_limit=20)
    assert second.remaining().new == 15  # 5 already introduced today
    clock.advance(days=1)
    assert make_session(lib, new_limit=20).remaining().new == 20  # a new day


def test_reviews_are_limited_per_day(make_session, store):
    lib = flash_library(10)
    for i in range(10):
        store.put_state(review_state(f"alpha-{i:03d}", T0 - timedelta(days=i)))
    session = make_session(lib, review_limit=4)
    left = session.remaining()
    assert (left.review, left.new) == (4, 0)
    shown = drain(session)
    assert shown == ["alpha-009", "alpha-008", "alpha-007", "alpha-006"]  # most overdue first
    assert make_session(lib, review_limit=4).remaining().review == 0


def test_defaults_come_from_the_stored_settings(make_session, store):
    store.save_settings(new_per_day=3)
    session = make_session(flash_library(10))
    assert session.new_limit == 3 and session.remaining().new == 3
    assert session.review_limit == 200


def test_reviews_due_later_today_are_in_and_tomorrows_are_not(make_session, store):
    lib = flash_library(3)
    store.put_state(review_state("alpha-000", T0 + timedelta(hours=10)))  # 22:00, still today
    store.put_state(review_state("alpha-001", T0 + timedelta(hours=17)))  # 05:00 tomorrow
    store.put_state(review_state("alpha-002", T0 + timedelta(days=3)))
    session = make_session(lib)
    assert session.remaining().review == 1
    assert drain(session) == ["alpha-000"]


# -- filters ----------------------------------------------------------------------------------


def lib_two_topics():
    return library(
        topic("alpha", [flash("a1", "alpha", ("axes",)), flash("a2", "alpha", ("eval",)),
                        flash("a3", "alpha", ("axes", "eval"))]),
        topic("beta", [flash("b1", "beta", ("axes",)), flash("b2", "beta")]),
    )


def test_topic_filter(make_session):
    assert sorted(drain(make_session(lib_two_topics(), topics=["beta"]), Rating.Easy)) == ["b1", "b2"]


def test_tag_filter_matches_any_tag(make_session):
    shown = drain(make_session(lib_two_topics(), tags=["axes"]), Rating.Easy)
    assert sorted(shown) == ["a1", "a3", "b1"]


def test_topic_and_tag_filters_combine(make_session):
    shown = drain(make_session(lib_two_topics(), topics=["alpha"], tags=["eval"]), Rating.Easy)
    assert sorted(shown) == ["a2", "a3"]


def test_unknown_topic_is_an_error(make_session):
    with pytest.raises(ValueError, match="unknown topic"):
        make_session(lib_two_topics(), topics=["gamma"])


def test_explicit_cards_are_studied_now_even_if_not_due(make_session, store):
    store.put_state(review_state("a2", T0 + timedelta(days=30)))
    shown = drain(make_session(lib_two_topics(), cards=["a2", "b2"]), Rating.Easy)
    assert shown == ["a2", "b2"]


def test_limit_caps_the_distinct_cards(make_session):
    session = make_session(flash_library(10), limit=3)
    shown = drain(session, Rating.Easy)
    assert len(shown) == 3


# -- order ------------------------------------------------------------------------------------


def test_interleave_spreads_new_cards_evenly():
    reviews = [f"r{i}" for i in range(6)]
    assert interleave(reviews, ["n1", "n2"]) == ["r0", "r1", "n1", "r2", "r3", "n2", "r4", "r5"]
    assert interleave([], ["n1"]) == ["n1"]
    assert interleave(["r0"], []) == ["r0"]
    mixed = interleave([f"r{i}" for i in range(100)], [f"n{i}" for i in range(20)])
    gaps = [i for i, cid in enumerate(mixed) if cid.startswith("n")]
    assert max(b - a for a, b in zip(gaps, gaps[1:])) <= 7  # one new card every ~5 reviews


def test_learning_cards_first_then_reviews_and_new_mixed(make_session, store):
    cards = [flash(f"n{i}") for i in range(2)] + [flash(f"r{i}") for i in range(4)] + [flash("l0")]
    lib = library(topic("alpha", cards))
    for i in range(4):
        store.put_state(review_state(f"r{i}", T0 - timedelta(days=4 - i)))
    store.put_state(CardState("l0", state=LEARNING, step=1, stability=2.0, difficulty=5.0,
                              due=T0 - timedelta(minutes=1), last_review=T0 - timedelta(minutes=11), reps=1))
    session = make_session(lib)
    assert session.remaining() == (session.remaining().__class__(2, 1, 4))
    shown = drain(session, Rating.Easy)
    assert shown[0] == "l0"
    assert [c for c in shown if c.startswith("r")] == ["r0", "r1", "r2", "r3"]
    assert shown.index("n0") < shown.index("r3") and shown.index("n1") < len(shown)
    assert shown[1:] == interleave(["r0", "r1", "r2", "r3"], ["n0", "n1"])


def test_a_failed_card_returns_when_its_step_is_due(make_session, clock):
    session = make_session(flash_library(5))
    first = session.next().card.id
    session.grade(Rating.Again)  # back in 1 minute
    after = [session.next().card.id]
    session.grade(Rating.Easy)
    clock.advance(minutes=2)
    comeback = session.next()
    assert comeback.card.id == first and comeback.state.state == LEARNING
    assert first not in after


def test_learning_cards_are_shown_early_when_nothing_else_is_left(make_session, clock):
    session = make_session(flash_library(1))
    session.next()
    session.grade(Rating.Good)  # step 2: due in 10 minutes, within the 20-minute learn-ahead
    again = session.next()
    assert again is not None and again.card.id == "alpha-000"
    session.grade(Rating.Good)  # graduates: due in days
    assert session.next() is None


def test_a_learning_card_beyond_learn_ahead_waits(make_session, store):
    store.save_settings(learning_steps=[3600])  # one one-hour step
    session = make_session(flash_library(1))
    session.next()
    session.grade(Rating.Again)
    assert session.next() is None
    assert session.summary().next_due == T0 + timedelta(hours=1)


def test_siblings_of_a_failed_card_are_not_shown_next(make_session):
    lib = library(topic("alpha", [
        flash("bn-1", tags=("bn",)), flash("bn-2", tags=("bn",)), flash("bn-3", tags=("bn",)),
        flash("other", tags=("ln",)),
    ]))
    session = make_session(lib)
    assert session.next().card.id == "bn-1"
    session.grade(Rating.Again)
    assert session.next().card.id == "other"  # not bn-2: it shares the tag
    session.grade(Rating.Easy)
    assert session.next().card.id == "bn-2"  # after a pass, order resumes


def test_siblings_are_shown_when_nothing_else_is_left(make_session):
    lib = library(topic("alpha", [flash("bn-1", tags=("bn",)), flash("bn-2", tags=("bn",))]))
    session = make_session(lib)
    session.next()
    session.grade(Rating.Again)
    assert session.next().card.id == "bn-2"


def test_cards_in_another_topic_are_not_siblings(make_session):
    lib = library(topic("alpha", [flash("a", tags=("x",))]),
                  topic("beta", [flash("b", "beta", tags=("x",)), flash("c", "beta")]))
    session = make_session(lib)
    session.next()
    session.grade(Rating.Again)
    assert session.next().card.id == "b"


# -- grading ----------------------------------------------------------------------------------


def test_auto_graded_right_is_good_and_wrong_is_again(make_session, store, generators):
    lib = library(topic("alpha", [choice("c1", answer=(2,)), truefalse("t1", answer=False),
                                  exercise("e1"), choice("c2", answer=(0,)), truefalse("t2")]))
    session = make_session(lib)
    ratings = {}
    for _ in range(5):
        p = session.next()
        if p.kind == "choice" and p.card.id == "c1":
            outcome = session.submit(p.correct_positions[0])
        elif p.kind == "choice":
            wrong = next(i for i in range(4) if i not in p.correct_positions)
            outcome = session.submit([wrong])
        elif p.card.id == "t1":
            outcome = session.submit(False)
        elif p.card.id == "t2":
            outcome = session.submit("f")
        else:
            outcome = session.submit(str(int(p.exercise.answer)))
        ratings[p.card.id] = (outcome.correct, outcome.rating)
    assert ratings == {
        "c1": (True, Rating.Good), "t1": (True, Rating.Good), "e1": (True, Rating.Good),
        "c2": (False, Rating.Again), "t2": (False, Rating.Again),
    }
    logged = {r.card_id: (r.correct, r.rating) for r in store.reviews()}
    assert logged == {k: (v[0], int(v[1])) for k, v in ratings.items()}


def test_choice_order_is_shuffled_per_presentation_and_mapped_back(make_session, store):
    options = tuple(f"option {i}" for i in range(6))
    lib = library(topic("alpha", [choice("c", options=options, answer=(4,))]))
    orders = set()
    for seed in range(12):
        import random

        session = make_session(lib, cards=["c"], rng=random.Random(seed))
        p = session.next()
        assert sorted(p.option_order) == list(range(6))
        assert p.options[p.correct_positions[0]] == "option 4"
        orders.add(p.option_order)
        # same seed, same order: the order is a function of the stored seed
        rebuilt = list(range(6))
        random.Random(p.seed).shuffle(rebuilt)
        assert tuple(rebuilt) == p.option_order
        outcome = session.submit(str(p.correct_positions[0] + 1))  # typed 1-based
        assert outcome.correct and outcome.expected == f"{p.correct_positions[0] + 1}) option 4"
    assert len(orders) > 3
    assert {r.answer for r in store.reviews()} == {"4"}  # logged as content index


def test_multiple_answer_choice_needs_exactly_the_right_set(make_session):
    lib = library(topic("alpha", [choice("m", answer=(0, 2))]))
    session = make_session(lib)
    p = session.next()
    right = list(p.correct_positions)
    outcome = session.submit(right[:1])
    assert not outcome.correct and "missed 1 right option" in outcome.message


def test_unreadable_answers_record_nothing(make_session, store, generators):
    lib = library(topic("alpha", [choice("c"), truefalse("t"), exercise("e")]))
    session = make_session(lib)
    bad = {"choice": ["9", "x", "", 0.5, [7]], "truefalse": ["maybe", 3], "exercise": ["", "1 +", "[1, 2"]}
    for _ in range(3):
        p = session.next()
        for answer in bad[p.kind]:
            with pytest.raises(AnswerError):
                session.submit(answer)
        assert store.review_count() == 0
        session.skip()


def test_exercise_outcome_has_steps_expected_and_misconception(make_session, store, generators):
    from quizapp.engine.exercises import make

    session = make_session(library(topic("alpha", [exercise("e")])))
    p = session.next()
    a, b = p.exercise.inputs["a"], p.exercise.inputs["b"]
    outcome = session.submit(str(a - b))  # the 'difference' misconception
    assert not outcome.correct and outcome.rating == Rating.Again
    assert outcome.misconception == "difference"
    assert outcome.expected == str(a + b)
    assert [s.label for s in outcome.steps] == ["add"]
    [row] = store.reviews("e")
    assert (row.misconception, row.answer, row.seed) == ("difference", str(a - b), p.seed)
    assert make("test.sum", row.seed).prompt == p.exercise.prompt  # reproducible from the log


def test_each_presentation_draws_a_fresh_exercise(make_session, generators, clock):
    session = make_session(library(topic("alpha", [exercise("e")])))
    seeds = []
    for _ in range(3):
        p = session.next()
        seeds.append(p.seed)
        session.submit("0")  # wrong: comes back
        clock.advance(minutes=2)
    assert len(set(seeds)) == 3


def test_grade_and_submit_refuse_the_wrong_kind(make_session):
    session = make_session(library(topic("alpha", [flash("f"), truefalse("t")])))
    with pytest.raises(SessionError):
        session.grade(Rating.Good)  # nothing shown yet
    p = session.next()
    assert p.card.id == "f"
    with pytest.raises(SessionError):
        session.submit("t")
    session.grade(Rating.Easy)
    session.next()
    with pytest.raises(SessionError):
        session.grade(Rating.Good)


def test_next_returns_the_same_card_until_it_is_answered(make_session):
    session = make_session(flash_library(3))
    assert session.next() is session.next()


def test_preview_matches_the_recorded_interval(make_session):
    session = make_session(flash_library(3))
    for rating in (Rating.Easy, Rating.Good, Rating.Again):
        session.next()
        shown = session.preview()
        assert len(set(shown.values())) == 4  # every rating gives a different interval
        outcome = session.grade(rating)
        assert outcome.interval == shown[rating]


# -- code cards and pluggable checkers -----------------------------------------------------------


def test_code_cards_wait_for_a_checker(make_session, store):
    lib = library(topic("alpha", [code("drill"), flash("f")]))
    assert drain(make_session(lib), Rating.Easy) == ["f"]

    def fake_code_checker(presented, text):
        ok = "return" in text
        return Check(ok, "passes" if ok else "fails case 1", "a working function", text)

    session = make_session(lib, checkers={"code": fake_code_checker})
    p = session.next()
    assert p.card.id == "drill"
    outcome = session.submit("def f(x):\n    return x")
    assert outcome.correct and outcome.rating == Rating.Good and outcome.message == "passes"
    assert store.reviews("drill")[0].answer.startswith("def f")
    assert store.load_code("drill") == "def f(x):\n    return x"  # kept for the next visit


# -- undo, skip, bury -------------------------------------------------------------------------


def test_undo_restores_state_log_counts_and_shows_the_card_again(make_session, store, generators):
    lib = library(topic("alpha", [exercise("e"), flash("f")]))
    session = make_session(lib)
    p = session.next()
    session.submit("0")
    assert store.review_count() == 1 and store.state("e").state == LEARNING
    nxt = session.next()
    assert nxt.card.id == "f"
    again = session.undo()
    assert again.card.id == "e" and again.seed == p.seed  # the same numbers to answer again
    assert session.next() is again
    assert store.review_count() == 0 and store.get_state("e").state == NEW
    assert session.summary().reviewed == 0
    assert session.remaining().total == 2  # f is back in the queue, e is current
    outcome = session.submit(str(int(p.exercise.answer)))
    assert outcome.correct
    assert session.next().card.id == "f"
    assert session.undo() is not None and session.undo() is None  # one grade left to undo: then none


def test_undo_of_a_review_restores_lapses(make_session, store):
    store.put_state(review_state("f", T0 - timedelta(days=1), lapses=3))
    session = make_session(library(topic("alpha", [flash("f")])))
    session.next()
    outcome = session.grade(Rating.Again)
    assert outcome.state.lapses == 4 and outcome.state.state == RELEARNING
    session.undo()
    assert store.state("f").lapses == 3 and store.state("f").state == REVIEW


def test_skip_moves_the_card_to_the_back(make_session):
    session = make_session(flash_library(3))
    first = session.next().card.id
    session.skip()
    shown = drain(session, Rating.Easy)
    assert shown[-1] == first and len(shown) == 3


def test_bury_hides_the_card_until_tomorrow(make_session, clock, store):
    lib = flash_library(2)
    session = make_session(lib)
    buried = session.next().card.id
    session.bury()
    assert drain(session, Rating.Easy) == ["alpha-001"]
    assert store.review_count() == 1
    assert make_session(lib).remaining().total == 0
    clock.advance(days=1)
    assert drain(make_session(lib), Rating.Easy) == [buried]


def test_suspend_takes_a_card_out(make_session, clock, store):
    lib = flash_library(2)
    session = make_session(lib)
    session.suspend("alpha-000")
    clock.advance(days=3)
    assert drain(make_session(lib), Rating.Easy) == ["alpha-001"]


def test_undo_takes_back_a_bury_before_the_grade_before_it(make_session, store, clock):
    """Grade a1 Again, grade a2 Again, a1 returns, bury a1, undo twice: the bury is undone (a1
    shown again, not buried), then a2's grade; the log and buried_until right at every step."""
    lib = library(topic("alpha", [flash("a1"), flash("a2")]))
    session = make_session(lib)
    tomorrow = T0.replace(hour=4) + timedelta(days=1)
    assert session.next().card.id == "a1"
    session.grade(Rating.Again)
    assert session.next().card.id == "a2"
    session.grade(Rating.Again)
    clock.advance(minutes=2)
    assert session.next().card.id == "a1"  # back after its one-minute step
    session.bury()
    assert store.state("a1").buried_until == tomorrow and session.current is None

    again = session.undo()
    assert again.card.id == "a1" and session.current is again
    assert store.state("a1").buried_until is None
    assert [r.card_id for r in store.reviews()] == ["a2", "a1"]  # both grades still stand

    again = session.undo()
    assert again.card.id == "a2" and again.state.is_new
    assert [r.card_id for r in store.reviews()] == ["a1"]
    assert store.state("a2").is_new and store.state("a1").buried_until is None
    assert session.undo().card.id == "a1" and store.review_count() == 0
    assert session.undo() is None


def test_undo_takes_back_a_suspend(make_session, store):
    session = make_session(flash_library(2))
    first = session.next().card.id
    session.suspend()
    assert store.state(first).suspended and session.next().card.id != first
    assert session.undo().card.id == first
    assert not store.state(first).suspended
    assert session.remaining().total == 2  # both cards to come again


def test_undo_of_a_bury_by_id_keeps_the_card_shown(make_session, store):
    session = make_session(flash_library(3))
    shown = session.next().card.id
    session.bury("alpha-002")  # another card, e.g. from a list
    assert session.current.card.id == shown and store.state("alpha-002").buried_until is not None
    assert session.undo().card.id == shown
    assert store.state("alpha-002").buried_until is None
    assert drain(session, Rating.Easy) == ["alpha-000", "alpha-001", "alpha-002"]


def test_a_skipped_learning_card_still_counts_as_learning(make_session, store):
    store.put_state(CardState("alpha-000", state=LEARNING, step=0, stability=2.0, difficulty=5.0,
                              due=T0 - timedelta(minutes=1), last_review=T0 - timedelta(minutes=2), reps=1))
    session = make_session(flash_library(3))
    assert session.remaining() == session.remaining().__class__(new=2, learning=1, review=0)
    assert session.next().card.id == "alpha-000"
    session.skip()
    assert session.remaining() == session.remaining().__class__(new=2, learning=1, review=0)
    assert session.next().card.id == "alpha-001"
    assert session.remaining() == session.remaining().__class__(new=2, learning=1, review=0)


def test_chosen_cards_are_counted_by_their_state(make_session, store):
    lib = library(topic("alpha", [flash("new"), flash("learning"), flash("review")]))
    store.put_state(CardState("learning", state=LEARNING, step=0, stability=2.0, difficulty=5.0,
                              due=T0 + timedelta(minutes=5), last_review=T0, reps=1))
    store.put_state(review_state("review", T0 + timedelta(days=9)))
    session = make_session(lib, cards=["new", "learning", "review"])
    left = session.remaining()
    assert (left.new, left.learning, left.review) == (1, 1, 1)
    session.next()
    session.grade(Rating.Again)  # the new card goes to learning
    left = session.remaining()
    assert (left.new, left.learning, left.review) == (0, 2, 1)


# -- content changes --------------------------------------------------------------------------


def test_a_card_removed_from_the_content_keeps_its_history_and_returns(make_session, store, clock):
    both = library(topic("alpha", [flash("keep"), flash("moving")]))
    session = make_session(both)
    drain(session, Rating.Easy)
    history = store.reviews("moving")
    clock.advance(days=40)
    without = library(topic("alpha", [flash("keep")]))
    assert drain(make_session(without), Rating.Easy) == ["keep"]
    assert store.reviews("moving") == history
    clock.advance(days=1)
    back = library(topic("alpha", [flash("keep"), flash("moving", tags=("edited",))]))
    session = make_session(back)
    assert session.remaining().new == 0  # not new again: its state came back with the id
    shown = drain(session, Rating.Easy)
    assert "moving" in shown
    assert store.state("moving").reps == 2


# -- leeches and summary ------------------------------------------------------------------------


def test_leeches_are_flagged(make_session, store, clock):
    store.put_state(review_state("hard", T0 - timedelta(days=1), lapses=7))
    session = make_session(library(topic("alpha", [flash("hard")])))
    p = session.next()
    assert not p.leech
    outcome = session.grade(Rating.Again)
    assert outcome.leech and outcome.state.lapses == 8
    assert session.summary().leeches == ("hard",)
    clock.advance(minutes=11)
    assert session.next().leech


def test_summary_counts_time_and_next_due(make_session, clock):
    session = make_session(flash_library(3))
    for rating in (Rating.Again, Rating.Good, Rating.Easy):
        session.next()
        clock.advance(seconds=10)
        session.grade(rating)
    clock.advance(minutes=30)  # idle between cards: not study time
    session.next()
    clock.advance(hours=1)  # a long pause while a card is shown counts as at most 10 minutes
    session.grade(Rating.Good)
    summary = session.summary()
    assert (summary.reviewed, summary.cards, summary.right, summary.wrong) == (4, 3, 3, 1)
    assert summary.new_cards == 3
    assert summary.by_rating == {Rating.Again: 1, Rating.Hard: 0, Rating.Good: 2, Rating.Easy: 1}
    assert summary.time_spent == timedelta(seconds=30) + timedelta(minutes=10)
    # The card rated Good at T0+20s is due 10 minutes later: overdue now, so the soonest.
    assert summary.next_due == T0 + timedelta(seconds=20, minutes=10)


# -- the one session factory --------------------------------------------------------------------


def test_the_session_factory_plugs_in_the_code_checker(store, clock):
    from quizapp.drills import session_checker
    from quizapp.study import open_session

    session = open_session(library(topic("alpha", [code("drill"), flash("f")])), store, now=clock)
    assert session.checkers["code"] is session_checker
    assert session.next().card.id == "drill"  # code cards are in the queue, not left out


def test_the_session_factory_passes_every_choice_on(store, clock):
    from quizapp.study import open_session

    lib = lib_two_topics()
    assert open_session(lib, store, now=clock, limit=2).remaining().total == 2
    assert open_session(lib, store, now=clock, topics=["beta"]).remaining().total == 2
    assert open_session(lib, store, now=clock, tags=["eval"]).remaining().total == 2
    assert open_session(lib, store, now=clock, cards=["b2"]).next().card.id == "b2"
    assert open_session(lib, store, now=clock, cards=[]).next() is None  # chose nothing: nothing
    assert open_session(lib, store, now=clock, topics=[], tags=[]).remaining().total == 5  # no filter
