"""Fixtures for the interview-day tests: a clock the test moves, a fresh database, and the study
loop's tiny generators (tests/store/store_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.store import Store

from ..store.store_helpers import Clock, register_test_generators


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
