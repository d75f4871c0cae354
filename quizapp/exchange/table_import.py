"""Front/back rows as flashcards: ``quizapp import FILE.csv`` (commas) or ``FILE.tsv`` (tabs).

The first row names the columns: ``front`` and ``back`` are required; ``explain``, ``tags``
(separated by spaces or commas) and ``id`` may follow, in any order; any other column is refused
(the file is probably not what you think).  A row without an ``id`` gets one from its front text
(``<topic>-`` and 10 hex digits of its BLAKE2 hash), so importing the file again after adding rows
keeps every card's id.  A cell that holds HTML tags (as Anki's own text export writes them) is
converted to Markdown; any other cell is kept as typed, line breaks included.  The file is read as UTF-8, at most :data:`MAX_TABLE_BYTES`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from quizapp.exchange.anki_import import Imported
from quizapp.exchange.apkg import check_regular_file
from quizapp.exchange.deck_writer import slug
from quizapp.exchange.files import ExchangeError
from quizapp.exchange.html_markdown import Converted, to_markdown

__all__ = ["COLUMNS", "MAX_TABLE_BYTES", "import_table"]

REQUIRED = ("front", "back")
COLUMNS = (*REQUIRED, "explain", "tags", "id")
MAX_TABLE_BYTES = 64 * 2**20


def _read(path: Path) -> str:
    check_regular_file(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_TABLE_BYTES + 1)
    except OSError as exc:
        raise ExchangeError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_TABLE_BYTES:
        raise ExchangeError(f"{path} is larger than {MAX_TABLE_BYTES // 2**20} MB; nothing was written")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ExchangeError(f"{path}:{line}: not UTF-8 text (byte 0x{data[err.start]:02x}); save it as UTF-8") from None


def import_table(path: Path) -> Imported:
    """The rows of ``path`` as one deck named after the file (raises ExchangeError)."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = csv.reader(io.StringIO(_read(path), newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(rows, [])]
        unknown = [name for name in header if name not in COLUMNS]
        missing = [name for name in REQUIRED if name not in header]
        if unknown or missing or len(set(header)) != len(header):
            wrong = f"unknown column {unknown[0]!r}" if unknown else (f"no {missing[0]!r} column" if missing else "a column named twice")
            raise ExchangeError(
                f"{path}:1: {wrong}; the first row must name the columns: front, back, and optionally explain, tags, id"
            )
        topic_id = slug(path.stem)
        imported = Imported()
        deck = imported.deck(topic_id, path.stem.replace("_", " ").strip() or topic_id, path.name)
        for cells in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise ExchangeError(f"{path}:{line}: {len(cells)} cells in a row of {len(header)} columns; nothing was written")
            values = dict(zip(header, map(_markdown, cells)))
            for converted in values.values():
                imported.media.update(converted.media)
            text = {name: value.markdown for name, value in values.items()}
            if not (text.get("front") and text.get("back")):
                imported.skipped.append(f"{path.name}:{line}: the front or the back is empty")
                continue
            entry = {
                "id": text.get("id") or f"{topic_id}-{_hash(text['front'])}",
                "kind": "flashcard",
                "front": text["front"],
                "back": text["back"],
                "explain": text.get("explain") or text["back"],
            }
            tags = sorted({tag.lower() for tag in text.get("tags", "").replace(",", " ").split()})
            if tags:
                entry["tags"] = tags
            deck.entries.append(entry)
    except csv.Error as exc:
        raise ExchangeError(f"{path}:{rows.line_num}: {exc}; nothing was written") from None
    return imported


_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _markdown(cell: str) -> Converted:
    """A cell holding HTML (Anki's text export) converted; plain text kept as typed, its lines too."""
    if _TAG.search(cell):
        return to_markdown(cell)
    return Converted(cell.strip(), ())


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=5).hexdigest()
