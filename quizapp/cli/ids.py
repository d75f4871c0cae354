"""Which command takes an id.

quizapp knows four kinds of id, each in the style it was born with: topics and cards
(``batch-norm``, ``bn-momentum-none``: ``quizapp study``), coding tasks (``batch_norm_train``:
``quizapp code``) and exercise generators (``batch_norm.train_forward``: ``quizapp exercise``).
They are kept as they are: a card's review history is keyed by its id, and the style tells the
kinds apart at a glance.  Instead every command recognises every kind, and given an id of a kind it
does not take, names the command that does ("layer_norm is a coding task: quizapp code
layer_norm").  An id that is no kind at all gets the closest ids of every kind.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any


def _topics(library: Any) -> list[str]:
    return [topic.id for topic in library.topics]


def _cards(library: Any) -> list[str]:
    return list(library.cards)


def _tasks(library: Any) -> list[str]:
    from quizapp.drills import TASKS

    return list(TASKS)


def _generators(library: Any) -> list[str]:
    from quizapp.engine.exercises import REGISTRY

    return list(REGISTRY)


@dataclass(frozen=True)
class Kind:
    """One kind of id: how to call it, the command that takes it, and where its ids come from."""

    noun: str  # "coding task"
    article: str  # "a"
    command: str  # "quizapp code"
    ids: Callable[[Any], list[str]]  # the library -> every id of this kind


#: In the order an id is looked up (``mixup`` is a topic and a coding task: a topic first).
KINDS: dict[str, Kind] = {
    "topic": Kind("topic", "a", "quizapp study", _topics),
    "card": Kind("card", "a", "quizapp study", _cards),
    "task": Kind("coding task", "a", "quizapp code", _tasks),
    "generator": Kind("exercise generator", "an", "quizapp exercise", _generators),
}


def kind_of(word: str, library: Any, among: Collection[str] = KINDS) -> str | None:
    """The first kind (of ``among``, in :data:`KINDS` order) that has the id ``word``."""
    return next((name for name, kind in KINDS.items() if name in among and word in kind.ids(library)), None)


def id_problem(word: str, takes: Collection[str], library: Any) -> str:
    """What to tell a user who gave ``word`` to a command that takes ids of the kinds ``takes``
    and found none: the command that takes it, or the closest ids (of any kind)."""
    found = kind_of(word, library, [name for name in KINDS if name not in takes])
    if found is not None:
        kind = KINDS[found]
        return f"{word} is {kind.article} {kind.noun}: {kind.command} {word}"
    wanted = " or ".join(KINDS[name].noun for name in takes)
    ids = {i: name for name in reversed(KINDS) for i in KINDS[name].ids(library)}
    close = difflib.get_close_matches(word, list(ids), n=3, cutoff=0.6)
    if not close:
        first = KINDS[next(iter(takes))]
        listed = first.ids(library)
        known = ", ".join(listed[:40]) + (", ..." if len(listed) > 40 else "")
        return f"unknown {wanted} {word!r}; {first.noun}s: {known or '(none)'}"
    named = [i if ids[i] in takes else f"{i} ({KINDS[ids[i]].command} {i})" for i in close]
    return f"unknown {wanted} {word!r}; did you mean {', '.join(named)}?"
