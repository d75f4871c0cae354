"""The SQLite store: schema and pragmas, one transaction per grade, undo, settings, migrations,
and refusing (without touching) anything at the path that is not a quizapp database."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from quizapp.migrations import MIGRATIONS, V1, V2, V3, V4, Migration, latest_version
from quizapp.scheduler import NEW, REVIEW, CardState, Rating, Scheduler, Settings
from quizapp.store import Review, Store, StoreError, to_ms

from .store_helpers import T0


def review(card_id: str, rating: int = 3, at=T0, **kw) -> Review:
    return Review(card_id=card_id, reviewed_at=at, rating=rating, kind="flashcard", **kw)


def grade(store: Store, card_id: str, rating=Rating.Good, at=T0, **kw):
    scheduler = Scheduler()
    return store.apply_review(card_id, lambda s: scheduler.review(s, rating, at), review(card_id, rating, at, **kw))


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


# -- opening ----------------------------------------------------------------------------------


def test_new_database_is_created_with_schema_and_pragmas(tmp_path):
    path = tmp_path / "deep" / "er" / "q.db"
    with Store.open(path) as store:
        assert store.schema_version() == latest_version()
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"card_state", "review_log", "settings", "code_attempts", "schema_version",
                "review_tombstone", "meta", "card_reset"} <= tables
    with Store.open(path) as again:  # reopening changes nothing
        assert again.schema_version() == latest_version()
    assert not (tmp_path / "deep" / "er" / "backups").exists()  # nothing to back up in a new file


def test_an_empty_file_is_initialised(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Store.open(path) as store:
        assert store.review_count() == 0


def test_the_queries_on_the_review_log_use_indexes(store):
    """The log grows without end: every query on it but the total count reads through an index."""
    run: list[str] = []
    store._conn.set_trace_callback(run.append)  # the statements as SQLite runs them
    store.done_since(T0)
    store.reviews_since(T0)
    store.daily_counts(T0, 30)
    store.reviews("x")
    store.misconception_counts(5)
    store._conn.set_trace_callback(None)
    queries = [sql for sql in run if sql.lstrip().startswith("SELECT") and "review_log" in sql]
    assert len(queries) >= 5
    for sql in queries:
        plan = " ".join(str(row[-1]) for row in store._conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING" in plan and "INDEX" in plan, (sql, plan)


# -- refusing what is not ours ----------------------------------------------------------------


def assert_refused(path: Path, *fragments: str) -> str:
    before = path.read_bytes() if path.is_file() else None
    neighbours = files_in(path.parent)
    with pytest.raises(StoreError) as info:
        Store.open(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    for fragment in fragments:
        assert fragment in message
    if before is not None:
        assert path.read_bytes() == before  # untouched, byte for byte
    assert files_in(path.parent) == neighbours  # no -wal, -shm or journal left behind
    return message


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 500)
    message = assert_refused(path, "is not a quizapp database (file is not a database)", "--db")
    assert message.endswith("move it away or pass --db")


def test_a_short_binary_file_is_refused(tmp_path):
    path = tmp_path / "tiny.db"
    path.write_bytes(b"\x00\x01")
    assert_refused(path, "is not a quizapp database")


def test_a_damaged_sqlite_file_is_called_damaged_and_left_untouched(tmp_path):
    path = tmp_path / "damaged.db"
    with Store.open(path) as store:
        grade(store, "a")
    # keep the header, scramble the rest of the first page (the schema lives there)
    data = bytearray(path.read_bytes())
    for i in range(100, 4096):
        data[i] = (i * 7) % 256
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.write_bytes(bytes(data))
    assert_refused(path, "looks damaged (", "restore a backup or pass --db")


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    assert_refused(path, "is not a quizapp database (it holds other tables: invoices)")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    conn.close()


def test_a_directory_is_refused(tmp_path):
    path = tmp_path / "folder.db"
    path.mkdir()
    (path / "keep.txt").write_text("x")
    assert_refused(path, "is a folder, not a database file")
    assert files_in(path) == {"keep.txt"}


def test_an_uncreatable_location_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    message = assert_refused(blocker / "sub" / "q.db", "cannot create")
    assert "--db" in message
    assert blocker.read_text() == "a file, not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert_refused(folder / "q.db", "not writable")
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_database_is_refused_untouched(tmp_path):
    path = tmp_path / "q.db"
    Store.open(path).close()
    path.chmod(0o400)
    try:
        assert_refused(path, "cannot write")
    finally:
        path.chmod(0o600)


# -- grades -----------------------------------------------------------------------------------


def test_apply_review_writes_state_and_log_together(store):
    before, after, rid = grade(store, "card-a", Rating.Good, answer="x", seed=7, verdict="ok")
    assert before == CardState("card-a") and before.is_new
    assert store.get_state("card-a") == after
    [row] = store.reviews("card-a")
    assert (row.id, row.rating, row.prev_state, row.seed, row.answer) == (rid, 3, NEW, 7, "x")
    assert row.reviewed_at == T0


def test_a_failing_update_leaves_nothing_behind(store):
    def explode(state):
        raise RuntimeError("scheduler bug")

    with pytest.raises(RuntimeError):
        store.apply_review("card-a", explode, review("card-a"))
    assert store.get_state("card-a") is None and store.review_count() == 0
    grade(store, "card-a")  # and the connection is usable afterwards
    assert store.review_count() == 1


def test_undo_restores_the_state_and_deletes_the_row(store):
    _, first, _ = grade(store, "c", Rating.Good)
    before, _, rid = grade(store, "c", Rating.Again, at=T0 + timedelta(minutes=10))
    assert before == first
    uid = store.reviews("c")[0].uid
    assert store.undo_review(rid, before, T0 + timedelta(minutes=11))
    assert store.get_state("c") == first
    assert store.review_count() == 1
    assert store.undone_uids() == {uid}  # the tombstone: a merge must not bring it back
    assert not store.undo_review(rid, before, T0 + timedelta(minutes=12))  # already gone: nothing changes
    assert store.review_count() == 1 and store.undone_uids() == {uid}


def test_done_since_counts_by_previous_state(store):
    grade(store, "a", Rating.Good)
    grade(store, "b", Rating.Good)
    grade(store, "a", Rating.Good, at=T0 + timedelta(minutes=11))
    state = CardState("r", state=REVIEW, stability=5.0, difficulty=5.0, due=T0, last_review=T0 - timedelta(days=5))
    store.put_state(state)
    grade(store, "r", Rating.Good)
    assert store.done_since(T0 - timedelta(hours=1)) == {0: 2, 1: 1, 2: 1}
    assert store.done_since(T0 + timedelta(minutes=5)) == {1: 1}


def test_history_outlives_the_content(store):
    """The store knows nothing of the content: a card id with no card keeps its rows."""
    grade(store, "gone-from-content")
    assert store.state("gone-from-content").reps == 1
    assert len(store.reviews("gone-from-content")) == 1


def test_state_round_trips_every_field(store):
    state = CardState("full", state=REVIEW, step=None, stability=12.5, difficulty=4.25,
                      due=T0 + timedelta(days=3), last_review=T0, reps=7, lapses=2,
                      buried_until=T0 + timedelta(hours=16), suspended=True)
    store.put_state(state)
    assert store.get_state("full") == state
    [(card_id, row)] = store.state_rows().items()
    assert card_id == "full"
    assert row == (REVIEW, to_ms(state.due), 12.5, to_ms(T0), 2, 1, to_ms(T0 + timedelta(hours=16)))
    assert row.hidden(to_ms(T0)) and row.buried(to_ms(T0)) and row.started


def test_bury_and_suspend_return_the_state_before_and_change_only_their_flag(store):
    state = CardState("c", state=REVIEW, stability=3.0, difficulty=5.0, due=T0, last_review=T0, reps=2)
    store.put_state(state)
    assert store.bury("c", T0 + timedelta(hours=5)) == state
    assert store.set_suspended("c", True) == replace(state, buried_until=T0 + timedelta(hours=5))
    assert store.get_state("c") == replace(state, buried_until=T0 + timedelta(hours=5), suspended=True)
    store.bury("c", None)
    store.set_suspended("c", False)
    assert store.get_state("c") == state
    assert store.bury("never-seen", T0) == CardState("never-seen")  # a new card can be buried too


# -- settings, code -----------------------------------------------------------------------------


def test_settings_default_then_saved(store, db_path):
    assert store.settings() == Settings()
    saved = store.save_settings(new_per_day=5, learning_steps=[60, 600, timedelta(hours=1)])
    assert saved.new_per_day == 5
    assert saved.learning_steps == (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))
    assert saved == replace(Settings(), new_per_day=5, learning_steps=saved.learning_steps)
    assert store.save_settings(desired_retention=0.85).new_per_day == 5  # earlier changes kept
    store.close()
    with Store.open(db_path) as again:
        assert again.settings() == replace(saved, desired_retention=0.85)
        assert set(again.raw_settings()) == {"new_per_day", "learning_steps", "desired_retention"}


def test_bad_settings_are_rejected_before_writing(store):
    with pytest.raises(ValueError, match="desired_retention"):
        store.save_settings(desired_retention=2.0)
    with pytest.raises(ValueError, match="unknown"):
        store.save_settings(colour="red")
    with pytest.raises(ValueError, match="new_per_day"):
        store.save_settings(reviews_per_day=50, new_per_day=-1)  # one bad value: nothing written
    with pytest.raises(ValueError, match="learning_steps"):
        store.save_settings(learning_steps=["soon"])
    assert store.raw_settings() == {}


def test_a_hand_edited_bad_setting_is_a_clear_error(store):
    store._conn.execute("INSERT INTO settings VALUES ('new_per_day', '\"lots\"')")
    with pytest.raises(StoreError, match="new_per_day"):
        store.settings()


def test_code_attempts_keep_the_last_text(store):
    assert store.load_code("drill") is None
    store.save_code("drill", "def f(x):\n    return x\n", now=T0)
    store.save_code("drill", "def f(x):\n    return 2 * x\n", now=T0)
    assert store.load_code("drill").endswith("2 * x\n")


def test_the_store_offers_no_raw_sql(store):
    assert not hasattr(store, "query")  # every query is a named method (tests/test_architecture.py)


# -- migrations ---------------------------------------------------------------------------

#: A made-up next migration, after the shipped ones.
NEXT = Migration(
    version=latest_version() + 1,
    description="fake: a note per review",
    tables=("tags",),
    steps=("ALTER TABLE review_log ADD COLUMN note TEXT",
           "CREATE TABLE tags (card_id TEXT, tag TEXT)"),
)


def columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migrations_upgrade_an_old_database_in_order(db_path):
    with Store.open(db_path) as old:
        grade(old, "kept")
    with Store.open(db_path, migrations=(*MIGRATIONS, NEXT)) as new:
        assert new.schema_version() == NEXT.version
        assert [r.card_id for r in new.reviews()] == ["kept"]  # data survives
    assert "note" in columns(db_path, "review_log")
    with Store.open(db_path, migrations=(*MIGRATIONS, NEXT)) as again:  # idempotent
        assert again.schema_version() == NEXT.version


def test_a_newer_database_is_refused(db_path):
    Store.open(db_path, migrations=(*MIGRATIONS, NEXT)).close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer quizapp"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_a_failing_migration_is_rolled_back_whole(db_path):
    broken = Migration(NEXT.version, "half good", ("half",), ("CREATE TABLE half (x)", "THIS IS NOT SQL"))
    Store.open(db_path).close()
    with pytest.raises(StoreError):
        Store.open(db_path, migrations=(*MIGRATIONS, broken))
    with Store.open(db_path) as store:
        assert store.schema_version() == latest_version()
    assert "half" not in table_names(db_path)


def test_migration_versions_must_be_consecutive(db_path):
    with pytest.raises(ValueError, match="1, 2, 3"):
        Store.open(db_path, migrations=(V1, replace(V2, version=3)))
    assert MIGRATIONS[:4] == (V1, V2, V3, V4) and latest_version() == len(MIGRATIONS)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_location_even_root_cannot_write_is_refused():
    assert_refused(Path("/proc/quizapp-test.db"), "cannot open", "--db")
