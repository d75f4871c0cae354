"""Finding deck files, reading each into a Topic, and checking ids across all of them.

The app and ``quizapp validate`` use this same loader, so what the validator reports is exactly what
the app skips: a file that cannot be parsed or has no valid topic header is skipped whole, a broken
card is skipped alone, and everything else is served. Nothing here raises for bad content; every
problem becomes one :class:`~quizapp.content.model.Problem` line, ``path:line: message``.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Union

from yaml.nodes import MappingNode, Node, SequenceNode

import quizapp
from quizapp.content import references
from quizapp.content.cache import DeckCache, cache_path
from quizapp.content.cards import FIELDS, ID_PATTERN, ID_RULE, integer, read_card, text, text_list
from quizapp.content.model import Card, Problem, Topic
from quizapp.content.yamlnodes import (
    MAP,
    NULL,
    SEQ,
    NodeError,
    compose_file,
    describe,
    did_you_mean,
    fields_of,
    line_of,
    quote,
    tag_problem,
)

PathLike = Union[str, "os.PathLike[str]"]

#: The keys of a deck file's top level.
TOPIC_REQUIRED = ("topic", "title", "summary", "cards")
TOPIC_OPTIONAL = ("refs", "order")
DECK_SUFFIXES = (".yaml", ".yml")
_CARD_KEYS = {key for req, opt in FIELDS.values() for key in req + opt} | {"id", "kind", "explain"}


def shipped_content_dir() -> Path:
    """Where the shipped decks are: ``quizapp/decks`` in a wheel, ``<repo>/content`` in a checkout."""
    package = Path(quizapp.__file__).resolve().parent
    in_wheel = package / "decks"
    in_checkout = package.parent / "content"
    if in_wheel.is_dir() or not in_checkout.is_dir():
        return in_wheel
    return in_checkout


def display_path(path: Path) -> str:
    """A path as the user gave it, or relative to the working directory when it lies below it."""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except (ValueError, OSError):
            return str(path)
    return str(path)


# --- one file ------------------------------------------------------------------------------------


@dataclasses.dataclass
class _FileResult:
    topic: Topic | None
    problems: list[Problem]
    topic_line: int = 1
    card_lines: dict[str, int] = dataclasses.field(default_factory=dict)  # served card id -> line


def load_file(path: PathLike) -> tuple[Topic | None, list[Problem]]:
    """Read one deck: its Topic (None when the file is unusable) and its problems, in line order."""
    result = _read_file(Path(path))
    return result.topic, result.problems


def _read_file(path: Path) -> _FileResult:
    result = _read_file_unchecked(path)
    for i, problem in enumerate(result.problems):
        if not problem.message.isprintable():  # a key or value with a newline must not break the line
            result.problems[i] = dataclasses.replace(problem, message=_one_line(problem.message))
    return result


def _one_line(message: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in message)


NOT_A_DECK = "a deck must be a mapping with topic, title, summary and cards"
NO_DECKS = "no deck files (*.yaml, *.yml) in this folder"
EMPTY_FILE = "empty file: a deck is a mapping with topic, title, summary and cards"


def _read_file_unchecked(path: Path) -> _FileResult:
    shown = display_path(path)
    try:
        root = compose_file(path)
        if root is None:
            return _FileResult(None, [Problem(shown, 1, EMPTY_FILE)])
        return _read_deck(root, shown)
    except NodeError as err:
        return _FileResult(None, [Problem(shown, err.line, err.message)])
    except Exception as err:  # a safety net: a bug here must not take the app down with one deck
        message = f"internal error while reading this file ({type(err).__name__}: {err})"
        return _FileResult(None, [Problem(shown, 1, message)])


def _read_deck(root: Node, shown: str) -> _FileResult:
    if not (isinstance(root, MappingNode) and root.tag == MAP):
        message = tag_problem(root) or f"{NOT_A_DECK}, not {describe(root)}"
        return _FileResult(None, [Problem(shown, line_of(root), message)])
    header = _Header(root)
    cards, card_lines, card_problems = _read_cards(header.card_nodes, header.topic_id or "", shown)
    problems = [Problem(shown, e.line, e.message) for e in header.errors] + card_problems
    problems.sort(key=lambda p: p.line)
    if not header.usable:
        return _FileResult(None, problems)
    topic = Topic(
        id=header.topic_id, title=header.title, summary=header.summary, cards=tuple(cards),
        refs=header.refs, source=shown, order=header.order,
    )
    return _FileResult(topic, problems, header.topic_line, card_lines)


class _Header:
    """The top of a deck file. ``usable`` is False when topic, title, summary or cards is unusable."""

    def __init__(self, root: MappingNode):
        self.errors: list[NodeError] = []
        self.usable = True
        self.fields = fields_of(root, self.errors)
        for key in TOPIC_REQUIRED:
            if key not in self.fields:
                self.fail(line_of(root), f"missing '{key}'")
        self._check_keys()
        self.topic_id = self.read("topic", text)
        if self.topic_id is not None and not ID_PATTERN.match(self.topic_id):
            message = f"topic id {quote(self.topic_id)} may use only {ID_RULE}"
            self.fail(line_of(self.fields["topic"][1]), message)
        self.topic_line = line_of(self.fields["topic"][0]) if "topic" in self.fields else 1
        self.title = self.read("title", text)
        self.summary = self.read("summary", text)
        refs = self.read("refs", text_list, "[https://arxiv.org/abs/1502.03167]", default=())
        self.refs = tuple(t for t, _ in refs)
        self.order = self.read("order", integer, "a whole number, e.g. 10")
        self.card_nodes = self._card_nodes()

    def fail(self, line: int, message: str) -> None:
        self.errors.append(NodeError(line, message))
        self.usable = False

    def read(self, key: str, reader: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        if key not in self.fields:
            return default
        try:
            return reader(f"'{key}'", self.fields[key][1], *args)
        except NodeError as err:
            self.errors.append(err)
            self.usable = self.usable and key not in TOPIC_REQUIRED
            return default

    def _check_keys(self) -> None:
        known = TOPIC_REQUIRED + TOPIC_OPTIONAL
        for key, (key_node, _) in self.fields.items():
            if key not in known:
                hint = did_you_mean(key, known)
                if not hint and key in _CARD_KEYS:
                    hint = " (card fields go in a card, in the list under 'cards')"
                self.errors.append(NodeError(line_of(key_node), f"unknown key {quote(key)}{hint}"))

    def _card_nodes(self) -> list[Node]:
        if "cards" not in self.fields:
            return []
        node = self.fields["cards"][1]
        if isinstance(node, SequenceNode) and node.tag == SEQ:
            if not node.value:
                self.errors.append(NodeError(line_of(node), "'cards' is an empty list"))
            return node.value
        if node.tag == NULL:
            self.fail(line_of(node), "'cards' is empty: give a list of cards")
        else:
            problem = tag_problem(node) or f"must be a list of cards, not {describe(node)}"
            self.fail(line_of(node), f"'cards' {problem}")
        return []


def _read_cards(
    nodes: list[Node], topic_id: str, shown: str
) -> tuple[list[Card], dict[str, int], list[Problem]]:
    """The good cards, the line of each, and the problems (a repeated id keeps the first card)."""
    cards: list[Card] = []
    card_lines: dict[str, int] = {}
    problems: list[Problem] = []
    first_line: dict[str, int] = {}  # every readable id, broken cards included
    names = references.current() if nodes else None
    for index, node in enumerate(nodes, 1):
        result = read_card(node, index, topic_id, shown, names)
        problems.extend(Problem(shown, line, message) for line, message in result.problems)
        card_id = result.card_id
        if card_id is None:
            continue
        if card_id in first_line:
            message = f"duplicate id {quote(card_id)} (first at {shown}:{first_line[card_id]})"
            problems.append(Problem(shown, result.line, message))
            continue
        first_line[card_id] = result.line
        if result.card is not None:
            cards.append(result.card)
            card_lines[card_id] = result.line
    return cards, card_lines, problems


# --- many files ----------------------------------------------------------------------------------


def deck_files(folder: Path) -> list[Path]:
    """Every ``*.yaml`` / ``*.yml`` below ``folder``, hidden ones left out, sorted by relative path."""
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith(DECK_SUFFIXES) and not name.startswith("."):
                full = Path(dirpath, name)
                found.append((full.relative_to(folder).as_posix(), full))
    return [full for _, full in sorted(found)]


@dataclasses.dataclass(frozen=True)
class TopicOutline:
    """A topic without its cards' text: enough for the home screen's table and counts."""

    id: str
    title: str
    summary: str
    card_ids: tuple[str, ...]
    source: str
    order: int | None = None

    @classmethod
    def of(cls, topic: Topic) -> "TopicOutline":
        card_ids = tuple(c.id for c in topic.cards)
        return cls(topic.id, topic.title, topic.summary, card_ids, topic.source, topic.order)


class _Deferred:
    """A topic kept as pickled bytes (from the deck cache) until its cards are needed."""

    def __init__(self, blob: bytes, dropped: frozenset[str]):
        self.blob, self.dropped = blob, dropped

    def topic(self) -> Topic:
        topic = pickle.loads(self.blob)
        if self.dropped:
            kept = tuple(c for c in topic.cards if c.id not in self.dropped)
            topic = dataclasses.replace(topic, cards=kept)
        return topic


class Library:
    """Every topic and card that loaded, and every problem found on the way.

    ``topics`` are listed by their ``order`` key, then in the order the files were read (by path
    within each folder), topics without an ``order`` last; ``cards`` maps
    an id to its card; :meth:`topic` and :meth:`card_topic` raise ``KeyError`` for an unknown id.
    ``outlines`` (ids, titles and card ids) is always at hand; topics that came from the deck cache
    are unpickled the first time ``topics`` or ``cards`` is used, so the app can draw its home
    screen before the text of 10,000 cards is in memory.
    """

    def __init__(
        self,
        topics: Iterable[Topic | tuple[TopicOutline, _Deferred]],
        problems: Iterable[Problem],
        files: Iterable[str] = (),
    ):
        self.problems: list[Problem] = list(problems)
        self.files: tuple[str, ...] = tuple(files)  # every deck file read, as shown in messages
        entries = [(TopicOutline.of(item), item) if isinstance(item, Topic) else item for item in topics]
        entries.sort(key=lambda entry: (entry[0].order is None, entry[0].order or 0))  # stable
        self.outlines: tuple[TopicOutline, ...] = tuple(outline for outline, _ in entries)
        self._pending: list[Topic | _Deferred] = [item for _, item in entries]
        self._lock = threading.Lock()
        self._topics: tuple[Topic, ...] | None = None
        self._cards: dict[str, Card] = {}
        self._by_id: dict[str, Topic] = {}
        self._card_topic: dict[str, Topic] = {}

    def _materialize(self) -> tuple[Topic, ...]:
        with self._lock:
            if self._topics is None:
                topics = tuple(p if isinstance(p, Topic) else p.topic() for p in self._pending)
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
        if self._topics is None:
            self._materialize()
        return self._cards

    def topic(self, topic_id: str) -> Topic:
        self.topics
        return self._by_id[topic_id]

    def card_topic(self, card_id: str) -> Topic:
        self.topics
        return self._card_topic[card_id]

    def __repr__(self) -> str:
        cards = sum(len(o.card_ids) for o in self.outlines)
        return f"<Library {len(self.outlines)} topics, {cards} cards, {len(self.problems)} problems>"


def load_paths(paths: Iterable[PathLike], cache: DeckCache | None = None) -> Library:
    """Load deck files and folders (recursively) together, checking ids across all of them.

    A file reached twice (the same folder given twice) is read once. When two files use the same
    topic id or card id, the one read first keeps it and the other is reported and skipped.
    With a ``cache``, an unchanged file's earlier result is reused instead of reading its YAML.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = deck_files(path)
            if not found:
                problems.append(Problem(display_path(path), 0, NO_DECKS))
        elif path.exists():
            found = [path]
        else:
            problems.append(Problem(display_path(path), 0, "no such file or folder"))
            continue
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)

    topics: list[Topic | tuple[TopicOutline, _Deferred]] = []
    topic_at: dict[str, str] = {}
    card_at: dict[str, str] = {}
    shown_files: list[str] = []
    for file in files:
        shown = display_path(file)
        result = cache.get(file, shown) if cache is not None else None
        if result is None:
            result = _read_file(file)
            if cache is not None:
                cache.put(file, shown, _Cached.of(result))
        shown_files.append(shown)
        file_problems = list(result.problems)
        kept = _check_ids_across_files(result, shown, topic_at, card_at, file_problems)
        if kept is not None:
            topics.append(kept)
        problems.extend(sorted(file_problems, key=lambda p: p.line))
    return Library(topics, problems, shown_files)


