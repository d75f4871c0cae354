"""Reading a deck file into a YAML node tree that remembers where everything is.

A deck is checked node by node rather than as plain Python values, because every message must say
on which line the problem is: a node keeps its ``start_mark`` (0-based; we print 1-based lines).
Parsing and composing run in libyaml (``yaml.CSafeLoader``) when it is present.

Composing never builds a Python object from a tag, so ``!!python/object/apply:os.system`` arrives
here as an inert node whose tag we report as a problem: a deck is data, never code.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizapp.content.messages import clip, did_you_mean, quote  # noqa: F401  (re-exported)

#: The safe loader: the C one when PyYAML was built with libyaml.
LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
MAP, SEQ, MERGE, TIMESTAMP = _T + "map", _T + "seq", _T + "merge", _T + "timestamp"

#: Scalar tags whose source text is a fine value for a text field (``back: 0.5``, ``back: No``).
TEXTLIKE = frozenset({STR, INT, FLOAT, BOOL, TIMESTAMP})

#: Nesting deeper than this inside ``params`` is a mistake, not data (and keeps recursion bounded).
MAX_DEPTH = 50
#: Values a card's ``params`` may hold with every YAML alias expanded: far more than any generator
#: takes, and few enough that aliases of aliases (a "billion laughs") are refused at once.
MAX_VALUES = 10_000

_SAFE = yaml.constructor.SafeConstructor()


class NodeError(Exception):
    """A problem with one node: its line (1-based) and a one-line message."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def line_of(node: Node) -> int:
    """The 1-based line where ``node`` starts."""
    return node.start_mark.line + 1


def short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` -> ``!!python/object``, as the author wrote it."""
    return "!!" + tag[len(_T) :] if tag.startswith(_T) else tag


def tag_problem(node: Node) -> str | None:
    """A message when ``node`` carries a tag a deck may not use, else None."""
    tag = node.tag
    if tag in TEXTLIKE or tag in (NULL, MAP, SEQ):
        return None
    if "python/" in tag:
        return f"tag '{short_tag(tag)}' is not allowed: a deck is data, never code"
    return f"unsupported tag '{short_tag(tag)}'"


def describe(node: Node) -> str:
    """What a node holds, in words, for 'must be X, not Y' messages."""
    problem = tag_problem(node)
    if problem:
        return f"a value tagged '{short_tag(node.tag)}'"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "empty"
    if node.tag == BOOL:
        return node.value
    if node.tag in (INT, FLOAT):
        return node.value
    return quote(node.value)


def fields_of(node: MappingNode, errors: list[NodeError]) -> dict[str, tuple[Node, Node]]:
    """A mapping's entries by key: key -> (key node, value node), in the order written.

    Keys that are not text and keys given twice (PyYAML would silently keep the last) are added to
    ``errors``. A YAML merge key (``<<: *defaults``) brings in the entries its mapping(s) have and
    this one does not.
    """
    fields: dict[str, tuple[Node, Node]] = {}
    merged: list[tuple[Node, Node]] = []
    for key_node, value_node in node.value:
        if key_node.__class__ is ScalarNode and key_node.tag in TEXTLIKE:
            key = key_node.value
            if key in fields:
                first = line_of(fields[key][0])
                errors.append(NodeError(line_of(key_node), f"duplicate key {quote(key)} (first at line {first})"))
            else:
                fields[key] = (key_node, value_node)
        elif key_node.tag == MERGE:
            merged.extend(_merge_sources(value_node))
        else:
            errors.append(NodeError(line_of(key_node), f"a key must be text, not {describe(key_node)}"))
    for key_node, value_node in merged:
        if key_node.__class__ is ScalarNode and key_node.tag in TEXTLIKE and key_node.value not in fields:
            fields[key_node.value] = (key_node, value_node)
    return fields


def _merge_sources(value_node: Node) -> list[tuple[Node, Node]]:
    sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
    entries: list[tuple[Node, Node]] = []
    for source in sources:
        if isinstance(source, MappingNode) and source.tag == MAP:
            entries.extend(p for p in source.value if p[0].tag != MERGE)
    return entries


def expanded_size(node: Node, limit: int) -> int:
    """How many nodes ``node`` holds with every alias expanded, counted no further than ``limit + 1``.

    An alias is the same node object as its anchor, so a walk that follows it counts it again,
    as any consumer of the data would; the count stops early, so a bomb costs nothing.
    """
    count, stack = 0, [node]
    while stack and count <= limit:
        current = stack.pop()
        count += 1
        if isinstance(current, SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, MappingNode):
            for pair in current.value:
                stack.extend(pair)
    return count


def plain(node: Node, depth: int = 0) -> Any:
    """The Python value of a small free-form structure (a generator's ``params``).

    Only null, booleans, numbers, text, lists and mappings with text keys; anything else raises
    :class:`NodeError` at its own line. Check :func:`expanded_size` first: an alias is converted
    every time it is used.
    """
    if depth > MAX_DEPTH:
        raise NodeError(line_of(node), "nested too deeply")
    if isinstance(node, ScalarNode):
        if node.tag in (STR, INT, FLOAT, BOOL, NULL):
            return scalar_value(node)
        raise NodeError(line_of(node), tag_problem(node) or f"unsupported value {describe(node)}")
    problem = tag_problem(node)
    if problem:
        raise NodeError(line_of(node), problem)
    if isinstance(node, SequenceNode):
        return [plain(item, depth + 1) for item in node.value]
    errors: list[NodeError] = []
    fields = fields_of(node, errors)
    if errors:
        raise errors[0]
    return {key: plain(value_node, depth + 1) for key, (_, value_node) in fields.items()}


def scalar_value(node: ScalarNode) -> Any:
    """The Python value of a null, bool, int, float or str scalar, as PyYAML's safe loader reads it."""
    if node.tag == STR:
        return node.value
    try:
        return _SAFE.yaml_constructors[node.tag](_SAFE, node)
    except (ValueError, KeyError, TypeError):  # an explicit tag on text it does not fit: !!int abc
        raise NodeError(line_of(node), f"{quote(node.value)} is not a valid {short_tag(node.tag)}") from None


def compose_bytes(data: bytes) -> Node | None:
    """Decode and compose a deck file's bytes; raise :class:`NodeError` for what is not YAML text.

    Returns None for a file with no YAML document in it (empty, or only comments).
    """
    if b"\0" in data:
        raise NodeError(data.count(b"\n", 0, data.index(b"\0")) + 1, "not a text file (it holds NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise NodeError(line, f"not a text file: byte 0x{data[err.start]:02x} is not UTF-8") from None
    return compose_text(text)


def compose_text(text: str) -> Node | None:
    """Compose one YAML document; syntax errors become a :class:`NodeError` with their line."""
    try:
        return yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = (err.problem or err.context or "cannot parse").removeprefix("but ")
        if err.context and err.problem:
            where = f" at line {err.context_mark.line + 1}" if err.context_mark is not None else ""
            problem += f" ({err.context}{where})"
        raise NodeError(line, "YAML syntax error: " + problem) from None
    except yaml.reader.ReaderError as err:
        # libyaml counts the position in UTF-8 bytes, the pure-Python reader in characters.
        before = text.encode("utf-8")[: err.position] if LOADER is not yaml.SafeLoader else text[: err.position]
        line = before.count(b"\n" if isinstance(before, bytes) else "\n") + 1
        char = err.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        raise NodeError(line, f"character {shown} is not allowed in YAML") from None
    except yaml.YAMLError as err:  # any other libyaml complaint, still one line
        raise NodeError(1, "YAML error: " + clip(str(err), 100)) from None
