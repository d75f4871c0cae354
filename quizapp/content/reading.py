"""Reading one deck file into a Topic, node by node, so every problem has its line.

A file that cannot be parsed or has no usable topic header gives no Topic; a broken card is
skipped alone.  Nothing here raises for bad content.  This is the only part of the loader that
needs PyYAML: a start-up served from the deck cache never imports it.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Callable, Union

from yaml.nodes import MappingNode, Node, SequenceNode

from quizapp.content import references
from quizapp.content.cards import (
    FIELDS,
    ID_PATTERN,
    ID_RULE,
    CardResult,
    FieldReader,
    integer,
    read_card,
    text,
    text_list,
)
from quizapp.content.files import Unreadable, read_deck
from quizapp.content.model import Card, Topic
from quizapp.content.paths import display_path
from quizapp.content.messages import one_line
from quizapp.content.problem import Problem
from quizapp.content.yamlnodes import (
    MAP,
    NULL,
    SEQ,
    NodeError,
    compose_bytes,
    describe,
    did_you_mean,
    line_of,
    quote,
    tag_problem,
)

PathLike = Union[str, "os.PathLike[str]"]

#: The keys of a deck file's top level.
TOPIC_REQUIRED = ("topic", "title", "summary", "cards")
TOPIC_OPTIONAL = ("refs", "order")
_CARD_KEYS = {key for req, opt in FIELDS.values() for key in req + opt} | {"id", "kind", "explain"}


@dataclasses.dataclass
class FileResult:
    """What one deck file gave: its topic (None when unusable), its problems, where things are,
    and the formulas shown as written because they could not be rendered (validate reports them;
    they skip nothing)."""

    topic: Topic | None
    problems: list[Problem]
    topic_line: int = 1
    card_lines: dict[str, int] = dataclasses.field(default_factory=dict)  # served card id -> line
    unrendered: list[Problem] = dataclasses.field(default_factory=list)


def load_file(path: PathLike) -> tuple[Topic | None, list[Problem]]:
    """Read one deck: its Topic (None when the file is unusable) and its problems, in line order."""
    shown = display_path(Path(path))
    try:
        data = read_deck(Path(path))
    except Unreadable as err:
        return None, [Problem(shown, 0, one_line(str(err)))]
    result = read_bytes(data, shown)
    return result.topic, result.problems


def read_bytes(data: bytes, shown: str) -> FileResult:
    """Read a deck file's bytes; ``shown`` is its path as messages and card sources give it."""
    result = _read_unchecked(data, shown)
    for problems in (result.problems, result.unrendered):
        for i, problem in enumerate(problems):
            if not problem.message.isprintable():  # a key or value with a newline must not break the line
                problems[i] = dataclasses.replace(problem, message=one_line(problem.message))
    return result


NOT_A_DECK = "a deck must be a mapping with topic, title, summary and cards"
EMPTY_FILE = "empty file: a deck is a mapping with topic, title, summary and cards"


def _read_unchecked(data: bytes, shown: str) -> FileResult:
    try:
        root = compose_bytes(data)
        if root is None:
            return FileResult(None, [Problem(shown, 1, EMPTY_FILE)])
        return _read_deck(root, shown)
    except NodeError as err:
        return FileResult(None, [Problem(shown, err.line, err.message)])
    except Exception as err:  # a safety net: a bug here must not take the app down with one deck
        message = f"internal error while reading this file ({type(err).__name__}: {err})"
        return FileResult(None, [Problem(shown, 1, message)])


def _read_deck(root: Node, shown: str) -> FileResult:
    if not (isinstance(root, MappingNode) and root.tag == MAP):
        message = tag_problem(root) or f"{NOT_A_DECK}, not {describe(root)}"
        return FileResult(None, [Problem(shown, line_of(root), message)])
    header = _Header(root)
    cards = _read_cards(header.card_nodes, header.topic_id or "", shown)
    problems = sorted([Problem(shown, e.line, e.message) for e in header.errors] + cards.problems, key=_by_line)
    unrendered = sorted([Problem(shown, e.line, e.message) for e in header.unrendered] + cards.unrendered, key=_by_line)
    if not header.usable:
        return FileResult(None, problems, unrendered=unrendered)
    topic = Topic(
        id=header.topic_id, title=header.title, summary=header.summary, cards=tuple(cards.cards),
        refs=header.refs, source=shown, order=header.order,
    )
    return FileResult(topic, problems, header.topic_line, cards.lines, unrendered)


def _by_line(problem: Problem) -> int:
    return problem.line


class _Header(FieldReader):
    """The top of a deck file. ``usable`` is False when topic, title, summary or cards is unusable."""

    def __init__(self, root: MappingNode):
        super().__init__(root)
        self.usable = True
        for key in TOPIC_REQUIRED:
            if key not in self.fields:
                self.fail(line_of(root), f"missing '{key}'")
        self._check_keys()
        self.topic_id = self.get("topic", text)
        if self.topic_id is not None and not ID_PATTERN.match(self.topic_id):
            message = f"topic id {quote(self.topic_id)} may use only {ID_RULE}"
            self.fail(line_of(self.fields["topic"][1]), message)
        self.topic_line = line_of(self.fields["topic"][0]) if "topic" in self.fields else 1
        self.title = self.prose("title", None)
        self.summary = self.prose("summary", None)
        refs = self.get("refs", text_list, "[https://arxiv.org/abs/1502.03167]", default=())
        self.refs = tuple(t for t, _ in refs)
        self.order = self.get("order", integer, "a whole number, e.g. 10")
        self.card_nodes = self._card_nodes()

    def fail(self, line: int, message: str) -> None:
        self.error(line, message)
        self.usable = False

    def get(self, key: str, reader: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        """:meth:`FieldReader.get`; a required field that cannot be read makes the deck unusable."""
        problems = len(self.errors)
        value = super().get(key, reader, *args, default=default)
        if len(self.errors) > problems and key in TOPIC_REQUIRED:
            self.usable = False
        return value

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


@dataclasses.dataclass
class _Cards:
    """The good cards of a file, the line of each, its problems and its unrendered formulas."""

    cards: list[Card] = dataclasses.field(default_factory=list)
    lines: dict[str, int] = dataclasses.field(default_factory=dict)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    unrendered: list[Problem] = dataclasses.field(default_factory=list)


def _read_cards(nodes: list[Node], topic_id: str, shown: str) -> _Cards:
    """Every card of a file (a repeated id keeps the first card)."""
    found = _Cards()
    first_line: dict[str, int] = {}  # every readable id, broken cards included
    names = references.current() if nodes else None
    read: dict[int, CardResult] = {}  # a card repeated through a YAML alias is read once
    for index, node in enumerate(nodes, 1):
        result = read.get(id(node))
        if result is None:
            result = read[id(node)] = read_card(node, index, topic_id, shown, names)
            found.problems.extend(Problem(shown, line, message) for line, message in result.problems)
            found.unrendered.extend(Problem(shown, line, message) for line, message in result.unrendered)
        if result.card_id is None:
            continue
        ids = [result.card_id, *(card.id for card in result.cards if card.id != result.card_id)]
        repeated = next((card_id for card_id in ids if card_id in first_line), None)
        if repeated is not None:
            message = f"duplicate id {quote(repeated)} (first at {shown}:{first_line[repeated]})"
            found.problems.append(Problem(shown, result.line, message))
            continue
        first_line.update(dict.fromkeys(ids, result.line))
        for card in result.cards:
            found.cards.append(card)
            found.lines[card.id] = result.line
    return found
