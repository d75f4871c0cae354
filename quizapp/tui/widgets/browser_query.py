"""Finding cards: a search line with filters, over an index built once per browser visit.

No Textual here (it sits beside the browser's widgets because only the browser uses it), so the
search is tested on its own and timed on 10,000 cards.

The search line is words and filters, all of which must match (case-insensitive)::

    dropout eval                 both words, anywhere in the card's text or id
    "running var"                a phrase
    topic:batch-norm             topic id (or part of a topic id or title: topic:batch)
    tag:eval-mode                a tag, exactly
    kind:exercise                flashcard, choice, truefalse, exercise, code, cloze (kind:ex works)
    state:new                    new, learning, review, relearning, leech, suspended, buried, due
    tag:axes,variance            a comma means "any of these"
    -state:suspended  -bias      a minus leaves out what matches

A value that matches nothing known (``kind:exam``) is reported in :attr:`Query.problems` as one
line saying what is allowed; the search then ignores that filter rather than showing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from quizapp.content.model import KINDS, Card, Choice, ClozeCard, CodeCard, ExerciseCard, Flashcard, TrueFalse
from quizapp.scheduler import NEW, STATE_NAMES, day_start, format_interval
from quizapp.store import from_ms, to_ms

__all__ = [
    "FILTER_KEYS",
    "STATES",
    "CardEntry",
    "CardIndex",
    "Filter",
    "Query",
    "card_text",
    "parse_query",
]

FILTER_KEYS = ("topic", "tag", "kind", "state")
STATES = ("new", "learning", "review", "relearning", "leech", "suspended", "buried", "due")

_TOKEN = re.compile(r'(-?)(?:(\w+):("[^"]*"?|\S*)|"([^"]*)"?|(\S+))')


def card_text(card: Card) -> str:
    """Everything a person might search a card by: id, question, answer, options, explanation."""
    parts = [card.id, card.explain]
    if isinstance(card, Flashcard):
        parts += [card.front, card.back]
    elif isinstance(card, Choice):
        parts += [card.prompt, *card.options]
    elif isinstance(card, TrueFalse):
        parts.append(card.statement)
    elif isinstance(card, ExerciseCard):
        parts += [card.intro, card.generator]
    elif isinstance(card, CodeCard):
        parts += [card.prompt, card.task]
    elif isinstance(card, ClozeCard):
        parts += [card.question, card.answer]
    return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class CardEntry:
    """One card as the browser lists it: its content and its scheduling state at load time."""

    card: Card
    topic_id: str
    topic_title: str
    state: str  # new, learning, review, relearning
    due: datetime | None
    due_today: bool  # started, not suspended, due before tomorrow's study day starts
    lapses: int
    leech: bool
    suspended: bool
    buried: bool
    haystack: str  # card_text(card), lower case
    tag_set: frozenset[str] = frozenset()  # the card's tags, lower case
    state_set: frozenset[str] = frozenset()  # every ``state:`` value it answers to

    @property
    def id(self) -> str:
        return self.card.id

    @property
    def kind(self) -> str:
        return self.card.kind

    def state_label(self) -> str:
        """``review``, ``review, leech``, ``new, suspended`` ..."""
        flags = [flag for flag, on in (("leech", self.leech), ("suspended", self.suspended), ("buried", self.buried)) if on]
        return ", ".join([self.state, *flags])

    def due_label(self, now: datetime) -> str:
        """``today``, ``in 4d``, ``3d ago``; empty for a new card."""
        if self.due is None or self.state == "new":
            return ""
        delta = self.due - now
        if delta.total_seconds() <= 0:
            return "now" if -delta < timedelta(minutes=1) else f"{format_interval(-delta)} ago"
        if self.due_today:
            return "today" if delta >= timedelta(hours=1) else f"in {format_interval(delta)}"
        return f"in {format_interval(delta)}"


@dataclass(frozen=True)
class Filter:
    key: str  # "topic", "tag", "kind", "state", or "text"
    values: frozenset[str]  # for text: the one lower-case term
    negate: bool = False


@dataclass(frozen=True)
class Query:
    filters: tuple[Filter, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.filters


@dataclass
class _Known:
    """The values a filter may take, for resolving partial names and reporting typos."""

    topics: dict[str, str] = field(default_factory=dict)  # id -> title
    tags: set[str] = field(default_factory=set)


def _resolve(key: str, raw: str, known: _Known) -> tuple[set[str], str | None]:
    """The canonical values ``raw`` stands for, or a problem line."""
    value = raw.strip().lower()
    if key == "kind":
        exact = {k for k in KINDS if k == value}
        found = exact or {k for k in KINDS if k.startswith(value)}
        return (found, None) if found and value else (set(), f"kind:{raw}? use one of {', '.join(KINDS)}")
    if key == "state":
        exact = {s for s in STATES if s == value}
        found = exact or {s for s in STATES if s.startswith(value)}
        return (found, None) if found and value else (set(), f"state:{raw}? use one of {', '.join(STATES)}")
    if key == "topic":
        if value in known.topics:
            return {value}, None
        found = {t for t, title in known.topics.items() if value and (value in t or value in title.lower())}
        if found:
            return found, None
        shown = ", ".join(sorted(known.topics)[:6]) + (", ..." if len(known.topics) > 6 else "")
        return set(), f"topic:{raw}? no such topic (topics: {shown})"
    if key == "tag":
        if value in known.tags:
            return {value}, None
        close = sorted(t for t in known.tags if value and value in t)[:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return set(), f"tag:{raw}? no card has this tag{hint}"
    raise ValueError(key)


def parse_query(text: str, topics: dict[str, str] | None = None, tags: Iterable[str] = ()) -> Query:
    """Read a search line (syntax in the module docstring).

    ``topics`` (id -> title) and ``tags`` are what exists, for partial topic names and for
    reporting a filter value that matches nothing.
    """
    known = _Known(dict((k.lower(), v) for k, v in (topics or {}).items()), {t.lower() for t in tags})
    filters: list[Filter] = []
    problems: list[str] = []
    for match in _TOKEN.finditer(text):
        minus, key, raw, phrase, word = match.groups()
        negate = bool(minus)
        if key is not None and key.lower() in FILTER_KEYS:
            key = key.lower()
            raw = raw.strip('"')
            if not raw:
                continue  # "topic:" while typing: not a filter yet
            values: set[str] = set()
            for part in raw.split(","):
                if not part.strip():
                    continue
                found, problem = _resolve(key, part, known)
                values |= found
                if problem:
                    problems.append(problem)
            if values:
                filters.append(Filter(key, frozenset(values), negate))
            continue
        if key is not None:  # "p:" or "x:y" that is not a filter: plain text
            term = match.group(0)[len(minus):]
        elif phrase is not None:
            term = phrase
        else:
            term = word
        term = term.lower()
        if term and term != "-":
            filters.append(Filter("text", frozenset({term}), negate))
    return Query(tuple(filters), tuple(problems))


def _narrow(entries: list[CardEntry], f: Filter) -> list[CardEntry]:
    """The entries that pass one filter: one list comprehension per filter, no per-card calls
    (10,000 cards in a few milliseconds)."""
    keep = not f.negate
    values = f.values
    if f.key == "text":
        (term,) = values
        return [e for e in entries if (term in e.haystack) is keep]
    if f.key == "topic":
        return [e for e in entries if (e.topic_id in values) is keep]
    if f.key == "kind":
        return [e for e in entries if (e.card.kind in values) is keep]
    if f.key == "tag":
        return [e for e in entries if (not values.isdisjoint(e.tag_set)) is keep]
    if f.key == "state":
        return [e for e in entries if (not values.isdisjoint(e.state_set)) is keep]
    raise ValueError(f.key)


class CardIndex:
    """Every card of the library with its state, ready to search many times a second."""

    def __init__(self, entries: Sequence[CardEntry]) -> None:
        self.entries: list[CardEntry] = list(entries)
        self.topics: dict[str, str] = {}
        self.tags: set[str] = set()
        for e in self.entries:
            self.topics.setdefault(e.topic_id, e.topic_title)
            self.tags.update(t.lower() for t in e.card.tags)

    @classmethod
    def build(cls, library: Any, store: Any, now: datetime, tz: Any = None) -> "CardIndex":
        """Read every card and its stored state (:meth:`Store.state_rows`: one query)."""
        settings = store.settings()
        rows = store.state_rows()
        now_ms = to_ms(now)
        tomorrow_ms = to_ms(day_start(now, settings.day_starts_at, tz) + timedelta(days=1))
        entries = []
        seen: set[str] = set()
        for topic in library.topics:
            for card in topic.cards:
                if card.id in seen:
                    continue
                seen.add(card.id)
                row = rows.get(card.id)
                name = STATE_NAMES[row.state if row else NEW]
                started = row is not None and row.started
                flags = {
                    "leech": row is not None and row.lapses >= settings.leech_lapses,
                    "suspended": row is not None and bool(row.suspended),
                    "buried": row is not None and row.buried(now_ms),
                    "due": started and not row.suspended and row.due is not None and row.due < tomorrow_ms,
                }
                entries.append(
                    CardEntry(
                        card=card,
                        topic_id=topic.id,
                        topic_title=topic.title,
                        state=name,
                        due=from_ms(row.due) if started else None,
                        due_today=flags["due"],
                        lapses=row.lapses if row else 0,
                        leech=flags["leech"],
                        suspended=flags["suspended"],
                        buried=flags["buried"],
                        haystack=card_text(card).lower(),
                        tag_set=frozenset(t.lower() for t in card.tags),
                        state_set=frozenset([name, *(flag for flag, on in flags.items() if on)]),
                    )
                )
        return cls(entries)

    def parse(self, text: str) -> Query:
        return parse_query(text, self.topics, self.tags)

    def search(self, query: Query | str) -> list[CardEntry]:
        """The entries matching every filter, in library order."""
        if isinstance(query, str):
            query = self.parse(query)
        # Cheap filters first: a topic or kind filter discards most cards before any text search.
        order = {"topic": 0, "kind": 1, "state": 2, "tag": 3, "text": 4}
        found = self.entries
        for f in sorted(query.filters, key=lambda f: order[f.key]):
            found = _narrow(found, f)
        return list(found)
