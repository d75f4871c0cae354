"""The database schema, as an ordered list of migrations.

A database records the last migration applied in its ``schema_version`` table.  Opening a database
applies every later migration in order, each in its own transaction, so a database from any older
quizapp is brought up to date and a half-applied migration is impossible (the store backs the old
file up first).  To change the schema, append a :class:`Migration`; never edit one that has shipped.

Times are integers: milliseconds since the Unix epoch, UTC.  They sort and compare as numbers,
which keeps the due-card and per-day queries on plain indexes.

**Schema v2: the review log is the source of truth.**  Card states are what replaying the log
through FSRS gives, so two machines' databases can be merged by taking the union of their logs:

- ``review_log.uid``: a globally unique id per review (UNIQUE index).  Reviews logged before v2
  get an id derived from their content (:func:`content_uid`), so two copies of one database give
  their shared history the same ids; new reviews get a random one (:func:`random_uid`).
- ``review_log.device``: the id of the database that made the review (NULL before v2).
- ``review_log.mode``: ``review`` (scheduled study), ``cram`` or ``mock``; cram and mock reviews
  are logged but leave the card's FSRS state alone.
- ``review_tombstone``: the uid of every undone review, so a merge never brings one back.
- ``meta``: facts about the database itself; ``device`` is this database's device id, made once
  when v2 is applied (a copy of the file keeps it: the reviews' uids, not the device, keep two
  copies apart).

**Schema v3: resets.**  ``quizapp card ID reset`` puts a card back to new and keeps its reviews;
``card_reset`` records when (with a uid and the device, like a review), so a replay of the log
(``quizapp.replay``: ``optimize --reschedule``, a merge) starts after the card's last reset
instead of bringing the old schedule back.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

#: A step of a migration: SQL text, or a Python function given the connection (same transaction).
Step = str | Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    tables: tuple[str, ...]  # the tables it creates: a database at this version must have them
    steps: tuple[Step, ...]  # executed in order inside one transaction


V1 = Migration(
    version=1,
    description="card state, review log, settings, code attempts",
    tables=("card_state", "review_log", "settings", "code_attempts"),
    steps=(
        # One row per card that has been reviewed, buried or suspended; a card without a row is
        # new.  Keyed by the content's card id, so editing a card's text keeps its history, and a
        # card dropped from the content keeps its row until its id comes back.
        """
        CREATE TABLE card_state (
            card_id      TEXT PRIMARY KEY,
            state        INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
            step         INTEGER,
            stability    REAL,
            difficulty   REAL,
            due          INTEGER,
            last_review  INTEGER,
            reps         INTEGER NOT NULL DEFAULT 0,
            lapses       INTEGER NOT NULL DEFAULT 0,
            buried_until INTEGER,
            suspended    INTEGER NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX card_state_due ON card_state (due) WHERE state != 0",
        # Every grade ever given.  prev_state (the card's state before this review) tells new
        # cards from reviews when counting today's work against the daily limits.
        """
        CREATE TABLE review_log (
            id            INTEGER PRIMARY KEY,
            card_id       TEXT NOT NULL REFERENCES card_state (card_id),
            reviewed_at   INTEGER NOT NULL,
            rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            duration_ms   INTEGER,
            kind          TEXT NOT NULL,
            prev_state    INTEGER NOT NULL,
            correct       INTEGER,
            answer        TEXT,
            seed          INTEGER,
            verdict       TEXT,
            misconception TEXT
        )
        """,
        "CREATE INDEX review_log_time ON review_log (reviewed_at)",
        "CREATE INDEX review_log_card ON review_log (card_id, reviewed_at)",
        "CREATE INDEX review_log_misconception ON review_log (misconception) "
        "WHERE misconception IS NOT NULL",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE code_attempts (
            card_id    TEXT PRIMARY KEY,
            code       TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        )
        """,
    ),
)


def random_uid() -> str:
    """A new review or device id: 128 random bits as 32 hex digits, as a uuid4's hex."""
    return os.urandom(16).hex()


def content_uid(card_id: object, reviewed_at: object, rating: object, occurrence: int = 0) -> str:
    """The id of a review logged before schema v2, from what it holds: BLAKE2b of the card id,
    the time in ms and the rating (and, for the n-th identical row, n), 32 hex digits."""
    # Imported here: hashlib loads OpenSSL (~2.5 ms), needed only while migrating, never at start-up.
    import hashlib

    key = f"{card_id}\x1f{reviewed_at}\x1f{rating}" + (f"\x1f{occurrence}" if occurrence else "")
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _give_old_reviews_uids(conn: sqlite3.Connection) -> None:
    seen: Counter[tuple[object, object, object]] = Counter()
    uids = []
    for row_id, card_id, reviewed_at, rating in conn.execute(
        "SELECT id, card_id, reviewed_at, rating FROM review_log ORDER BY id"
    ):
        key = (card_id, reviewed_at, rating)
        uids.append((content_uid(card_id, reviewed_at, rating, seen[key]), row_id))
        seen[key] += 1
    conn.executemany("UPDATE review_log SET uid = ? WHERE id = ?", uids)


def _make_device_id(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES ('device', ?)", (random_uid(),))


V2 = Migration(
    version=2,
    description="review ids, devices and modes; undo tombstones; database facts",
    tables=("review_tombstone", "meta"),
    steps=(
        "ALTER TABLE review_log ADD COLUMN uid TEXT",
        "ALTER TABLE review_log ADD COLUMN device TEXT",
        "ALTER TABLE review_log ADD COLUMN mode TEXT NOT NULL DEFAULT 'review' "
        "CHECK (mode IN ('review', 'cram', 'mock'))",
        _give_old_reviews_uids,
        "CREATE UNIQUE INDEX review_log_uid ON review_log (uid)",
        """
        CREATE TABLE review_tombstone (
            uid       TEXT PRIMARY KEY,
            undone_at INTEGER NOT NULL,
            device    TEXT
        )
        """,
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        _make_device_id,
    ),
)

V3 = Migration(
    version=3,
    description="card resets: a card put back to new keeps its reviews, and a replay starts after",
    tables=("card_reset",),
    steps=(
        """
        CREATE TABLE card_reset (
            uid      TEXT PRIMARY KEY,
            card_id  TEXT NOT NULL,
            reset_at INTEGER NOT NULL,
            device   TEXT
        )
        """,
        "CREATE INDEX card_reset_card ON card_reset (card_id, reset_at)",
    ),
)

#: Every migration, oldest first.  The last one's version is the current schema.
MIGRATIONS: tuple[Migration, ...] = (V1, V2, V3)


def latest_version(migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else 0


def tables_at(version: int, migrations: tuple[Migration, ...] = MIGRATIONS) -> set[str]:
    """The tables a database at ``version`` has (``schema_version`` aside)."""
    return {table for m in migrations if m.version <= version for table in m.tables}


def check_order(migrations: tuple[Migration, ...]) -> None:
    """Versions must be 1, 2, 3, ... so every database walks the same path."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ValueError(f"migration versions must be 1, 2, 3, ...; found {migration.version} at #{expected}")
