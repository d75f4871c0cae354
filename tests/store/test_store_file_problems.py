"""The database file itself: what is refused at the path without blocking, messages that say what
happened (a full disk, an I/O error, a damaged file or schema, somebody else's file), and a
grade that is never reported saved into a file that was removed or replaced."""

from __future__ import annotations

import io
import os
import random
import socket
import sqlite3
import sys
from datetime import timezone
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.dbfile import describe
from quizapp.scheduler import Rating, Scheduler
from quizapp.session import Session
from quizapp.store import Review, Store, StoreError

from .store_helpers import T0, Clock, flash, library, topic

FIXTURE_DECK = Path(__file__).parent / "fixtures"


def refused(path: Path) -> str:
    with pytest.raises(StoreError) as info:
        Store.open(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def made(path: Path, grades: int = 30) -> Path:
    """A real database with some history, closed (its WAL folded back into the file)."""
    scheduler = Scheduler()
    with Store.open(path) as store:
        for i in range(grades):
            card = f"c{i % 7}"
            store.apply_review(card, lambda s: scheduler.review(s, Rating.Good, T0), Review(card, T0, 3, "flashcard"))
    return path


def raw_execute(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


# -- what is at the path ------------------------------------------------------------------------
# Each of these would block in open() (or in SQLite) without the check: the suite's per-test
# timeout, not a stopwatch, is what would catch a hang.


def test_a_fifo_at_the_database_path_is_refused_without_blocking(tmp_path):
    path = tmp_path / "reviews.db"
    os.mkfifo(path)
    assert "is a named pipe (FIFO), not a database file" in refused(path)


def test_a_fifo_beside_the_database_is_refused(tmp_path):
    path = made(tmp_path / "reviews.db", grades=1)
    os.mkfifo(f"{path}-wal")
    assert "reviews.db-wal (beside the database) is not a regular file" in refused(path)


def test_a_socket_at_the_database_path_is_refused(tmp_path):
    path = tmp_path / "s.db"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert "is a socket, not a database file" in refused(path)
    finally:
        server.close()


def test_a_device_is_refused():
    assert "is a character device, not a database file" in refused(Path("/dev/null"))


# -- damaged, ours or not -----------------------------------------------------------------------


def test_a_truncated_copy_of_a_real_database_is_called_damaged_not_foreign(tmp_path):
    path = made(tmp_path / "reviews.db")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = path.read_bytes()
    message = refused(path)
    assert "looks damaged (database disk image is malformed)" in message
    assert "not a quizapp database" not in message
    assert path.read_bytes() == before


@pytest.mark.parametrize("edit, says", [
    ("DELETE FROM schema_version", "its schema_version table is empty"),  # was "table card_state already exists"
    ("DROP TABLE schema_version", "its schema_version table is missing"),
    ("DROP TABLE review_tombstone", "table review_tombstone is missing"),
])
def test_a_damaged_schema_is_called_that_and_left_untouched(tmp_path, edit, says):
    path = made(tmp_path / "reviews.db")
    raw_execute(path, edit)
    before = path.read_bytes()
    message = refused(path)
    assert f"has a damaged schema ({says}); keep a copy of it" in message
    assert path.read_bytes() == before


def sqlite_error(name: str, text: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorname = name
    return error


@pytest.mark.parametrize("name, text, says", [
    ("SQLITE_FULL", "database or disk is full", "the disk is full; this change was not saved"),
    ("SQLITE_IOERR_READ", "disk I/O error", "I/O error reading /x/r.db (disk I/O error)"),
    ("SQLITE_IOERR_SHORT_READ", "disk I/O error", "I/O error reading /x/r.db"),
    ("SQLITE_CORRUPT", "database disk image is malformed", "looks damaged (database disk image is malformed)"),
    ("SQLITE_NOTADB", "file is not a database", "looks damaged (file is not a database)"),
    ("SQLITE_BUSY", "database is locked", "stayed locked by another process"),
    ("SQLITE_CANTOPEN", "unable to open database file", "cannot open /x/r.db"),
    ("SQLITE_READONLY", "attempt to write a readonly database", "cannot write /x/r.db"),
])
def test_sqlite_errors_are_described_by_their_code_not_their_wording(name, text, says):
    assert says in str(describe(sqlite_error(name, text), Path("/x/r.db")))


def test_a_full_disk_while_grading_says_so_and_loses_nothing_saved(store):
    scheduler = Scheduler()
    store.apply_review("a", lambda s: scheduler.review(s, Rating.Good, T0), Review("a", T0, 3, "flashcard"))
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full", no root needed
    big = Review("b", T0, 3, "flashcard", answer="x" * 200_000)
    with pytest.raises(StoreError, match="the disk is full; this change was not saved"):
        store.apply_review("b", lambda s: scheduler.review(s, Rating.Good, T0), big)
    assert [r.card_id for r in store.reviews()] == ["a"] and store.get_state("b") is None


# -- the file removed or replaced while in use --------------------------------------------------


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize("how", ["removed", "replaced"])
def test_a_grade_is_not_reported_saved_into_a_file_that_is_gone(tmp_path, how):
    path = tmp_path / "reviews.db"
    lib = library(topic("alpha", [flash("a1"), flash("a2")]))
    with Store.open(path) as store:
        session = Session(lib, store, now=Clock(), tz=timezone.utc, rng=random.Random(0))
        session.next()
        session.grade(Rating.Good)
        session.next()
        copy = path.read_bytes()
        remove_database(path)  # what a drill solution did between next() and submit()
        if how == "replaced":
            path.write_bytes(copy)
        with pytest.raises(StoreError) as info:
            session.grade(Rating.Good)
        assert str(info.value) == (
            f"{path}: your review database was removed or replaced while in use; this grade was not saved"
        )
        assert len(session.history) == 1


def test_the_cli_says_the_grade_was_not_saved_and_exits_1(tmp_path, capsys, monkeypatch):
    path = tmp_path / "reviews.db"

    class DeletingInput(io.StringIO):
        """Enter (show the answer), then the database goes, then the grade is typed."""

        def readline(self, *args):
            line = super().readline(*args)
            if line == "3\n":
                remove_database(path)
            return line

    monkeypatch.setattr(sys, "stdin", DeletingInput("\n3\n"))
    assert main(["--db", str(path), "--content", str(FIXTURE_DECK), "study", "plain-test", "--plain"]) == 1
    captured = capsys.readouterr()
    assert "saved:" not in captured.out
    assert captured.err.strip().splitlines()[-1] == (
        f"quizapp study: {path}: your review database was removed or replaced while in use; this grade was not saved"
    )
