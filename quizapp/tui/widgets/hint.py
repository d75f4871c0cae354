"""The muted line that says what to do next ("Press t or f", "Enter: next card"), or what was
wrong with an answer; one style wherever it appears."""

from __future__ import annotations

from textual.widgets import Static


class Hint(Static):
    DEFAULT_CSS = """
    Hint { color: $text-muted; margin-top: 1; }
    """
