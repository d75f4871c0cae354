"""The study screen's body: a card, or the feedback on an answer; it scrolls when it is long."""

from __future__ import annotations

from textual.containers import VerticalScroll


class StudyPane(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    StudyPane { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    StudyPane:focus { background-tint: $foreground 0%; }
    """
