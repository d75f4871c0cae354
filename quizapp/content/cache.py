"""A cache of read and checked deck files, so the app starts fast with thousands of cards.

Reading and checking YAML costs about 0.15 ms a card: 1.7 s at every start for 10,000 cards.
What reading each file gave (its topic's outline, its problems, its cards) is kept as JSON text in
one SQLite table in the user's cache folder, keyed by

- the BLAKE2 hash of the file's bytes: any edit is seen, even one that keeps the size and the
  modification time;
- the path as messages show it (problems and card sources quote it);
- the fingerprint of the code that shapes a loaded deck (BLAKE2 of its source), so a new version
  or a changed generator reads everything again.

Entries of every content set used are kept (plain ``quizapp`` and ``quizapp --content X`` both
start warm), up to :data:`MAX_BYTES`, the least recently used dropped first.  Nothing read from
the cache can run code: SQLite and JSON hold data only, and every value is checked for its type
before it is used (a bad entry is read again from the YAML).  A cache folder or file that another
user owns or may write is not used, with a one-line warning.

The cache is only an accelerator: an error reading or writing it means reading the YAML as usual.
``QUIZAPP_CACHE_DIR`` moves it; set to an empty string, it disables it.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import stat
import sys
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_cache_path

import quizapp
from quizapp.content.files import not_a_file
from quizapp.content.library import BadRecord, TopicOutline, items, text
from quizapp.content.problem import Problem

CACHE_FILE = "decks.sqlite3"
#: Where earlier versions kept a pickle: removed, never read.
LEGACY_FILE = "decks.pickle"
#: All entries together; the least recently used beyond this are dropped.
MAX_BYTES = 64 * 2**20
#: One entry larger than this is damaged (a 16 MB deck gives about 20 MB): it is not read.
MAX_ENTRY_BYTES = 48 * 2**20
#: Bump when the table changes; another version's file is started afresh.
SCHEMA_VERSION = 1
#: Source that decides what a deck file reads into, relative to the quizapp package: the loader,
#: the text cleaning, the generator registry and the drill tasks.
CODE = ("content", "sanitize.py", "engine/exercises", "drills")

#: (BLAKE2 of a file's bytes, its path as shown)
Key = tuple[str, str]

_SCHEMA = """
CREATE TABLE deck_file (
    content_hash TEXT NOT NULL,   -- BLAKE2b of the file's bytes
    shown TEXT NOT NULL,          -- the path as messages show it
    fingerprint TEXT NOT NULL,    -- of the code that read it
    used INTEGER NOT NULL,        -- the load that used it last: the least recent go first
    head BLOB NOT NULL,           -- JSON: outline, problems, lines (see Entry)
    cards BLOB NOT NULL,          -- JSON: the cards (quizapp.content.records)
    PRIMARY KEY (content_hash, shown, fingerprint)
)
"""


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is disabled."""
    configured = os.environ.get("QUIZAPP_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    return user_cache_path("quizapp", appauthor=False)


def code_fingerprint() -> str:
    """BLAKE2 of the name and source of every module that shapes a loaded deck."""
    root = Path(quizapp.__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for name in CODE:
        place = root / name
        for source in sorted(place.rglob("*.py")) if place.is_dir() else [place]:
            with open(source, "rb") as handle:
                digest.update(f"{name}{str(source)[len(str(place)):]}".encode() + b"\0" + handle.read() + b"\0")
    return digest.hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def distrust(st: os.stat_result, *, folder: bool, uid: int) -> str | None:
    """Why a cache folder (or file) with this ``stat`` may not be used, or None when it may.

    It must be a folder (a regular file), owned by ``uid``, and writable by nobody else: whoever
    can write the cache decides what the app shows.
    """
    if folder and not stat.S_ISDIR(st.st_mode):
        return f"it is {not_a_file(st.st_mode) or 'a file'}, not a folder"
    if not folder and not stat.S_ISREG(st.st_mode):
        return f"it is {not_a_file(st.st_mode)}, not a file"
    if st.st_uid != uid:
        return "it belongs to another user"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "other users may write to it"
    return None


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def warn(message: str) -> None:
    print(f"quizapp: {message}", file=sys.stderr)


@dataclass
class Entry:
    """What reading one deck file gave, without its cards: all the loader needs to check ids."""

    outline: TopicOutline | None  # None when the file gave no topic
    problems: list[Problem]
    topic_line: int
    card_lines: dict[str, int]  # served card id -> line, in the file's order
    unrendered: list[Problem] = field(default_factory=list)  # formulas shown as written

    def to_json(self) -> bytes:
        data = {
            "outline": self.outline.to_dict() if self.outline else None,
            "card_lines": list(self.card_lines.values()),  # in the order of the outline's card ids
            "topic_line": self.topic_line,
            "problems": [[p.line, p.message] for p in self.problems],
            "unrendered": [[p.line, p.message] for p in self.unrendered],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, blob: bytes, shown: str) -> Entry:
        """The entry :meth:`to_json` wrote; :class:`BadRecord` for anything else."""
        try:
            data = json.loads(blob)
        except (ValueError, RecursionError):
            raise BadRecord("not JSON") from None
        if not (isinstance(data, dict) and data.keys() == _ENTRY_KEYS):
            raise BadRecord("not an entry")
        outline = None if data["outline"] is None else TopicOutline.from_dict(data["outline"])
        card_ids = outline.card_ids if outline is not None else ()
        lines = _lines(data["card_lines"])
        if len(lines) != len(card_ids):
            raise BadRecord("the card lines are not the outline's cards")
        return cls(
            outline, _problems(data["problems"], shown), _line(data["topic_line"]),
            dict(zip(card_ids, lines)), _problems(data["unrendered"], shown),
        )


_ENTRY_KEYS = {"outline", "card_lines", "topic_line", "problems", "unrendered"}


def _problems(value: Any, shown: str) -> list[Problem]:
    problems = []
    for pair in items(value, list):
        if len(pair) != 2:
            raise BadRecord("a problem is not a line and a message")
        problems.append(Problem(shown, _line(pair[0]), text(pair[1])))
    return problems


def _line(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise BadRecord("a line number holds something else")
    return value


def _lines(value: Any) -> list[int]:
    lines = items(value, int)
    if lines and min(lines) < 0:
        raise BadRecord("a line number is negative")
    return lines


class DeckCache:
    """The entries of one load: :meth:`get` each file, :meth:`put` what was read, then :meth:`save`
    (which closes it)."""

    def __init__(self, folder: Path | None):
        self.fingerprint = code_fingerprint() if folder is not None else ""
        self.db: sqlite3.Connection | None = self._open(folder) if folder is not None else None
        self.path = folder / CACHE_FILE if self.db is not None else None  # a trusted file
        self.used: set[Key] = set()
        self.used_last: set[int] = set()  # when each entry used was last used
        self.new: dict[Key, tuple[bytes, bytes]] = {}

    # -- opening: only a folder and a file that are the user's own ---------------------------

    def _open(self, folder: Path) -> sqlite3.Connection | None:
        path = folder / CACHE_FILE
        place = f"deck cache folder {folder}"
        try:
            try:
                folder.mkdir(mode=0o700, parents=True)
            except FileExistsError:
                pass
            problem = distrust(os.stat(folder), folder=True, uid=os.geteuid())
            if problem is None:
                _remove(folder / LEGACY_FILE)
                place = f"deck cache {path}"
                problem = self._file_problem(path)
        except OSError as err:
            problem = f"cannot use it ({err.strerror or err})"
        if problem is not None:
            warn(f"not using the {place}: {problem}")
            return None
        try:
            return self._connect(path)
        except sqlite3.Error:  # not a database, or damaged: start afresh
            try:
                path.unlink()
                return self._connect(path) if self._file_problem(path) is None else None
            except (OSError, sqlite3.Error):
                return None

    @staticmethod
    def _file_problem(path: Path) -> str | None:
        """Create the cache file readable by its owner only, or say why the one there is not used."""
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
            return None
        except FileExistsError:
            pass
        try:
            return distrust(os.stat(path), folder=False, uid=os.geteuid())
        except OSError as err:
            if err.errno == errno.ELOOP:
                return "it is a symlink loop"
            raise

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        uri = Path(os.path.abspath(path)).as_uri() + "?mode=rw"  # never create: _file_problem did
        db = sqlite3.connect(uri, uri=True, timeout=0.5, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=OFF")  # a cache: a crash loses at most what is re-read
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != SCHEMA_VERSION:
                db.execute("BEGIN IMMEDIATE")
                db.execute("DROP TABLE IF EXISTS deck_file")
                db.execute(_SCHEMA)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                db.execute("COMMIT")
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _failed(self, err: sqlite3.Error) -> None:
        """Stop using the cache for this load; start it afresh next time unless it was only busy."""
        if self.db is not None:
            self.db.close()
            self.db = None
            if "locked" not in str(err) and self.path is not None:
                _remove(self.path)
                self.path = None

    # -- use -----------------------------------------------------------------------------------

    @staticmethod
    def key(shown: str, data: bytes) -> Key:
        """What an entry is found by, besides the code's fingerprint."""
        return content_hash(data), shown

    def get(self, key: Key) -> Entry | None:
        """The entry for this file's bytes and path, or None when it is not cached.

        The cards stay in the database until :meth:`cards` asks for them (after the start).
        """
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT head, used FROM deck_file WHERE content_hash = ? AND shown = ? AND fingerprint = ?"
                " AND typeof(head) = 'blob' AND length(head) <= ?",
                (*key, self.fingerprint, MAX_ENTRY_BYTES),
            ).fetchone()
        except sqlite3.Error as err:
            self._failed(err)
            return None
        if row is None:
            return None
        try:
            entry = Entry.from_json(row[0], key[1])
        except BadRecord:
            return None  # read again, and replaced by put()
        self.used.add(key)
        self.used_last.add(row[1])
        return entry

    def put(self, key: Key, entry: Entry, cards: bytes) -> None:
        if self.db is not None:
            self.new[key] = (entry.to_json(), cards)

    def cards(self, key: Key) -> bytes | None:
        """The cards' JSON of an entry :meth:`get` found, or None if it cannot be had any more."""
        if self.path is None:
            return None
        query = (
            "SELECT cards FROM deck_file WHERE content_hash = ? AND shown = ? AND fingerprint = ?"
            " AND typeof(cards) = 'blob' AND length(cards) <= ?"
        )
        try:
            with closing(self._connect(self.path)) as db:
                row = db.execute(query, (*key, self.fingerprint, MAX_ENTRY_BYTES)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def forget(self, key: Key) -> None:
        """Drop an entry found damaged after the load, when its cards did not decode."""
        if self.path is None:
            return
        try:
            with closing(self._connect(self.path)) as db:
                db.execute("DELETE FROM deck_file WHERE content_hash = ? AND shown = ?", key)
        except sqlite3.Error:
            pass  # the entry fails again next time, and is read from the YAML again

    def save(self) -> None:
        """Write the new entries, mark the ones used as the most recent, drop the least recent.

        A load that used only what the last one used, and read nothing new, writes nothing.
        """
        if self.db is None:
            return
        db = self.db
        try:
            (latest,) = db.execute("SELECT coalesce(max(used), 0) FROM deck_file").fetchone()
            if self.new or not self.used_last <= {latest}:
                self._write(db, latest + 1)
        except sqlite3.Error as err:
            self._failed(err)
        else:
            db.close()
            self.db = None

    def _write(self, db: sqlite3.Connection, used: int) -> None:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "UPDATE deck_file SET used = ? WHERE content_hash = ? AND shown = ? AND fingerprint = ?",
            [(used, *key, self.fingerprint) for key in self.used],
        )
        db.executemany(
            "INSERT OR REPLACE INTO deck_file VALUES (?, ?, ?, ?, ?, ?)",
            [(*key, self.fingerprint, used, head, cards) for key, (head, cards) in self.new.items()],
        )
        db.execute(
            "DELETE FROM deck_file WHERE rowid IN (SELECT rowid FROM (SELECT rowid, sum(length(head) + "
            "length(cards)) OVER (ORDER BY used DESC, rowid DESC) AS total FROM deck_file) WHERE total > ?)",
            (MAX_BYTES,),
        )
        db.execute("COMMIT")
