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
from quizapp.content.model import (
    AUTO_GRADED,
    CARD_CLASSES,
    KINDS,
    Card,
    Choice,
    CodeCard,
    ExerciseCard,
    Flashcard,
    Problem,
    Topic,
    TrueFalse,
)

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
