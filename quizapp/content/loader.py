"""Finding deck files, reading each into a Topic, and checking ids across all of them.

The app and ``quizapp validate`` use this same loader, so what the validator reports is exactly what
the app skips: a file that cannot be parsed or has no valid topic header is skipped whole, a broken
card is skipped alone, and everything else is served. Nothing here raises for bad content; every
problem becomes one :class:`~quizapp.content.problem.Problem` line, ``path:line: message``.
A file's bytes are read once (:mod:`quizapp.content.files`); when the deck cache
(:mod:`quizapp.content.cache`) knows them, its entry is used, else they are parsed
(:mod:`quizapp.content.reading`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

from quizapp.content.cache import DeckCache, Entry, Key, cache_dir
from quizapp.content.files import Unreadable, deck_files, read_deck
from quizapp.content.library import BadRecord, Library, PendingTopic, TopicOutline
from quizapp.content.messages import one_line, quote
from quizapp.content.paths import display_path, shipped_content_dir
from quizapp.content.problem import Problem

if TYPE_CHECKING:
    from quizapp.content.model import Card, Topic
    from quizapp.content.reading import FileResult

PathLike = Union[str, "os.PathLike[str]"]

NO_DECKS = "no deck files (*.yaml, *.yml) in this folder"


def load_file(path: PathLike) -> tuple[Topic | None, list[Problem]]:
    """Read one deck: its Topic (None when the file is unusable) and its problems, in line order."""
    from quizapp.content import reading  # see _read

    return reading.load_file(path)


def collect(paths: Iterable[PathLike]) -> tuple[list[Path], list[Problem]]:
    """The deck files the given files and folders (recursively) hold, each once, in reading order,
    and a problem for each path that holds none."""
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = deck_files(path)
            if not found:
                problems.append(Problem(display_path(path), 0, NO_DECKS))
        elif os.path.lexists(path):  # a file, or something read_deck will name (a FIFO, a loop)
            found = [path]
        else:
            problems.append(Problem(display_path(path), 0, "no such file or folder"))
            continue
        for file in found:
            key = os.path.realpath(file)  # never raises, even for a symlink loop
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files, problems


def load_paths(paths: Iterable[PathLike], cache: DeckCache | None = None) -> Library:
    """Load deck files and folders (recursively) together, checking ids across all of them.

    A file reached twice (the same folder given twice) is read once. When two files use the same
    topic id or card id, the one read first keeps it and the other is reported and skipped.
    With a ``cache``, a file whose bytes it knows is not parsed again.
    """
    files, problems = collect(paths)
    shown_files = [display_path(file) for file in files]
    unrendered: list[Problem] = []
    topics: list[PendingTopic] = []
    ids = _IdsSeen()
    for file, shown in zip(files, shown_files):
        try:
            data = read_deck(file)
        except Unreadable as err:
            problems.append(Problem(shown, 0, one_line(str(err))))
            continue
        entry, read_cards = _entry(data, shown, cache)
        file_problems = list(entry.problems)
        outline = ids.keep(entry, shown, file_problems)
        if outline is not None:
            topics.append(PendingTopic(outline, read_cards))
        problems.extend(sorted(file_problems, key=lambda p: p.line))
        unrendered.extend(entry.unrendered)
    return Library(topics, problems, shown_files, unrendered)


def _entry(data: bytes, shown: str, cache: DeckCache | None) -> tuple[Entry, Callable[[], Sequence[Card]]]:
    """The file's entry, and how to get its cards: from the cache when it knows the bytes."""
    if cache is not None:
        key = DeckCache.key(shown, data)
        cached = cache.get(key)
        if cached is not None:
            return cached, lambda: _cached_cards(cache, key, cached, data)
    result = _read(data, shown)
    cards = result.topic.cards if result.topic is not None else ()
    outline = TopicOutline.of(result.topic) if result.topic is not None else None
    entry = Entry(outline, result.problems, result.topic_line, result.card_lines, result.unrendered)
    if cache is not None:
        from quizapp.content.records import encode_cards  # the card classes: see library.py

        cache.put(key, entry, encode_cards(cards).encode())
    return entry, lambda: cards


def _read(data: bytes, shown: str) -> FileResult:
    # Imported only for a file the cache does not know: PyYAML and what cards are checked against
    # (the generators and drill tasks, with NumPy) take 250 ms to import, which a warm start does
    # not pay.
    from quizapp.content import reading

    return reading.read_bytes(data, shown)


def _cached_cards(cache: DeckCache, key: Key, entry: Entry, data: bytes) -> tuple[Card, ...]:
    """The cached cards; a damaged or vanished entry is dropped and the file's bytes read again."""
    from quizapp.content.records import decode_cards  # the card classes: see library.py

    blob = cache.cards(key)
    if blob is not None:
        try:
            return decode_cards(blob, entry.outline.card_ids if entry.outline is not None else ())
        except BadRecord:
            pass  # dropped below
    cache.forget(key)
    topic = _read(data, key[1]).topic
    return topic.cards if topic is not None else ()


class _IdsSeen:
    """Topic and card ids across files: the first file read keeps an id, later ones are reported."""

    def __init__(self) -> None:
        self.topic_at: dict[str, str] = {}
        self.card_in: dict[str, tuple[str, Entry]] = {}  # card id -> (file, its entry) that took it

    def keep(self, entry: Entry, shown: str, problems: list[Problem]) -> TopicOutline | None:
        """The file's outline without the card ids an earlier file took (None if it took the topic id)."""
        outline = entry.outline
        if outline is None:
            return None
        if outline.id in self.topic_at:
            message = f"duplicate topic id {quote(outline.id)} (first at {self.topic_at[outline.id]}); this file is skipped"
            problems.append(Problem(shown, entry.topic_line, message))
            return None
        self.topic_at[outline.id] = f"{shown}:{entry.topic_line}"
        here = (shown, entry)
        if self.card_in.keys().isdisjoint(outline.card_ids):  # the usual case, at C speed
            self.card_in.update(dict.fromkeys(outline.card_ids, here))
            return outline
        kept = []
        for card_id in outline.card_ids:
            first_file, first = self.card_in.setdefault(card_id, here)
            if first is entry:
                kept.append(card_id)
            else:
                where = f"{first_file}:{first.card_lines[card_id]}"
                problems.append(Problem(shown, entry.card_lines[card_id], f"duplicate id {quote(card_id)} (first at {where})"))
        return outline.keeping(tuple(kept))


def load_library(
    extra_dirs: Iterable[PathLike] = (), include_shipped: bool = True, use_cache: bool = True
) -> Library:
    """The shipped decks (unless ``include_shipped`` is False) and the user's folders, in that order.

    Never raises for bad content: a folder that does not exist or a broken deck is a problem in
    ``Library.problems`` and the rest is served.  Files the deck cache knows
    (:mod:`quizapp.content.cache`) are not parsed again, unless ``use_cache`` is False.
    """
    sources: list[PathLike] = [shipped_content_dir()] if include_shipped else []
    sources.extend(extra_dirs)
    cache = DeckCache(cache_dir()) if use_cache else None
    library = load_paths(sources, cache)
    if cache is not None:
        cache.save()
    return library


def validate_paths(paths: Iterable[PathLike]) -> list[Problem]:
    """Every problem in the given deck files and folders (checked together, as the app would),
    and every formula they show as written because it cannot be rendered."""
    library = load_paths(paths)
    return library.problems + library.unrendered
