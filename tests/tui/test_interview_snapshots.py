"""A snapshot (100x32) of the home screen with an interview date set: the countdown, readiness,
today's share of the plan and the topics at risk above the topic table.

Review a changed snapshot before accepting it (``--snapshot-update``), as for
tests/tui/test_tui_snapshots.py.
"""

from __future__ import annotations

from datetime import timedelta

from quizapp.scheduler import Rating, Scheduler
from quizapp.store import Review, Store

from .support import NOW, SIZE


def test_home_with_an_interview_date(snap_compare, make_app, db_path):
    with Store.open(db_path) as store:
        store.save_settings(interview_date="2026-03-24")
        scheduler = Scheduler(store.settings())
        for card_id, days_ago in (("tui-tf", 6), ("tui-choice", 3), ("tui-drop-tf", 1)):
            for minutes in (0, 1, 11):
                at = NOW - timedelta(days=days_ago, minutes=-minutes)
                review = Review(card_id=card_id, reviewed_at=at, rating=3, kind="truefalse", correct=True)
                store.apply_review(card_id, lambda s, at=at: scheduler.review(s, Rating.Good, at), review)
    assert snap_compare(make_app(), terminal_size=SIZE)
