"""Shared fixtures for the TUI tests: fixture decks, a temporary database, a frozen clock, and the
simulated history the stats and browser screens are tested on.

Every app a test builds studies ``fixtures/decks`` (one card of each kind, real generators and a
real drill task) on its own database file, at a fixed moment, with a seeded random generator, so
the screens are the same on every run and every machine (TZ is UTC, as the study day depends on
local time).  What is costly and never changed by a test (the loaded decks, the replayed history)
is built once per session; each test gets its own database file.
"""

from __future__ import annotations

import random
import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest

from quizapp.content import load_paths
from quizapp.content.loader import Library
from quizapp.store import Store
from quizapp.tui.app import QuizApp
from quizapp.tui.context import AppContext

from .simulated_history import make_library, seed_history
from .support import DECKS, NOW


@pytest.fixture(autouse=True)
def utc_days(monkeypatch):
    """The study day starts at 04:00 local time: make local time UTC for every TUI test."""
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("QUIZAPP_EXIT_WHEN_READY", raising=False)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def library():
    lib = load_paths([DECKS])
    assert not lib.problems, lib.problems
    return lib


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reviews.db"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_app(library, db_path, clock):
    """``make_app()`` -> a QuizApp on the fixture decks and a fresh (or the given) database."""
    stores: list[Store] = []

    def make(path: Path | None = None, seed: int = 7) -> QuizApp:
        store = Store.open(path or db_path)
        stores.append(store)
        ctx = AppContext(library=library, store=store, now=clock, rng=random.Random(seed))
        return QuizApp(ctx)

    yield make
    for store in stores:
        store.close()


# -- the stats and browser screens' simulated history ---------------------------------------------


@pytest.fixture(scope="session")
def history_db_template(tmp_path_factory) -> Path:
    """The replayed history, built once."""
    path = tmp_path_factory.mktemp("history") / "reviews.db"
    with pytest.MonkeyPatch.context() as patch:  # session-scoped: utc_days has not run yet
        patch.setenv("TZ", "UTC")
        time.tzset()
        with Store.open(path) as store:
            seed_history(store, make_library())
    time.tzset()
    return path


@pytest.fixture
def stats_library() -> Library:
    return make_library()


@pytest.fixture
def empty_store(tmp_path):
    with Store.open(tmp_path / "empty.db") as store:
        yield store


@pytest.fixture
def history_store(tmp_path, history_db_template):
    """A copy of the simulated history for one test (which may add to it)."""
    path = tmp_path / "reviews.db"
    shutil.copy(history_db_template, path)
    with Store.open(path) as store:
        yield store
