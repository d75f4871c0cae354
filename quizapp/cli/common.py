"""What the plain-text subcommands share: opening the review store and loading the decks."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from quizapp.paths import db_path, db_path_source, default_db_path

if TYPE_CHECKING:
    from quizapp.store import Store


def missing_db_folder(explicit: str | os.PathLike[str] | None) -> str | None:
    """Why the database chosen by ``--db`` (or QUIZAPP_DB) cannot be used: its folder does not
    exist.  A typo there would otherwise create a new, empty database and its folders, and show
    zeros; only the default location's folders are made when needed."""
    source = db_path_source(explicit)
    path = db_path(explicit)
    if source == "default" or path.parent.exists() or path == default_db_path():
        return None
    return f"{source} {path}: the folder {path.parent} does not exist; create it, or check the path"


def open_store(args: argparse.Namespace, prog: str) -> Store | None:
    """The review store from ``--db`` / QUIZAPP_DB / the default path, or None after printing why
    it cannot be used (a foreign or corrupt file, a directory, an unwritable place)."""
    from quizapp.store import Store, StoreError

    try:
        return Store.open(db_path(getattr(args, "db", None)))
    except StoreError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return None


def run_with_store(args: argparse.Namespace, prog: str, body: Callable[[Store, Any], int]) -> int:
    """``body(store, library)``'s exit code, with the store open and the decks loaded; a database
    that cannot be used, before or during ``body``, is its one line on stderr and exit 1."""
    from quizapp.store import StoreError

    store = open_store(args, prog)
    if store is None:
        return 1
    with store:
        library = load_library(args)
        try:
            return body(store, library)
        except StoreError as exc:
            print(f"{prog}: {exc}", file=sys.stderr)
            return 1


def load_library(args: argparse.Namespace, err: IO[str] | None = None):
    """The shipped decks plus ``--content`` folders; each content problem is a line on stderr."""
    from quizapp.content import load_library as load

    library = load(extra_dirs=list(getattr(args, "content", None) or []))
    for problem in library.problems:
        print(problem, file=err or sys.stderr)
    return library


def isatty(stream: IO[str]) -> bool:
    """Whether ``stream`` is a terminal (False for pipes, files and closed streams)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
