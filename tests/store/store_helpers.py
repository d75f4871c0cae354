"""Builders for the study-loop tests: cards, topics and libraries made directly (no YAML),
a controllable clock, and tiny exercise generators registered for the duration of a test."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from quizapp.content.loader import Library
from quizapp.content.model import Choice, CodeCard, ExerciseCard, Flashcard, Topic, TrueFalse

UTC = timezone.utc
#: Noon UTC; with the tests' tz=UTC and day_starts_at=4 the study day runs 04:00 to 04:00.
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class Clock:
    """A ``now`` callable the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kwargs: float) -> datetime:
        self.t += timedelta(**kwargs)
        return self.t


def flash(card_id: str, topic: str = "alpha", tags: tuple[str, ...] = (), **kw) -> Flashcard:
    return Flashcard(id=card_id, topic=topic, explain=f"why {card_id}", tags=tuple(tags),
                     front=f"front of {card_id}", back=f"back of {card_id}", **kw)


def choice(card_id: str, topic: str = "alpha", options=("w", "x", "y", "z"), answer=(1,), **kw) -> Choice:
    return Choice(id=card_id, topic=topic, explain=f"why {card_id}", prompt=f"pick for {card_id}",
                  options=tuple(options), answer=frozenset(answer), **kw)


def truefalse(card_id: str, topic: str = "alpha", answer: bool = True, **kw) -> TrueFalse:
    return TrueFalse(id=card_id, topic=topic, explain=f"why {card_id}", statement=f"claim {card_id}",
                     answer=answer, **kw)


def exercise(card_id: str, topic: str = "alpha", generator: str = "test.sum", **kw) -> ExerciseCard:
    return ExerciseCard(id=card_id, topic=topic, explain=f"why {card_id}", generator=generator, **kw)


def code(card_id: str, topic: str = "alpha", **kw) -> CodeCard:
    return CodeCard(id=card_id, topic=topic, explain=f"why {card_id}", task="t", prompt="write it", **kw)


def topic(topic_id: str, cards, title: str | None = None) -> Topic:
    return Topic(id=topic_id, title=title or topic_id.title(), summary="s", cards=tuple(cards))


def library(*topics: Topic) -> Library:
    return Library(topics, [])


def flash_library(n: int, topic_id: str = "alpha") -> Library:
    return library(topic(topic_id, [flash(f"{topic_id}-{i:03d}", topic_id) for i in range(n)]))


def register_test_generators():
    """Register ``test.sum`` (a + b, misconception 'difference' = a - b) and ``test.pair``
    (a 2x2 matrix [[a, b], [b, a]]).  Returns a function that removes them again."""
    import numpy as np

    from quizapp.engine.exercises.base import REGISTRY, Draft, Step, Variant, generator

    @generator("test.sum", "a + b for the session tests")
    def _sum(rng, level=1):
        a, b = (int(v) for v in rng.integers(1, 10, size=2))
        return Draft(asks="a + b", prompt=f"What is {a} + {b}?", answer=a + b,
                     steps=[Step("add", a + b)], inputs={"a": a, "b": b},
                     variants=[Variant("difference", np.asarray(float(a - b)))])

    @generator("test.pair", "a 2x2 matrix for the plain-mode tests")
    def _pair(rng, level=1):
        a, b = (int(v) for v in rng.integers(1, 10, size=2))
        return Draft(asks="the matrix", prompt=f"Write [[{a}, {b}], [{b}, {a}]].",
                     answer=np.array([[a, b], [b, a]], dtype=float), steps=[Step("a", a)],
                     inputs={"a": a, "b": b})

    def remove() -> None:
        REGISTRY.pop("test.sum", None)
        REGISTRY.pop("test.pair", None)

    return remove


def dump(path: Path) -> list[str]:
    """Every row of every table of the database at ``path``, as SQL text (its whole content)."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
