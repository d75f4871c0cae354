"""The review history: one SQLite file, written one grade at a time.  The only module with SQL
(besides the schema in quizapp.migrations): every query is a named method of :class:`Store`.

A user's review history is weeks of work, so this module is careful with it:

- **One transaction per grade.**  :meth:`Store.apply_review` reads the card's state, lets the
  scheduler compute the next one, writes it and appends the review-log row, and commits, all
  inside one ``BEGIN IMMEDIATE`` transaction.  A grade the app has acknowledged is on disk
  (WAL mode with ``synchronous=FULL``): killing the process, closing the terminal or losing power
  afterwards loses nothing.  Two processes studying the same file queue up on the write lock
  (``busy_timeout``) instead of failing, and each reads the state the other just wrote.
- **Every write checks the file is still there.**  Before COMMIT, the write transaction compares
  the (device, inode) of the file it opened with what the path names now; if the file was removed
  or replaced (say by a drill solution), it rolls back and raises :class:`StoreError` rather than
  report a grade saved into an unlinked file.
- **Never clobber a file that is not ours.**  A FIFO, device or socket, a file that is not SQLite,
  a SQLite database without our tables, a directory or an unwritable place at the database path
  raises :class:`StoreError` with a one-line message naming the file and what to do
  (quizapp.dbfile).  The file is not modified: the checks only read, and WAL mode is switched on
  only once the file is known to be ours.  Only a missing path, an empty file or an empty SQLite
  database is initialised.  A damaged database of ours ("looks damaged", "has a damaged schema")
  is told apart from somebody else's file ("is not a quizapp database").
- **Every stored value is read defensively.**  A value a hand edit (or a bug) left in a column
  that cannot be used there gives one :class:`StoreError` naming the card and the column
  ("card 'bn-axes': column 'due' holds 'notanumber', not a time"), never a TypeError or an
  OverflowError later.  The rules are one table per database table (``CARD_RULES``,
  ``REVIEW_RULES`` in quizapp.migrations), checked in SQL by the query that reads the row; a
  query over many rows first asks the schema's index of unusable rows (an index seek).
- **The figures come from tallies.**  The statistics read the review log's tallies (per
  quarter-hour, per mode, per misconception), which triggers keep in the transaction of every
  change to the log: their cost does not grow with years of history.
- **Schema migrations** (quizapp.migrations) bring an older database up to date in order, after
  backing the old file up to ``backups/`` beside it with SQLite's online backup API.

Times are stored as integer milliseconds since the epoch (UTC) and handed out as aware datetimes.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import wraps
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from quizapp.cardstate import NEW, CardState, FittedParameters, Settings
from quizapp.dbfile import (
    BUSY_TIMEOUT_MS,
    FileIdentity,
    StoreError,
    check_foreign,
    check_path,
    describe,
    not_ours,
    open_untrusted,
)
from quizapp.migrations import (
    CARD_RULES,
    CARD_UNUSABLE,
    MIGRATIONS,
    MOCK_ROUND_RULES,
    QUARTER_MS,
    RESET_RULES,
    REVIEW_RULES,
    REVIEW_UNUSABLE,
    TALLY_REBUILD,
    TOMBSTONE_RULES,
    Migration,
    Rule,
    check_order,
    first_bad,
    latest_version,
    random_uid,
    tables_at,
)
from quizapp.sanitize import short_repr

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MODES",
    "CardGroups",
    "CardSets",
    "ForeignLog",
    "MergeCounts",
    "MisconceptionCover",
    "MisconceptionEvent",
    "MisconceptionRow",
    "MockRoundRow",
    "Review",
    "StateRow",
    "Store",
    "StoreError",
    "Tombstone",
    "from_ms",
    "read_foreign_log",
    "to_ms",
]

_UTC = timezone.utc
T = TypeVar("T")

#: What a review was: scheduled study, or cram and mock reviews that leave FSRS state alone.
MODES = ("review", "cram", "mock")
_DAY_MS = 86_400_000


def to_ms(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return int(round(moment.timestamp() * 1000))


def from_ms(ms: int | float | None) -> datetime | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=_UTC)


@dataclass(frozen=True)
class Review:
    """One row of the review log.

    ``seed`` is the exercise's seed (or the seed of a choice card's option order), so any past
    exercise can be drawn again exactly; ``answer`` is what the person typed; ``verdict`` is the
    checker's message; ``misconception`` the name of the wrong belief the answer matched, if any.
    ``uid`` is the review's globally unique id and ``device`` the database that made it (both
    filled in by :meth:`Store.apply_review` when left None); ``mode`` is one of :data:`MODES`.
    """

    card_id: str
    reviewed_at: datetime
    rating: int
    kind: str
    duration_ms: int | None = None
    correct: bool | None = None
    answer: str | None = None
    seed: int | None = None
    verdict: str | None = None
    misconception: str | None = None
    prev_state: int = NEW
    id: int | None = None
    uid: str | None = None
    device: str | None = None
    mode: str = "review"


class StateRow(NamedTuple):
    """The parts of a card's state that the figures, the queue and the browser read, for every
    card at once: times in epoch ms, so thousands of rows build no datetimes."""

    state: int
    due: int | None
    stability: float | None
    last_review: int | None
    lapses: int
    suspended: int
    buried_until: int | None

    @property
    def started(self) -> bool:
        """Reviewed at least once (no longer new)."""
        return self.state != NEW

    def buried(self, now_ms: int) -> bool:
        """Buried until after ``now_ms``."""
        return self.buried_until is not None and self.buried_until > now_ms

    def hidden(self, now_ms: int) -> bool:
        """Suspended, or buried until after ``now_ms``."""
        return bool(self.suspended) or self.buried(now_ms)


class CardSets(NamedTuple):
    """Which stored cards are, at one moment: hidden (suspended, or buried until later), started
    (reviewed at least once), due (started, due before the next study day) and mastered (in the
    Review state with at most ``stability * mastery_ratio`` whole days since the last review).
    Cards without a row are new and in none of them."""

    hidden: frozenset[str]
    started: frozenset[str]
    due: frozenset[str]
    mastered: frozenset[str]


class CardGroups(NamedTuple):
    """Which stored cards are in each state (indexed NEW, LEARNING, REVIEW, RELEARNING), which
    are suspended, and on which day from a study day's start each started, unsuspended card falls
    due (overdue ones on day 0), for the days asked for.  Cards without a row are in none."""

    by_state: tuple[frozenset[str], ...]
    suspended: frozenset[str]
    due_day: dict[str, int]


class Tombstone(NamedTuple):
    """A review taken back by undo: its uid, when, and on which device."""

    uid: str
    undone_at: datetime
    device: str | None


class CardReset(NamedTuple):
    """A card put back to new (``quizapp card ID reset``): a replay starts after it."""

    uid: str
    card_id: str
    reset_at: datetime
    device: str | None


class MergeCounts(NamedTuple):
    """What :meth:`Store.merge_log` changed."""

    added: tuple[Review, ...]  # the other log's reviews that were new here
    tombstones: int  # undo records added
    removed: int  # reviews here that were undone on the other machine
    cards: tuple[str, ...]  # the cards whose state was replayed
    resets: int = 0  # card resets added
    mock_rounds: int = 0  # mock interview rounds added


class MisconceptionRow(NamedTuple):
    name: str
    count: int
    last_seen: datetime


class MisconceptionEvent(NamedTuple):
    """A review that concerned a misconception: an answer that matched it (``correct`` False, a
    lapse for it) or a re-test of it answered right (``correct`` True)."""

    name: str
    reviewed_at: datetime
    correct: bool
    card_id: str


class MisconceptionCover(NamedTuple):
    """What identifies the log's misconception rows (those up to a row id): a value derived from
    them (quizapp.interview.memory_cache) records it, and still holds while the cover is equal.

    New rows get the highest row id plus one, so an id at or below ``max_id`` is given again
    only after the row at ``max_id`` was deleted: while that row is there with its uid, the rows
    up to it can only have lost some, which ``count`` tells."""

    count: int
    max_id: int  # 0 for none
    last_ms: int  # the latest review time, ms since the epoch (0 for none)
    last_uid: str | None  # the uid of the row at max_id

    @property
    def last_at(self) -> datetime | None:
        return from_ms(self.last_ms) if self.count else None


class MockRoundRow(NamedTuple):
    """A mock interview round; its answers are the mock reviews ``device`` logged from
    ``started_at`` to ``ended_at``."""

    uid: str
    started_at: datetime
    ended_at: datetime
    minutes: int
    device: str | None


_CARD_COLUMNS = tuple(CARD_RULES)
_REVIEW_COLUMNS = tuple(REVIEW_RULES)
_STATE_ROW_COLUMNS = ("card_id", *StateRow._fields)


def _select(rules: dict[str, Rule], columns: Sequence[str], table: str) -> str:
    """``SELECT columns..., <first bad column> FROM table``."""
    return f"SELECT {', '.join(columns)}, {first_bad(rules, columns)} FROM {table}"


_SELECT_CARD = _select(CARD_RULES, _CARD_COLUMNS, "card_state")
_CARD_SET_COLUMNS = ("card_id", "state", "due", "stability", "last_review", "suspended", "buried_until")
_CARD_SETS = """
    SELECT json_group_array(card_id) FILTER (WHERE suspended != 0 OR buried_until > :now),
           json_group_array(card_id) FILTER (WHERE state != 0),
           json_group_array(card_id) FILTER (WHERE state != 0 AND due < :tomorrow),
           json_group_array(card_id) FILTER (
               WHERE state = 2 AND max(0, CAST((:now - last_review) / 86400000 AS INTEGER)) <= stability * :ratio)
    FROM card_state
