"""Where the shipped decks are, and how a deck's path is shown in messages."""

from __future__ import annotations

from pathlib import Path

import quizapp


def shipped_content_dir() -> Path:
    """Where the shipped decks are: ``quizapp/decks`` in a wheel, ``<repo>/content`` in a checkout."""
    package = Path(quizapp.__file__).resolve().parent
    in_wheel = package / "decks"
    in_checkout = package.parent / "content"
    if in_wheel.is_dir() or not in_checkout.is_dir():
        return in_wheel
    return in_checkout


def display_path(path: Path) -> str:
    """A path as the user gave it, or relative to the working directory when it lies below it."""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except (ValueError, OSError):
            return str(path)
    return str(path)
