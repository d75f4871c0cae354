"""Turning one card's YAML node into a :class:`~quizapp.content.model.Card`, or into problems.

Every field is checked where it is written, so each problem carries the line of the key or value
at fault. A card with any problem is not built (the loader skips it and serves the others): a card
half-read would be a card silently different from what its author wrote.

The fields each kind needs are in :data:`FIELDS`; docs/content-format.md is the same table for
people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizapp.content import cloze, formulas, references
from quizapp.content.messages import clip
from quizapp.content.model import CARD_CLASSES, KINDS, Card, ClozeCard
from quizapp.content.yamlnodes import (
    BOOL,
    INT,
    MAP,
    MAX_VALUES,
    NULL,
    SEQ,
    TEXTLIKE,
    NodeError,
    describe,
    did_you_mean,
    expanded_size,
    fields_of,
    line_of,
    plain,
    quote,
    scalar_value,
    tag_problem,
)
from quizapp.sanitize import clean

#: Fields every card has (required) and may have (optional).
COMMON_REQUIRED = ("id", "kind", "explain")
COMMON_OPTIONAL = ("tags", "refs", "level", "teaches", "concept")

#: kind -> (required fields, optional fields), besides the common ones.
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "flashcard": (("front", "back"), ()),
    "choice": (("prompt", "options", "answer"), ()),
    "truefalse": (("statement", "answer"), ()),
    "exercise": (("generator",), ("params", "intro")),
    "code": (("task",), ("prompt",)),
    "cloze": (("text",), ("accept",)),
}
assert set(FIELDS) == set(KINDS)

#: Ids of cards and topics: stable, typeable, safe in a file name or a URL.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
ID_RULE = "lowercase letters, digits, '-', '.' and '_'"

LEVELS = (1, 2, 3)
MIN_OPTIONS, MAX_OPTIONS = 2, 8

# --- readers for one value; each raises NodeError at the value's line -------------------------


def text(name: str, node: Node) -> str:
    """A non-blank text value. Numbers and booleans count as text (``back: 0.5``, ``back: No``).

    Control characters (a YAML ``"\\e[2J"``) come out escaped, so no screen obeys them.
    """
    if isinstance(node, ScalarNode) and node.tag in TEXTLIKE:
        if not node.value.strip():
            raise NodeError(line_of(node), f"{name} is empty")
        return clean(node.value.rstrip().lstrip("\n"))
    if node.tag == NULL:
        raise NodeError(line_of(node), f"{name} is empty")
    raise NodeError(line_of(node), _wrong(name, node, "text"))


def text_list(name: str, node: Node, example: str) -> list[tuple[str, Node]]:
    """A list of non-blank texts, each with its node (for per-item checks at the item's line)."""
    if not (isinstance(node, SequenceNode) and node.tag == SEQ):
        raise NodeError(line_of(node), _wrong(name, node, f"a list of text, e.g. {example}"))
    return [(text(f"{name} item {i}", item), item) for i, item in enumerate(node.value, 1)]


def integer(name: str, node: Node, expected: str) -> int:
    if isinstance(node, ScalarNode) and node.tag == INT:
        return scalar_value(node)
    raise NodeError(line_of(node), _wrong(name, node, expected))


def _wrong(name: str, node: Node, expected: str) -> str:
    problem = tag_problem(node)
    if problem:
        return f"{name}: {problem}"
    return f"{name} must be {expected}, not {describe(node)}"


def _level(name: str, node: Node, levels: tuple[int, ...], generator: str | None) -> int:
    """A difficulty level: 1-3 for any card, and one the generator offers for an exercise."""
    words = ", ".join(map(str, levels[:-1])) + (" or " if len(levels) > 1 else "") + str(levels[-1])
    value = integer(name, node, words)
    if value not in levels:
        if generator is None:
            raise NodeError(line_of(node), f"{name} must be {words}, not {value}")
        offered = ", ".join(map(str, levels))
        message = f"{name} {value} is not offered by generator {quote(generator)} (its levels: {offered})"
        raise NodeError(line_of(node), message)
    return value


# --- one card ------------------------------------------------------------------------------------


@dataclass
class CardResult:
    """What reading one deck entry gave: its cards (none when it has problems; a cloze entry gives
    one per blank number), its id if readable, and the formulas it shows as written (which
    validate reports, and which skip nothing)."""

    cards: tuple[Card, ...]
    card_id: str | None
    line: int
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message with label)
    unrendered: list[tuple[int, str]] = field(default_factory=list)  # (line, message with label)


