"""Reading the notes of an Anki collection (the SQLite file inside an .apkg), without trusting it.

The file is opened by :func:`quizapp.dbfile.open_untrusted` (read-only, nothing in its schema
runs, only reads authorised) and every value is checked for its type before use; a row that does
not have the shape Anki gives it is skipped with a reason, never a traceback.

Two layouts exist.  Up to Anki 2.1.28 (``collection.anki2``/``.anki21``, and what genanki
writes) note types and decks are JSON in the ``col`` table; since schema 18 (``.anki21b``) they
are tables: ``notetypes`` (whose ``config`` is a protobuf message: field 1 is the kind, 1 for
cloze), ``fields`` and ``decks`` (hierarchy separated by ``\\x1f``).  Notes are ``notes`` rows
(fields separated by ``\\x1f``, tags by spaces) in both; a note's deck is its first card's.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizapp.dbfile import open_untrusted
from quizapp.exchange.files import ExchangeError

__all__ = ["AnkiNote", "NoteType", "read_notes"]

#: A note longer than this (all fields) is not a study card: it is skipped.
MAX_NOTE_CHARS = 200_000


@dataclass(frozen=True)
class NoteType:
    name: str
    cloze: bool
    fields: tuple[str, ...]


@dataclass(frozen=True)
class AnkiNote:
    guid: str
    note_type: NoteType
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str  # its deck's name, parts joined by "::"


@dataclass(frozen=True)
class Collection:
    notes: list[AnkiNote]
    skipped: list[str]  # one line per note that could not be read, with why


def read_notes(path: Path, shown: Path) -> Collection:
    """Every readable note of the collection at ``path`` (``shown`` names the package in messages)."""
    try:
        conn = open_untrusted(path)
    except sqlite3.Error as exc:
        raise ExchangeError(f"{shown}: cannot open its collection ({exc})") from None
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "notes" not in tables or not ({"notetypes", "fields", "decks"} <= tables or "col" in tables):
            raise ExchangeError(f"{shown} is not an Anki collection (its database has no notes and note types)")
        types, decks = _schema18(conn) if "notetypes" in tables else _legacy(conn, shown)
        return _notes(conn, types, decks)
    except sqlite3.Error as exc:
        raise ExchangeError(f"{shown}: its collection cannot be read ({exc}); nothing was written") from None
    finally:
        conn.close()


def _legacy(conn: sqlite3.Connection, shown: Path) -> tuple[dict[int, NoteType], dict[int, str]]:
    row = conn.execute("SELECT models, decks FROM col").fetchone() or (None, None)
    try:
        models, decks = json.loads(row[0]), json.loads(row[1])
    except (TypeError, ValueError, RecursionError):
        raise ExchangeError(f"{shown} is not an Anki collection (its note types are not JSON)") from None
    if not (isinstance(models, dict) and isinstance(decks, dict)):
        raise ExchangeError(f"{shown} is not an Anki collection (its note types are not a JSON object)")
    types = {}
    for key, model in models.items():
        if isinstance(model, dict) and isinstance(model.get("flds"), list) and _whole(key):
            names = tuple(str(f.get("name", "")) for f in model["flds"] if isinstance(f, dict))
            types[int(key)] = NoteType(str(model.get("name", "")), model.get("type") == 1, names)
    names = {int(key): str(deck.get("name", "")) for key, deck in decks.items() if isinstance(deck, dict) and _whole(key)}
    return types, names


def _schema18(conn: sqlite3.Connection) -> tuple[dict[int, NoteType], dict[int, str]]:
    fields: dict[int, list[str]] = {}
    for ntid, _ord, name in conn.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
        if isinstance(ntid, int):
            fields.setdefault(ntid, []).append(str(name))
    types = {
        ntid: NoteType(str(name), _kind(config) == 1, tuple(fields.get(ntid, ())))
        for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes")
        if isinstance(ntid, int)
    }
    decks = {
        did: str(name).replace("\x1f", "::")
        for did, name in conn.execute("SELECT id, name FROM decks")
        if isinstance(did, int)
    }
    return types, decks


def _notes(conn: sqlite3.Connection, types: dict[int, NoteType], decks: dict[int, str]) -> Collection:
    first_deck: dict[int, int] = {}
    for nid, did in conn.execute("SELECT nid, did FROM cards ORDER BY nid, ord"):
        first_deck.setdefault(nid, did)
    notes, skipped = [], []
    for nid, guid, mid, tags, flds in conn.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"):
        label = f"note {guid!r}" if isinstance(guid, str) and len(guid) <= 40 else f"note #{nid}"
        if not (isinstance(guid, str) and guid and isinstance(flds, str) and isinstance(tags, str)):
            skipped.append(f"{label}: not a note as Anki writes one")
        elif len(flds) > MAX_NOTE_CHARS:
            skipped.append(f"{label}: longer than {MAX_NOTE_CHARS:,} characters")
        elif mid not in types:
            skipped.append(f"{label}: its note type is missing from the collection")
        else:
            deck = decks.get(first_deck.get(nid, -1), "Default") or "Default"
            notes.append(AnkiNote(guid, types[mid], tuple(flds.split("\x1f")), tuple(tags.split()), deck))
    return Collection(notes, skipped)


def _whole(key: Any) -> bool:
    return isinstance(key, str) and key.isdigit() and len(key) < 20


def _kind(config: Any) -> int:
    """Field 1 (the note type's kind) of a protobuf message, 0 when absent or unreadable."""
    if not isinstance(config, bytes):
        return 0
    at = 0
    while at < len(config):
        key, at = _varint(config, at)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(config, at)
            if field == 1:
                return value
        elif wire == 2:
            length, at = _varint(config, at)
            at += length
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        else:
            return 0
    return 0


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while at < len(data) and shift < 64:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
    return 0, len(data)  # truncated: stop reading
