"""The study content: YAML decks read into frozen dataclasses, with every problem reported by line.

>>> lib = load_library(extra_dirs=["~/my-decks"])   # never raises for bad content
>>> lib.topics, lib.cards, lib.problems              # what loaded, and what did not and why

The card classes are in :mod:`quizapp.content.model`; the deck format is documented in
docs/content-format.md.
"""

from __future__ import annotations

from quizapp.content.files import deck_files
from quizapp.content.library import Library, TopicOutline
from quizapp.content.loader import load_file, load_library, load_paths, validate_paths
from quizapp.content.paths import shipped_content_dir
from quizapp.content.problem import Problem

__all__ = [
    "Library",
    "Problem",
    "TopicOutline",
    "deck_files",
    "load_file",
    "load_library",
    "load_paths",
    "shipped_content_dir",
    "validate_paths",
]
