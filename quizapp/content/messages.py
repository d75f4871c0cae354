"""Wording problems: author-written values quoted on one short line, and did-you-mean hints."""

from __future__ import annotations

import difflib
from typing import Iterable


def clip(text: str, width: int = 40) -> str:
    """Text shortened to one line of at most ``width`` characters, for messages."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def one_line(message: str) -> str:
    """A message with every unprintable character (a newline in a quoted key) made a space."""
    return "".join(ch if ch.isprintable() else " " for ch in message)


def quote(text: str) -> str:
    """A value the author wrote, quoted and kept to one short line, for messages."""
    return f"'{clip(text)}'"


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f" (did you mean '{match[0]}'?)" if match else ""
