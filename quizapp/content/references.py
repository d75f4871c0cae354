"""The names a card may point at, looked up where they are defined (never copied here).

- exercise generators: ``engine.exercises.REGISTRY`` (importing the package registers them all)
- drill tasks for code cards: ``quizapp.drills.TASKS``, once that module exists
- misconceptions a card ``teaches``: ``engine.exercises.misconceptions.CATALOG``

Each is read at call time, so a generator registered by a test (or a plug-in) is seen.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Mapping


def generators() -> Mapping[str, Any]:
    """Generator id -> ``engine.exercises.Generator`` (with ``params`` and ``levels``)."""
    exercises = importlib.import_module("quizapp.engine.exercises")
    return exercises.REGISTRY


def tasks() -> Mapping[str, Any]:
    """Drill task id -> task; empty while ``quizapp.drills`` does not exist yet."""
    try:
        drills = importlib.import_module("quizapp.drills")
    except ModuleNotFoundError as err:
        if err.name not in ("quizapp.drills", "quizapp"):
            raise
        return {}
    return getattr(drills, "TASKS", {})


def misconceptions() -> Mapping[str, Any]:
    """Misconception name -> ``Misconception``."""
    catalog = importlib.import_module("quizapp.engine.exercises.misconceptions")
    return catalog.CATALOG


@dataclass(frozen=True)
class Names:
    """The three lookups, taken once per load so a deck of many cards does not repeat them."""

    generators: Mapping[str, Any]
    tasks: Mapping[str, Any]
    misconceptions: Mapping[str, Any]


def current() -> Names:
    return Names(generators(), tasks(), misconceptions())
