"""``quizapp where``: where the review database, its backups and the decks are, and why there; and what confines
a coding drill's solution on this machine (docs/drills.md)."""

from __future__ import annotations

import argparse

from quizapp.paths import DB_ENV, db_path, db_path_source


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "where",
        parents=[common],
        help="print where the review database and the decks are, and how drill checks are confined",
        description=f"Print the review database path (from --db, else {DB_ENV}, else the user "
        "data directory), the deck folders the app reads, and what this machine enforces on a "
        "coding drill's solution.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizapp.backups import backups_of
    from quizapp.content import shipped_content_dir
    from quizapp.drills.sandbox import enforcement, landlock_abi

    explicit = getattr(args, "db", None)
    path = db_path(explicit)
    source = {"--db": "from --db", DB_ENV: f"from {DB_ENV}", "default": "the default"}[db_path_source(explicit)]
    state = "" if path.exists() else ", not created yet"
    print(f"database: {path}  ({source}{state})")
    for backup in backups_of(path):
        print(f"backup:   {backup.path}  ({backup.made:%Y-%m-%d %H:%M} UTC, {backup.size // 1024} KiB)")
    print(f"content:  {shipped_content_dir()}  (shipped decks)")
    for folder in getattr(args, "content", None) or []:
        print(f"content:  {folder}  (from --content)")
    first, *rest = enforcement(landlock_abi())
    print(f"drills:   {first}")
    for line in rest:
        print(f"          {line}")
    return 0
