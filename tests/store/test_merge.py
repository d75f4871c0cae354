"""Two machines that agree: ``quizapp merge`` takes the union of two review logs (undone reviews
never come back), replays what it touched, is idempotent, and gives both machines the states one
machine studying every review would have.  The other file is only read."""

from __future__ import annotations

import random
import shutil
import sqlite3
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.merge import merge
from quizapp.scheduler import CardState, Rating, Scheduler
from quizapp.store import Review, Store
from quizapp.study import open_session

from .store_helpers import Clock, T0, choice, dump, flash, library, topic, truefalse

LIB = library(topic("alpha", [flash(f"f{i}") for i in range(8)] + [choice("c0"), truefalse("t0")]))


def study(store: Store, clock: Clock, seed: int, days: int) -> None:
    """Most days, every due card, answered at random; a grade undone now and then."""
    rng = random.Random(seed)
    for _ in range(days):
        session = open_session(LIB, store, now=clock, rng=random.Random(rng.random()), tz=timezone.utc)
        while (shown := session.next()) is not None:
            clock.advance(seconds=rng.randint(5, 40))
            if shown.self_graded:
                session.grade(rng.choice([Rating.Again, Rating.Hard, Rating.Good, Rating.Easy]))
            elif shown.kind == "choice":
                session.submit([rng.randrange(len(shown.options))])
            else:
                session.submit(rng.random() < 0.6)
            if rng.random() < 0.1:
                session.undo()
        clock.advance(days=1)


def schedule(store: Store) -> dict[str, CardState]:
    """Every card's scheduling state (bury and suspend are this machine's own, not in the log)."""
    return {cid: replace(store.state(cid), buried_until=None, suspended=False) for cid in store.state_rows()}


def log(store: Store) -> set[tuple]:
    return {(r.uid, r.card_id, r.reviewed_at, r.rating, r.mode, r.device) for r in store.reviews()}


@pytest.fixture(scope="module")
def machines_template(tmp_path_factory):
    """Laptop and desktop: ten days on the laptop, a copy of its file to the desktop, then two
    weeks each on its own (the desktop a day behind), and on the desktop one shared review undone."""
    tmp_path = tmp_path_factory.mktemp("machines")
    laptop, desktop = tmp_path / "laptop" / "quizapp.db", tmp_path / "desktop" / "quizapp.db"
    laptop.parent.mkdir()
    desktop.parent.mkdir()
    with Store.open(laptop) as store:
        study(store, Clock(T0), seed=1, days=10)
    shutil.copyfile(laptop, desktop)
    with Store.open(laptop) as store:
        study(store, Clock(T0 + timedelta(days=10, hours=2)), seed=2, days=14)
    with Store.open(desktop) as store:
        study(store, Clock(T0 + timedelta(days=11, hours=7)), seed=3, days=14)
        shared = min(store.reviews("f0"), key=lambda r: r.reviewed_at)  # from the laptop's first days
        earlier = [r for r in store.reviews("f0") if r.uid != shared.uid]
        # the replayed state without it, as an undo in a session would leave it
        state = Scheduler(store.settings())
        before = CardState("f0")
        for review in sorted(earlier, key=lambda r: (r.reviewed_at, r.id)):
            before = state.review(before, Rating(review.rating), review.reviewed_at) if review.mode == "review" else before
        store.undo_review(shared.id, before, T0 + timedelta(days=30))
    return laptop, desktop, shared.uid


@pytest.fixture
def machines(machines_template, tmp_path):
    """A fresh copy of both machines' files for one test."""
    *files, undone = machines_template
    copies = []
    for source in files:
        target = tmp_path / source.parent.name / source.name
        target.parent.mkdir()
        shutil.copyfile(source, target)
        copies.append(target)
    return (*copies, undone)


