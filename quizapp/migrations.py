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

**Schema v4: mock interview rounds.**  ``mock_round`` holds each round's window (uid, start, end,
minutes, device); its answers are the mock reviews that device logged in the window, so a round's
report is recomputed from the log.

**The tallies migration (:data:`TALLIES`): derived data, so the figures need not read the whole log.**

- ``review_tally`` (reviews and right answers per UTC quarter-hour), ``review_total`` (reviews
  per mode) and ``misconception_tally`` (how often and when last a wrong answer matched each
  misconception: a re-test answered right is not counted):
  kept by triggers in the transaction of every change to ``review_log``, whoever makes it, and
  filled from the log by the migration (:data:`TALLY_REBUILD` recounts them).  Derived data: the
  log stays the source of truth.
- ``card_state_unusable`` and ``review_log_unusable``: partial indexes of the rows holding a value
  the app cannot use (see the rules below), so the store checks a read in an index seek.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

#: A step of a migration: SQL text, or a Python function given the connection (same transaction).
Step = str | Callable[[sqlite3.Connection], None]


# -- what a stored value may be ------------------------------------------------------------------
# The store reads every row through these rules, so a value that a hand edit (or a bug) left where
# the app cannot use it is one StoreError naming the card and the column.  :data:`TALLIES` indexes the
# rows that break a rule (``card_state_unusable``, ``review_log_unusable``): asking whether any
# row is unusable reads that index, usually empty, instead of every row.  Changing a rule is a
# schema change: append a migration that re-creates both indexes (as TALLIES creates them), or the
# store's question no longer matches the indexes and reads every row again (right, but slow).


class Rule(NamedTuple):
    """A column's values that the app can use: ``valid`` is SQL, true for a usable value."""

    column: str
    valid: str
    means: str  # what the value should be, for the message: "not a time"


#: The latest time a datetime can hold (9999-12-31 23:59:59.999 UTC), in ms.
LAST_MS = 253_402_300_799_999
#: The span of one row of the review tally (:data:`TALLIES`): a quarter of an hour, in ms.
QUARTER_MS = 900_000


def _or_null(column: str, check: str, required: str) -> str:
    """``check`` holds, or the value is NULL where ``required`` (SQL) does not hold."""
    return f"CASE WHEN {required} THEN {check} ELSE {column} IS NULL OR {check} END"


def _number(column: str, low: float, high: float, required: str = "1") -> str:
    """A number in [low, high] (text and blobs sort above every number, so BETWEEN refuses them)."""
    return _or_null(column, f"{column} BETWEEN {low} AND {high}", required)


def _whole(column: str, low: int, high: int, required: str = "1") -> str:
    return _or_null(column, f"typeof({column}) = 'integer' AND {column} BETWEEN {low} AND {high}", required)


def _time(column: str, required: str = "0") -> str:
    """A time in ms that a datetime can hold."""
    return _number(column, 0, LAST_MS, required)


def _text(column: str, required: bool = True) -> str:
    return f"typeof({column}) = 'text'" if required else f"{column} IS NULL OR typeof({column}) = 'text'"


