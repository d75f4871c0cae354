"""Fixtures for the content tests: a fake generator and a fake drill task the fixture decks use.

The real registries are filling up as the engine and the drills land; the tests must not depend on
which generators exist, so they add their own (through the engine's own ``generator`` decorator,
so the params and levels are read the way real generators' are) and remove it afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import quizapp.engine.exercises  # noqa: F401  (registers the real generators first)
from quizapp.engine.exercises.base import REGISTRY, Draft, generator
from quizapp.content import references

FIXTURES = Path(__file__).parent / "fixtures"
FAKE_GENERATOR = "fake.mean"
FAKE_TASK = "fake_task"


def _fake_mean(rng, level=1, n=3, scale=1.0):
    values = rng.integers(1, 5, size=n) * scale
    return Draft(asks="the mean", prompt=f"{values}", answer=values.mean(), steps=[])


@pytest.fixture(autouse=True)
def fake_references(monkeypatch):
    """Register ``fake.mean`` (levels 1 and 2; params n=3, scale=1.0) and the task ``fake_task``."""
    assert FAKE_GENERATOR not in REGISTRY
    generator(FAKE_GENERATOR, "the mean of a few numbers", levels=(1, 2))(_fake_mean)
    monkeypatch.setattr(references, "tasks", lambda: {FAKE_TASK: object()})
    yield REGISTRY[FAKE_GENERATOR]
    del REGISTRY[FAKE_GENERATOR]
