"""A small deck of every kind, written to a folder, for the export and import tests."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

DECK = """\
topic: exchange-demo
title: Exchange demo
summary: One card of every kind.
cards:
  - id: ex-flash
    kind: flashcard
    front: Over which axes does BatchNorm2d average?
    back: N, H and W.
    explain: One mean per **channel**.
    tags: [axes, eval-mode]
  - id: ex-choice
    kind: choice
    prompt: What does BatchNorm use in eval mode?
    options: [The batch statistics, The running statistics, Nothing]
    answer: 2
    explain: The running estimates.
  - id: ex-tf
    kind: truefalse
    statement: "eps goes outside the square root <script>alert(1)</script>"
    answer: false
    explain: Inside.
  - id: ex-cloze
    kind: cloze
    text: "LayerNorm normalizes over the {{c1::features}} of {{c2::each sample}}."
    explain: Per sample.
    tags: [axes]
  - id: ex-exercise
    kind: exercise
    generator: alpha_dropout.forward
    explain: Numbers.
  - id: ex-code
    kind: code
    task: batch_norm_train
    explain: Code.
"""


def write_deck(folder: Path, text: str = DECK) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.yaml"
    path.write_text(text)
    return path


def collection(apkg: Path, tmp: Path, name: str = "collection.anki2") -> sqlite3.Connection:
    """The package's legacy collection, opened with sqlite3."""
    with zipfile.ZipFile(apkg) as archive:
        target = tmp / f"{apkg.stem}-{name}"
        target.write_bytes(archive.read(name))
    return sqlite3.connect(target)


def models_and_decks(conn: sqlite3.Connection) -> tuple[dict, dict]:
    models, decks = conn.execute("SELECT models, decks FROM col").fetchone()
    return json.loads(models), json.loads(decks)
