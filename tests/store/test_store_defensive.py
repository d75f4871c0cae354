"""Every stored value is read defensively: a hand-edited (or otherwise odd) value in any column of
card_state or review_log gives one StoreError line naming the card and the column, on every path
that reads it (study, stats, the home figures, the browser), or the path works; never a
TypeError, OverflowError or ValueError, and nothing is written on the way out."""

from __future__ import annotations

import io
import random
import sqlite3
import sys
import tempfile
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.cli import main
from quizapp.figures import home_figures
from quizapp.interview.plan import make_plan
from quizapp.interview.stats import interview_stats
from quizapp.scheduler import LEARNING, REVIEW, CardState, Rating
from quizapp.session import Session
from quizapp.stats import compute
from quizapp.store import Review, Store, StoreError
from quizapp.tui.widgets.browser_query import CardIndex

from .store_helpers import T0, Clock, flash, library, topic, truefalse

UTC = timezone.utc
FIXTURE_DECK = Path(__file__).parent / "fixtures"
LIB = library(topic("alpha", [flash("odd", tags=("x",)), flash("fine"), truefalse("tf")]))

CARD_COLUMNS = ("card_id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
                "lapses", "buried_until", "suspended")
REVIEW_COLUMNS = ("card_id", "reviewed_at", "rating", "duration_ms", "kind", "prev_state", "correct", "answer",
                  "seed", "verdict", "misconception", "uid", "device", "mode")

ODD = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.binary(max_size=6),
    st.sampled_from(["notanumber", "", "1", "2.5", 1e300, -1e300, 2**63 - 1, -(2**63), 0, 1, 3, 4, 0.5]),
)


def raw(path: Path) -> sqlite3.Connection:
    """A plain connection that, like a hand edit, ignores the schema's CHECK constraints."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    return conn


def dump(path: Path) -> list:
    with sqlite3.connect(path) as conn:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                for t in ("card_state", "review_log", "review_tombstone", "settings")]


def seeded(path: Path) -> None:
    """A small real history: 'odd' in review, 'fine' learning, reviews in the log."""
    with Store.open(path) as store:
        store.put_state(CardState("odd", state=REVIEW, stability=10.0, difficulty=5.0, due=T0 - timedelta(days=1),
                                  last_review=T0 - timedelta(days=11), reps=4, lapses=1))
        store.put_state(CardState("fine", state=LEARNING, step=0, stability=1.0, difficulty=5.0,
                                  due=T0 - timedelta(minutes=5), last_review=T0 - timedelta(minutes=6), reps=1))
        for minutes, card_id in ((30, "odd"), (20, "fine"), (10, "odd")):
            store.apply_review(card_id, lambda s: s, Review(card_id, T0 - timedelta(minutes=minutes), 3,
                                                             "flashcard", misconception="no_eps"))


def study(store: Store, **kwargs) -> None:
    session = Session(LIB, store, now=Clock(), tz=UTC, rng=random.Random(0), **kwargs)
    for _ in range(6):
        shown = session.next()
        if shown is None:
            break
        if shown.self_graded:
            session.preview()
            session.grade(Rating.Good)
        else:
            session.submit("t")
    session.summary()


READING = {
    "home figures": lambda store: home_figures(LIB.topics, store, T0, tz=UTC),
    "stats": lambda store: compute(LIB, store, T0, tz=UTC),
    "browser": lambda store: CardIndex.build(LIB, store, T0, UTC),
    "card history": lambda store: store.reviews("odd"),
    "card state": lambda store: store.get_state("odd"),
    "interview plan": lambda store: make_plan(LIB.topics, store, T0, date(2026, 3, 24), UTC),
    "interview stats": lambda store: interview_stats(LIB, store, T0, UTC),
}
STUDYING = {
    "study today": lambda store: study(store),
    "study the odd card": lambda store: study(store, cards=["odd"]),
}


def every_path_says_it_or_works(path: Path, card: str | None, columns: set[str]) -> None:
    """Each path works or raises one StoreError line naming ``card`` (when given) and one of
    ``columns``; a reading path that fails writes nothing (studying may have saved grades of
    other cards before it stopped)."""
    for label, run in {**READING, **STUDYING}.items():
        before = dump(path)
        with Store.open(path) as store:
            try:
                run(store)
            except StoreError as exc:
                message = str(exc)
                assert "\n" not in message and len(message) < 300, (label, message)
                assert card is None or f"card {card}:" in message, (label, message)
                assert any(f"column '{column}' holds" in message for column in columns), (label, message)
                assert label in STUDYING or dump(path) == before, label


def check_edit(table: str, row: str, column: str, value: object, card: str | None, columns: set[str]) -> None:
    """Hand-edit ``column`` of one row of a small real history to ``value``, then read it every way."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.db"
        seeded(path)
        with raw(path) as conn:
            try:
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE {row}", (value,))
            except sqlite3.IntegrityError:
                return  # NOT NULL or a key: SQLite itself refuses the edit
        every_path_says_it_or_works(path, card, columns)


