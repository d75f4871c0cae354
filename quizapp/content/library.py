"""Every topic and card that loaded, with the problems found on the way.

A start served from the deck cache knows each topic's outline (its header and card ids) at once
and decodes the cards themselves the first time they are asked for: the home screen needs only
the outlines (15 ms for 10,000 cards, measured with tests/bench/bench_startup.py's decks), and
decoding the cards too costs about 80 ms more, which the start-up goal (at most 1.3x a minimal
Textual app, about 200 ms here) cannot afford.  The cards are decoded in a thread once the home screen is
up (quizapp.tui.screens.home), so a session rarely waits for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from quizapp.content.problem import Problem

if TYPE_CHECKING:
    from quizapp.content.model import Card, Topic


class BadRecord(ValueError):
    """Stored data (a deck cache entry) that does not have the shape it must have."""


@dataclass(frozen=True)
class TopicOutline:
    """A topic without its cards: its header, the ids of its cards, in order, and which of them
    teach which misconception (card id, name), so the statistics name the cards that correct a
    misconception without decoding every card."""

    id: str
    title: str
    summary: str
    card_ids: tuple[str, ...]
    refs: tuple[str, ...] = ()
    source: str = ""
    order: int | None = None
    teaches: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, topic: Topic) -> TopicOutline:
        card_ids = tuple(card.id for card in topic.cards)
        teaches = tuple((card.id, name) for card in topic.cards for name in card.teaches)
        return cls(topic.id, topic.title, topic.summary, card_ids, topic.refs, topic.source, topic.order, teaches)

    def keeping(self, card_ids: tuple[str, ...]) -> TopicOutline:
        """This outline with only ``card_ids`` (an earlier file took the others)."""
        kept = set(card_ids)
        return replace(self, card_ids=card_ids, teaches=tuple(pair for pair in self.teaches if pair[0] in kept))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "summary": self.summary, "card_ids": list(self.card_ids),
            "refs": list(self.refs), "source": self.source, "order": self.order,
            "teaches": [list(pair) for pair in self.teaches],
        }

    @classmethod
    def from_dict(cls, data: Any) -> TopicOutline:
        """The outline :meth:`to_dict` gave; :class:`BadRecord` for anything else."""
        if not (isinstance(data, dict) and data.keys() == _OUTLINE_KEYS):
            raise BadRecord("an outline needs exactly " + ", ".join(sorted(_OUTLINE_KEYS)))
        order = data["order"]
        if order is not None and type(order) is not int:
            raise BadRecord("'order' is not a whole number")
        pairs = [texts(pair) for pair in items(data["teaches"], list)]
        if any(len(pair) != 2 for pair in pairs):
            raise BadRecord("'teaches' holds something other than (card id, misconception) pairs")
        return cls(
            text(data["id"]), text(data["title"]), text(data["summary"]), texts(data["card_ids"]),
            texts(data["refs"]), text(data["source"]), order, tuple((card_id, name) for card_id, name in pairs),
        )


_OUTLINE_KEYS = TopicOutline("", "", "", ()).to_dict().keys()


def text(value: Any) -> str:
    if type(value) is not str:
        raise BadRecord("a text field holds something else")
    return value


def texts(value: Any) -> tuple[str, ...]:
    return tuple(items(value, str))


def items(value: Any, kind: type) -> list[Any]:
    """``value`` when it is a list of values of exactly type ``kind`` (checked at C speed: a deck
    cache entry can hold 10,000 of them)."""
    if type(value) is not list or not set(map(type, value)) <= {kind}:
        raise BadRecord(f"a list of {kind.__name__} holds something else")
    return value


@dataclass(frozen=True)
class PendingTopic:
    """A topic whose cards are read when first needed; ``read_cards`` gives every card of its file."""

    outline: TopicOutline
    read_cards: Callable[[], Sequence[Card]]

    def topic(self) -> Topic:
        # Imported here: defining the card classes costs 5 ms, which a start that shows only
        # outlines does not pay.
        from quizapp.content.model import Topic

        kept = set(self.outline.card_ids)  # ids another file took first are not served here
        cards = tuple(card for card in self.read_cards() if card.id in kept)
        o = self.outline
        return Topic(o.id, o.title, o.summary, cards, o.refs, o.source, o.order)


class Library:
    """Every topic and card that loaded, and every problem found on the way.

    ``topics`` are listed by their ``order`` key, then in the order the files were read (by path
    within each folder), topics without an ``order`` last; ``cards`` maps an id to its card;
    :meth:`topic` and :meth:`card_topic` raise ``KeyError`` for an unknown id.  ``outlines`` are
    at hand at once; the cards of a :class:`PendingTopic` are read the first time ``topics``,
    ``cards`` or a lookup needs them (safe from several threads).

    ``problems`` is what was skipped and why; ``unrendered`` the ``$...$`` formulas shown as
    written because they cannot be rendered, which skip nothing and only ``quizapp validate``
    reports.
    """

    def __init__(
        self,
        topics: Iterable[Topic | PendingTopic],
        problems: Iterable[Problem],
        files: Iterable[str] = (),
        unrendered: Iterable[Problem] = (),
    ):
        self.problems: list[Problem] = list(problems)
        self.unrendered: list[Problem] = list(unrendered)
        self.files: tuple[str, ...] = tuple(files)  # every deck file read, as shown in messages
        entries = [(t.outline, t) if isinstance(t, PendingTopic) else (TopicOutline.of(t), t) for t in topics]
        entries.sort(key=lambda entry: (entry[0].order is None, entry[0].order or 0))  # stable
        self.outlines: tuple[TopicOutline, ...] = tuple(outline for outline, _ in entries)
        self._pending: list[Topic | PendingTopic] = [item for _, item in entries]
        self._lock = threading.Lock()
        self._topics: tuple[Topic, ...] | None = None
        self._cards: dict[str, Card] = {}
        self._by_id: dict[str, Topic] = {}
        self._card_topic: dict[str, Topic] = {}

    def _materialize(self) -> tuple[Topic, ...]:
        with self._lock:
            if self._topics is None:
                topics = tuple(p.topic() if isinstance(p, PendingTopic) else p for p in self._pending)
                for topic in topics:
                    self._by_id[topic.id] = topic
                    for card in topic.cards:
                        self._cards[card.id] = card
                        self._card_topic[card.id] = topic
                self._pending = []
                self._topics = topics
            return self._topics

    @property
    def topics(self) -> tuple[Topic, ...]:
        return self._topics if self._topics is not None else self._materialize()

    @property
    def cards(self) -> dict[str, Card]:
        self.topics
        return self._cards

    def topic(self, topic_id: str) -> Topic:
        self.topics
        return self._by_id[topic_id]

    def card_topic(self, card_id: str) -> Topic:
        self.topics
        return self._card_topic[card_id]

    def teaching(self) -> dict[str, tuple[str, ...]]:
        """Misconception name -> the ids of the cards that teach it, in content order (from the
        outlines: no card is decoded)."""
        out: dict[str, list[str]] = {}
        for outline in self.outlines:
            for card_id, name in outline.teaches:
                ids = out.setdefault(name, [])
                if card_id not in ids:
                    ids.append(card_id)
        return {name: tuple(ids) for name, ids in out.items()}

    def __repr__(self) -> str:
        cards = sum(len(o.card_ids) for o in self.outlines)
        return f"<Library {len(self.outlines)} topics, {cards} cards, {len(self.problems)} problems>"
