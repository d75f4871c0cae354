"""``quizapp backup [PATH]``: copy the review database now (SQLite's online backup API).

Without PATH the copy goes to ``backups/`` beside the database, named
``<db name>-manual-<UTC time>.db``; with a folder, into that folder under the same name; with a
file name, to that file, which must not exist yet (``--overwrite`` replaces it, in one rename: the
copy another machine merges, docs/sync.md).  ``quizapp where`` lists the backups; the
README says how to restore one.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from quizapp.cli.common import open_store

PROG = "quizapp backup"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "backup",
        parents=[common],
        help="copy the review database now",
        description="Copy the review database with SQLite's online backup API (safe while the app "
        "runs). Without PATH the copy goes to backups/ beside the database; PATH may be a folder or "
        "a new file name (or any file with --overwrite). Exit 0 when copied, 1 when not.",
    )
    parser.add_argument("path", nargs="?", metavar="PATH", help="a folder, or a file that does not exist yet")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace PATH if it exists (for a copy kept in a synced folder: docs/sync.md)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizapp.backups import BackupError, copy_database
    from quizapp.store import backup_path

    store = open_store(args, PROG)  # refuses what is not a usable quizapp database, in one line
    if store is None:
        return 1
    db = store.path
    reviews = store.review_count()
    store.close()
    now = datetime.now(timezone.utc)
    target = backup_path(db, "manual", now)
    if args.path:
        chosen = Path(args.path).expanduser()
        target = chosen / target.name if chosen.is_dir() else chosen
        if not args.overwrite and (target.exists() or target.is_symlink()):
            print(f"{PROG}: {target} already exists; nothing was written - give a new file name", file=sys.stderr)
            return 1
    try:
        copy_database(db, target)
    except BackupError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {db} ({reviews} reviews) to {target}")
    return 0