def test_merging_both_ways_gives_both_machines_the_one_machine_states(machines, tmp_path):
    laptop, desktop, undone = machines
    with Store.open(laptop) as a, Store.open(desktop) as b:
        union = {r.uid: r for r in a.reviews() + b.reviews()}
        tombstones = a.undone_uids() | b.undone_uids()
    with Store.open(laptop) as a:  # each machine merges a copy of the other's closed file
        first = merge(a, desktop)
    with Store.open(desktop) as b:
        second = merge(b, laptop)
    assert first.added and second.added and first.removed == 1
    expected_log = {uid: r for uid, r in union.items() if uid not in tombstones}
    with Store.open(laptop) as a, Store.open(desktop) as b:
        assert schedule(a) == schedule(b)
        assert log(a) == log(b)
        assert a.undone_uids() == b.undone_uids() == tombstones
        assert {r.uid for r in a.reviews()} == set(expected_log) and undone not in set(expected_log)
        merged = schedule(a)

    # one machine that studied every review, in time order, gives the same states
    with Store.open(tmp_path / "one.db") as one:
        scheduler = Scheduler(one.settings())
        for r in sorted(expected_log.values(), key=lambda r: (r.reviewed_at, r.id)):
            one.apply_review(r.card_id, lambda s, r=r: scheduler.review(s, Rating(r.rating), r.reviewed_at), replace(r, id=None))
        assert schedule(one) == merged


def test_merging_twice_changes_nothing_and_the_other_file_is_never_written(machines, tmp_path):
    laptop, desktop, _ = machines
    other_bytes, other_mtime = desktop.read_bytes(), desktop.stat().st_mtime_ns
    files = sorted(p.name for p in desktop.parent.iterdir())
    with Store.open(laptop) as a:
        merge(a, desktop)
    after_first = dump(laptop)
    with Store.open(laptop) as a:
        again = merge(a, desktop)
    assert not again.changed and again.cards == ()
    assert dump(laptop) == after_first
    assert desktop.read_bytes() == other_bytes and desktop.stat().st_mtime_ns == other_mtime
    assert sorted(p.name for p in desktop.parent.iterdir()) == files  # no -wal or -shm left beside it


def test_bury_and_suspend_stay_this_machine_s_own(machines):
    laptop, desktop, _ = machines
    with Store.open(laptop) as a:
        a.set_suspended("f1", True)
        a.bury("f2", T0 + timedelta(days=90))
        merge(a, desktop)
        assert a.state("f1").suspended and a.state("f2").buried_until == T0 + timedelta(days=90)


def test_a_card_reset_on_one_machine_is_reset_on_the_other_after_a_merge(machines, tmp_path):
    """The desktop puts f0 back to new after both machines studied it; the laptop's later reviews
    of f0 count from the reset on, its earlier ones (and the desktop's) no more."""
    laptop, desktop, _ = machines
    reset_at = T0 + timedelta(days=40)
    with Store.open(desktop) as b:
        b.reset_card("f0", reset_at)
    with Store.open(laptop) as a:
        later = Review("f0", reset_at + timedelta(hours=1), int(Rating.Good), "flashcard")
        a.apply_review("f0", lambda s: s, later)  # the state is replayed by the merge below
        report = merge(a, desktop)
        assert report.resets == 1 and "f0" in report.cards
        assert a.resets() == {"f0": reset_at}
        state = a.state("f0")
        # one Good review of a new card, by hand: exactly one rep, no lapse, reviewed then
        assert (state.reps, state.lapses, state.last_review) == (1, 0, later.reviewed_at)
        again = merge(a, desktop)
        assert again.resets == 0 and not again.changed