class FieldReader:
    """Reads the fields of one mapping node (a card, a deck's header), collecting every problem
    rather than stopping at the first, and every formula that could not be rendered."""

    def __init__(self, node: MappingNode):
        self.errors: list[NodeError] = []
        self.unrendered: list[NodeError] = []
        self.fields = fields_of(node, self.errors)

    def error(self, line: int, message: str) -> None:
        self.errors.append(NodeError(line, message))

    def get(self, key: str, reader: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        """``reader(name, node, *args)`` on field ``key``; a problem is recorded and gives ``default``."""
        if key not in self.fields:
            return default
        try:
            return reader(f"'{key}'", self.fields[key][1], *args)
        except NodeError as err:
            self.errors.append(err)
            return default

    def prose(self, key: str, default: str | None = "") -> str | None:
        """Text field ``key`` (:func:`text`) with its ``$...$`` formulas rendered; ``default`` when
        it is absent or unreadable."""
        value = self.get(key, text)
        return default if value is None else self.rendered(value, self.fields[key][1])

    def rendered(self, value: str, node: Node) -> str:
        """Text the learner reads, read from ``node``, with its formulas rendered
        (:mod:`quizapp.content.formulas`); one that cannot be is kept as written and noted."""
        result = formulas.render(value)
        hint = _DOUBLE_QUOTED_HINT if getattr(node, "style", None) == '"' else ""
        for formula in result.unrendered:
            message = f"cannot render {clip(formula.source, 60)}: {formula.reason}{hint}"
            self.unrendered.append(NodeError(_line_at(node, value, formula.offset), message))
        return result.text


_DOUBLE_QUOTED_HINT = " (in double quotes a backslash is a YAML escape: use single quotes or a | block)"


def _line_at(node: Node, value: str, offset: int) -> int:
    """The file line of ``value[offset]``: exact in a literal block (``|``), whose lines are the
    file's; the first line of the text in any other style, which folds lines."""
    style = getattr(node, "style", None)
    if style not in ("|", ">"):
        return line_of(node)
    leading = len(node.value) - len(node.value.lstrip("\n"))  # blank lines text() trimmed
    below = value.count("\n", 0, offset) if style == "|" else 0
    return line_of(node) + 1 + leading + below  # a block's text starts below its | or >


class _CardReader(FieldReader):
    """Reads one card node: its fields, checked against the known generators, tasks and names."""

    def __init__(self, node: MappingNode, names: references.Names):
        super().__init__(node)
        self.node = node
        self.names = names

    def value_node(self, key: str) -> Node | None:
        entry = self.fields.get(key)
        return entry[1] if entry else None


def read_card(
    node: Node, index: int, topic_id: str, path: str, names: references.Names | None = None
) -> CardResult:
    """Read the ``index``-th card (1-based) of a deck; ``path`` is only used for ``source``.

    ``names`` are the generators, tasks and misconceptions to check against (default: current).
    """
    start = line_of(node)
    if not (isinstance(node, MappingNode) and node.tag == MAP):
        message = tag_problem(node) or f"must be a mapping with id, kind and its fields, not {describe(node)}"
        return CardResult((), None, start, [(start, f"card #{index}: {message}")])

    r = _CardReader(node, names or references.current())
    for key in COMMON_REQUIRED:
        if key not in r.fields:
            hint = f" (one of: {', '.join(KINDS)})" if key == "kind" else ""
            r.error(start, f"missing {quote(key)}{hint}")
    card_id = r.get("id", text)
    if "id" in r.fields and card_id is not None and not ID_PATTERN.match(card_id):
        r.error(line_of(r.fields["id"][1]), f"id {quote(card_id)} may use only {ID_RULE}")
    label = f"card {quote(card_id)}" if card_id is not None else f"card #{index}"

    kind = r.get("kind", text)
    if kind is not None and kind not in FIELDS:
        r.error(
            line_of(r.fields["kind"][1]),
            f"unknown kind {quote(kind)}" + (did_you_mean(kind, KINDS) or f" (kinds: {', '.join(KINDS)})"),
        )
        kind = None

    values: dict[str, Any] = {}
    if kind is not None:
        _check_keys(r, kind, start)
        values = _read_common(r) | _KIND_READERS[kind](r)

    problems = sorted(((e.line, f"{label}: {e.message}") for e in r.errors), key=lambda p: p[0])
    unrendered = [(e.line, f"{label}: {e.message}") for e in r.unrendered]
    if problems or kind is None or card_id is None:
        return CardResult((), card_id, start, problems, unrendered)
    source = f"{path}:{start}"
    if kind == "cloze":
        accepted = values.pop("accept")
        cards: tuple[Card, ...] = tuple(
            ClozeCard(id=f"{card_id}-c{n}", topic=topic_id, source=source, number=n, note=card_id,
                      accept=accepted.get(n, ()), **values)
            for n in cloze.numbers(values["text"])
        )
    else:
        cards = (CARD_CLASSES[kind](id=card_id, topic=topic_id, source=source, **values),)
    return CardResult(cards, card_id, start, [], unrendered)


def _check_keys(r: _CardReader, kind: str, start: int) -> None:
    """Required fields of the kind present; no key the kind does not know (with a likely fix)."""
    required, optional = FIELDS[kind]
    allowed = COMMON_REQUIRED + required + COMMON_OPTIONAL + optional
    for key in required:
        if key not in r.fields:
            r.error(start, f"missing '{key}'")
    for key, (key_node, _) in r.fields.items():
        if key in allowed:
            continue
        hint = did_you_mean(key, allowed)
        owners = [k for k, (req, opt) in FIELDS.items() if key in req + opt]
        if not hint and owners:
            hint = f" (a {kind} card has no '{key}'; that is a field of {' and '.join(owners)} cards)"
        r.error(line_of(key_node), f"unknown key {quote(key)}{hint}")


def _read_common(r: _CardReader) -> dict[str, Any]:
    values: dict[str, Any] = {"explain": r.prose("explain")}
    values["tags"] = tuple(t for t, _ in r.get("tags", text_list, "[axes, eval-mode]", default=()))
    refs = r.get("refs", text_list, "[https://arxiv.org/abs/1502.03167]", default=())
    values["refs"] = tuple(t for t, _ in refs)
    teaches = r.get("teaches", text_list, "[unbiased_variance]", default=())
    if teaches:
        catalog = r.names.misconceptions
        for name, item in teaches:
            if name not in catalog:
                hint = did_you_mean(name, catalog)
                r.error(line_of(item), f"'teaches': unknown misconception {quote(name)}{hint}")
    values["teaches"] = tuple(t for t, _ in teaches)
    values["concept"] = r.get("concept", _concept, default="")
    return values


def _concept(name: str, node: Node) -> str:
    """A concept id: the cards that share it are asked one after another in a mock interview."""
    value = text(name, node)
    if not ID_PATTERN.match(value):
        raise NodeError(line_of(node), f"{name} {quote(value)} may use only {ID_RULE}")
    return value


def _read_flashcard(r: _CardReader) -> dict[str, Any]:
    return {
        "front": r.prose("front"),
        "back": r.prose("back"),
        "level": r.get("level", _level, LEVELS, None, default=1),
    }


def _read_choice(r: _CardReader) -> dict[str, Any]:
    values: dict[str, Any] = {
        "prompt": r.prose("prompt"),
        "level": r.get("level", _level, LEVELS, None, default=1),
    }
    options = r.get("options", text_list, "[first option, second option]")
    node = r.value_node("options")
    if options is not None and not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        r.error(line_of(node), f"'options' needs {MIN_OPTIONS} to {MAX_OPTIONS} options, has {len(options)}")
        options = None
    values["options"] = tuple(r.rendered(t, item) for t, item in options or ())
    answer_node = r.value_node("answer")
    if answer_node is not None:
        values["answer"] = _choice_answer(r, answer_node, len(options) if options else None)
    return values


def _choice_answer(r: _CardReader, node: Node, n_options: int | None) -> frozenset[int]:
    """1-based option numbers in the deck, 0-based indices in the model."""
    expected = "an option number (from 1) or a list of them, e.g. 2 or [1, 3]"
    items = node.value if isinstance(node, SequenceNode) and node.tag == SEQ else [node]
    if isinstance(node, SequenceNode) and not items:
        r.error(line_of(node), "'answer' is an empty list: give the number of at least one right option")
    chosen: set[int] = set()
    for item in items:
        try:
            number = integer("'answer'", item, expected)
        except NodeError as err:
            r.errors.append(err)
            continue
        if number in chosen:
            r.error(line_of(item), f"'answer' lists {number} twice")
        elif n_options is not None and not 1 <= number <= n_options:
            message = f"'answer' {number} is out of range: there are {n_options} options (count from 1)"
            r.error(line_of(item), message)
        chosen.add(number)
    return frozenset(n - 1 for n in chosen)


def _read_truefalse(r: _CardReader) -> dict[str, Any]:
    values: dict[str, Any] = {
        "statement": r.prose("statement"),
        "level": r.get("level", _level, LEVELS, None, default=1),
    }
    node = r.value_node("answer")
    if node is not None:
        if isinstance(node, ScalarNode) and node.tag == BOOL:
            values["answer"] = scalar_value(node)
        else:
            quoted = isinstance(node, ScalarNode) and node.value.lower() in ("true", "false")
            hint = " (without quotes)" if quoted else ""
            r.error(line_of(node), _wrong("'answer'", node, f"true or false{hint}"))
    return values


def _read_exercise(r: _CardReader) -> dict[str, Any]:
    values: dict[str, Any] = {"intro": r.prose("intro")}
    gen_id = r.get("generator", text)
    values["generator"] = gen_id or ""
    registry = r.names.generators
    gen = registry.get(gen_id) if gen_id is not None else None
    if gen_id is not None and gen is None:
        hint = _generator_hint(gen_id, registry)
        r.error(line_of(r.value_node("generator")), f"unknown generator {quote(gen_id)}{hint}")
    if gen is not None:
        levels = tuple(gen.levels) or LEVELS
        values["level"] = r.get("level", _level, levels, gen_id, default=levels[0])
    else:
        values["level"] = r.get("level", _level, LEVELS, None, default=1)
    node = r.value_node("params")
    values["params"] = _params(r, node, gen) if node is not None else {}
    return values


def _generator_hint(gen_id: str, registry: Any) -> str:
    """A close spelling, else the generators of the same family (``dropout.*``), else nothing.

    Ids share suffixes (``.forward``), so only a close match is offered as a correction.
    """
    hint = did_you_mean(gen_id, registry, cutoff=0.75)
    if hint:
        return hint
    family = gen_id.split(".", 1)[0]
    same = sorted(g for g in registry if g.split(".", 1)[0] == family)
    return f" (generators for {family}: {', '.join(same)})" if same else ""


def _params(r: _CardReader, node: Node, gen: Any) -> dict[str, Any]:
    if node.tag == NULL:
        return {}
    if not (isinstance(node, MappingNode) and node.tag == MAP):
        r.error(line_of(node), _wrong("'params'", node, "a mapping of param names to values, e.g. {n: 4}"))
        return {}
    if expanded_size(node, MAX_VALUES) > MAX_VALUES:
        message = f"'params' holds more than {MAX_VALUES:,} values once its YAML aliases are expanded"
        r.error(line_of(node), message)
        return {}
    params: dict[str, Any] = {}
    for key, (key_node, value_node) in fields_of(node, r.errors).items():
        try:
            params[key] = value = plain(value_node)
        except NodeError as err:
            r.error(err.line, f"param {quote(key)}: {err.message}")
            continue
        if gen is None:
            continue
        if key not in gen.params:
            hint = did_you_mean(key, gen.params) or (
                f" (its params: {', '.join(gen.params)})" if gen.params else " (it takes no params)"
            )
            r.error(line_of(key_node), f"unknown param {quote(key)} for generator {quote(gen.id)}{hint}")
            continue
        expected = gen.params[key].problem(value)
        if expected:
            r.error(line_of(value_node), f"param {quote(key)} must be {expected}, not {describe(value_node)}")
    return params


def _read_code(r: _CardReader) -> dict[str, Any]:
    values: dict[str, Any] = {
        "prompt": r.prose("prompt"),
        "level": r.get("level", _level, LEVELS, None, default=1),
    }
    task = r.get("task", text)
    if task is not None:
        known = r.names.tasks
        if task not in known:
            r.error(line_of(r.value_node("task")), f"unknown task {quote(task)}{did_you_mean(task, known)}")
        values["task"] = task
    return values


def _read_cloze(r: _CardReader) -> dict[str, Any]:
    values: dict[str, Any] = {
        "text": r.get("text", text, default=""),
        "level": r.get("level", _level, LEVELS, None, default=1),
    }
    node = r.value_node("text")
    for problem in cloze.markup_problems(values["text"]) if values["text"] else ():
        r.error(line_of(node), f"'text' {problem}")
    node = r.value_node("accept")
    values["accept"] = _accepted(r, node, cloze.numbers(values["text"])) if node is not None else {}
    return values


def _accepted(r: _CardReader, node: Node, numbers: list[int]) -> dict[int, tuple[str, ...]]:
    """``accept: {c1: [other answer, ...]}``: more answers taken as right, per blank number."""
    example = "{c1: [N H W, batch and spatial axes]}"
    if not (isinstance(node, MappingNode) and node.tag == MAP):
        r.error(line_of(node), _wrong("'accept'", node, f"a mapping of blanks to answers, e.g. {example}"))
        return {}
    out: dict[int, tuple[str, ...]] = {}
    for key, (key_node, value_node) in fields_of(node, r.errors).items():
        number = int(key[1:]) if re.fullmatch(r"c[1-9]\d*", key) else None
        if number is None or number not in numbers:
            used = ", ".join(f"c{n}" for n in numbers) or "none"
            r.error(line_of(key_node), f"'accept' names {quote(key)}, which is not a blank of the text (its blanks: {used})")
            continue
        try:
            out[number] = tuple(t for t, _ in text_list(f"'accept' {key}", value_node, "[N H W]"))
        except NodeError as err:
            r.errors.append(err)
    return out


_KIND_READERS: dict[str, Callable[[_CardReader], dict[str, Any]]] = {
    "flashcard": _read_flashcard,
    "choice": _read_choice,
    "truefalse": _read_truefalse,
    "exercise": _read_exercise,
    "code": _read_code,
    "cloze": _read_cloze,
}
