"""The FSRS adapter: intervals per rating, growth under Good, lapses, fuzz that is deterministic
and agrees with the preview, settings validation, and the interval labels."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from quizapp.scheduler import (
    LEARNING,
    NEW,
    RELEARNING,
    REVIEW,
    CardState,
    Rating,
    Scheduler,
    Settings,
    day_start,
    format_interval,
)

UTC = timezone.utc
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_new_card_intervals_follow_the_learning_steps():
    # Defaults (fsrs): learning steps 1 min and 10 min.  Again restarts at step 0 (1 min), Hard at
    # step 0 waits the mean of the first two steps (5.5 min), Good moves to step 1 (10 min), Easy
    # graduates at once with the initial Easy stability w3 = 8.2956 days -> round(8.2956) = 8 days
    # at 90% retention (the interval equals the stability when desired retention is 0.9).
    preview = Scheduler(Settings(enable_fuzzing=False)).preview(CardState("c"), T0)
    assert preview[Rating.Again] == timedelta(minutes=1)
    assert preview[Rating.Hard] == timedelta(minutes=5.5)
    assert preview[Rating.Good] == timedelta(minutes=10)
    assert preview[Rating.Easy] == timedelta(days=8)


def test_fuzz_keeps_easy_within_fsrs_range_and_matches_the_preview():
    # fsrs fuzz for 8 days: delta = 1 + 0.15 * (7 - 2.5) + 0.1 * (8 - 7) = 1.775, so
    # min = round(6.225) = 6 and max = round(9.775) = 10; fsrs then draws min + U[0, max - min + 1)
    # and rounds, which can reach 11.
    scheduler = Scheduler()
    seen = set()
    for i in range(60):
        state = CardState(f"card-{i}")
        shown = scheduler.preview(state, T0)[Rating.Easy]
        graded = scheduler.review(state, Rating.Easy, T0)
        assert graded.due - T0 == shown  # the button tells the truth
        assert timedelta(days=6) <= shown <= timedelta(days=11)
        seen.add(shown)
    assert len(seen) > 1  # fuzz still spreads cards apart


def test_fuzz_is_deterministic_across_scheduler_instances():
    state = CardState("same", reps=3, state=REVIEW, stability=30.0, difficulty=5.0,
                      due=T0, last_review=T0 - timedelta(days=30))
    first = Scheduler().review(state, Rating.Good, T0)
    second = Scheduler().review(state, Rating.Good, T0)
    assert first == second


def test_intervals_differ_per_rating_for_a_review_card():
    state = CardState("r", state=REVIEW, stability=10.0, difficulty=5.0, due=T0,
                      last_review=T0 - timedelta(days=10), reps=4)
    preview = Scheduler(Settings(enable_fuzzing=False)).preview(state, T0)
    assert preview[Rating.Again] == timedelta(minutes=10)  # relearning step
    assert timedelta(days=1) <= preview[Rating.Hard] < preview[Rating.Good] < preview[Rating.Easy]


def test_good_makes_intervals_grow():
    scheduler = Scheduler(Settings(enable_fuzzing=False))
    state = CardState("g")
    now = T0
    intervals = []
    for _ in range(8):
        state = scheduler.review(state, Rating.Good, now)
        intervals.append(state.due - now)
        now = state.due
    assert state.state == REVIEW
    review_intervals = intervals[2:]  # after the two learning steps
    assert all(b > a for a, b in zip(review_intervals, review_intervals[1:]))
    assert review_intervals[-1] > timedelta(days=60)


def test_lapse_counts_only_review_cards_rated_again():
    scheduler = Scheduler()
    learning = scheduler.review(CardState("l"), Rating.Again, T0)
    assert (learning.state, learning.lapses) == (LEARNING, 0)
    review = CardState("r", state=REVIEW, stability=5.0, difficulty=5.0, due=T0,
                       last_review=T0 - timedelta(days=5), reps=3, lapses=2)
    failed = scheduler.review(review, Rating.Again, T0)
    assert (failed.state, failed.lapses, failed.reps) == (RELEARNING, 3, 4)
    assert failed.is_leech(3) and not failed.is_leech(4)


def test_review_clears_a_burial_and_keeps_suspension():
    state = CardState("b", buried_until=T0 + timedelta(hours=5), suspended=True)
    after = Scheduler().review(state, Rating.Good, T0)
    assert after.buried_until is None and after.suspended


def test_settings_change_the_steps_and_retention():
    fast = Settings(learning_steps=(timedelta(minutes=2),), desired_retention=0.8, enable_fuzzing=False)
    preview = Scheduler(fast).preview(CardState("s"), T0)
    assert preview[Rating.Again] == timedelta(minutes=2)
    assert preview[Rating.Hard] == timedelta(minutes=3)  # one step: 1.5 x the step
    # Lower desired retention -> longer intervals than the 0.9 default for the same card.
    default = Scheduler(Settings(enable_fuzzing=False)).preview(CardState("s"), T0)
    assert preview[Rating.Easy] > default[Rating.Easy]


def test_maximum_interval_caps_reviews():
    capped = Scheduler(Settings(maximum_interval=3, enable_fuzzing=False))
    state = CardState("m", state=REVIEW, stability=200.0, difficulty=3.0, due=T0,
                      last_review=T0 - timedelta(days=200), reps=9)
    assert capped.preview(state, T0)[Rating.Easy] == timedelta(days=3)


def test_retrievability_is_zero_for_new_cards_and_falls_with_time():
    scheduler = Scheduler()
    assert scheduler.retrievability(CardState("n"), T0) == 0.0
    state = CardState("r", state=REVIEW, stability=10.0, difficulty=5.0, due=T0,
                      last_review=T0, reps=3)
    fresh = scheduler.retrievability(state, T0)
    at_stability = scheduler.retrievability(state, T0 + timedelta(days=10))
    assert fresh == pytest.approx(1.0)
    assert at_stability == pytest.approx(0.9, abs=1e-6)  # FSRS: R(S) = 90% by definition


def test_settings_round_trip_and_validation():
    custom = Settings(desired_retention=0.85, learning_steps=(timedelta(seconds=30), timedelta(hours=1)),
                      new_per_day=5, day_starts_at=0)
    assert Settings.from_mapping(custom.to_mapping()) == custom
    assert Settings.from_mapping({"unknown": 1}) == Settings()
    for bad in ({"desired_retention": 1.5}, {"new_per_day": -1}, {"learning_steps": "fast"},
                {"learning_steps": [0]}, {"day_starts_at": 24}, {"enable_fuzzing": "yes"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Settings.from_mapping(bad)


@pytest.mark.parametrize(
    "delta, label",
    [
        (timedelta(seconds=0), "now"),
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=90), "2h"),
        (timedelta(hours=23), "23h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=4), "4d"),
        (timedelta(days=45), "1.5mo"),
        (timedelta(days=60), "2mo"),
        (timedelta(days=365), "1y"),
        (timedelta(days=400), "1.1y"),
    ],
)
def test_format_interval(delta, label):
    assert format_interval(delta) == label


@given(st.integers(min_value=1, max_value=10**9))
def test_format_interval_is_short_and_never_crashes(seconds):
    label = format_interval(timedelta(seconds=seconds))
    assert 2 <= len(label) <= 6 and label[-1] in "mhdoy"


def test_day_start_rolls_over_at_the_configured_hour():
    assert day_start(T0, 4, UTC) == datetime(2026, 3, 10, 4, tzinfo=UTC)
    early = datetime(2026, 3, 10, 3, 59, tzinfo=UTC)
    assert day_start(early, 4, UTC) == datetime(2026, 3, 9, 4, tzinfo=UTC)
    assert day_start(early, 0, UTC) == datetime(2026, 3, 10, 0, tzinfo=UTC)


def test_a_new_state_is_new():
    state = CardState("x")
    assert state.state == NEW and state.is_new and state.state_name == "new"
    assert replace(state, state=REVIEW).state_name == "review"
