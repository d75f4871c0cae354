"""Finding deck files, reading each into a Topic, and checking ids across all of them.

The app and ``quizapp validate`` use this same loader, so what the validator reports is exactly what
the app skips: a file that cannot be parsed or has no valid topic header is skipped whole, a broken
card is skipped alone, and everything else is served. Nothing here raises for bad content; every
problem becomes one :class:`~quizapp.content.model.Problem` line, ``path:line: message``.
Reading a file is :mod:`quizapp.content.reading`; it is imported only when a file is not in the
deck cache (:mod:`quizapp.content.cache`), so a warm start needs no YAML parser.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Union

from quizapp.content.cache import DeckCache, cache_path
from quizapp.content.messages import quote
from quizapp.content.problem import Problem
from quizapp.content.paths import display_path, shipped_content_dir

if TYPE_CHECKING:
    from quizapp.content.model import Card, Topic
    from quizapp.content.reading import _FileResult

PathLike = Union[str, "os.PathLike[str]"]

DECK_SUFFIXES = (".yaml", ".yml")
NO_DECKS = "no deck files (*.yaml, *.yml) in this folder"


def load_file(path: PathLike) -> tuple[Topic | None, list[Problem]]:
    """Read one deck: its Topic (None when the file is unusable) and its problems, in line order."""
    from quizapp.content.reading import load_file as read

    return read(path)


def _read_file(path: Path) -> "_FileResult":
    from quizapp.content.reading import _read_file as read

    return read(path)


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
        # A cached topic arrives as (outline, deferred cards); a freshly read one as a Topic.
        entries = [item if isinstance(item, tuple) else (TopicOutline.of(item), item) for item in topics]
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
                topics = tuple(p.topic() if isinstance(p, _Deferred) else p for p in self._pending)
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
    card_at: dict[str, tuple[str, int]] = {}  # card id -> (file, line) where it was first read
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
    card_at: dict[str, tuple[str, int]],
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
            first_file, first_line = card_at[card_id]
            message = f"duplicate id {quote(card_id)} (first at {first_file}:{first_line})"
            problems.append(Problem(shown, result.card_lines[card_id], message))
            dropped.add(card_id)
        else:
            card_at[card_id] = (shown, result.card_lines[card_id])
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
