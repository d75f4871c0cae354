"""The stats screen's parts without a terminal: quizapp.history, the heatmap's shading and weeks,
sparklines and bars.  Expected values are worked by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.history import DayReviews, daily_reviews, streak, weekly_retention
from quizapp.stats import compute
from quizapp.store import Review, Store
from quizapp.tui.widgets.heatmap import level, level_ranges, week_columns
from quizapp.tui.widgets.stats_bars import bar
from quizapp.tui.widgets.stats_chart import sparkline

from .simulated_history import make_library
from .support import NOW

UTC = timezone.utc


def log(store: Store, at: datetime, rating: int = 3) -> None:
    store.apply_review("c", lambda s: s, Review("c", at, rating, "flashcard"))


def test_daily_reviews_buckets_by_study_day(tmp_path):
    with Store.open(tmp_path / "r.db") as store:
        log(store, NOW)  # Tuesday 12:00
        log(store, NOW.replace(hour=4, minute=30), rating=1)  # today, after 04:00: an Again
        log(store, NOW.replace(hour=3, minute=30))  # before 04:00: yesterday's study day
        log(store, NOW - timedelta(days=6))  # the oldest day of a 7-day window
        log(store, NOW - timedelta(days=7))  # outside it
        days = daily_reviews(store, NOW, 7)
    assert [d.day for d in days] == [date(2026, 3, 4) + timedelta(days=i) for i in range(7)]
    assert [(d.reviewed, d.right) for d in days] == [(1, 1), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1), (2, 1)]


def test_last_30_days_agree_with_quizapp_stats(history_store):
    days = daily_reviews(history_store, NOW, 112)
    stats = compute(make_library(), history_store, NOW)
    assert [(d.day, d.reviewed) for d in days[-30:]] == [(d.day, d.count) for d in stats.reviews_per_day]
    assert sum(d.right for d in days[-30:]) == stats.right_30d


def test_weekly_retention_groups_monday_to_sunday():
    days = [DayReviews(date(2026, 3, 1) + timedelta(days=i), n, r)
            for i, (n, r) in enumerate([(4, 2), (3, 3), (0, 0), (1, 0), (0, 0), (0, 0), (0, 0), (0, 0), (2, 1)])]
    # 2026-03-01 is a Sunday: it closes the week of 02-23; 03-02..03-08 is a week; 03-09 starts one.
    weeks = weekly_retention(days)
    assert [(w.start, w.reviewed, w.right) for w in weeks] == [
        (date(2026, 2, 23), 4, 2), (date(2026, 3, 2), 4, 3), (date(2026, 3, 9), 2, 1)]
    assert weeks[0].retention == 0.5
    assert weekly_retention([DayReviews(date(2026, 3, 2), 0, 0)])[0].retention is None  # a gap, not 0%


@pytest.mark.parametrize("counts, expected", [
    ([1, 1, 1], 3),
    ([1, 0, 1, 1], 2),
    ([1, 1, 0], 2),  # nothing yet today: the streak still stands
    ([1, 0, 0], 0),
    ([], 0),
])
def test_streak(counts, expected):
    days = [DayReviews(date(2026, 3, 1) + timedelta(days=i), n, n) for i, n in enumerate(counts)]
    assert streak(days) == expected


def test_heatmap_levels_and_legend():
    assert [level(c, 8) for c in range(9)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert level_ranges(8) == [(1, 1, 2), (2, 3, 4), (3, 5, 6), (4, 7, 8)]
    assert level_ranges(2) == [(2, 1, 1), (4, 2, 2)]  # shades no count reaches are not listed
    assert level(5, 0) == 0


@given(top=st.integers(1, 500))
def test_legend_ranges_cover_every_count_once_with_its_shade(top):
    ranges = level_ranges(top)
    covered = [c for _, lo, hi in ranges for c in range(lo, hi + 1)]
    assert covered == list(range(1, top + 1))
    assert all(level(c, top) == shade for shade, lo, hi in ranges for c in (lo, hi))


def test_week_columns_start_on_monday_and_leave_the_future_blank():
    days = [(date(2026, 3, 1) + timedelta(days=i), i) for i in range(10)]  # Sun 03-01 .. Tue 03-10
    columns = week_columns(days, 3)
    assert [col[0][0] if col[0] else None for col in columns] == [None, date(2026, 3, 2), date(2026, 3, 9)]
    assert columns[0][:6] == [None] * 6 and columns[0][6] == (date(2026, 3, 1), 0)
    assert columns[2][1] == (date(2026, 3, 10), 9) and columns[2][2:] == [None] * 5


def test_sparkline_and_bar():
    assert sparkline([0, 4, 8]) == "·▅█"
    assert sparkline([None, 50, 100], 0, 100) == " ▅█"
    assert sparkline([]) == ""
    assert bar(0.5, 4) == "██░░"
    assert bar(1 / 16, 2) == "▏░"  # one eighth of the first of 2 cells
    assert bar(2.0, 3) == "███" and bar(-1, 3) == "░░░"
