"""quizapp.stats on a hand-made history: every figure checked against counts done by hand."""

from __future__ import annotations

from datetime import date, timedelta, timezone

import pytest

from quizapp.content.model import Flashcard
from quizapp.scheduler import LEARNING, RELEARNING, REVIEW, CardState
from quizapp.stats import compute, topic_overview
from quizapp.store import Review

from .store_helpers import T0, flash, library, topic, truefalse

UTC = timezone.utc


def log(store, card_id, at, rating=3, misconception=None, state=None):
    """Append a review directly (the figures only read the log and the states)."""
    if state is not None:
        store.put_state(state)
    elif store.get_state(card_id) is None:
        store.put_state(CardState(card_id))
    store.apply_review(card_id, lambda s: s, Review(card_id, at, rating, "flashcard", misconception=misconception))


@pytest.fixture
def lib():
    return library(
        topic("alpha", [flash("a1"), flash("a2"), flash("a3"), flash("a4")], title="Alpha"),
        topic("beta", [truefalse("b1", "beta"), Flashcard(id="b2", topic="beta", explain="e", front="f",
                                                            back="b", teaches=("unbiased_variance",))],
              title="Beta"),
    )


def test_reviews_per_day_and_retention(store, lib):
    # T0 is 2026-03-10 12:00 UTC; days start at 04:00 UTC.
    log(store, "a1", T0, rating=3)
    log(store, "a1", T0 - timedelta(hours=7, minutes=30), rating=1)  # 04:30 today
    log(store, "a2", T0 - timedelta(hours=8, minutes=30), rating=3)  # 03:30: yesterday's study day
    log(store, "a2", T0 - timedelta(days=29), rating=4)  # oldest day in the window
    log(store, "a3", T0 - timedelta(days=30), rating=1)  # outside the 30 days
    stats = compute(lib, store, T0, tz=UTC)
    days = stats.reviews_per_day
    assert len(days) == 30 and days[-1].day == date(2026, 3, 10) and days[0].day == date(2026, 2, 9)
    assert days[-1].count == 2 and days[-2].count == 1 and days[0].count == 1
    assert sum(d.count for d in days) == 4
    assert (stats.reviewed_30d, stats.right_30d) == (4, 3)
    assert stats.retention_30d == pytest.approx(0.75)
    assert stats.total_reviews == 5


def test_no_reviews_means_no_retention_figure(store, lib):
    stats = compute(lib, store, T0, tz=UTC)
    assert stats.retention_30d is None and stats.reviewed_30d == 0
    assert stats.by_state == {"new": 6, "learning": 0, "review": 0, "relearning": 0, "suspended": 0}
    assert stats.misconceptions == ()


def test_cards_by_state_and_forecast(store, lib):
    store.put_state(CardState("a1", state=REVIEW, stability=9.0, difficulty=5.0,
                              due=T0 - timedelta(days=2), last_review=T0 - timedelta(days=11)))  # overdue
    store.put_state(CardState("a2", state=REVIEW, stability=9.0, difficulty=5.0,
                              due=T0 + timedelta(days=3), last_review=T0 - timedelta(days=6)))
    store.put_state(CardState("a3", state=LEARNING, step=1, stability=1.0, difficulty=5.0,
                              due=T0 + timedelta(minutes=10), last_review=T0))
    store.put_state(CardState("b1", state=RELEARNING, step=0, stability=1.0, difficulty=7.0,
                              due=T0 + timedelta(days=13, hours=1), last_review=T0, suspended=True))
    store.put_state(CardState("not-in-content", state=REVIEW, stability=1.0, difficulty=5.0,
                              due=T0, last_review=T0))
    stats = compute(lib, store, T0, tz=UTC)
    assert stats.by_state == {"new": 2, "learning": 1, "review": 2, "relearning": 1, "suspended": 1}
    counts = [d.count for d in stats.forecast]
    assert len(counts) == 14
    assert counts[0] == 2  # the overdue a1 and the learning a3
    assert counts[3] == 1  # a2
    assert sum(counts) == 3  # suspended b1 and the card not in the content are left out


def test_mastery_counts_review_cards_recalled_with_90_percent(store, lib):
    # FSRS: retrievability is exactly 0.9 when the days since the last review equal the stability.
    store.put_state(CardState("a1", state=REVIEW, stability=10.0, difficulty=5.0,
                              due=T0 + timedelta(days=5), last_review=T0 - timedelta(days=5)))  # R > 0.9
    store.put_state(CardState("a2", state=REVIEW, stability=10.0, difficulty=5.0,
                              due=T0, last_review=T0 - timedelta(days=30)))  # R < 0.9: forgotten-ish
    store.put_state(CardState("a3", state=LEARNING, step=0, stability=3.0, difficulty=5.0,
                              due=T0, last_review=T0))  # fresh but still learning
    [alpha, beta] = topic_overview(lib, store, T0, tz=UTC)
    assert (alpha.topic_id, alpha.cards, alpha.mastered, alpha.new) == ("alpha", 4, 1, 1)
    assert alpha.mastery == pytest.approx(0.25)
    assert alpha.due == 2  # a2 and a3 due now; a1 in 5 days
    assert (beta.mastered, beta.new, beta.mastery) == (0, 2, 0.0)


def test_most_frequent_misconceptions_with_teaching_cards(store, lib):
    for i in range(3):
        log(store, "a1", T0 - timedelta(hours=i), 1, "unbiased_variance")
    log(store, "a1", T0 - timedelta(hours=5), 1, "no_eps")
    log(store, "a1", T0 - timedelta(hours=6), 3)
    stats = compute(lib, store, T0, tz=UTC)
    assert [(m.name, m.count) for m in stats.misconceptions] == [("unbiased_variance", 3), ("no_eps", 1)]
    assert stats.misconceptions[0].teaching_cards == ("b2",)
    assert stats.misconceptions[0].last_seen == T0
    assert stats.misconceptions[1].teaching_cards == ()