@given(column=st.sampled_from(CARD_COLUMNS), value=ODD)
def test_any_value_in_any_card_state_column(column, value):
    # A state that needs other fields (a step, a stability...) may be reported at those.
    columns = {column} | ({"step", "stability", "difficulty", "due", "last_review"} if column == "state" else set())
    check_edit("card_state", "card_id = 'odd'", column, value, None if column == "card_id" else "'odd'", columns)


@given(column=st.sampled_from(REVIEW_COLUMNS), value=ODD)
def test_any_value_in_any_review_log_column(column, value):
    check_edit("review_log", "id = 2", column, value, None, {column})


@pytest.mark.parametrize("column, value, says", [
    ("due", "notanumber", "card 'odd': column 'due' holds 'notanumber', not a time"),
    ("due", 1e300, "card 'odd': column 'due' holds 1e+300, not a time"),
    ("due", -(2**62), "card 'odd': column 'due' holds -4611686018427387904, not a time"),
    ("last_review", 2**63 - 1, "card 'odd': column 'last_review' holds 9223372036854775807, not a time"),
    ("state", 7, "card 'odd': column 'state' holds 7, not a state number 0-3"),
    ("stability", None, "card 'odd': column 'stability' holds None, not a stability in days"),
    ("reps", "many", "card 'odd': column 'reps' holds 'many', not a count"),
])
def test_the_issue_values_give_one_line_naming_card_and_column(tmp_path, column, value, says):
    path = tmp_path / "r.db"
    seeded(path)
    with raw(path) as conn:
        conn.execute(f"UPDATE card_state SET {column} = ? WHERE card_id = 'odd'", (value,))
    paths = [READING["card state"], STUDYING["study today"]]
    if column != "reps":  # the figures read every column but the counts of reviews
        paths += [READING["home figures"], READING["stats"], READING["browser"]]
    with Store.open(path) as store:
        for run in paths:
            with pytest.raises(StoreError) as info:
                run(store)
            assert str(info.value) == f"{path}: {says}"


def test_an_odd_review_row_names_its_card_and_column(tmp_path):
    path = tmp_path / "r.db"
    seeded(path)
    with raw(path) as conn:
        conn.execute("UPDATE review_log SET rating = 9 WHERE id = 2")
    with Store.open(path) as store:
        for run in (READING["home figures"], READING["stats"], lambda s: s.reviews()):
            with pytest.raises(StoreError, match=r"review 2 of card 'fine': column 'rating' holds 9, not a rating 1-4"):
                run(store)


def deck_db(tmp_path: Path) -> Path:
    """A database studied through the fixture deck, then hand-edited."""
    path = tmp_path / "r.db"
    with Store.open(path) as store:
        store.put_state(CardState("pt-flash", state=REVIEW, stability=3.0, difficulty=5.0, due=T0, last_review=T0))
    with raw(path) as conn:
        conn.execute("UPDATE card_state SET due = 'notanumber' WHERE card_id = 'pt-flash'")
    return path


@pytest.mark.parametrize("command", [["study", "plain-test", "--plain"], ["stats"], ["stats", "--json"]])
def test_the_cli_says_it_in_one_line_and_exits_1(tmp_path, capsys, monkeypatch, command):
    path = deck_db(tmp_path)
    before = dump(path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n3\n"))
    assert main(["--db", str(path), "--content", str(FIXTURE_DECK), *command]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert err[-1] == f"quizapp {command[0]}: {path}: card 'pt-flash': column 'due' holds 'notanumber', not a time"
    assert "Traceback" not in captured.err
    assert dump(path) == before


def test_the_app_says_it_before_taking_the_terminal(tmp_path, capsys, monkeypatch):
    from quizapp.tui.app import QuizApp

    def never(*args, **kwargs):
        raise AssertionError("the app started on a database it cannot read")

    monkeypatch.setattr(QuizApp, "run", never)
    path = deck_db(tmp_path)
    assert main(["--db", str(path), "--content", str(FIXTURE_DECK)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"quizapp: {path}: card 'pt-flash': column 'due' holds 'notanumber', not a time"