_STARTED = "state != 0"
CARD_RULES = {
    rule.column: rule
    for rule in (
        Rule("card_id", _text("card_id"), "a card id"),
        Rule("state", "state IN (0, 1, 2, 3)", "a state number 0-3"),
        # fsrs needs a step in (re)learning and stability and difficulty once past the first review
        Rule("step", _whole("step", 0, 1000, "state IN (1, 3)"), "a learning step"),
        Rule("stability", _number("stability", 0.001, 1e9, "state IN (2, 3)"), "a stability in days"),
        Rule("difficulty", _number("difficulty", 1, 10, "state IN (2, 3)"), "a difficulty from 1 to 10"),
        Rule("due", _time("due", _STARTED), "a time"),
        Rule("last_review", _time("last_review", _STARTED), "a time"),
        Rule("reps", _whole("reps", 0, 10**9), "a count"),
        Rule("lapses", _whole("lapses", 0, 10**9), "a count"),
        Rule("buried_until", _time("buried_until"), "a time"),
        Rule("suspended", "suspended IN (0, 1)", "0 or 1"),
    )
}
REVIEW_RULES = {
    rule.column: rule
    for rule in (
        Rule("id", "typeof(id) = 'integer'", "a row number"),
        Rule("card_id", _text("card_id"), "a card id"),
        Rule("reviewed_at", _time("reviewed_at", "1"), "a time"),
        Rule("rating", "rating IN (1, 2, 3, 4)", "a rating 1-4"),
        Rule("duration_ms", _whole("duration_ms", 0, 10**12, "0"), "a duration in ms"),
        Rule("kind", _text("kind"), "a card kind"),
        Rule("prev_state", "prev_state IN (0, 1, 2, 3)", "a state number 0-3"),
        Rule("correct", "correct IS NULL OR correct IN (0, 1)", "0 or 1"),
        Rule("answer", _text("answer", False), "text"),
        Rule("seed", _whole("seed", 0, 2**62, "0"), "a seed"),
        Rule("verdict", _text("verdict", False), "text"),
        Rule("misconception", _text("misconception", False), "a misconception name"),
        Rule("uid", _text("uid"), "a review id"),
        Rule("device", _text("device", False), "a device id"),
        Rule("mode", "mode IN ('review', 'cram', 'mock')", "review, cram or mock"),
    )
}
TOMBSTONE_RULES = {
    rule.column: rule
    for rule in (
        Rule("uid", _text("uid"), "a review id"),
        Rule("undone_at", _time("undone_at", "1"), "a time"),
        Rule("device", _text("device", False), "a device id"),
    )
}
RESET_RULES = {
    rule.column: rule
    for rule in (
        Rule("uid", _text("uid"), "a reset id"),
        Rule("card_id", _text("card_id"), "a card id"),
        Rule("reset_at", _time("reset_at", "1"), "a time"),
        Rule("device", _text("device", False), "a device id"),
    )
}
MOCK_ROUND_RULES = {
    rule.column: rule
    for rule in (
        Rule("uid", _text("uid"), "a round id"),
        Rule("started_at", _time("started_at", "1"), "a time"),
        Rule("ended_at", _time("ended_at", "1"), "a time"),
        Rule("minutes", _whole("minutes", 0, 10**6), "a length in minutes"),
        Rule("device", _text("device", False), "a device id"),
    )
}


def first_bad(rules: dict[str, Rule], columns: Sequence[str]) -> str:
    """SQL naming the first of ``columns`` whose value breaks its rule (NULL when all are fine)."""
    cases = " ".join(f"WHEN coalesce(({rules[c].valid}), 0) = 0 THEN '{c}'" for c in columns)
    return f"CASE {cases} END"


#: SQL true for a row with any value the app cannot use: the condition of the indexes :data:`TALLIES` makes, which
#: a query must repeat word for word for SQLite to read the index.
CARD_UNUSABLE = f"{first_bad(CARD_RULES, tuple(CARD_RULES))} IS NOT NULL"
REVIEW_UNUSABLE = f"{first_bad(REVIEW_RULES, tuple(REVIEW_RULES))} IS NOT NULL"


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

#: Schema v4: the mock interview rounds.  A round's answers are the log's mock reviews made by
#: its device between its start and its end, so the report is always recomputed from the log.
V4 = Migration(
    version=4,
    description="mock interview rounds",
    tables=("mock_round",),
    steps=(
        """
        CREATE TABLE mock_round (
            uid        TEXT PRIMARY KEY,
            started_at INTEGER NOT NULL,
            ended_at   INTEGER NOT NULL,
            minutes    INTEGER NOT NULL,
            device     TEXT
        )
        """,
    ),
)

#: The statistics' tallies of the review log, recounted from it (:data:`TALLIES` fills them this way;
#: :meth:`quizapp.store.Store.rebuild_tallies` runs them again).
TALLY_REBUILD: tuple[str, ...] = (
    "DELETE FROM review_tally",
    "DELETE FROM review_total",
    "DELETE FROM misconception_tally",
    "INSERT INTO review_tally (quarter, reviewed, recalled) "
    f"SELECT CAST(reviewed_at / {QUARTER_MS} AS INTEGER) AS quarter, count(*), sum(rating > 1) "
    "FROM review_log GROUP BY quarter",
    "INSERT INTO review_total (mode, reviewed) SELECT mode, count(*) FROM review_log GROUP BY mode",
    "INSERT INTO misconception_tally (name, seen, last_seen) "
    "SELECT misconception, count(*), max(reviewed_at) FROM review_log "
    "WHERE misconception IS NOT NULL AND coalesce(correct, 0) = 0 GROUP BY misconception",
)


