"""Readiness: how much of each topic you are expected to recall at the interview.

A topic's readiness is the mean, over its cards, of FSRS's predicted probability of recalling the
card at the interview moment (``fsrs.Scheduler.get_card_retrievability`` on the stored state); a
card never studied counts 0, a suspended card is left out.  Each *active* misconception (shown
and not answered right since, quizapp.interview.misconceptions) counts against the topics of the
cards it was shown on as one extra card at recall 0: a belief you still hold is something the
interviewer can catch you on.  Overall readiness is the same mean over every card of every topic
(a card counts once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from quizapp.interview.memory_cache import kept_memories
from quizapp.interview.misconceptions import ACTIVE
from quizapp.scheduler import Scheduler, scheduler_for
from quizapp.store import StateRow, Store, from_ms

__all__ = ["Readiness", "TopicReadiness", "active_by_topic", "card_ids", "readiness", "readiness_at", "stored_recall"]


class TopicReadiness(NamedTuple):
    topic_id: str
    title: str
    cards: int  # cards counted (suspended ones are not)
    misconceptions: int  # active misconceptions counted against the topic
    ready: float  # 0..1

    @property
    def weak(self) -> float:
        """How far from full recall: 1 - readiness."""
        return 1.0 - self.ready


class Readiness(NamedTuple):
    at: datetime  # the moment the recall is predicted for
    overall: float
    topics: tuple[TopicReadiness, ...]  # in content order

    def at_risk(self, target: float) -> tuple[TopicReadiness, ...]:
        """The topics below ``target``, least ready first."""
        return tuple(sorted((t for t in self.topics if t.ready < target), key=lambda t: t.ready))

    def weakest_first(self) -> tuple[TopicReadiness, ...]:
        return tuple(sorted(self.topics, key=lambda t: t.ready))


def card_ids(topic: Any) -> tuple[str, ...]:
    """A topic's card ids (an outline's ``card_ids``, or its cards')."""
    ids = getattr(topic, "card_ids", None)
    return tuple(ids) if ids is not None else tuple(card.id for card in topic.cards)


def stored_recall(rows: Mapping[str, StateRow], scheduler: Scheduler, at: datetime) -> Callable[[str], float]:
    """Card id -> FSRS's predicted recall at ``at`` of its stored state (0 when never studied)."""

    def recall(card_id: str) -> float:
        row = rows.get(card_id)
        if row is None or not row.started:
            return 0.0
        return scheduler.recall_probability(row.stability, from_ms(row.last_review), at)

    return recall


def readiness(
    topics: Iterable[Any],
    rows: Mapping[str, StateRow],
    at: datetime,
    recall: Callable[[str], float],
    misconceptions: Mapping[str, int] | None = None,
) -> Readiness:
    """Readiness at ``at`` of ``topics`` (topics or outlines), each card's recall given by
    ``recall``; suspended cards (by ``rows``) are left out, ``misconceptions`` (active ones per
    topic id) count as cards at recall 0."""
    misconceptions = misconceptions or {}
    out = []
    seen: set[str] = set()
    total = counted = 0.0
    for topic in topics:
        ids = [cid for cid in card_ids(topic) if not (cid in rows and rows[cid].suspended)]
        recalls = [recall(cid) for cid in ids]
        extra = misconceptions.get(topic.id, 0)
        size = len(ids) + extra
        out.append(TopicReadiness(topic.id, topic.title, len(ids), extra, sum(recalls) / size if size else 0.0))
        for cid, value in zip(ids, recalls):
            if cid not in seen:
                seen.add(cid)
                total += value
                counted += 1
        counted += extra
    return Readiness(at, total / counted if counted else 0.0, tuple(out))


def active_by_topic(topics: Iterable[Any], store: Store) -> dict[str, int]:
    """Active misconceptions per topic: each counts once for every topic it was shown in."""
    topic_of = {cid: topic.id for topic in topics for cid in card_ids(topic)}
    out: dict[str, int] = {}
    for memory in kept_memories(store).values():
        if memory.status != ACTIVE:
            continue
        for topic_id in {topic_of[cid] for cid in memory.shown_on if cid in topic_of}:
            out[topic_id] = out.get(topic_id, 0) + 1
    return out


def readiness_at(topics: Iterable[Any], store: Store, at: datetime) -> Readiness:
    """:func:`readiness` from what ``store`` holds, with its active misconceptions."""
    topics = list(topics)
    rows = store.state_rows()
    recall = stored_recall(rows, scheduler_for(store), at)
    return readiness(topics, rows, at, recall, active_by_topic(topics, store))
