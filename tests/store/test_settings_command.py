"""``quizapp settings``: every setting listed, set and reset; a bad key or value is one line and
exit 2 with nothing changed; and each setting changes what a study session serves."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from quizapp.cardstate import Settings
from quizapp.cli import main
from quizapp.scheduler import Rating
from quizapp.settings_text import KEYS, SettingError, check_setting
from quizapp.store import Store

from .store_helpers import T0, flash_library

TODAY = date(2026, 3, 10)
FUTURE = (date.today() + timedelta(days=30)).isoformat()

#: (key, text typed, the value the store then holds, the text `settings KEY` shows)
GOOD = [
    ("desired_retention", "0.85", 0.85, "0.85"),
    ("new_per_day", "3", 3, "3"),
    ("reviews_per_day", "9999", 9999, "9999"),
    ("learning_steps", "30s 2m 1h", (timedelta(seconds=30), timedelta(minutes=2), timedelta(hours=1)), "30s 2m 1h"),
    ("relearning_steps", "none", (), "none"),
    ("maximum_interval", "365", 365, "365"),
    ("day_starts_at", "0", 0, "0"),
    ("leech_lapses", "5", 5, "5"),
    ("interview_date", FUTURE, date.fromisoformat(FUTURE), FUTURE),
    ("interview_target", "0.85", 0.85, "0.85"),
]


def settings_cmd(db, *args):
    return main(["settings", "--db", str(db), *args])


def stored(db) -> Settings:
    with Store.open(db) as store:
        return store.settings()


def test_every_key_is_covered_here():
    assert sorted(key for key, *_ in GOOD) == sorted(KEYS)


def test_the_listing_shows_each_value_default_and_meaning(tmp_path, capsys):
    db = tmp_path / "r.db"
    assert settings_cmd(db, "new_per_day", "7") == 0
    capsys.readouterr()
    assert settings_cmd(db) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert set(KEYS) <= set(lines)
    assert re.match(r"new_per_day\s+7\s+20\s+new cards introduced per study day", lines["new_per_day"])
    assert re.match(r"learning_steps\s+1m 10m\s+1m 10m\s+\w", lines["learning_steps"])
    assert "FSRS parameters: the defaults" in out


@pytest.mark.parametrize("key, text, value, shown", GOOD, ids=[g[0] for g in GOOD])
def test_each_setting_round_trips_and_resets(tmp_path, capsys, key, text, value, shown):
    db = tmp_path / "r.db"
    assert settings_cmd(db, key, *text.split()) == 0
    assert getattr(stored(db), key) == value
    with Store.open(db) as other:  # a fresh process reads the same
        assert getattr(other.settings(), key) == value
    capsys.readouterr()
    assert settings_cmd(db, key) == 0
    assert re.match(rf"{key}\s+{re.escape(shown)}\s", capsys.readouterr().out.splitlines()[1])
    assert settings_cmd(db, "--reset", key) == 0
    assert stored(db) == Settings()


def test_a_db_carries_its_own_settings(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    assert settings_cmd(first, "new_per_day", "4") == 0
    assert stored(first).new_per_day == 4 and stored(second).new_per_day == 20


@pytest.mark.parametrize(
    "args, says",
    [
        (["colour", "red"], "unknown setting 'colour'; the settings are: desired_retention"),
        (["--reset", "colour"], "unknown setting 'colour'"),
        (["desired_retention", "2"], "desired_retention cannot be '2': it is a number from 0.70 to 0.99"),
        (["desired_retention", "nan"], "a number from 0.70 to 0.99"),
        (["new_per_day", "-1"], "new_per_day cannot be '-1': it is a whole number from 0 to 9999"),
        (["reviews_per_day", "10000"], "from 0 to 9999"),
        (["learning_steps", "soon"], "steps like `1m 10m`"),
        (["learning_steps", "2d"], "each 1s to 1d"),
        (["maximum_interval", "0"], "a whole number of days from 1 to 36500"),
        (["day_starts_at", "24"], "an hour from 0 to 23"),
        (["leech_lapses", "0"], "a whole number from 1 to 99"),
        (["interview_date", "2001-01-01"], "interview_date cannot be 2001-01-01: that day has passed"),
        (["interview_date", "tomorrow"], "a date YYYY-MM-DD"),
    ],
)
def test_a_bad_key_or_value_is_one_line_and_exit_2_with_nothing_changed(tmp_path, capsys, args, says):
    db = tmp_path / "r.db"
    assert settings_cmd(db, "new_per_day", "5") == 0
    capsys.readouterr()
    assert settings_cmd(db, *args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("quizapp settings: ") and says in err
    assert stored(db) == Settings(new_per_day=5)


def test_a_retention_outside_fsrs_recommended_band_is_set_with_a_warning(tmp_path, capsys):
    db = tmp_path / "r.db"
    assert settings_cmd(db, "desired_retention", "0.75") == 0
    assert "below FSRS's recommended 0.80-0.95" in capsys.readouterr().err
    assert settings_cmd(db, "desired_retention", "0.9") == 0
    assert capsys.readouterr().err == ""
    assert stored(db).desired_retention == 0.9


# -- the one validation function, over any text --------------------------------------------------

#: What each key may hold, written independently of the code: a predicate on the stored value
#: (and the date the value was set on).
ALLOWED = {
    "desired_retention": lambda v: 0.70 <= v <= 0.99,
    "new_per_day": lambda v: 0 <= v <= 9999,
    "reviews_per_day": lambda v: 0 <= v <= 9999,
    "learning_steps": lambda v: len(v) <= 10 and all(timedelta(seconds=1) <= s <= timedelta(days=1) for s in v),
    "relearning_steps": lambda v: len(v) <= 10 and all(timedelta(seconds=1) <= s <= timedelta(days=1) for s in v),
    "maximum_interval": lambda v: 1 <= v <= 36500,
    "day_starts_at": lambda v: 0 <= v <= 23,
    "leech_lapses": lambda v: 1 <= v <= 99,
    "interview_target": lambda v: 0.50 <= v <= 0.99,
}


def allowed(key, value, today) -> bool:
    if key == "interview_date":
        return value is None or value >= today
    return ALLOWED[key](value)


typed = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-10, max_value=40000).map(str),
    st.lists(st.sampled_from(["0s", "1s", "59m", "1.5m", "24h", "25h", "1d", "2d", "x", "10"]), max_size=12).map(" ".join),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)).map(date.isoformat),
)


@given(key=st.sampled_from(KEYS), text=typed)
def test_check_setting_accepts_exactly_the_allowed_values(key, text):
    try:
        changed = check_setting(Settings(), key, text, TODAY)
    except SettingError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(key)
        return
    value = getattr(changed, key)
    assert allowed(key, value, TODAY)
    if isinstance(value, float):
        assert math.isfinite(value)
    assert Settings.from_mapping(changed.to_mapping()) == changed  # what is set can be stored


@hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(KEYS), text=typed)
def test_the_command_changes_nothing_when_it_refuses(tmp_path, capsys, key, text):
    db = tmp_path / "r.db"  # one database for every example: each compares with what it found
    before = stored(db)
    code = settings_cmd(db, "--", key, text)
    capsys.readouterr()
    if code == 2:
        assert stored(db) == before
    else:
        assert code == 0 and allowed(key, getattr(stored(db), key), date.today())


# -- what each setting changes in a session -------------------------------------------------------


def test_new_per_day_3_introduces_at_most_3_new_cards_that_day(make_session, store, clock):
    assert settings_cmd(store.path, "new_per_day", "3") == 0
    lib = flash_library(10)
    session = make_session(lib)
    seen = set()
    while (p := session.next()) is not None:
        seen.add(p.card.id)
        session.grade(Rating.Easy)
    assert len(seen) == 3
    assert make_session(lib).next() is None  # a second session the same day: none left
    clock.advance(days=1)
    assert make_session(lib).remaining().new == 3


def test_learning_steps_change_the_next_interval(make_session, store):
    assert settings_cmd(store.path, "learning_steps", "3m", "1h") == 0
    session = make_session(flash_library(1))
    session.next()
    assert session.grade(Rating.Good).interval == timedelta(hours=1)  # Good: the second step


def test_relearning_steps_change_a_lapse_interval(make_session, store):
    from .test_session_queue import review_state

    store.put_state(review_state("alpha-000", T0))
    assert settings_cmd(store.path, "relearning_steps", "25m") == 0
    session = make_session(flash_library(1))
    session.next()
    assert session.grade(Rating.Again).interval == timedelta(minutes=25)


def test_day_starts_at_moves_today(make_session, store, clock):
    """At 02:00 UTC a review done at 01:00 belongs to the same study day when days start at
    midnight, but to yesterday's when they start at 04:00 (then today is still open to new cards)."""
    lib = flash_library(4)
    clock.t = datetime(2026, 3, 10, 1, 0, tzinfo=timezone.utc)
    assert settings_cmd(store.path, "new_per_day", "1") == 0
    first = make_session(lib)
    first.next()
    first.grade(Rating.Easy)
    clock.t = datetime(2026, 3, 10, 5, 0, tzinfo=timezone.utc)
    assert make_session(lib).remaining().new == 1  # 04:00 began a new day
    assert settings_cmd(store.path, "day_starts_at", "0") == 0
    assert make_session(lib).remaining().new == 0  # the 01:00 review is today's


def test_reviews_per_day_and_maximum_interval_reach_the_scheduler(make_session, store):
    assert settings_cmd(store.path, "reviews_per_day", "0") == 0
    assert settings_cmd(store.path, "maximum_interval", "2") == 0
    session = make_session(flash_library(1))
    assert session.review_limit == 0
    session.next()
    assert session.grade(Rating.Easy).interval <= timedelta(days=2)  # Easy would be ~8 days


def test_leech_lapses_decides_the_flag(make_session, store):
    from .test_session_queue import review_state

    store.put_state(review_state("alpha-000", T0, lapses=1))
    assert settings_cmd(store.path, "leech_lapses", "2") == 0
    session = make_session(flash_library(1))
    session.next()
    assert session.grade(Rating.Again).leech
