"""The database schema, as an ordered list of migrations.

A database records the last migration applied in its ``schema_version`` table.  Opening a database
applies every later migration in order, each in its own transaction, so a database from any older
quizapp is brought up to date and a half-applied migration is impossible.  To change the schema,
append a :class:`Migration`; never edit one that has shipped.

Times are integers: milliseconds since the Unix epoch, UTC.  They sort and compare as numbers,
which keeps the due-card and per-day queries on plain indexes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]  # executed one by one inside one transaction


V1 = Migration(
    version=1,
    description="card state, review log, settings, code attempts",
    statements=(
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

#: Every migration, oldest first.  The last one's version is the current schema.
MIGRATIONS: tuple[Migration, ...] = (V1,)


def latest_version(migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else 0


def check_order(migrations: tuple[Migration, ...]) -> None:
    """Versions must be 1, 2, 3, ... so every database walks the same path."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ValueError(f"migration versions must be 1, 2, 3, ...; found {migration.version} at #{expected}")
