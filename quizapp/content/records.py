"""Cards as plain JSON data and back, for the deck cache: nothing in it can run code when read.

A card becomes an object with its ``kind`` and every field of its dataclass (tuples and sets as
lists).  Reading one back checks every field's type against the dataclass, so a damaged or
hand-made entry raises :class:`~quizapp.content.library.BadRecord` instead of reaching a screen
as a card with a list where its text should be.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import Any

from quizapp.content.library import BadRecord, text, texts
from quizapp.content.model import CARD_CLASSES, Card
from quizapp.content.yamlnodes import MAX_DEPTH, MAX_VALUES


def encode_cards(cards: Sequence[Card]) -> str:
    return json.dumps([_card_dict(card) for card in cards], ensure_ascii=False, separators=(",", ":"))


def decode_cards(blob: str, card_ids: Sequence[str]) -> tuple[Card, ...]:
    """The cards :func:`encode_cards` wrote, which must be exactly ``card_ids``, in that order."""
    try:
        items = json.loads(blob)
    except (ValueError, RecursionError) as err:  # damaged JSON, a number too long, nesting too deep
        raise BadRecord(f"not JSON ({type(err).__name__})") from None
    if type(items) is not list:
        raise BadRecord("the cards are not a list")
    cards = tuple(_card(item) for item in items)
    if [card.id for card in cards] != list(card_ids):
        raise BadRecord("the cards are not the ones the outline lists")
    return cards


def _card_dict(card: Card) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": card.kind}
    for f in dataclasses.fields(card):
        value = getattr(card, f.name)
        if isinstance(value, frozenset):
            value = sorted(value)
        elif isinstance(value, tuple):
            value = list(value)
        data[f.name] = value
    return data


def _card(data: Any) -> Card:
    if type(data) is not dict or type(data.get("kind")) is not str or data["kind"] not in _FIELDS:
        raise BadRecord("a card is not an object with a known kind")
    fields = _FIELDS[data["kind"]]
    if data.keys() - {"kind"} != fields.keys():
        raise BadRecord(f"a {data['kind']} card does not have exactly its fields")
    values = {name: read(data[name]) for name, read in fields.items()}
    return CARD_CLASSES[data["kind"]](**values)


def _whole_number(value: Any) -> int:
    if type(value) is not int:
        raise BadRecord("a whole-number field holds something else")
    return value


def _boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise BadRecord("a true/false field holds something else")
    return value


def _numbers(value: Any) -> frozenset[int]:
    if type(value) is not list:
        raise BadRecord("a set of numbers holds something else")
    return frozenset(_whole_number(item) for item in value)


def _params(value: Any) -> dict[str, Any]:
    """A generator's params: a mapping of plain JSON values, as small as the loader allows."""
    if type(value) is not dict:
        raise BadRecord("'params' is not a mapping")
    count, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_VALUES or depth > MAX_DEPTH:
            raise BadRecord("'params' is larger than the loader allows")
        if type(item) is dict:
            stack.extend((child, depth + 1) for child in item.values())
        elif type(item) is list:
            stack.extend((child, depth + 1) for child in item)
    return value


#: Field type (as written in quizapp.content.model) -> the reader that checks a stored value.
_READERS: dict[str, Callable[[Any], Any]] = {
    "str": text,
    "int": _whole_number,
    "bool": _boolean,
    "tuple[str, ...]": texts,
    "frozenset[int]": _numbers,
    "dict[str, Any]": _params,
}
#: kind -> field name -> reader.  A field of a type with no reader fails here, at import, in tests.
_FIELDS: dict[str, dict[str, Callable[[Any], Any]]] = {
    kind: {f.name: _READERS[f.type] for f in dataclasses.fields(cls)} for kind, cls in CARD_CLASSES.items()
}
