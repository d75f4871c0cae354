"""Imported cards written as YAML decks that pass ``quizapp validate``.

Each entry (a plain dict as a deck holds it) is read back through the deck reader before it is
kept (quizapp.content.cards.read_card): one the app would refuse is left out with the reader's own
message, so what is written always validates.  Multi-line text is written as ``|`` blocks, the way
a person writes a deck.  A deck with more than :data:`MAX_ENTRIES` entries is split into parts
(``<topic>``, ``<topic>-2``, ...), each file well within the deck size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quizapp.content import references
from quizapp.content.cards import read_card
from quizapp.content.reading import read_bytes
from quizapp.content.yamlnodes import NodeError, compose_text
from quizapp.exchange.files import ExchangeError, written_whole

__all__ = ["Deck", "DeckFile", "MAX_ENTRIES", "build_decks", "slug", "write_decks"]

#: Entries per file; 2,000 long notes stay far below the 16 MB a deck file may hold.
MAX_ENTRIES = 2000


def slug(name: str, fallback: str = "imported") -> str:
    """``name`` as a topic id: lowercase letters, digits and dashes."""
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return words[:60].strip("-") or fallback


@dataclass
class Deck:
    """Entries on their way to one topic."""

    title: str
    summary: str
    entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class DeckFile:
    name: str  # file name in the output folder
    text: str
    entries: int
    cards: int


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _problem(entry: dict[str, Any], topic_id: str, names: references.Names) -> str | None:
    """What the deck reader says about ``entry``, or None when it reads clean."""
    try:
        node = compose_text(_dump(entry))
    except NodeError as err:
        return err.message
    result = read_card(node, 1, topic_id, "import", names)
    if result.problems:
        return result.problems[0][1].split(": ", 1)[-1]
    return None


def build_decks(decks: dict[str, Deck]) -> tuple[list[DeckFile], list[str]]:
    """The files for ``decks`` (by topic id), and one line per entry left out, with why."""
    names = references.current()
    files, dropped = [], []
    for topic_id, deck in decks.items():
        kept = []
        seen: set[str] = set()
        for entry in deck.entries:
            problem = "its id is used twice" if entry["id"] in seen else _problem(entry, topic_id, names)
            if problem:
                dropped.append(f"{entry['id']}: {problem}")
            else:
                seen.add(entry["id"])
                kept.append(entry)
        if not kept:
            continue
        for part, start in enumerate(range(0, len(kept), MAX_ENTRIES), 1):
            part_id = topic_id if part == 1 else f"{topic_id}-{part}"
            title = deck.title if part == 1 else f"{deck.title} (part {part})"
            document = {"topic": part_id, "title": title, "summary": deck.summary, "cards": kept[start : start + MAX_ENTRIES]}
            text = _dump(document)
            result = read_bytes(text.encode("utf-8"), f"{part_id}.yaml")
            if result.problems or result.topic is None:  # read_card passed each entry: a bug if not
                raise ExchangeError(f"the deck made for {deck.title!r} does not validate: {result.problems[:1]}")
            files.append(DeckFile(f"{part_id}.yaml", text, len(document["cards"]), len(result.topic.cards)))
    return files, dropped


def write_decks(files: list[DeckFile], folder: Path) -> None:
    """Write every file into ``folder`` (made if missing); each file whole or not at all."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExchangeError(f"cannot create {folder}: {exc.strerror or exc}") from None
    for deck_file in files:
        with written_whole(folder / deck_file.name) as partial:
            partial.write_text(deck_file.text, encoding="utf-8")
