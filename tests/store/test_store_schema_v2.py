"""Schema v2, the log as the source of truth: a database made by the v1 schema as shipped comes
through the upgrade with every review, each with a stable id; the old file is backed up first;
cram and mock reviews are logged without touching the schedule."""

from __future__ import annotations

import hashlib
import random
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from quizapp.migrations import V1, latest_version
from quizapp.scheduler import NEW, REVIEW, CardState, Rating, Scheduler
from quizapp.store import Review, Store, StoreError, to_ms

from .store_helpers import T0

HEX32 = re.compile(r"[0-9a-f]{32}")


def make_v1_database(path: Path, reviews: int = 300, seed: int = 5) -> list[tuple]:
    """A database exactly as quizapp with schema v1 made it, filled through v1-shaped inserts.
    Returns its review rows (id, card_id, reviewed_at, rating), oldest first."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    for statement in V1.steps:
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version (version) VALUES (1)")
    cards = [f"card-{i:02d}" for i in range(40)]
    for card in cards:
        conn.execute(
            "INSERT INTO card_state (card_id, state, step, stability, difficulty, due, last_review, reps, lapses) "
            "VALUES (?, 2, NULL, ?, 5.0, ?, ?, 3, 0)",
            (card, rng.uniform(1, 50), to_ms(T0 + timedelta(days=rng.randint(0, 30))), to_ms(T0)),
        )
    start = to_ms(T0) - 90 * 86_400_000
    for i in range(reviews):
        card = rng.choice(cards)
        at = start + rng.randrange(90 * 86_400_000)
        conn.execute(
            "INSERT INTO review_log (card_id, reviewed_at, rating, duration_ms, kind, prev_state, correct, answer) "
            "VALUES (?, ?, ?, 4000, 'flashcard', 2, NULL, NULL)",
            (card, at, rng.randint(1, 4)),
        )
    # Two identical rows (same card, same millisecond, same rating): each still gets its own id.
    conn.execute("INSERT INTO review_log (card_id, reviewed_at, rating, kind, prev_state) VALUES ('card-00', 5, 3, 'flashcard', 0)")
    conn.execute("INSERT INTO review_log (card_id, reviewed_at, rating, kind, prev_state) VALUES ('card-00', 5, 3, 'flashcard', 0)")
    conn.execute("COMMIT")
    rows = conn.execute("SELECT id, card_id, reviewed_at, rating FROM review_log ORDER BY id").fetchall()
    conn.close()
    return rows


def blake(card_id: str, ms: int, rating: int, extra: str = "") -> str:
    """The content id, worked out here from its definition (not with the code under test)."""
    return hashlib.blake2b(f"{card_id}\x1f{ms}\x1f{rating}{extra}".encode(), digest_size=16).hexdigest()


def table(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_v1_database_is_upgraded_with_every_review_and_stable_ids(tmp_path):
    first, second = tmp_path / "one" / "reviews.db", tmp_path / "two" / "reviews.db"
    first.parent.mkdir()
    second.parent.mkdir()
    rows = make_v1_database(first)
    second.write_bytes(first.read_bytes())
    states_before = table(first, "SELECT * FROM card_state ORDER BY card_id")
    notices: list[str] = []

    with Store.open(first, notice=notices.append) as store:
        assert store.schema_version() == latest_version()
        reviews = sorted(store.reviews(), key=lambda r: r.id)
        device = store.device
    assert [(r.id, r.card_id, to_ms(r.reviewed_at), r.rating) for r in reviews] == rows
    assert all(HEX32.fullmatch(r.uid) for r in reviews)
    assert len({r.uid for r in reviews}) == len(reviews)
    assert all(r.device is None and r.mode == "review" for r in reviews)  # made before devices had ids
    by_content = {(r.card_id, to_ms(r.reviewed_at), r.rating): r.uid for r in reviews[:-2]}
    assert all(uid == blake(*key) for key, uid in by_content.items() if key[1] != 5)
    twins = reviews[-2:]
    assert [r.uid for r in twins] == [blake("card-00", 5, 3), blake("card-00", 5, 3, "\x1f1")]
    assert table(first, "SELECT * FROM card_state ORDER BY card_id") == states_before
    assert HEX32.fullmatch(device)

    with Store.open(second, notice=lambda line: None) as copy:  # a copy of the same history ...
        assert [r.uid for r in sorted(copy.reviews(), key=lambda r: r.id)] == [r.uid for r in reviews]
        assert copy.device != device  # ... gets the same review ids, and its own device id


def test_the_old_file_is_backed_up_first_and_opens_as_v1(tmp_path):
    path = tmp_path / "reviews.db"
    rows = make_v1_database(path, reviews=120)
    notices: list[str] = []
    with Store.open(path, notice=notices.append):
        pass
    [backup] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"reviews-schema-v1-\d{8}T\d{6}Z\.db", backup.name)
    assert notices == [f"backed up {path} (schema v1) to {backup} before upgrading it"]
    assert table(backup, "SELECT version FROM schema_version") == [(1,)]
    assert table(backup, "SELECT id, card_id, reviewed_at, rating FROM review_log ORDER BY id") == rows
    assert "uid" not in [c[1] for c in table(backup, "PRAGMA table_info(review_log)")]
    with Store.open(path, notice=notices.append):  # up to date: no second backup
        pass
    assert len(notices) == 1 and len(list((tmp_path / "backups").iterdir())) == 1


def test_a_failed_backup_stops_the_upgrade_and_changes_nothing(tmp_path):
    path = tmp_path / "reviews.db"
    make_v1_database(path, reviews=20)
    (tmp_path / "backups").write_text("a file where the folder would go")
    before = table(path, "SELECT * FROM review_log ORDER BY id")
    with pytest.raises(StoreError) as info:
        Store.open(path, notice=lambda line: None)
    message = str(info.value)
    assert "could not back it up" in message and "nothing was changed" in message and "\n" not in message
    assert table(path, "SELECT version FROM schema_version") == [(1,)]
    assert table(path, "SELECT * FROM review_log ORDER BY id") == before


def test_new_reviews_get_random_ids_and_this_database_s_device(store):
    scheduler = Scheduler()
    for minutes in (0, 1):
        at = T0 + timedelta(minutes=minutes)
        store.apply_review("c", lambda s, at=at: scheduler.review(s, Rating.Good, at), Review("c", at, 3, "flashcard"))
    first, second = store.reviews("c")
    assert HEX32.fullmatch(first.uid) and first.uid != second.uid
    assert first.device == second.device == store.device


def test_cram_and_mock_reviews_are_logged_and_leave_the_schedule_alone(store):
    state = CardState("c", state=REVIEW, stability=9.0, difficulty=5.0, due=T0 + timedelta(days=4),
                      last_review=T0 - timedelta(days=5), reps=3)
    store.put_state(state)
    called = []
    for mode in ("cram", "mock"):
        before, after, _ = store.apply_review("c", called.append, Review("c", T0, 1, "flashcard", mode=mode))
        assert before == after == state
    assert called == [] and store.get_state("c") == state
    assert [r.mode for r in store.reviews("c")] == ["mock", "cram"]  # newest first
    assert store.done_since(T0 - timedelta(hours=1)) == {}  # practice does not use up today's limits
    assert store.reviews_since(T0 - timedelta(hours=1)) == 2
    with pytest.raises(ValueError, match="mode"):
        store.apply_review("c", called.append, Review("c", T0, 3, "flashcard", mode="exam"))


def test_an_undone_review_is_remembered(store):
    scheduler = Scheduler()
    before, _, rid = store.apply_review("c", lambda s: scheduler.review(s, Rating.Good, T0), Review("c", T0, 3, "flashcard"))
    uid = store.reviews("c")[0].uid
    assert store.undo_review(rid, before, T0 + timedelta(seconds=5))
    assert store.undone_uids() == {uid}
    assert store.get_state("c") == before and before.state == NEW
