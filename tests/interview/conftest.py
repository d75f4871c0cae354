"""Fixtures for the interview-day tests: the study-loop tests' clock, fresh database and tiny
generators (tests/store/conftest.py), and local time set to UTC for the commands that read it."""

from __future__ import annotations

import time

import pytest

from ..store.conftest import clock, db_path, generators, store  # noqa: F401  (shared fixtures)


@pytest.fixture
def utc(monkeypatch):
    """Local time is UTC, so study days start at 04:00 UTC in what the commands print."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
