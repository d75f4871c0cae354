"""The home screen's figures agree with quizapp.stats (written separately, per card through FSRS)
on any mix of card states, and today's totals count what the log says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.scheduler import LEARNING, NEW, RELEARNING, REVIEW, CardState
from quizapp.stats import topic_overview
from quizapp.store import Review, Store
from quizapp.tui.overview import overview

from .support import NOW


CARD_STATES = st.fixed_dictionaries(
    {
        "state": st.sampled_from([NEW, LEARNING, REVIEW, RELEARNING]),
        "stability": st.floats(0.1, 400),
        "days_since": st.integers(0, 500),
        "due_in_hours": st.integers(-24 * 30, 24 * 30),
        "buried": st.booleans(),
        "suspended": st.integers(0, 5).map(lambda n: n == 0),
    }
)


@pytest.fixture
def store(db_path):
    with Store.open(db_path) as opened:
        yield opened


# The examples share one database (each writes all 8 cards' states over the last example's), and
# utc_days only sets TZ, the same for every example.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=st.lists(CARD_STATES, min_size=8, max_size=8))
def test_per_topic_counts_match_the_stats_module(library, store, states):
    ids = [card.id for topic in library.topics for card in topic.cards]
    assert len(ids) == len(states)  # every card's state is written, none left from an earlier example
    for cid, s in zip(ids, states):
        store.put_state(
            CardState(
                cid,
                state=s["state"],
                stability=s["stability"] if s["state"] != NEW else None,
                difficulty=5.0 if s["state"] != NEW else None,
                due=NOW + timedelta(hours=s["due_in_hours"]) if s["state"] != NEW else None,
                last_review=NOW - timedelta(days=s["days_since"]) if s["state"] != NEW else None,
                reps=0 if s["state"] == NEW else 3,
                buried_until=NOW + timedelta(hours=5) if s["buried"] else None,
                suspended=s["suspended"],
            )
        )
    expected = topic_overview(library, store, NOW)
    got = overview(library.outlines, store, NOW).topics
    assert [(t.topic_id, t.total, t.due, t.new, t.mastered) for t in got] == [
        (t.topic_id, t.cards, t.due, t.new, t.mastered) for t in expected
    ]


def test_today_counts_reviews_since_the_day_began_and_new_cards_left(library, db_path):
    with Store.open(db_path) as store:
        # the study day began at 04:00 UTC (TZ is UTC in these tests); one review before it
        for cid, hours_ago, prev in (("tui-flash", 2, NEW), ("tui-tf", 3, NEW), ("tui-choice", 9, NEW)):
            store.apply_review(
                cid,
                lambda s, h=hours_ago: CardState(s.card_id, state=REVIEW, stability=5.0, difficulty=5.0,
                                                 due=NOW + timedelta(days=3), last_review=NOW - timedelta(hours=h), reps=1),
                Review(cid, NOW - timedelta(hours=hours_ago), 3, "flashcard", prev_state=prev),
            )
        today = overview(library.outlines, store, NOW).today
        assert today.reviewed == 2
        assert today.due == 0
        # 8 cards, 3 started: 5 new; the daily limit (20) has room for 18 more today
        assert today.new_available == 5
        assert not today.first_run
        store.save_settings(new_per_day=3)
        assert overview(library.outlines, store, NOW).today.new_available == 1  # 2 new ones taken today
