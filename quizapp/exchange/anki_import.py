"""Anki notes as deck entries: Basic-like notes as flashcards, Cloze notes as cloze entries.

- A note's id is ``anki-`` and 12 hex digits of the BLAKE2 hash of its GUID: importing a newer
  export of the same Anki deck gives the same ids, so the review history follows the cards.
- A note of a normal note type with at least two fields is a flashcard: the first field is the
  front, the second the back; further non-empty fields become the explanation (else the back).
- A note of a cloze note type is a cloze entry: its first field is the text (``{{c1::...}}`` as
  quizapp writes it too), the next non-empty field (Anki's "Back Extra") the explanation.
- Fields are converted from HTML to Markdown (quizapp.exchange.html_markdown); the media they name
  are listed, not imported.  Tags are kept when they read as tags.
- Each Anki deck becomes a topic (``Parent::Child`` is one topic titled ``Parent / Child``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizapp.exchange.anki_collection import AnkiNote, read_notes
from quizapp.exchange.apkg import collection_of
from quizapp.exchange.deck_writer import Deck, slug
from quizapp.exchange.html_markdown import to_markdown

__all__ = ["Imported", "import_apkg", "note_id"]

_TAG = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")


@dataclass
class Imported:
    """What a file gave: decks by topic id, what was left out and why, the media named."""

    decks: dict[str, Deck] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    media: set[str] = field(default_factory=set)

    def deck(self, topic_id: str, title: str, source: str) -> Deck:
        return self.decks.setdefault(topic_id, Deck(title, f"Imported from {source}."))


def note_id(guid: str) -> str:
    return "anki-" + hashlib.blake2b(guid.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def _tags(tags: tuple[str, ...]) -> list[str]:
    return sorted({tag.lower() for tag in tags if _TAG.match(tag.lower())})


def _entry(note: AnkiNote, imported: Imported) -> dict[str, Any] | None:
    """The deck entry for ``note``, or None (with the reason in ``imported.skipped``)."""
    label = f"note {note_id(note.guid)} ({note.note_type.name or 'unnamed note type'})"
    converted = [to_markdown(value) for value in note.fields]
    imported.media.update(m for c in converted for m in c.media)
    texts = [c.markdown for c in converted]
    entry: dict[str, Any] = {"id": note_id(note.guid)}
    if note.note_type.cloze:
        extra = next((t for t in texts[1:] if t), "")
        entry |= {"kind": "cloze", "text": texts[0] if texts else "", "explain": extra or "(from Anki)"}
        if not entry["text"]:
            imported.skipped.append(f"{label}: its cloze text is empty" + (" (media only)" if converted[0].media else ""))
            return None
    elif len(texts) >= 2:
        front, back, *rest = texts
        if not (front and back):
            media_only = any(c.media for c in converted[:2])
            imported.skipped.append(f"{label}: its front or back is empty" + (" (media only)" if media_only else ""))
            return None
        extra = "\n\n".join(t for t in rest if t)
        entry |= {"kind": "flashcard", "front": front, "back": back, "explain": extra or back}
    else:
        imported.skipped.append(f"{label}: a note type with {len(texts)} field has no front and back")
        return None
    tags = _tags(note.tags)
    if tags:
        entry["tags"] = tags
    return entry


def import_apkg(path: Path) -> Imported:
    """The notes of the Anki package at ``path`` as decks (raises ExchangeError for a bad file)."""
    with collection_of(path) as collection:
        notes = read_notes(collection, path)
    imported = Imported(skipped=list(notes.skipped))
    for note in notes.notes:
        entry = _entry(note, imported)
        if entry is None:
            continue
        title = note.deck.replace("::", " / ")
        imported.deck(slug(note.deck), title, path.name).entries.append(entry)
    return imported
