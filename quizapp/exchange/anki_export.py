"""``quizapp export anki``: the decks as an Anki package (.apkg), written with genanki.

- One Anki deck per topic, named ``quizapp::<topic title>``.
- Flashcards, choice and true/false cards become notes of a "quizapp Basic" note type (Front,
  Back, Explain: the explanation is on the back); a choice card's options are listed on the
  front and the right ones given on the back.  A cloze entry becomes one note of a
  "quizapp Cloze" note type, which gives Anki a card per blank, as quizapp does.
- Text is Markdown rendered to HTML (raw HTML in a deck is escaped, never passed through).
- Tags are kept.  Each note's GUID is derived from the card id (the cloze entry's id), so
  importing a newer export into Anki updates the notes instead of duplicating them.
- Exercises and code drills have no Anki equivalent (fresh numbers at every review, code run
  against the engine): they are counted and left out.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import genanki
from markdown_it import MarkdownIt

from quizapp.content.model import Card, Choice, ClozeCard, Flashcard, Topic, TrueFalse
from quizapp.exchange.files import written_whole

__all__ = ["ExportReport", "export_anki", "note_guid"]

#: Fixed ids: Anki knows a note type by its id, so every export must use the same ones.
BASIC_MODEL_ID = 1_607_392_319
CLOZE_MODEL_ID = 1_607_392_320
_CSS = ".card { font-family: sans-serif; font-size: 18px; text-align: left; } .explain { color: #555; }"

BASIC = genanki.Model(
    BASIC_MODEL_ID,
    "quizapp Basic",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Explain"}],
    templates=[{
        "name": "Card 1",
        "qfmt": "{{Front}}",
        "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<div class="explain">{{Explain}}</div>',
    }],
    css=_CSS,
)
CLOZE = genanki.Model(
    CLOZE_MODEL_ID,
    "quizapp Cloze",
    fields=[{"name": "Text"}, {"name": "Explain"}],
    templates=[{
        "name": "Cloze",
        "qfmt": "{{cloze:Text}}",
        "afmt": '{{cloze:Text}}<div class="explain">{{Explain}}</div>',
    }],
    css=_CSS,
    model_type=genanki.Model.CLOZE,
)

_MARKDOWN = MarkdownIt("commonmark", {"html": False})
LEFT_OUT_WHY = "generated or run by quizapp, they have no Anki equivalent"


@dataclass(frozen=True)
class ExportReport:
    notes: Counter[str]  # notes written, by card kind
    decks: int
    left_out: Counter[str]  # cards left out, by kind (exercise, code)


def note_guid(card_id: str) -> str:
    """The Anki GUID of the note for ``card_id``: the same in every export."""
    return genanki.guid_for("quizapp", card_id)


def deck_id(topic_id: str) -> int:
    """A stable Anki deck id from the topic id (in the range Anki's own ids use)."""
    digest = hashlib.blake2b(topic_id.encode(), digest_size=8).digest()
    return (1 << 30) + int.from_bytes(digest, "big") % (1 << 30)


def html(markdown: str) -> str:
    return _MARKDOWN.render(markdown).strip()


def _tags(card: Card) -> list[str]:
    return [tag.replace(" ", "_") for tag in card.tags]


def _basic_fields(card: Card) -> tuple[str, str] | None:
    """(front, back) in Markdown, or None for a kind Anki cannot show."""
    if isinstance(card, Flashcard):
        return card.front, card.back
    if isinstance(card, Choice):
        options = "\n".join(f"{i}. {option}" for i, option in enumerate(card.options, 1))
        pick = "Pick every right option." if card.multiple else "Pick one."
        right = "\n".join(f"- {i + 1}. {card.options[i]}" for i in sorted(card.answer))
        return f"{card.prompt}\n\n{options}\n\n*{pick}*", f"**Right:**\n\n{right}"
    if isinstance(card, TrueFalse):
        return f"True or false? {card.statement}", f"**{'True' if card.answer else 'False'}.**"
    return None


def _notes(topic: Topic, report_notes: Counter[str], left_out: Counter[str]) -> list[genanki.Note]:
    notes = []
    seen_entries: set[str] = set()
    for card in topic.cards:
        if isinstance(card, ClozeCard):
            if card.note in seen_entries:  # one note per entry: Anki makes the card per blank
                continue
            seen_entries.add(card.note)
            fields = [html(card.text), html(card.explain)]
            notes.append(genanki.Note(model=CLOZE, fields=fields, tags=_tags(card), guid=note_guid(card.note)))
            report_notes["cloze"] += 1
            continue
        sides = _basic_fields(card)
        if sides is None:
            left_out[card.kind] += 1
            continue
        fields = [html(sides[0]), html(sides[1]), html(card.explain)]
        notes.append(genanki.Note(model=BASIC, fields=fields, tags=_tags(card), guid=note_guid(card.id)))
        report_notes[card.kind] += 1
    return notes


def export_anki(topics: Iterable[Topic], target: Path, *, now: float | None = None) -> ExportReport:
    """Write the ``topics`` as an Anki package at ``target`` (whole, or nothing)."""
    notes: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    decks = []
    for topic in topics:
        deck = genanki.Deck(deck_id(topic.id), f"quizapp::{topic.title.replace('::', ':')}")
        for note in _notes(topic, notes, left_out):
            deck.add_note(note)
        decks.append(deck)
    package = genanki.Package(decks)
    stamp = time.time() if now is None else now
    with tempfile.TemporaryDirectory(prefix="quizapp-export-") as folder, written_whole(target) as partial:
        collection = Path(folder) / "collection.anki2"
        conn = sqlite3.connect(collection)
        try:
            package.write_to_db(conn.cursor(), stamp, count(int(stamp * 1000)))
            conn.commit()
        finally:
            conn.close()
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", "{}")
    return ExportReport(notes, len(decks), left_out)