@dataclasses.dataclass
class _Cached:
    """A file's result as the deck cache keeps it: the outline at hand, the cards as bytes."""

    outline: TopicOutline | None
    blob: bytes
    problems: list[Problem]
    topic_line: int
    card_lines: dict[str, int]

    @classmethod
    def of(cls, result: _FileResult) -> "_Cached":
        outline = None if result.topic is None else TopicOutline.of(result.topic)
        blob = b"" if result.topic is None else pickle.dumps(result.topic, pickle.HIGHEST_PROTOCOL)
        return cls(outline, blob, result.problems, result.topic_line, result.card_lines)


def _check_ids_across_files(
    result: _FileResult | _Cached,
    shown: str,
    topic_at: dict[str, str],
    card_at: dict[str, str],
    problems: list[Problem],
) -> Topic | tuple[TopicOutline, _Deferred] | None:
    """The file's topic without the cards whose ids an earlier file took (None if its topic id was).

    Works on the outline (ids only), so a cached file's cards stay pickled until they are needed.
    """
    outline = result.outline if isinstance(result, _Cached) else (
        None if result.topic is None else TopicOutline.of(result.topic)
    )
    if outline is None:
        return None
    if outline.id in topic_at:
        message = f"duplicate topic id {quote(outline.id)} (first at {topic_at[outline.id]}); this file is skipped"
        problems.append(Problem(shown, result.topic_line, message))
        return None
    topic_at[outline.id] = f"{shown}:{result.topic_line}"
    dropped = set()
    for card_id in outline.card_ids:
        if card_id in card_at:
            message = f"duplicate id {quote(card_id)} (first at {card_at[card_id]})"
            problems.append(Problem(shown, result.card_lines[card_id], message))
            dropped.add(card_id)
        else:
            card_at[card_id] = f"{shown}:{result.card_lines[card_id]}"
    if dropped:
        outline = dataclasses.replace(outline, card_ids=tuple(c for c in outline.card_ids if c not in dropped))
    if isinstance(result, _Cached):
        return outline, _Deferred(result.blob, frozenset(dropped))
    topic = result.topic
    if not dropped:
        return topic
    return dataclasses.replace(topic, cards=tuple(c for c in topic.cards if c.id not in dropped))


def load_library(
    extra_dirs: Iterable[PathLike] = (), include_shipped: bool = True, use_cache: bool = True
) -> Library:
    """The shipped decks (unless ``include_shipped`` is False) and the user's folders, in that order.

    Never raises for bad content: a folder that does not exist or a broken deck is a problem in
    ``Library.problems`` and the rest is served.  Unchanged files come from the deck cache
    (:mod:`quizapp.content.cache`) unless ``use_cache`` is False.
    """
    sources: list[PathLike] = [shipped_content_dir()] if include_shipped else []
    sources.extend(extra_dirs)
    cache = DeckCache(cache_path()) if use_cache else None
    library = load_paths(sources, cache)
    if cache is not None:
        cache.save()
    return library


def validate_paths(paths: Iterable[PathLike]) -> list[Problem]:
    """Every problem in the given deck files and folders (checked together, as the app would)."""
    return load_paths(paths).problems
