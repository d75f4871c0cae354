"""One problem found while loading content: where it is and what is wrong.

Kept apart from the card model so that a start-up served from the deck cache, which reads problems
but not cards, does not pay for defining every card class.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found while loading content, printed as ``path:line: message``.

    ``line`` is 1-based; 0 means the problem is with the path itself (a folder with no decks),
    printed as ``path: message``.
    """

    path: str
    line: int
    message: str

    @classmethod
    def at(cls, source: str, message: str) -> Problem:
        """A problem at a card's ``source`` (``path:line``)."""
        path, _, line = source.rpartition(":")
        return cls(path, int(line), message) if path and line.isdigit() else cls(source, 0, message)

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"
