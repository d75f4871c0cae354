"""Cloze cards in a study session and in plain mode: the typed text is matched leniently, a right
answer is Good, a wrong one Again, an empty one records nothing."""

from __future__ import annotations

import io
import random
from datetime import timezone

import pytest

from quizapp.cli.plain_session import PlainDrill
from quizapp.content.model import ClozeCard
from quizapp.grading import AnswerError
from quizapp.scheduler import Rating
from quizapp.study import open_session

from .store_helpers import library, topic

TEXT = "LayerNorm normalizes over the {{c1::feature}} axes of {{c2::each sample::which rows?}}."


def cloze(number: int, accept: tuple[str, ...] = ()) -> ClozeCard:
    return ClozeCard(id=f"ln-c{number}", topic="alpha", explain="Per sample, over features.", text=TEXT,
                     number=number, accept=accept, note="ln")


LIB = library(topic("alpha", [cloze(1, ("features", "the last")), cloze(2)]))


def session(store, clock):
    return open_session(LIB, store, now=clock, rng=random.Random(1), tz=timezone.utc)


def test_a_lenient_right_answer_is_good_and_a_wrong_one_again(store, clock):
    s = session(store, clock)
    first = s.next()
    assert first.card.id == "ln-c1" and not first.self_graded
    with pytest.raises(AnswerError):
        s.submit("   ")
    assert store.review_count() == 0
    right = s.submit("  FEATURE. ")
    assert right.correct and right.rating == Rating.Good and right.expected == "feature"
    assert s.next().card.id == "ln-c2"
    wrong = s.submit("each batch")
    assert not wrong.correct and wrong.rating == Rating.Again
    assert wrong.expected == "each sample"
    assert [(r.card_id, r.rating, r.correct, r.answer) for r in reversed(store.reviews())] == [
        ("ln-c1", 3, True, "FEATURE."), ("ln-c2", 1, False, "each batch")]


def test_an_accepted_alternative_is_right(store, clock):
    s = session(store, clock)
    s.next()
    assert s.submit("Features").correct


def test_plain_mode_asks_with_the_blank_and_shows_the_answer(store, clock):
    out = io.StringIO()
    PlainDrill(session(store, clock), io.StringIO("feature\n\neach row\n"), out).run()  # Enter keeps the grade
    text = out.getvalue()
    assert "Fill in the blank: LayerNorm normalizes over the [...] axes of each sample." in text
    assert "Fill in the blank: LayerNorm normalizes over the feature axes of [which rows?]." in text
    assert "saved: ln-c1 good" in text and "Answer: each sample" in text and "saved: ln-c2 again" in text