"""
_CARD_GROUP_COLUMNS = ("card_id", "state", "due", "suspended")
_CARD_GROUPS = f"""
    SELECT json_group_array(card_id) FILTER (WHERE state = 0),
           json_group_array(card_id) FILTER (WHERE state = 1),
           json_group_array(card_id) FILTER (WHERE state = 2),
           json_group_array(card_id) FILTER (WHERE state = 3),
           json_group_array(card_id) FILTER (WHERE suspended != 0),
           json_group_object(card_id, max(0, CAST((due - :start) / {_DAY_MS} AS INTEGER)))
               FILTER (WHERE suspended = 0 AND state != 0 AND due < :end)
    FROM card_state
"""
_SELECT_REVIEW = _select(REVIEW_RULES, _REVIEW_COLUMNS, "review_log")
_REVIEW_BAD = first_bad(REVIEW_RULES, _REVIEW_COLUMNS)
_RESET_VALID = " AND ".join(f"({RESET_RULES[c].valid})" for c in ("card_id", "reset_at"))

_UPSERT_STATE = f"""
    INSERT INTO card_state ({', '.join(_CARD_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (card_id) DO UPDATE SET
        state = excluded.state, step = excluded.step, stability = excluded.stability,
        difficulty = excluded.difficulty, due = excluded.due, last_review = excluded.last_review,
        reps = excluded.reps, lapses = excluded.lapses, buried_until = excluded.buried_until,
        suspended = excluded.suspended
"""

_INSERT_REVIEW = f"""
    INSERT INTO review_log ({', '.join(_REVIEW_COLUMNS[1:])})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

#: A copy of review ``:id`` with a new ``:rating``, ``:uid`` and ``:device`` (a changed grade).
_COPY_REVIEW = f"""
    INSERT INTO review_log ({', '.join(_REVIEW_COLUMNS[1:])})
    SELECT {', '.join(':' + c if c in ('rating', 'uid', 'device') else c for c in _REVIEW_COLUMNS[1:])}
    FROM review_log WHERE id = :id
"""

#: A card's row, new, unless it has one: every logged review references its card's row.
_ENSURE_CARD = "INSERT OR IGNORE INTO card_state (card_id) VALUES (?)"
_INSERT_MOCK_ROUND = "INSERT INTO mock_round (uid, started_at, ended_at, minutes, device) VALUES (?, ?, ?, ?, ?)"


def _mock_round_params(r: MockRoundRow) -> tuple:
    return r.uid, to_ms(r.started_at), to_ms(r.ended_at), r.minutes, r.device

_UPSERT_SETTING = (
    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def _state_from_row(row: Sequence[Any]) -> CardState:
    card_id, state, step, stability, difficulty, due, last_review, reps, lapses, buried, suspended = row
    return CardState(
        card_id=card_id,
        state=state,
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_ms(due),
        last_review=from_ms(last_review),
        reps=reps,
        lapses=lapses,
        buried_until=from_ms(buried),
        suspended=bool(suspended),
    )


def _state_params(s: CardState) -> tuple:
    return (
        s.card_id,
        int(s.state),
        s.step,
        s.stability,
        s.difficulty,
        to_ms(s.due),
        to_ms(s.last_review),
        s.reps,
        s.lapses,
        to_ms(s.buried_until),
        int(s.suspended),
    )


def _review_from_row(row: Sequence[Any]) -> Review:
    rid, card_id, at, rating, duration, kind, prev, correct, answer, seed, verdict, misc, uid, device, mode = row
    return Review(
        id=rid,
        card_id=card_id,
        reviewed_at=from_ms(at),
        rating=rating,
        duration_ms=duration,
        kind=kind,
        prev_state=prev,
        correct=None if correct is None else bool(correct),
        answer=answer,
        seed=seed,
        verdict=verdict,
        misconception=misc,
        uid=uid,
        device=device,
        mode=mode,
    )


def _review_params(r: Review, prev_state: int, uid: str, device: str | None) -> tuple:
    return (
        r.card_id,
        to_ms(r.reviewed_at),
        int(r.rating),
        r.duration_ms,
        r.kind,
        int(prev_state),
        None if r.correct is None else int(bool(r.correct)),
        r.answer,
        r.seed,
        r.verdict,
        r.misconception,
        uid,
        device,
        r.mode,
    )


def _id_set(ids: str | None) -> frozenset[str]:
    """The ids of a ``json_group_array`` (NULL when no row matched)."""
    return frozenset(json.loads(ids)) if ids else frozenset()


def _bad_review(path: Path, row: Sequence[Any]) -> StoreError:
    """The message for a review row whose last item names its first unusable column."""
    column = row[-1]
    value = row[_REVIEW_COLUMNS.index(column)]
    return StoreError(
        f"{path}: review {short_repr(row[0])} of card {short_repr(row[1])}: column {column!r} "
        f"holds {short_repr(value)}, not {REVIEW_RULES[column].means}"
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Turn SQLite errors during normal use into a StoreError saying what happened."""

    @wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise describe(exc, self.path) from None

    return wrapper


def _say(line: str) -> None:
    print(f"quizapp: {line}", file=sys.stderr)


class Store:
    """An open quizapp database.  Use :meth:`Store.open`; close it (or use ``with``) when done.

    One connection, used from one thread at a time (the TUI may hand it to a worker thread,
    hence ``check_same_thread=False``).
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, identity: FileIdentity) -> None:
        self.path = path
        self._conn = conn
        self._identity = identity
        self.device: str | None = self._device_id()

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        migrations: tuple[Migration, ...] = MIGRATIONS,
        notice: Callable[[str], None] = _say,
    ) -> Store:
        """Open (or create) the database at ``path`` and bring its schema up to date.

        Raises :class:`StoreError` for anything but a quizapp database that can be written: a
        directory, FIFO or device, somebody else's file, a damaged database, one written by a
        newer quizapp.  ``notice`` is told (one line) where the old file was backed up before a
        migration.  ``migrations`` is the schema's list (tests add to it).
        """
        check_order(migrations)
        path = Path(path)
        check_path(path)
        try:
            conn = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}; pass --db with a writable location") from None
        try:
            version = _inspect(conn, path, migrations)
            _configure(conn, path)
            if version < latest_version(migrations):
                if version > 0:
                    _back_up(conn, path, version, notice)
                _migrate(conn, path, migrations)
            identity = FileIdentity.of(path)
            if identity is None:
                raise StoreError(f"{path} disappeared while it was being opened; try again")
            return cls(path, conn, identity)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @_guarded
    def _device_id(self) -> str | None:
        """This database's device id (schema v2 made it), for the reviews it logs."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()
        return row[0] if row and isinstance(row[0], str) else None

    @_guarded
    def schema_version(self) -> int:
        return int(self._conn.execute("SELECT max(version) FROM schema_version").fetchone()[0])

    # -- card state ------------------------------------------------------------------------

    @_guarded
    def get_state(self, card_id: str) -> CardState | None:
        row = self._conn.execute(f"{_SELECT_CARD} WHERE card_id = ?", (card_id,)).fetchone()
        return self._card(row) if row else None

    def state(self, card_id: str) -> CardState:
        """The card's state; a card never seen is new."""
        return self.get_state(card_id) or CardState(card_id)

    @_guarded
    def state_rows(self) -> dict[str, StateRow]:
        """Every stored card's :class:`StateRow`, by card id (checked, not converted)."""
        self._check_cards(_STATE_ROW_COLUMNS)
        rows = self._conn.execute(f"SELECT {', '.join(_STATE_ROW_COLUMNS)} FROM card_state")
        return {row[0]: StateRow._make(row[1:]) for row in rows}

    @_guarded
    def card_sets(self, now: datetime, tomorrow: datetime, mastery_ratio: float) -> CardSets:
        """The :class:`CardSets` at ``now`` (due: before ``tomorrow``), in one pass over the
        stored states and with no object per card: the home screen opens on these."""
        self._check_cards(_CARD_SET_COLUMNS)
        params = {"now": to_ms(now), "tomorrow": to_ms(tomorrow), "ratio": float(mastery_ratio)}
        return CardSets(*map(_id_set, self._conn.execute(_CARD_SETS, params).fetchone()))

    @_guarded
    def card_groups(self, start: datetime, days: int) -> CardGroups:
        """The :class:`CardGroups`, due days counted from ``start`` for ``days`` days: one pass
        over the stored states with no object per card, for the statistics."""
        self._check_cards(_CARD_GROUP_COLUMNS)
        start_ms = to_ms(start)
        *states, suspended, due_day = self._conn.execute(
            _CARD_GROUPS, {"start": start_ms, "end": start_ms + days * _DAY_MS}
        ).fetchone()
        return CardGroups(
            tuple(_id_set(ids) for ids in states), _id_set(suspended), json.loads(due_day) if due_day else {}
        )

    def _check_cards(self, columns: Sequence[str]) -> None:
        """Raise for the first stored state whose ``columns`` hold a value the app cannot use,
        before anything is converted: a seek in the index of unusable rows, then the rules of
        ``columns`` on those few."""
        row = self._conn.execute(
            f"{_select(CARD_RULES, columns, 'card_state')} "
            f"WHERE rowid IN (SELECT rowid FROM card_state WHERE {CARD_UNUSABLE}) "
            f"AND {first_bad(CARD_RULES, columns)} IS NOT NULL LIMIT 1"
        ).fetchone()
        if row is not None:
            raise self._bad_card_value(row, columns)

    @_guarded
    def put_state(self, state: CardState) -> None:
        """Write one card's state as given (a state replayed or imported, a test's setup)."""
        with self._writing():
            self._conn.execute(_UPSERT_STATE, _state_params(state))

    @_guarded
    def put_states(self, states: Iterable[CardState]) -> None:
        """Write many cards' states in ONE transaction (a whole replay lands, or nothing)."""
        with self._writing():
            self._conn.executemany(_UPSERT_STATE, [_state_params(state) for state in states])

    def bury(self, card_id: str, until: datetime | None) -> CardState:
        """Hide a card until ``until`` (None: unbury it); returns its state before."""
        return self._change_state(card_id, lambda s: replace(s, buried_until=until))

    def set_suspended(self, card_id: str, suspended: bool) -> CardState:
        """Take a card out of every queue (or put it back); returns its state before."""
        return self._change_state(card_id, lambda s: replace(s, suspended=suspended))

    @_guarded
    def reset_card(self, card_id: str, at: datetime) -> CardState:
        """Put a card back to new at ``at``, in ONE transaction: its schedule, reps and lapses are
        forgotten (it stays buried or suspended as it was) and the reset is recorded, so that a
        replay of the log starts after it (:meth:`resets`); the review log keeps every row.
        Returns its state before."""
        with self._writing():
            before = self.state(card_id)
            fresh = CardState(card_id, buried_until=before.buried_until, suspended=before.suspended)
            self._conn.execute(_UPSERT_STATE, _state_params(fresh))
            self._conn.execute(
                "INSERT INTO card_reset (uid, card_id, reset_at, device) VALUES (?, ?, ?, ?)",
                (random_uid(), card_id, to_ms(at), self.device),
            )
        return before

    @_guarded
    def resets(self) -> dict[str, datetime]:
        """When each card that was ever reset was last put back to new, by card id."""
        bad = self._conn.execute(
            f"SELECT card_id, reset_at FROM card_reset WHERE NOT ({_RESET_VALID}) LIMIT 1"
        ).fetchone()
        if bad is not None:
            raise StoreError(
                f"{self.path}: the reset of card {short_repr(bad[0])} holds {short_repr(bad[1])}, not a time"
            )
        rows = self._conn.execute("SELECT card_id, max(reset_at) FROM card_reset GROUP BY card_id")
        return {card_id: from_ms(at) for card_id, at in rows}

    @_guarded
    def _change_state(self, card_id: str, change: Callable[[CardState], CardState]) -> CardState:
        with self._writing():
            before = self.state(card_id)
            self._conn.execute(_UPSERT_STATE, _state_params(change(before)))
        return before

    def _card(self, row: Sequence[Any]) -> CardState:
        if row[-1] is not None:
            raise self._bad_card_value(row, _CARD_COLUMNS)
        return _state_from_row(row[:-1])

    def _bad_card_value(self, row: Sequence[Any], columns: Sequence[str]) -> StoreError:
        column = row[-1]
        rule = CARD_RULES[column]
        value = row[columns.index(column)]
        return StoreError(
            f"{self.path}: card {short_repr(row[0])}: column {column!r} holds {short_repr(value)}, not {rule.means}"
        )

    # -- reviews ---------------------------------------------------------------------------

    @_guarded
    def apply_review(
        self, card_id: str, update: Callable[[CardState], CardState], review: Review
    ) -> tuple[CardState, CardState, int]:
        """Grade one card in ONE transaction: read its state, ``update`` it, write the new state
        and the log row, commit.  Returns (state before, state after, review-log id).

        Reading inside the write transaction means a second process studying the same file
        schedules from the state the first one wrote, never from a stale copy.  A cram or mock
        review (``review.mode``) is logged and leaves the state alone: ``update`` is not called.
        """
        if review.mode not in MODES:
            raise ValueError(f"a review's mode is one of {', '.join(MODES)}, not {review.mode!r}")
        with self._writing("grade"):
            before = self.state(card_id)
            after = before
            if review.mode == "review":
                after = update(before)
                if after.card_id != card_id:
                    raise ValueError("update() must keep the card id")
                self._conn.execute(_UPSERT_STATE, _state_params(after))
            else:
                self._conn.execute(_ENSURE_CARD, (card_id,))
            uid = review.uid or random_uid()
            params = _review_params(review, before.state, uid, review.device or self.device)
            review_id = int(self._conn.execute(_INSERT_REVIEW, params).lastrowid)
        return before, after, review_id

    @_guarded
    def regrade_review(
        self, review_id: int, before: CardState, rating: int, update: Callable[[CardState], CardState], at: datetime
    ) -> tuple[CardState, int]:
        """Change one review's rating in ONE transaction; returns the card's state now and the
        review's new row id.  A log row is a fact another machine may already hold under its uid,
        so it is never edited: the row is taken back as an undo would (its uid recorded as undone
        at ``at``) and a copy with ``rating`` is logged under a new uid, keeping its time, result
        and mode.  So a merge never meets one uid with two ratings.  A scheduled review's card
        gets ``update(before)`` (the state recomputed from the state before that review).

        Raises StoreError when that review is not in the log any more (nothing changed).
        """
        with self._writing("grade"):
            row = self._conn.execute(
                "SELECT uid, mode FROM review_log WHERE id = ? AND card_id = ?", (review_id, before.card_id)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: that review of {before.card_id!r} is no longer in the log; nothing changed")
            old_uid, mode = row
            after = self.state(before.card_id)
            if mode == "review":
                after = update(before)
                if after.card_id != before.card_id:
                    raise ValueError("update() must keep the card id")
                self._conn.execute(_UPSERT_STATE, _state_params(after))
            new_id = int(
                self._conn.execute(
                    _COPY_REVIEW, {"rating": int(rating), "uid": random_uid(), "device": self.device, "id": review_id}
                ).lastrowid
            )
            self._conn.execute("DELETE FROM review_log WHERE id = ?", (review_id,))
            self._conn.execute(
                "INSERT OR REPLACE INTO review_tombstone (uid, undone_at, device) VALUES (?, ?, ?)",
                (old_uid, to_ms(at), self.device),
            )
        return after, new_id

    @_guarded
    def undo_review(self, review_id: int, before: CardState, at: datetime) -> bool:
        """Take back one review in ONE transaction: delete its log row, record its uid as undone
        (at ``at``, so a merge never brings it back), restore ``before``.

        Returns False (and changes nothing) when that review is not in the log any more.
        """
        with self._writing():
            row = self._conn.execute(
                "SELECT uid FROM review_log WHERE id = ? AND card_id = ?", (review_id, before.card_id)
            ).fetchone()
            if row is None:
                return False
            self._conn.execute("DELETE FROM review_log WHERE id = ?", (review_id,))
            self._conn.execute(
                "INSERT OR REPLACE INTO review_tombstone (uid, undone_at, device) VALUES (?, ?, ?)",
                (row[0], to_ms(at), self.device),
            )
            self._conn.execute(_UPSERT_STATE, _state_params(before))
        return True

    @_guarded
    def undone_uids(self) -> set[str]:
        """The uids of every review taken back by undo (the tombstones)."""
        return {uid for (uid,) in self._conn.execute("SELECT uid FROM review_tombstone")}

    @_guarded
    def merge_log(
        self,
        reviews: Sequence[Review],
        tombstones: Sequence[Tombstone],
        replay: Callable[[str, list[Review]], CardState],
        resets: Sequence[CardReset] = (),
        mock_rounds: Sequence[MockRoundRow] = (),
    ) -> MergeCounts:
        """Take in another log, in ONE transaction: its reviews that are new here (by uid: one
        already here or undone anywhere is never added, so a merge is idempotent), its undo
        records, the removal of the reviews here that it undid, its card resets and mock rounds
        (by uid); then
        every card so touched gets ``replay(card id, its merged reviews)`` as its state, keeping
        its bury and suspend flags (``replay`` sees :meth:`resets` with the new ones).
        The other log's reviews keep their uid, device, mode and row order (time, then id)."""
        with self._writing("merge"):
            known_resets = {row[0] for row in self._conn.execute("SELECT uid FROM card_reset")}
            new_resets = {r.uid: r for r in resets if r.uid not in known_resets}
            known_rounds = {row[0] for row in self._conn.execute("SELECT uid FROM mock_round")}
            new_rounds = {r.uid: r for r in mock_rounds if r.uid not in known_rounds}
            here = dict(self._conn.execute("SELECT uid, card_id FROM review_log"))
            undone = self.undone_uids()
            new_tombstones = {t.uid: t for t in tombstones if t.uid not in undone}
            gone = [uid for uid in new_tombstones if uid in here]
            added: dict[str, Review] = {}
            for review in sorted(reviews, key=lambda r: (to_ms(r.reviewed_at), r.id or 0)):
                uid = review.uid or ""
                if uid not in here and uid not in undone and uid not in new_tombstones:
                    added.setdefault(uid, review)
            cards = sorted(
                {here[uid] for uid in gone} | {r.card_id for r in added.values()} | {r.card_id for r in new_resets.values()}
            )
            self._conn.executemany(
                "INSERT INTO card_reset (uid, card_id, reset_at, device) VALUES (?, ?, ?, ?)",
                [(r.uid, r.card_id, to_ms(r.reset_at), r.device) for r in new_resets.values()],
            )
            self._conn.executemany(_INSERT_MOCK_ROUND, [_mock_round_params(r) for r in new_rounds.values()])
            self._conn.executemany(
                "INSERT INTO review_tombstone (uid, undone_at, device) VALUES (?, ?, ?)",
                [(t.uid, to_ms(t.undone_at), t.device) for t in new_tombstones.values()],
            )
            self._conn.executemany("DELETE FROM review_log WHERE uid = ?", [(uid,) for uid in gone])
            self._conn.executemany(_ENSURE_CARD, [(card_id,) for card_id in cards])
            self._conn.executemany(
                _INSERT_REVIEW, [_review_params(r, r.prev_state, uid, r.device) for uid, r in added.items()]
            )
            for card_id in cards:
                kept = self.state(card_id)
                state = replay(card_id, self.reviews(card_id))
                flags = replace(state, buried_until=kept.buried_until, suspended=kept.suspended)
                self._conn.execute(_UPSERT_STATE, _state_params(flags))
        return MergeCounts(tuple(added.values()), len(new_tombstones), len(gone), tuple(cards), len(new_resets), len(new_rounds))

    @_guarded
    def reviews(self, card_id: str | None = None, limit: int | None = None) -> list[Review]:
        """Review-log rows, newest first: one card's history, or everyone's."""
        sql = _SELECT_REVIEW
        params: list[Any] = []
        if card_id is not None:
            sql += " WHERE card_id = ?"
            params.append(card_id)
        sql += " ORDER BY reviewed_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        out = []
        for row in self._conn.execute(sql, params):
            if row[-1] is not None:
                raise self._bad_review_value(row)
            out.append(_review_from_row(row[:-1]))
        return out

    def _bad_review_value(self, row: Sequence[Any]) -> StoreError:
        return _bad_review(self.path, row)

    def _check_reviews(self, where: str, params: Sequence[Any]) -> None:
        """Raise for the first unusable row among the reviews ``where`` selects (a seek in the
        index of unusable rows)."""
        row = self._conn.execute(
            f"{_SELECT_REVIEW} WHERE id IN (SELECT id FROM review_log WHERE {REVIEW_UNUSABLE}) "
            f"AND ({where}) AND {_REVIEW_BAD} IS NOT NULL LIMIT 1",
            tuple(params),
        ).fetchone()
        if row is not None:
            raise self._bad_review_value(row)

    @_guarded
    def review_count(self) -> int:
        """How many reviews the log holds, of every mode (from the tally)."""
        return int(self._conn.execute("SELECT coalesce(sum(reviewed), 0) FROM review_total").fetchone()[0])

    @_guarded
    def has_reviews(self) -> bool:
        return bool(self._conn.execute("SELECT EXISTS (SELECT 1 FROM review_log)").fetchone()[0])

    @_guarded
    def reviews_since(self, moment: datetime) -> int:
        """How many reviews (of any mode) were logged at or after ``moment``."""
        where, params = "reviewed_at >= ?", (to_ms(moment),)
        self._check_reviews(where, params)
        return int(self._conn.execute(f"SELECT count(*) FROM review_log WHERE {where}", params).fetchone()[0])

    @_guarded
    def done_since(self, moment: datetime) -> dict[int, int]:
        """How many scheduled reviews since ``moment``, by the card's state before the review
        (``NEW`` counts new cards introduced, ``REVIEW`` counts reviews of mature cards); cram and
        mock reviews do not count against the daily limits."""
        where, params = "reviewed_at >= ? AND mode = 'review'", (to_ms(moment),)
        self._check_reviews(where, params)
        rows = self._conn.execute(
            f"SELECT prev_state, count(*) FROM review_log WHERE {where} GROUP BY prev_state", params
        )
        return {int(state): int(count) for state, count in rows}

    @_guarded
    def daily_counts(self, start: datetime, days: int) -> list[tuple[int, int]]:
        """(reviews, right answers) on each of ``days`` 24-hour spans from ``start``; right is
        any rating but Again.  Summed from the quarter-hour tally when ``start`` is on a quarter
        hour (the start of a study day in every time zone), else counted in the log."""
        start_ms = to_ms(start)
        where, params = "reviewed_at >= ? AND reviewed_at < ?", (start_ms, start_ms + days * _DAY_MS)
        self._check_reviews(where, params)
        if start_ms % QUARTER_MS == 0:
            rows = self._conn.execute(
                f"SELECT (quarter * {QUARTER_MS} - ?) / {_DAY_MS} AS day, sum(reviewed), sum(recalled) "
                "FROM review_tally WHERE quarter >= ? AND quarter < ? GROUP BY day",
                (start_ms, start_ms // QUARTER_MS, (start_ms + days * _DAY_MS) // QUARTER_MS),
            )
        else:
            rows = self._conn.execute(
                f"SELECT (reviewed_at - ?) / {_DAY_MS} AS day, count(*), sum(rating > 1) FROM review_log "
                f"WHERE {where} GROUP BY day",
                (start_ms, *params),
            )
        counts = {int(day): (int(n), int(right)) for day, n, right in rows}
        return [counts.get(day, (0, 0)) for day in range(days)]

    @_guarded
    def misconception_counts(self, limit: int) -> list[MisconceptionRow]:
        """The misconceptions wrong answers matched most often (then most recently), at most
        ``limit``, with how often and when last (re-tests answered right are not counted)."""
        self._check_reviews("misconception IS NOT NULL AND coalesce(correct, 0) = 0", ())
        rows = self._conn.execute(
            "SELECT name, seen, last_seen FROM misconception_tally ORDER BY seen DESC, last_seen DESC LIMIT ?",
            (int(limit),),
        )
        return [MisconceptionRow(name, int(n), from_ms(last)) for name, n, last in rows]

    @_guarded
    def rebuild_tallies(self) -> None:
        """Recount the review log's tallies from the log, in one transaction.  Triggers keep them
        right through every change to the log, a merge's included; this mends tallies that a
        hand edit changed or emptied."""
        with self._writing():
            for statement in TALLY_REBUILD:
                self._conn.execute(statement)

    # -- interview day: misconceptions, first answers, cram and mock ------------------------

    @_guarded
    def misconception_events(self, after_id: int = 0) -> list[MisconceptionEvent]:
        """Every review that concerned a misconception (see :class:`MisconceptionEvent`), oldest
        first: what each misconception's own memory state is replayed from.  ``after_id``: only
        the rows after that row id (those a :class:`MisconceptionCover` up to it leaves out)."""
        where, params = "misconception IS NOT NULL AND id > ?", (int(after_id),)
        self._check_reviews(where, params)
        rows = self._conn.execute(
            f"SELECT misconception, reviewed_at, correct, card_id FROM review_log WHERE {where} "
            "ORDER BY reviewed_at, id",
            params,
        )
        return [MisconceptionEvent(name, from_ms(at), bool(correct), card_id) for name, at, correct, card_id in rows]

    @_guarded
    def misconception_cover(self, up_to_id: int | None = None) -> MisconceptionCover:
        """The :class:`MisconceptionCover` of the misconception rows (those with a row id up to
        ``up_to_id`` when given): one pass over their partial index, not over the log."""
        where, params = "misconception IS NOT NULL AND id <= ?", (sys.maxsize if up_to_id is None else int(up_to_id),)
        self._check_reviews(where, params)
        count, max_id, last_ms = self._conn.execute(
            f"SELECT count(*), coalesce(max(id), 0), coalesce(max(reviewed_at), 0) FROM review_log WHERE {where}",
            params,
        ).fetchone()
        row = self._conn.execute("SELECT uid FROM review_log WHERE id = ?", (max_id,)).fetchone()
        return MisconceptionCover(count, max_id, last_ms, row[0] if row else None)

    #: The ``meta`` key of the misconception memories kept by quizapp.interview.memory_cache.
    MISCONCEPTION_CACHE_KEY = "misconception_memories"

    @_guarded
    def misconception_cache(self) -> object:
        """The misconception memories kept for next time, as stored (None if none): derived data,
        which its reader checks and may ignore."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (self.MISCONCEPTION_CACHE_KEY,)).fetchone()
        return row[0] if row else None

    @_guarded
    def save_misconception_cache(self, value: str) -> None:
        with self._writing():
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (self.MISCONCEPTION_CACHE_KEY, value),
            )

    @_guarded
    def first_answers(self) -> tuple[int, int]:
        """(cards answered for the first time in scheduled study, how many of those were right)."""
        where = "prev_state = 0 AND mode = 'review'"
        self._check_reviews(where, ())
        count, right = self._conn.execute(f"SELECT count(*), sum(rating > 1) FROM review_log WHERE {where}").fetchone()
        return int(count), int(right or 0)

    @_guarded
    def mode_counts(self, since: datetime) -> dict[str, int]:
        """Reviews logged at or after ``since``, by mode (review, cram, mock)."""
        where, params = "reviewed_at >= ?", (to_ms(since),)
        self._check_reviews(where, params)
        rows = self._conn.execute(f"SELECT mode, count(*) FROM review_log WHERE {where} GROUP BY mode", params)
        return {mode: int(count) for mode, count in rows}

    @_guarded
    def save_mock_round(self, started_at: datetime, ended_at: datetime, minutes: int) -> MockRoundRow:
        """Record a finished mock round of this device (its answers are already in the log)."""
        row = MockRoundRow(random_uid(), started_at, ended_at, int(minutes), self.device)
        with self._writing():
            self._conn.execute(_INSERT_MOCK_ROUND, _mock_round_params(row))
        return row

    @_guarded
    def mock_rounds(self) -> list[MockRoundRow]:
        """Every mock round (this machine's and those a merge brought), oldest first."""
        return _mock_round_rows(self._conn, self.path)

    @_guarded
    def mock_reviews(self, round: MockRoundRow) -> list[Review]:
        """The answers of one mock round, oldest first."""
        where = "mode = 'mock' AND reviewed_at BETWEEN ? AND ? AND device IS ?"
        params = (to_ms(round.started_at), to_ms(round.ended_at), round.device)
        self._check_reviews(where, params)
        rows = self._conn.execute(f"{_SELECT_REVIEW} WHERE {where} ORDER BY reviewed_at, id", params)
        return [_review_from_row(row[:-1]) for row in rows]

    # -- settings --------------------------------------------------------------------------

    @_guarded
    def raw_settings(self) -> dict[str, Any]:
        out = {}
        for key, value in self._conn.execute("SELECT key, value FROM settings"):
            try:
                out[key] = json.loads(value)
            except (TypeError, ValueError):
                raise StoreError(
                    f"{self.path}: setting {short_repr(key)} holds {short_repr(value)}, which is not JSON"
                ) from None
        return out

    def settings(self) -> Settings:
        """The user's settings; defaults (fsrs's own) for anything not set."""
        try:
            return Settings.from_mapping(self.raw_settings())
        except ValueError as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    @_guarded
    def save_settings(self, **changes: Any) -> Settings:
        """Change some settings (``new_per_day=10``, ``learning_steps=[60, 600]``); every value
        is checked before anything is written (ValueError names the bad one).  Returns the
        settings as now stored; settings not named keep their values."""
        current = self.settings().to_mapping()
        unknown = set(changes) - set(current)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        result = Settings.from_mapping({**current, **{k: _jsonable(v) for k, v in changes.items()}})
        stored = result.to_mapping()
        with self._writing():
            self._conn.executemany(_UPSERT_SETTING, [(key, json.dumps(stored[key])) for key in changes])
        return result

    # -- fitted FSRS parameters ----------------------------------------------------------

    #: The parameters ``quizapp optimize`` fitted, in the settings table (Settings ignores it).
    FSRS_PARAMETERS_KEY = "fsrs.parameters"

    def fsrs_parameters(self) -> FittedParameters | None:
        """The FSRS parameters fitted to this database's log, or None for FSRS's defaults."""
        stored = self.raw_settings().get(self.FSRS_PARAMETERS_KEY)
        if stored is None:
            return None
        try:
            parameters = tuple(float(w) for w in stored["parameters"])
            fitted_at = from_ms(stored["fitted_at"])
            reviews = stored["reviews"]
            if not all(map(math.isfinite, parameters)) or not isinstance(reviews, int) or reviews < 0:
                raise ValueError
        except (TypeError, ValueError, KeyError, OverflowError, OSError):
            raise StoreError(
                f"{self.path}: setting {self.FSRS_PARAMETERS_KEY!r} holds {short_repr(stored)}, not fitted FSRS "
                "parameters; run `quizapp optimize` again, or `quizapp optimize --reset` for the defaults"
            ) from None
        return FittedParameters(parameters, fitted_at, reviews)

    @_guarded
    def save_fsrs_parameters(self, fitted: FittedParameters | None) -> None:
        """Store fitted parameters (None: back to FSRS's defaults)."""
        with self._writing():
            if fitted is None:
                self._conn.execute("DELETE FROM settings WHERE key = ?", (self.FSRS_PARAMETERS_KEY,))
                return
            value = {"parameters": list(fitted.parameters), "fitted_at": to_ms(fitted.fitted_at), "reviews": fitted.reviews}
            self._conn.execute(_UPSERT_SETTING, (self.FSRS_PARAMETERS_KEY, json.dumps(value)))

    # -- interface preferences (the theme, ...) --------------------------------------------

    #: Preferences share the settings table under this prefix; Settings ignores such keys.
    PREFERENCE_PREFIX = "ui."

    def preference(self, key: str, default: Any = None) -> Any:
        """An interface preference (not a study setting), or ``default`` if never saved."""
        return self.raw_settings().get(self.PREFERENCE_PREFIX + key, default)

    @_guarded
    def save_preference(self, key: str, value: Any) -> None:
        with self._writing():
            self._conn.execute(_UPSERT_SETTING, (self.PREFERENCE_PREFIX + key, json.dumps(_jsonable(value))))

    # -- code attempts (the last code typed for a drill) ----------------------------------

    @_guarded
    def save_code(self, card_id: str, code: str, now: datetime | None = None) -> None:
        moment = now or datetime.now(_UTC)
        with self._writing():
            self._conn.execute(
                "INSERT INTO code_attempts (card_id, code, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (card_id) DO UPDATE SET code = excluded.code, updated_at = excluded.updated_at",
                (card_id, code, to_ms(moment)),
            )

    @_guarded
    def load_code(self, card_id: str) -> str | None:
        row = self._conn.execute("SELECT code FROM code_attempts WHERE card_id = ?", (card_id,)).fetchone()
        if row is None:
            return None
        if not isinstance(row[0], str):
            raise StoreError(
                f"{self.path}: card {short_repr(card_id)}: column 'code' holds {short_repr(row[0])}, not text"
            )
        return row[0]

    # -- checks ----------------------------------------------------------------------------

    @_guarded
    def integrity_check(self) -> str:
        """SQLite's own consistency check: ``"ok"`` when the file is sound."""
        rows = self._conn.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(row[0]) for row in rows)

    # -- plumbing --------------------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read in one transaction: every query inside sees the database as it was at the first
        (another process's writes meanwhile are not seen), so values read together agree."""
        try:
            self._conn.execute("BEGIN DEFERRED")
        except sqlite3.Error as exc:
            raise describe(exc, self.path) from None
        try:
            yield
        finally:
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")

    @contextmanager
    def _writing(self, change: str = "change") -> Iterator[None]:
        """One write transaction (every write goes through here): ``BEGIN IMMEDIATE`` ...
        ``COMMIT``, after checking that the path still names the file that was opened;
        ``ROLLBACK`` on any error.

        IMMEDIATE takes the write lock up front, so two processes never both read and then fail
        to upgrade to a write; the second simply waits (busy_timeout).
        """
        with _transaction(self._conn):
            yield
            if not self._identity.still_at(self.path):
                raise StoreError(
                    f"{self.path}: your review database was removed or replaced while in use; "
                    f"this {change} was not saved"
                )


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _damaged_schema(path: Path, why: str) -> StoreError:
    return StoreError(
        f"{path} has a damaged schema ({why}); keep a copy of it, then restore a backup or pass --db to start a new one"
    )


def _inspect(conn: sqlite3.Connection, path: Path, migrations: tuple[Migration, ...]) -> int:
    """A read-only look at the schema: the version of a quizapp database (0 when empty), or a
    StoreError for somebody else's file, a damaged one, or one from a newer quizapp."""
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        tables = _tables(conn)
        versions = (
            conn.execute("SELECT count(*), max(version) FROM schema_version").fetchone()
            if "schema_version" in tables
            else None
        )
    except sqlite3.Error as exc:
        raise describe(exc, path) from None
    latest = latest_version(migrations)
    ours = tables_at(latest, migrations)
    if versions is None:
        if not tables:
            return 0
        if tables & ours:
            raise _damaged_schema(path, "its schema_version table is missing")
        shown = ", ".join(sorted(tables)[:4]) + (", ..." if len(tables) > 4 else "")
        raise not_ours(path, f"it holds other tables: {shown}")
    count, version = versions
    if not count:
        raise _damaged_schema(path, "its schema_version table is empty")
    if not isinstance(version, int) or version < 1:
        raise _damaged_schema(path, f"its schema_version table holds {short_repr(version)}")
    if version > latest:
        raise StoreError(
            f"{path} was written by a newer quizapp (schema v{version}; this one knows v{latest}); "
            "upgrade quizapp or pass --db"
        )
    missing = sorted(tables_at(version, migrations) - tables)
    if missing:
        raise _damaged_schema(path, f"table {missing[0]} is missing")
    return version


def _configure(conn: sqlite3.Connection, path: Path) -> None:
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")  # the tallies count out rows REPLACE deletes
    except sqlite3.Error as exc:
        raise describe(exc, path) from None
    if str(mode).lower() != "wal":
        raise StoreError(f"cannot use {path}: SQLite refused WAL mode ({mode}); pass --db on a local disk")


def backup_path(path: Path, label: str, now: datetime) -> Path:
    """A new file in ``backups/`` beside the database: ``<name>-<label>-<UTC time>.db``."""
    folder = path.parent / "backups"
    stamp = now.astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = folder / f"{path.stem}-{label}-{stamp}.db"
    number = 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{path.stem}-{label}-{stamp}-{number}.db"
    return candidate


def back_up(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the open database to ``target`` with SQLite's online backup API (a consistent copy
    even while another process writes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(str(target))
    try:
        conn.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, safe to copy back
    finally:
        copy.close()


def _back_up(conn: sqlite3.Connection, path: Path, version: int, notice: Callable[[str], None]) -> None:
    """Back the database up before migrating it; a failure stops the migration."""
    target = backup_path(path, f"schema-v{version}", datetime.now(_UTC))
    try:
        back_up(conn, target)
    except (OSError, sqlite3.Error) as exc:
        with suppress(OSError):
            target.unlink(missing_ok=True)  # a partial copy
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StoreError(
            f"{path}: could not back it up to {target} before upgrading its schema ({reason}); "
            "nothing was changed - free some space or fix that folder's permissions"
        ) from None
    notice(f"backed up {path} (schema v{version}) to {target} before upgrading it")


def _migrate(conn: sqlite3.Connection, path: Path, migrations: tuple[Migration, ...]) -> None:
    """Apply each missing migration in its own transaction (re-checked under the write lock,
    so two processes opening a new file at once create the schema once)."""
    try:
        for migration in migrations:
            with _transaction(conn):
                if _read_version(conn) >= migration.version:
                    continue
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                for step in migration.steps:
                    if callable(step):
                        step(conn)
                    else:
                        conn.execute(step)
                conn.execute("DELETE FROM schema_version")
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (migration.version,))
    except sqlite3.Error as exc:
        raise describe(exc, path) from None


def _read_version(conn: sqlite3.Connection) -> int:
    if "schema_version" not in _tables(conn):
        return 0
    return int(conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)


# -- another machine's database, read-only and untrusted (quizapp merge) --------------------------

#: What a foreign database must have to be read: real tables (not views) with these columns.
_FOREIGN_TABLES = {
    "schema_version": ("version",),
    "review_log": _REVIEW_COLUMNS,
    "review_tombstone": ("uid", "undone_at", "device"),
    "settings": ("key", "value"),
    "meta": ("key", "value"),
}
_SELECT_TOMBSTONE = _select(TOMBSTONE_RULES, tuple(TOMBSTONE_RULES), "review_tombstone")
_SELECT_RESET = _select(RESET_RULES, tuple(RESET_RULES), "card_reset")
_SELECT_MOCK_ROUND = _select(MOCK_ROUND_RULES, tuple(MOCK_ROUND_RULES), "mock_round")


def _mock_round_rows(conn: sqlite3.Connection, path: Path) -> list[MockRoundRow]:
    """The mock rounds in ``conn``'s database, oldest first, each value checked."""
    select = f"{_SELECT_MOCK_ROUND} ORDER BY started_at, uid"
    return [
        MockRoundRow(uid, from_ms(started), from_ms(ended), int(minutes), device)
        for uid, started, ended, minutes, device in _checked_rows(conn, path, select, MOCK_ROUND_RULES, "mock round")
    ]


class ForeignLog(NamedTuple):
    """What merging needs of another machine's database."""

    path: Path
    device: str | None
    reviews: list[Review]
    tombstones: list[Tombstone]
    settings: Settings | None  # None when they cannot be read (settings_problem says why)
    settings_problem: str | None
    resets: list[CardReset]  # empty before schema v3
    mock_rounds: list[MockRoundRow]  # empty before schema v4


def read_foreign_log(path: Path) -> ForeignLog:
    """Read another quizapp database's log without trusting or changing it: opened by
    :func:`quizapp.dbfile.open_untrusted` (read-only, nothing in its schema run; refused while a
    journal is beside it), its schema
    checked (tables, not views, with our columns; schema v2 or later, not newer than ours) and
    every value checked by the store's own rules.  Raises :class:`StoreError` (one line)."""
    check_foreign(path)
    for suffix in ("-wal", "-journal"):  # a write in progress, or a file not closed cleanly
        if os.path.lexists(f"{path}{suffix}"):
            raise StoreError(
                f"{path} is in use or was not closed cleanly (a {suffix} file is beside it); merge a copy "
                "made by `quizapp backup` on that machine instead"
            )
    try:
        conn = open_untrusted(path)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        _check_foreign_schema(conn, path)
        reviews = []
        for row in conn.execute(_SELECT_REVIEW):
            if row[-1] is not None:
                raise _bad_review(path, row)
            reviews.append(_review_from_row(row[:-1]))
        tombstones = [
            Tombstone(uid, from_ms(at), device)
            for uid, at, device in _checked_rows(conn, path, _SELECT_TOMBSTONE, TOMBSTONE_RULES, "undo record")
        ]
        settings, problem = _foreign_settings(conn)
        device = conn.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()
        device_id = device[0] if device and isinstance(device[0], str) else None
        resets = [  # schema v3 on; none before
            CardReset(uid, card_id, from_ms(at), device)
            for uid, card_id, at, device in _checked_rows(conn, path, _SELECT_RESET, RESET_RULES, "card reset")
        ] if _has_table(conn, "card_reset") else []
        rounds = _mock_round_rows(conn, path) if _has_table(conn, "mock_round") else []  # schema v4 on
        return ForeignLog(path, device_id, reviews, tombstones, settings, problem, resets, rounds)
    except sqlite3.Error as exc:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            raise StoreError(f"{path} looks damaged ({exc}); nothing was merged") from None
        raise StoreError(f"cannot read {path} ({exc}); nothing was merged") from None
    finally:
        conn.close()


def _has_table(conn: sqlite3.Connection, table: str) -> bool:
    """Whether the other database has ``table`` (a later schema's table: none before it)."""
    return conn.execute("SELECT type FROM sqlite_master WHERE name = ?", (table,)).fetchone() == ("table",)


def _checked_rows(conn: sqlite3.Connection, path: Path, select: str, rules: dict[str, Rule], what: str) -> list[list[Any]]:
    """The rows ``select`` reads (its last column names the first bad one), or a one-line
    StoreError naming the first row that breaks ``rules``."""
    rows = []
    for *values, bad in conn.execute(select):
        if bad is not None:
            value = values[tuple(rules).index(bad)]
            raise StoreError(
                f"{path}: {what} {short_repr(values[0])}: column {bad!r} holds {short_repr(value)}, "
                f"not {rules[bad].means}"
            )
        rows.append(values)
    return rows


def _check_foreign_schema(conn: sqlite3.Connection, path: Path) -> None:
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
    if kinds.get("schema_version") != "table":
        shown = ", ".join(sorted(kinds)[:4]) + (", ..." if len(kinds) > 4 else "") or "no tables"
        raise StoreError(f"{path} is not a quizapp database (it holds {shown})")
    version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    latest = latest_version()
    if version == 1:
        raise StoreError(
            f"{path} was written by an older quizapp (schema v1): open it once with this one "
            f"(quizapp --db {path} stats upgrades it, after a backup), then merge again"
        )
    if not isinstance(version, int) or version < 1:
        raise StoreError(f"{path} has a damaged schema (its schema_version table holds {short_repr(version)})")
    if version > latest:
        raise StoreError(f"{path} was written by a newer quizapp (schema v{version}; this one knows v{latest})")
    for table, columns in _FOREIGN_TABLES.items():
        if kinds.get(table) != "table":
            what = "a view" if table in kinds else "missing"
            raise StoreError(f"{path} is not a quizapp database of schema v{version} (its {table} is {what})")
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        missing = [column for column in columns if column not in have]
        if missing:
            raise StoreError(f"{path} is not a quizapp database of schema v{version} ({table} has no {missing[0]})")


def _foreign_settings(conn: sqlite3.Connection) -> tuple[Settings | None, str | None]:
    values = {}
    for key, value in conn.execute("SELECT key, value FROM settings"):
        if isinstance(key, str) and not key.startswith(Store.PREFERENCE_PREFIX):
            try:
                values[key] = json.loads(value)
            except (TypeError, ValueError):
                return None, f"setting {short_repr(key)} holds {short_repr(value)}, which is not JSON"
    try:
        return Settings.from_mapping(values), None
    except (TypeError, ValueError) as exc:
        return None, str(exc)
