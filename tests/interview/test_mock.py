"""Mock interviews: chains of follow-ups on one concept, weighted toward the weakest topics, a time
limit kept by the injected clock, no hint before the end, and a report that matches the answers."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import timedelta, timezone

import pytest

from quizapp.cli import main
from quizapp.cli.plain_mock import MockDrill
from quizapp.interview.mock import MockRound, TimeUp, draw_round, report
from quizapp.scheduler import CardState

from ..store.store_helpers import T0, choice, exercise, flash, library, topic, truefalse
from .history import grade

UTC = timezone.utc
LIB = library(
    topic("alpha", [
        flash("a-flash", concept="a-idea"),
        truefalse("a-tf", answer=True, concept="a-idea"),
        exercise("a-ex", concept="a-idea"),
        choice("a-choice", answer=(1,), concept="a-idea"),
        choice("a-other", answer=(2,)),
    ]),
    topic("beta", [
        truefalse("b-tf", "beta", answer=False),
        flash("b-flash", "beta"),
        exercise("b-ex", "beta"),
        choice("b-choice", "beta", answer=(0,)),
    ]),
)
CARDS = {card.id: card for t in LIB.topics for card in t.cards}


def right_answer(p) -> str:
    if p.kind == "choice":
        return " ".join(str(pos + 1) for pos in p.correct_positions)
    if p.kind == "truefalse":
        return "t" if p.card.answer else "f"
    return str(float(p.exercise.answer))


def wrong_answer(p) -> str:
    if p.kind == "choice":
        return str(next(pos + 1 for pos in range(len(p.options)) if pos not in p.correct_positions))
    if p.kind == "truefalse":
        return "f" if p.card.answer else "t"
    return str(float(next(v.answer for v in p.exercise.variants if v.name == "difference")))  # a misconception


# -- drawing ----------------------------------------------------------------------------------------------


def test_a_concept_is_asked_as_a_chain_in_an_interviewers_order_and_a_topic_without_one_falls_back(store, generators):
    for seed in range(20):
        questions = draw_round(LIB, store, T0, random.Random(seed), count=10)
        ids = [q.card_id for q in questions]
        assert len(ids) == len(set(ids)) and not {"a-flash", "b-flash"} & set(ids)  # checked cards, once each
        start = ids.index("a-choice")
        assert ids[start:start + 3] == ["a-choice", "a-ex", "a-tf"]  # concept question, exercise, true/false
        assert [q.follow_up for q in questions[start:start + 3]] == [False, True, True]
        assert {q.concept for q in questions[start:start + 3]} == {"a-idea"}
        start = ids.index("b-choice")
        assert ids[start:start + 3] == ["b-choice", "b-ex", "b-tf"]  # beta has no concept: its cards instead
        assert {q.topic for q in questions[start:start + 3]} == {"beta"} and questions[start].concept == ""
        assert "a-other" in ids  # asked once the chain is used up


def test_a_round_starts_with_the_weakest_topic_most_of_the_time(store, generators):
    for card_id in ("a-tf", "a-ex", "a-choice", "a-other", "a-flash"):  # alpha: learned, reviewed today
        for minutes in (0, 1, 11):
            grade(store, card_id, 3 if minutes else 4, T0 - timedelta(minutes=30 - minutes))
    firsts = Counter(draw_round(LIB, store, T0, random.Random(seed), count=1)[0].topic for seed in range(200))
    assert firsts["beta"] > 0.8 * 200  # alpha's weight is the floor, beta's is 1


def test_an_active_misconception_draws_its_topic_more_often(store, generators):
    grade(store, "a-ex", 1, T0 - timedelta(hours=1), misconception="difference", correct=False)
    grade(store, "b-ex", 1, T0 - timedelta(hours=1))  # both topics equally unready otherwise
    firsts = Counter(draw_round(LIB, store, T0, random.Random(seed), count=1)[0].topic for seed in range(300))
    assert firsts["alpha"] > 0.55 * 300  # weights: alpha 1 - 1/6 + 0.5 (its misconception), beta 1 - 1/4


# -- a round --------------------------------------------------------------------------------------------------


def test_a_round_obeys_its_time_limit_and_its_report_matches_its_answers(store, clock, generators):
    states_before = {cid: store.state(cid) for cid in CARDS}
    mock = MockRound(LIB, store, minutes=3, now=clock, rng=random.Random(4), tz=UTC)
    answered, late = [], None
    while (p := mock.next()) is not None:
        clock.advance(seconds=50)  # each answer takes 50 s: the fourth comes at 3:20
        wrong = len(answered) % 2 == 1
        try:
            outcome = mock.answer(wrong_answer(p) if wrong else right_answer(p))
        except TimeUp:
            late = p
            break
        assert outcome.correct is (not wrong)
        answered.append((p.card.topic, not wrong, outcome.misconception))
    assert len(answered) == 3 and late is not None
    assert mock.next() is None and mock.over
    logged = store.reviews()
    assert len(logged) == 3 and {r.mode for r in logged} == {"mock"}  # the late answer is not among them
    assert max(r.reviewed_at for r in logged) == T0 + timedelta(seconds=150)

    result = mock.end()
    expected = {}
    for topic_id, right, misconception in answered:
        r, w, t, names = expected.get(topic_id, (0, 0, timedelta(0), ()))
        names = names + ((misconception,) if misconception and misconception not in names else ())
        expected[topic_id] = (r + right, w + (not right), t + timedelta(seconds=50), names)
    assert {t.topic_id: (t.right, t.wrong, t.time, t.misconceptions) for t in result.topics} == expected
    assert (result.right, result.answered) == (2, 3)
    assert store.mock_rounds() == [result.round]
    assert (result.round.started_at, result.round.ended_at, result.round.minutes) == (T0, T0 + timedelta(seconds=200), 3)
    assert report(result.round, store.mock_reviews(result.round), LIB) == result  # from the log alone
    assert {cid: store.state(cid) for cid in CARDS if store.state(cid) != states_before[cid]} == {}
    assert mock.end() == result and len(store.mock_rounds()) == 1  # ending twice saves once


def test_an_answer_after_the_time_is_up_is_not_logged(store, clock, generators):
    mock = MockRound(LIB, store, minutes=1, now=clock, rng=random.Random(1), tz=UTC)
    p = mock.next()
    clock.advance(seconds=61)
    with pytest.raises(TimeUp):
        mock.answer(right_answer(p))
    assert store.reviews() == [] and mock.next() is None
    assert mock.end().answered == 0


def test_the_plain_round_shows_no_verdict_hint_or_step_before_the_end(store, clock, generators):
    mock = MockRound(LIB, store, minutes=10, now=clock, rng=random.Random(2), tz=UTC)
    kinds = [CARDS[q.card_id].kind for q in mock.questions]
    answers = {"choice": "1", "truefalse": "t", "exercise": "1"}
    out = io.StringIO()
    assert MockDrill(mock, io.StringIO("".join(answers[k] + "\n" for k in kinds)), out).run() == 0
    before, _, after = out.getvalue().partition("Report: ")
    assert before.count("Noted.") == len(kinds) == len(mock.questions)
    for card_id in CARDS:
        assert f"why {card_id}" not in before  # no explanation,
    for word in ("Right", "Wrong", "right", "wrong", "Correct", "Not quite", "Expected", "answer:", "add:"):
        assert word not in before  # no verdict, answer or worked step
    asked = [q.card_id for q in mock.questions]
    assert all(f"why {card_id}" in after for card_id in asked)  # ... until the end
    assert "- add:" in after  # the exercise's worked steps


def test_mock_answers_are_logged_as_mock_reviews(store, clock, generators):
    mock = MockRound(LIB, store, minutes=5, now=clock, rng=random.Random(3), tz=UTC)
    p = mock.next()
    mock.answer(right_answer(p))
    [review] = store.reviews()
    assert (review.card_id, review.mode, review.correct) == (p.card.id, "mock", True)
    assert store.state(p.card.id) == CardState(p.card.id)  # still new


def test_quizapp_mock_refuses_a_round_over_four_hours(db_path, capsys):
    assert main(["mock", "--minutes", "500", "--db", str(db_path)]) == 2
    assert capsys.readouterr().err == "quizapp mock: --minutes 500: a round lasts at most 240 minutes\n"
