"""Copies of the review database: one a day, one before every schema migration, one on demand.

Every copy is made with SQLite's online backup API from a read-only connection of its own, so it
is consistent even while a session writes, and it never waits on the connection the app is using
(the TUI makes the daily copy in a worker thread once the home screen is drawn).  A copy is
written under a temporary name and renamed into place: an interrupted copy never looks like a
backup.

Backups live in ``backups/`` beside the database (quizapp.store.backup_path), so a ``--db``
elsewhere never writes into the user's data folder.  The daily ones are named
``<db name>-daily-<UTC time>.db``; only the newest :data:`KEEP_DAILY` of those are kept (the
copies made before a migration and by ``quizapp backup`` are never removed).  To restore one, quit
quizapp and copy it over the database file (README, "Backups").
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from quizapp.store import back_up, backup_path

__all__ = ["BackupError", "KEEP_DAILY", "Backup", "backups_of", "copy_database", "daily_backup"]

#: How many daily backups are kept.
KEEP_DAILY = 7
DAILY = "daily"


class BackupError(Exception):
    """A copy could not be made; ``str()`` is one line saying where and why."""


class Backup(NamedTuple):
    path: Path
    size: int
    made: datetime  # the file's modification time, UTC


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of the database at ``source`` written to ``target`` (not there yet)."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            back_up(conn, partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BackupError(f"could not back up {source} to {target}: {reason}") from None
    finally:
        with suppress(OSError):
            partial.unlink(missing_ok=True)


def _daily_pattern(db: Path) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(db.stem)}-{DAILY}-(\d{{8}})T\d{{6}}Z(-\d+)?\.db")


def daily_backup(db: Path, now: datetime) -> Path | None:
    """Back ``db`` up unless a daily backup was already made on ``now``'s (UTC) date; then keep
    only the newest :data:`KEEP_DAILY` daily ones.  Returns the new backup, or None."""
    pattern = _daily_pattern(db)
    folder = db.parent / "backups"
    today = now.astimezone(timezone.utc).strftime("%Y%m%d")
    daily = sorted(p for p in _files(folder) if pattern.fullmatch(p.name))
    if any(pattern.fullmatch(p.name).group(1) == today for p in daily):  # type: ignore[union-attr]
        return None
    target = backup_path(db, DAILY, now)
    copy_database(db, target)
    for old in sorted([*daily, target])[:-KEEP_DAILY]:
        with suppress(OSError):
            old.unlink()
    return target


def backups_of(db: Path) -> list[Backup]:
    """Every backup in ``backups/`` beside ``db`` (daily, before a migration, on demand), oldest first."""
    found = []
    for path in _files(db.parent / "backups"):
        if path.name.startswith(f"{db.stem}-") and path.suffix == ".db":
            with suppress(OSError):
                info = path.stat()
                found.append(Backup(path, info.st_size, datetime.fromtimestamp(info.st_mtime, timezone.utc)))
    return sorted(found, key=lambda b: (b.made, b.path.name))


def _files(folder: Path) -> list[Path]:
    try:
        return [entry for entry in folder.iterdir() if entry.is_file()]
    except OSError:
        return []
