"""The study content: YAML decks read into frozen dataclasses, with every problem reported by line.

>>> lib = load_library(extra_dirs=["~/my-decks"])   # never raises for bad content
>>> lib.topics, lib.cards, lib.problems              # what loaded, and what did not and why

The deck format is documented in docs/content-format.md.
"""

from __future__ import annotations

from quizapp.content.loader import (
    Library,
    deck_files,
    load_file,
    load_library,
    load_paths,
    shipped_content_dir,
    validate_paths,
)
from quizapp.content.problem import Problem

#: The card model, loaded on first use: a start-up served from the deck cache shows the home
#: screen from topic outlines and never needs the card classes.
_MODEL_NAMES = frozenset(
    {"AUTO_GRADED", "CARD_CLASSES", "KINDS", "Card", "Choice", "CodeCard", "ExerciseCard", "Flashcard", "Topic", "TrueFalse"}
)


def __getattr__(name: str):
    if name in _MODEL_NAMES:
        from quizapp.content import model

        return getattr(model, name)
    raise AttributeError(f"module 'quizapp.content' has no attribute {name!r}")

__all__ = [
    "AUTO_GRADED",
    "CARD_CLASSES",
    "KINDS",
    "Card",
    "Choice",
    "CodeCard",
    "ExerciseCard",
    "Flashcard",
    "Library",
    "Problem",
    "Topic",
    "TrueFalse",
    "deck_files",
    "load_file",
    "load_library",
    "load_paths",
    "shipped_content_dir",
    "validate_paths",
]
