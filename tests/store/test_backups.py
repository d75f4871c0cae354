"""Backups: one a day (the newest seven kept), on demand with ``quizapp backup``, listed by
``quizapp where``; a backup copied over the database restores it exactly."""

from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from quizapp.backups import KEEP_DAILY, BackupError, backups_of, copy_database, daily_backup
from quizapp.cli import main
from quizapp.scheduler import Rating
from quizapp.store import Store
from quizapp.study import open_session

from .store_helpers import T0, dump, flash_library


def study(store, clock, grades: int = 30) -> None:
    rng = random.Random(3)
    session = open_session(flash_library(12), store, now=clock, rng=rng, tz=timezone.utc)
    for _ in range(grades):
        if session.next() is None:
            break
        clock.advance(seconds=20)
        session.grade(rng.choice(list(Rating)))
        if rng.random() < 0.1:
            session.undo()


def test_a_backup_copied_over_the_database_restores_it_exactly(db_path, clock):
    with Store.open(db_path) as store:
        study(store, clock)
        backup = daily_backup(db_path, clock())
        before = dump(db_path)
        states = {cid: store.state(cid) for cid in store.state_rows()}
        assert len(store.reviews()) > 20
    # the README's restore: quit, copy the backup over the file, remove the WAL companions
    for companion in ("-wal", "-shm"):
        Path(f"{db_path}{companion}").unlink(missing_ok=True)
    db_path.unlink()
    shutil.copyfile(backup, db_path)
    with Store.open(db_path) as restored:
        assert {cid: restored.state(cid) for cid in restored.state_rows()} == states
    assert dump(db_path) == before


def test_one_daily_backup_a_day_and_the_newest_seven_are_kept(db_path, clock):
    with Store.open(db_path) as store:
        study(store, clock, grades=3)
    folder = db_path.parent / "backups"
    folder.mkdir()
    keep = [folder / f"{db_path.stem}-schema-v1-20200101T000000Z.db", folder / f"{db_path.stem}-manual-20200101T000000Z.db",
            folder / "notes.txt", folder / f"other-daily-20200101T000000Z.db"]
    for path in keep:
        path.write_text("not ours to remove")
    made = []
    for day in range(10):
        now = T0 + timedelta(days=day)
        first = daily_backup(db_path, now)
        assert first is not None and first.exists()
        assert daily_backup(db_path, now + timedelta(hours=6)) is None  # the same (UTC) date
        made.append(first)
    daily = sorted(p for p in folder.iterdir() if p.name.startswith(f"{db_path.stem}-daily-"))
    assert daily == made[-KEEP_DAILY:]
    assert all(path.read_text() == "not ours to remove" for path in keep)
    assert not [p for p in folder.iterdir() if "partial" in p.name]


def test_a_failed_backup_is_one_line_and_leaves_no_partial_file(db_path, clock):
    with Store.open(db_path):
        pass
    (db_path.parent / "backups").write_text("a file where the folder would go")
    with pytest.raises(BackupError) as caught:
        daily_backup(db_path, clock())
    assert "\n" not in str(caught.value) and str(db_path) in str(caught.value)
    assert sorted(p.name for p in db_path.parent.iterdir() if "partial" in p.name) == []


def test_a_copy_taken_during_an_open_write_holds_only_what_was_committed(db_path, clock, tmp_path):
    with Store.open(db_path) as store:
        study(store, clock, grades=5)
        committed = dump(db_path)
        writer = sqlite3.connect(db_path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM review_log")
        copy_database(db_path, tmp_path / "copy.db")
        writer.execute("ROLLBACK")
        writer.close()
    assert dump(tmp_path / "copy.db") == committed


def test_quizapp_backup_writes_where_asked_and_never_over_a_file(db_path, clock, tmp_path, capsys):
    with Store.open(db_path) as store:
        study(store, clock, grades=4)
    assert main(["--db", str(db_path), "backup"]) == 0
    [default] = backups_of(db_path)
    assert default.path.parent == db_path.parent / "backups" and "-manual-" in default.path.name
    assert dump(default.path) == dump(db_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert main(["--db", str(db_path), "backup", str(elsewhere)]) == 0
    assert [p.suffix for p in elsewhere.iterdir()] == [".db"]

    taken = tmp_path / "taken.db"
    taken.write_text("precious")
    capsys.readouterr()
    assert main(["--db", str(db_path), "backup", str(taken)]) == 1
    err = capsys.readouterr().err
    assert taken.read_text() == "precious" and err.count("\n") == 1 and "already exists" in err

    assert main(["--db", str(db_path), "backup", "--overwrite", str(taken)]) == 0  # the synced copy
    assert dump(taken) == dump(db_path)

    named = tmp_path / "named.db"
    assert main(["--db", str(db_path), "backup", str(named)]) == 0
    assert dump(named) == dump(db_path)


def test_quizapp_backup_of_a_file_that_is_not_ours_writes_nothing(tmp_path, capsys):
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    assert main(["--db", str(foreign), "backup"]) == 1
    assert "not a quizapp database" in capsys.readouterr().err
    assert not (tmp_path / "backups").exists()


def test_quizapp_where_lists_the_backups(db_path, clock, capsys):
    with Store.open(db_path):
        pass
    made = daily_backup(db_path, clock())
    assert main(["--db", str(db_path), "where"]) == 0
    assert f"backup:   {made}" in capsys.readouterr().out
