"""replay_card: a card's state recomputed from its log equals the state the store kept while
studying (Store.apply_review), whatever the grades and waits; cram and mock rows change nothing."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta, timezone

from hypothesis import HealthCheck, given, settings, strategies as st

from quizapp.replay import replay_card
from quizapp.scheduler import Rating, scheduler_for
from quizapp.session import Session
from quizapp.store import Review, Store

from .store_helpers import Clock, flash_library


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(list(Rating)), st.integers(min_value=0, max_value=40 * 24 * 60), st.sampled_from(["review", "review", "cram", "mock"])),
        min_size=1,
        max_size=12,
    )
)
def test_replaying_the_log_gives_the_stored_state(tmp_path_factory, steps):
    with Store.open(tmp_path_factory.mktemp("replay") / "r.db") as store:
        clock = Clock()
        scheduler = scheduler_for(store)
        # the first is a scheduled review: a cram row for a card without a state row is refused
        # by the log's foreign key (Store.apply_review writes no state for cram)
        for rating, wait_minutes, mode in [(steps[0][0], 0, "review"), *steps]:
            clock.advance(minutes=wait_minutes)
            if mode == "review":
                session = Session(flash_library(1), store, now=clock, tz=timezone.utc, rng=random.Random(1), cards=["alpha-000"])
                session.next()
                session.grade(rating)
            else:  # cram and mock are logged beside the schedule
                review = Review("alpha-000", clock.t, int(rating), "flashcard", mode=mode)
                store.apply_review("alpha-000", lambda s: s, review)
        store.bury("alpha-000", clock.t + timedelta(days=1))
        kept = store.state("alpha-000")
        replayed = replay_card("alpha-000", store.reviews(), scheduler)
        assert replace(replayed, buried_until=kept.buried_until) == kept


def test_other_cards_rows_are_ignored_and_order_is_by_time_then_id(store, clock):
    scheduler = scheduler_for(store)
    t = clock.t
    rows = [
        Review("a", t + timedelta(days=3), 3, "flashcard", id=2),
        Review("b", t + timedelta(days=1), 1, "flashcard", id=3),
        Review("a", t, 4, "flashcard", id=1),
    ]
    expected = scheduler.review(scheduler.review(replay_card("a", [], scheduler), Rating.Easy, t), Rating.Good, t + timedelta(days=3))
    assert replay_card("a", rows, scheduler) == expected
    assert replay_card("a", [], scheduler).is_new
