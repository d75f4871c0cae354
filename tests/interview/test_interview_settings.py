"""The interview date and target are settings stored in the database (so a --db carries its own)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from quizapp.scheduler import Settings
from quizapp.store import Store, StoreError


def test_the_date_and_target_round_trip_and_clear(store):
    assert (store.settings().interview_date, store.settings().interview_target) == (None, 0.9)
    store.save_settings(interview_date="2026-03-24", interview_target=0.8)
    assert (store.settings().interview_date, store.settings().interview_target) == (date(2026, 3, 24), 0.8)
    store.save_settings(interview_date=date(2026, 4, 1))
    assert store.settings().interview_date == date(2026, 4, 1)
    assert store.raw_settings()["interview_date"] == "2026-04-01"
    store.save_settings(interview_date=None)
    assert store.settings().interview_date is None
    assert Settings.from_mapping(Settings(interview_date=date(2026, 3, 24)).to_mapping()).interview_date == date(2026, 3, 24)


@pytest.mark.parametrize("changes, message", [
    ({"interview_date": "24/03/2026"}, "setting 'interview_date' must be a date YYYY-MM-DD or none, got '24/03/2026'"),
    ({"interview_date": "2026-02-30"}, "setting 'interview_date' must be a date YYYY-MM-DD or none, got '2026-02-30'"),
    ({"interview_target": 1.0}, "setting 'interview_target' must be a number from 0.50 to 0.99, got 1.0"),
    ({"interview_target": "high"}, "setting 'interview_target' must be a number, got 'high'"),
])
def test_bad_values_are_refused_and_nothing_is_saved(store, changes, message):
    store.save_settings(interview_date="2026-03-24")
    with pytest.raises(ValueError) as info:
        store.save_settings(**changes)
    assert str(info.value) == message
    assert store.settings().interview_date == date(2026, 3, 24)


def test_a_hand_edited_date_is_one_line_naming_the_setting(db_path):
    Store.open(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('interview_date', ?)", (json.dumps(20260324),))
    with Store.open(db_path) as store, pytest.raises(StoreError) as info:
        store.settings()
    assert str(info.value) == f"{db_path}: setting 'interview_date' must be a date YYYY-MM-DD or none, got 20260324"
