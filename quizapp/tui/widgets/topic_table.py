"""The home screen's table of topics: a row cursor that Home/End and j/k move as people expect."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class TopicTable(DataTable):
    """DataTable's End jumps to the last column; with one row per topic, rows are what matter."""

    BINDINGS = [
        Binding("home", "scroll_top", "First topic", show=False),
        Binding("end", "scroll_bottom", "Last topic", show=False),
        Binding("j", "cursor_down", "Next topic", show=False),
        Binding("k", "cursor_up", "Previous topic", show=False),
    ]