def _count_in(row: str) -> str:
    """Trigger statements adding review ``row`` (NEW) to the tallies."""
    return f"""
        INSERT INTO review_tally (quarter, reviewed, recalled)
        VALUES (CAST({row}.reviewed_at / {QUARTER_MS} AS INTEGER), 1, {row}.rating > 1)
        ON CONFLICT (quarter) DO UPDATE SET reviewed = reviewed + 1, recalled = recalled + excluded.recalled;
        INSERT INTO review_total (mode, reviewed) VALUES ({row}.mode, 1)
        ON CONFLICT (mode) DO UPDATE SET reviewed = reviewed + 1;
        INSERT INTO misconception_tally (name, seen, last_seen)
        SELECT {row}.misconception, 1, {row}.reviewed_at
        WHERE {row}.misconception IS NOT NULL AND coalesce({row}.correct, 0) = 0
        ON CONFLICT (name) DO UPDATE SET seen = seen + 1, last_seen = max(last_seen, excluded.last_seen);
    """


def _count_out(row: str) -> str:
    """Trigger statements taking review ``row`` (OLD) out of the tallies, after it left the log:
    a misconception's last sighting is looked up again (an index seek), an emptied row deleted."""
    quarter = f"CAST({row}.reviewed_at / {QUARTER_MS} AS INTEGER)"
    return f"""
        UPDATE review_tally SET reviewed = reviewed - 1, recalled = recalled - ({row}.rating > 1)
        WHERE quarter = {quarter};
        DELETE FROM review_tally WHERE quarter = {quarter} AND reviewed = 0;
        UPDATE review_total SET reviewed = reviewed - 1 WHERE mode = {row}.mode;
        DELETE FROM review_total WHERE mode = {row}.mode AND reviewed = 0;
        UPDATE misconception_tally SET seen = seen - 1, last_seen = coalesce(
            (SELECT max(reviewed_at) FROM review_log
             WHERE misconception = {row}.misconception AND coalesce(correct, 0) = 0), 0)
        WHERE name = {row}.misconception AND coalesce({row}.correct, 0) = 0;
        DELETE FROM misconception_tally WHERE name = {row}.misconception AND seen = 0;
    """


TALLIES = Migration(
    version=5,
    description="tallies of the review log for the statistics; indexes of unusable stored values",
    tables=("review_tally", "review_total", "misconception_tally"),
    steps=(
        f"CREATE INDEX card_state_unusable ON card_state (card_id) WHERE {CARD_UNUSABLE}",
        f"CREATE INDEX review_log_unusable ON review_log (id) WHERE {REVIEW_UNUSABLE}",
        # the misconceptions' last sightings, for the tallies: a seek, not a scan of the name's rows
        "DROP INDEX IF EXISTS review_log_misconception",
        "CREATE INDEX review_log_misconception ON review_log (misconception, coalesce(correct, 0), reviewed_at) "
        "WHERE misconception IS NOT NULL",
        # Reviews (of every mode) and right answers per UTC quarter-hour: every time zone's study
        # day starts on a quarter-hour, so any study day is a sum of whole rows.
        """
        CREATE TABLE review_tally (
            quarter  INTEGER PRIMARY KEY,
            reviewed INTEGER NOT NULL,
            recalled INTEGER NOT NULL
        )
        """,
        "CREATE TABLE review_total (mode TEXT PRIMARY KEY, reviewed INTEGER NOT NULL)",
        """
        CREATE TABLE misconception_tally (
            name      TEXT PRIMARY KEY,
            seen      INTEGER NOT NULL,
            last_seen INTEGER NOT NULL
        )
        """,
        # Kept in the transaction of every change to the log, whoever makes it (a grade, an undo,
        # a merge's inserts, a hand edit).  The store turns recursive_triggers on, so a row that
        # INSERT OR REPLACE deletes is counted out too.
        f"CREATE TRIGGER review_log_tally_insert AFTER INSERT ON review_log BEGIN {_count_in('NEW')} END",
        f"CREATE TRIGGER review_log_tally_delete AFTER DELETE ON review_log BEGIN {_count_out('OLD')} END",
        "CREATE TRIGGER review_log_tally_update AFTER UPDATE OF reviewed_at, rating, mode, misconception, correct "
        f"ON review_log BEGIN {_count_out('OLD')} {_count_in('NEW')} END",
        *TALLY_REBUILD,
    ),
)

#: Every migration, oldest first.  The last one's version is the current schema.
MIGRATIONS: tuple[Migration, ...] = (V1, V2, V3, V4, TALLIES)


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
