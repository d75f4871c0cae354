"""Fixtures for the store and session tests: a test clock, a fresh database, a session factory."""

from __future__ import annotations

import random
from datetime import timezone
from pathlib import Path

import pytest

from quizapp.session import Session
from quizapp.store import Store

from .store_helpers import Clock, register_test_generators


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reviews.db"


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def generators():
    remove = register_test_generators()
    yield
    remove()


@pytest.fixture
def make_session(store, clock):
    """Session factory with the test clock, UTC days and a seeded rng."""

    def make(library, **kwargs):
        kwargs.setdefault("now", clock)
        kwargs.setdefault("tz", timezone.utc)
        kwargs.setdefault("rng", random.Random(1234))
        return Session(library, kwargs.pop("store", store), **kwargs)

    return make
