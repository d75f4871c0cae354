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
from dataclasses import dataclass
from typing import Any

from quizapp.content.library import BadRecord, items, texts
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
    layout = _LAYOUTS.get(data.get("kind")) if type(data) is dict and type(data.get("kind")) is str else None
    if layout is None:
        raise BadRecord("a card is not an object with a known kind")
    values = list(map(data.get, layout.names))
    if len(data) != len(layout.names) + 1 or tuple(map(type, values)) != layout.types:  # one C-speed pass
        raise BadRecord(f"a {data['kind']} card does not have exactly its fields, of their types")
    for index, convert in layout.converts:
        values[index] = convert(values[index])
    return layout.cls(*values)  # the fields in their dataclass order


def _numbers(value: list[Any]) -> frozenset[int]:
    return frozenset(items(value, int))


def _params(value: dict[str, Any]) -> dict[str, Any]:
    """A generator's params: plain JSON values, no more of them than the loader allows."""
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


@dataclass(frozen=True)
class _Layout:
    """How a kind's card is stored: its fields, the JSON type of each, and how to turn a list or
    a mapping back into the field's value (checking its items)."""

    cls: type[Card]
    names: tuple[str, ...]
    types: tuple[type, ...]
    converts: tuple[tuple[int, Callable[[Any], Any]], ...]  # (field index, reader)


#: Field type (as written in quizapp.content.model) -> (its JSON type, how to read it back, if not as is).
_STORED: dict[str, tuple[type, Callable[[Any], Any] | None]] = {
    "str": (str, None),
    "int": (int, None),
    "bool": (bool, None),
    "tuple[str, ...]": (list, texts),
    "frozenset[int]": (list, _numbers),
    "dict[str, Any]": (dict, _params),
}


def _layout(cls: type[Card]) -> _Layout:
    fields = dataclasses.fields(cls)  # a field of a type _STORED lacks fails here, at import, in tests
    stored = [_STORED[f.type] for f in fields]
    converts = tuple((index, convert) for index, (_, convert) in enumerate(stored) if convert is not None)
    return _Layout(cls, tuple(f.name for f in fields), tuple(kind for kind, _ in stored), converts)


_LAYOUTS: dict[str, _Layout] = {kind: _layout(cls) for kind, cls in CARD_CLASSES.items()}
