"""The names a card may point at, looked up where they are defined (never copied here).

- exercise generators: ``quizapp.engine.exercises.REGISTRY``
- drill tasks for code cards: ``quizapp.drills.TASKS``
- misconceptions a card ``teaches``: ``quizapp.engine.exercises.misconceptions.CATALOG``

Only reading a deck file needs them (a start served from the deck cache never imports this), and
the tables are read when a file is, so a generator a test registers is seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from quizapp.drills import TASKS
from quizapp.engine.exercises import REGISTRY
from quizapp.engine.exercises.misconceptions import CATALOG


def generators() -> Mapping[str, Any]:
    """Generator id -> ``Generator`` (with ``params`` and ``levels``)."""
    return REGISTRY


def tasks() -> Mapping[str, Any]:
    """Drill task id -> task."""
    return TASKS


def misconceptions() -> Mapping[str, Any]:
    """Misconception name -> ``Misconception``."""
    return CATALOG


@dataclass(frozen=True)
class Names:
    """The three lookups, taken once per file so a deck of many cards does not repeat them."""

    generators: Mapping[str, Any]
    tasks: Mapping[str, Any]
    misconceptions: Mapping[str, Any]


def current() -> Names:
    return Names(generators(), tasks(), misconceptions())