def test_a_bad_card_reset_in_the_other_file_is_one_line(machines, tmp_path, capsys):
    laptop, desktop, _ = machines
    other = _copy_with(desktop, tmp_path / "other.db", "INSERT INTO card_reset VALUES ('r1', 'f0', 'soon', NULL)")
    before = dump(laptop)
    assert main(["--db", str(laptop), "merge", str(other)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "card reset 'r1': column 'reset_at' holds 'soon', not a time" in err
    assert dump(laptop) == before


def test_a_cram_review_of_a_card_never_seen_here_is_taken_over(tmp_path, clock):
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    Store.open(here).close()
    with Store.open(there) as other:
        other.apply_review("fresh", lambda s: s, Review("fresh", clock(), 1, "flashcard", mode="cram"))
    with Store.open(here) as store:
        report = merge(store, there)
        assert [r.mode for r in report.added] == ["cram"] and store.state("fresh").is_new


def test_different_settings_are_reported_and_this_database_s_are_used(machines, capsys):
    laptop, desktop, _ = machines
    with Store.open(desktop) as b:
        b.save_settings(desired_retention=0.85)
    assert main(["--db", str(laptop), "merge", str(desktop)]) == 0
    out = capsys.readouterr().out
    assert "reviews added" in out and "cards replayed" in out
    assert "setting desired_retention is 0.9 here and 0.85 there" in out
    assert main(["--db", str(laptop), "merge", str(desktop)]) == 0
    assert "nothing new" in capsys.readouterr().out


def test_merging_a_database_into_itself_is_refused(machines, capsys):
    laptop, _, _ = machines
    assert main(["--db", str(laptop), "merge", str(laptop)]) == 1
    assert "this database itself" in capsys.readouterr().err


# -- the other file is untrusted: one line, exit 1, nothing changed here --------------------------


def _copy_with(source: Path, target: Path, *statements: str) -> Path:
    """A copy of ``source`` edited by hand with ``statements`` (as a hostile file would be)."""
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    for statement in statements:
        conn.execute(statement)
    conn.close()
    return target


def _foreign_app_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
    conn.close()
    return path


HOSTILE = {
    "not sqlite": (lambda src, dst: (dst.write_text("just some notes\n"), dst)[1], "not an SQLite file"),
    "another app": (lambda src, dst: _foreign_app_db(dst), "is not a quizapp database (it holds recipes)"),
    "a view for a table": (
        lambda src, dst: _copy_with(src, dst, "DROP TABLE review_tombstone",
                                    "CREATE VIEW review_tombstone AS SELECT uid, 0 AS undone_at, NULL AS device FROM review_log"),
        "its review_tombstone is a view",
    ),
    "a missing column": (
        lambda src, dst: _copy_with(src, dst, "DROP INDEX review_log_misconception", "DROP INDEX review_log_unusable",
                                    *(f"DROP TRIGGER review_log_tally_{change}" for change in ("insert", "delete", "update")),
                                    "ALTER TABLE review_log DROP COLUMN misconception"),
        "review_log has no misconception",
    ),
    "schema v1": (lambda src, dst: _copy_with(src, dst, "UPDATE schema_version SET version = 1"), "older quizapp (schema v1)"),
    "a newer schema": (lambda src, dst: _copy_with(src, dst, "UPDATE schema_version SET version = 99"), "newer quizapp (schema v99"),
    "a bad rating": (
        lambda src, dst: _copy_with(src, dst, "PRAGMA ignore_check_constraints = ON",
                                    "UPDATE review_log SET rating = 9 WHERE id = (SELECT min(id) FROM review_log)"),
        "column 'rating' holds 9, not a rating 1-4",
    ),
    "a bad undo record": (
        lambda src, dst: _copy_with(src, dst, "INSERT INTO review_tombstone VALUES ('x', 'yesterday', NULL)"),
        "undo record 'x': column 'undone_at' holds 'yesterday', not a time",
    ),
    "a journal beside it": (
        lambda src, dst: (_copy_with(src, dst), Path(f"{dst}-wal").write_bytes(b""), dst)[2],
        "is in use or was not closed cleanly",
    ),
    "a damaged file": (
        lambda src, dst: (dst.write_bytes(src.read_bytes()[:4096] + b"\xff" * 8192), dst)[1],
        "",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_file_that_cannot_be_merged_is_one_line_and_changes_nothing(machines, tmp_path, capsys, case):
    laptop, desktop, _ = machines
    make, says = HOSTILE[case]
    other = make(desktop, tmp_path / "other.db")
    other_bytes = other.read_bytes()
    before = dump(laptop)
    assert main(["--db", str(laptop), "merge", str(other)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("quizapp merge: ") and says in err and "Traceback" not in err
    assert dump(laptop) == before and other.read_bytes() == other_bytes


@pytest.mark.timeout(60)
def test_a_fifo_is_refused_without_waiting_for_a_writer(machines, tmp_path, capsys):
    laptop, _, _ = machines
    fifo = tmp_path / "other.db"
    import os

    os.mkfifo(fifo)
    assert main(["--db", str(laptop), "merge", str(fifo)]) == 1
    assert "named pipe" in capsys.readouterr().err


def test_a_trigger_in_the_other_file_never_runs(machines, tmp_path):
    laptop, desktop, _ = machines
    other = _copy_with(
        desktop, tmp_path / "other.db",
        "CREATE TABLE fired (at TEXT)",
        "CREATE TRIGGER spy AFTER INSERT ON review_log BEGIN INSERT INTO fired VALUES ('yes'); END",
    )
    before = other.read_bytes()
    with Store.open(laptop) as a:
        assert merge(a, other).added
    assert other.read_bytes() == before
