"""Where the shipped decks are, and how a deck's path is shown in messages."""

from __future__ import annotations

import os
from pathlib import Path

import quizapp
from quizapp.sanitize import clean


def shipped_content_dir() -> Path:
    """Where the shipped decks are: ``quizapp/decks`` in a wheel, ``<repo>/content`` in a checkout."""
    package = Path(quizapp.__file__).resolve().parent
    in_wheel = package / "decks"
    in_checkout = package.parent / "content"
    if in_wheel.is_dir() or not in_checkout.is_dir():
        return in_wheel
    return in_checkout


def display_path(path: Path) -> str:
    """A path as the user gave it, or relative to the working directory when it lies below it.

    Control characters in a file name come out escaped, like those in a deck's text.
    """
    text = str(path)
    if path.is_absolute():
        try:
            below = os.path.join(os.getcwd(), "")
        except OSError:  # the working directory was removed
            below = ""
        if below and text.startswith(below):
            text = text[len(below) :]
    return clean(text)
