"""The review database as a file: what may be opened, what an SQLite error means, and whether the
file is still the one that was opened.

No SQL here (that is :mod:`quizapp.store`'s); these are the checks around it:

- :func:`check_path` refuses, before SQLite touches anything, what cannot be our database: a
  directory, a FIFO, a device or a socket (found without a blocking open), a file that is not
  SQLite, a place that cannot be written.  A missing file's folder is created.
- :func:`describe` turns an ``sqlite3.Error`` into a :class:`StoreError` that says what happened
  ("the disk is full", "I/O error reading ...", "... looks damaged (...)") from SQLite's error
  code, not from the wording of its message.
- :class:`FileIdentity` remembers (device, inode) of the opened file, so a write can notice that
  the file was removed or replaced under it before it reports anything as saved.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import NamedTuple

from quizapp.content.files import not_a_file

__all__ = ["StoreError", "SQLITE_MAGIC", "BUSY_TIMEOUT_MS", "FileIdentity", "check_foreign", "check_path", "damaged", "open_untrusted", "describe", "not_ours"]

SQLITE_MAGIC = b"SQLite format 3\x00"
#: How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 10_000
#: Files SQLite keeps beside the database.
COMPANIONS = ("-wal", "-shm", "-journal")

class StoreError(Exception):
    """A problem with the database a person can act on; ``str()`` is a one-line message."""


def not_ours(path: Path, why: str) -> StoreError:
    return StoreError(f"{path} is not a quizapp database ({why}); move it away or pass --db")


def damaged(path: Path, why: str) -> StoreError:
    return StoreError(
        f"{path} looks damaged ({why}); keep a copy of it, then restore a backup or pass --db to start a new one"
    )


def _not_a_file(path: Path, mode: int) -> StoreError | None:
    kind = not_a_file(mode)
    return StoreError(f"{path} is {kind}, not a database file; pass --db with a file path") if kind else None


def check_path(path: Path) -> None:
    """Refuse what cannot be our database before SQLite touches anything; create the folder of a
    database that does not exist yet."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        _make_folder(path)
        return
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}; check its permissions or pass --db") from None
    problem = _not_a_file(path, mode)
    if problem is not None:
        raise problem
    for suffix in COMPANIONS:
        companion = Path(f"{path}{suffix}")
        try:
            companion_mode = os.stat(companion).st_mode
        except OSError:
            continue
        if _not_a_file(companion, companion_mode) is not None:
            raise StoreError(f"{companion} (beside the database) is not a regular file; move it away")
    header = _read_header(path)
    if header and header != SQLITE_MAGIC:
        raise not_ours(path, "file is not a database")
    if not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"cannot write {path}: permission denied; check its permissions or pass --db")


def check_foreign(path: Path) -> None:
    """Refuse what cannot be another machine's quizapp database, before SQLite opens it: a missing
    path, anything but a regular file (looked at without a blocking open), a file not SQLite."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    kind = not_a_file(mode)
    if kind:
        raise StoreError(f"{path} is {kind}, not a database file")
    if _read_header(path) != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a quizapp database (it is not an SQLite file)")


#: All a connection to somebody else's file may do: read.  A write, an ATTACH or loading an
#: extension is refused by SQLite before it runs (and triggers only ever fire on writes).
_READING = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_PRAGMA})


def _only_reading(action: int, *_: object) -> int:
    return sqlite3.SQLITE_OK if action in _READING else sqlite3.SQLITE_DENY


def open_untrusted(path: Path) -> sqlite3.Connection:
    """A connection that can only read the SQLite file at ``path`` and trusts nothing in it:
    ``mode=ro`` and ``immutable`` (no lock, no -wal or -shm created beside it: the caller makes
    sure no journal is there), ``query_only``, ``trusted_schema`` off (no function in its schema
    runs), and an authoriser that refuses anything but reading.  Raises sqlite3.Error."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        conn.set_authorizer(_only_reading)
    except BaseException:
        conn.close()
        raise
    return conn


def _read_header(path: Path) -> bytes:
    """The first 16 bytes, read without blocking (the file could be swapped for a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}; check its permissions or pass --db") from None
    try:
        problem = _not_a_file(path, os.fstat(fd).st_mode)
        if problem is not None:
            raise problem
        return os.read(fd, len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"I/O error reading {path}: {exc.strerror}; check the disk, keep a copy and pass --db") from None
    finally:
        os.close(fd)


def _make_folder(path: Path) -> None:
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create {path}: {exc.strerror or exc}; pass --db with a writable location"
        ) from None
    if not parent.is_dir():
        raise StoreError(f"cannot create {path}: {parent} is not a directory; pass --db with a writable location")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot create {path}: {parent} is not writable; pass --db with a writable location")


def describe(exc: sqlite3.Error, path: Path) -> StoreError:
    """What ``exc`` means for the person whose database is at ``path``, in one line."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(
            f"{path}: the database stayed locked by another process for {BUSY_TIMEOUT_MS // 1000} s; "
            "close the other quizapp and try again"
        )
    if name == "SQLITE_FULL":
        return StoreError(f"{path}: the disk is full; this change was not saved - free some space and try again")
    if name.startswith("SQLITE_IOERR"):
        return StoreError(f"I/O error reading {path} ({exc}); check the disk, keep a copy and try again")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return damaged(path, str(exc))
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError(f"cannot open {path}: {exc}; pass --db with a writable location")
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        return StoreError(f"cannot write {path}: {exc}; pass --db with a writable location")
    return StoreError(f"{path}: {exc}")


class FileIdentity(NamedTuple):
    """Which file a path named when it was opened: (device, inode)."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        return cls(info.st_dev, info.st_ino)

    def still_at(self, path: Path) -> bool:
        """True while ``path`` still names this file (not removed, not replaced by another)."""
        return FileIdentity.of(path) == self
