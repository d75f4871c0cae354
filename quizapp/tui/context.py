"""What every screen needs: the content, the review database, a clock and a random source.

One :class:`AppContext` is made when the app starts and handed to each screen, so a test can
build the whole app on a temporary database, fixture decks, a frozen clock and a seeded random
generator, and get the same screens every run.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for real only where they are built (startup time)
    from quizapp.content import Library
    from quizapp.store import Store


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class AppContext:
    library: Library
    store: Store
    now: Callable[[], datetime] = field(default=utc_now)  # timezone-aware (UTC)
    rng: random.Random | None = None  # None: fresh randomness for every session


def open_store(db: str | os.PathLike[str] | None = None) -> Store:
    """The review database: ``db`` (--db), else $QUIZAPP_DB, else the user data dir.

    Raises :class:`quizapp.store.StoreError` with a one-line message a person can act on.
    """
    from quizapp.paths import db_path
    from quizapp.store import Store

    return Store.open(db_path(db))


def load_content(content_dirs: Iterable[str | os.PathLike[str]] = ()) -> Library:
    """The shipped decks and the user's folders; problems are kept in ``Library.problems``."""
    from quizapp.content import load_library

    return load_library(extra_dirs=list(content_dirs))


def build_context(db: str | os.PathLike[str] | None = None, content_dirs: Iterable[str | os.PathLike[str]] = ()) -> AppContext:
    """Open the database first (its errors end the program), then read the decks."""
    store = open_store(db)
    return AppContext(library=load_content(content_dirs), store=store)
