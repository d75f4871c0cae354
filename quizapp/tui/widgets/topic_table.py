"""The home screen's table of topics: title, due, new, cards and a mastery bar, one row each.

Drawn line by line (:class:`~quizapp.tui.widgets.line_table.LineTable`): DataTable alone took a
quarter of the app's start-up.  The topic column takes the width the terminal leaves; the header
stays put while the rows scroll.

Keys: up/down (j/k), page up/down, home/end move the cursor; enter studies the topic; a click
moves the cursor and a double click studies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from quizapp.tui.widgets.line_table import LineTable, fit

BAR_WIDTH = 10
#: (label, width) of the number columns after the topic title; one space between columns.
NUMBER_COLUMNS = (("Due", 4), ("New", 4), ("Cards", 5), ("Mastery", BAR_WIDTH + 5))
MIN_TITLE = 12


def title_width(total_width: int, longest: int = 1_000) -> int:
    """What the topic column gets at ``total_width``: the longest title, or the rest after the
    number columns when that is less (titles are cut with an ellipsis then)."""
    fixed = sum(width + 1 for _, width in NUMBER_COLUMNS) + 2  # a space before each, a margin each side
    return max(MIN_TITLE, min(longest, total_width - fixed))


class TopicTable(LineTable):
    """Rows of :class:`quizapp.figures.TopicStats` with a cursor row and a fixed header."""

    COMPONENT_PREFIX = "topic-table"

    COMPONENT_CLASSES = {
        "topic-table--header",
        "topic-table--cursor",
        "topic-table--even",
        "topic-table--due",
        "topic-table--new",
        "topic-table--zero",
        "topic-table--bar",
        "topic-table--bar-empty",
    }

    DEFAULT_CSS = """
    TopicTable {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;
    }
    TopicTable > .topic-table--header { text-style: bold; color: $text-accent; background: $panel; }
    TopicTable > .topic-table--cursor { background: $block-cursor-blurred-background; }
    TopicTable:focus > .topic-table--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    TopicTable > .topic-table--even { background: $surface-lighten-1 40%; }
    TopicTable > .topic-table--due { color: $text-error; text-style: bold; }
    TopicTable > .topic-table--new { color: $text-success; text-style: bold; }
    TopicTable > .topic-table--zero { color: $text-muted; }
    TopicTable > .topic-table--bar { color: $success; }
    TopicTable > .topic-table--bar-empty { color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "select", "Study topic"),
        Binding("k", "cursor_up", "Previous topic", show=False),
        Binding("j", "cursor_down", "Next topic", show=False),
    ]

    class Selected(Message):
        """Enter, or a double click, on a topic."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[Any] = []
        self._longest = MIN_TITLE

    # -- data ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows`` (TopicStats), keeping the cursor where it was when it still fits."""
        self.rows = list(rows)
        self._longest = max((cell_len(row.title) for row in self.rows), default=MIN_TITLE)
        self.rows_changed()
        self.cursor_row = self.validate_cursor_row(self.cursor_row)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self.cursor_row))

    # -- drawing ---------------------------------------------------------------------------

    def render_header(self, width: int, style: Style) -> Strip:
        text = " " + fit("Topic", title_width(width, self._longest))
        for label, col_width in NUMBER_COLUMNS:
            text += " " + fit(label, col_width)
        return Strip([Segment(fit(text, width), style)], width)

    def render_row(self, index: int, width: int, style: Style) -> Strip:
        return Strip(self._row_segments(index, width, style), width)

    def _row_segments(self, index: int, width: int, style: Style) -> list[Segment]:
        row = self.rows[index]
        on_cursor = index == self.cursor_row

        def count(value: int, name: str) -> Style:
            if on_cursor:
                return style
            return style + self.component_style(name if value else "zero")

        segments = [Segment(" " + fit(row.title, title_width(width, self._longest)), style)]
        for value, name, (_, col_width) in zip((row.due, row.new), ("due", "new"), NUMBER_COLUMNS):
            segments.append(Segment(" " + fit(str(value), col_width), count(value, name)))
        segments.append(Segment(" " + fit(str(row.cards), NUMBER_COLUMNS[2][1]), style))
        filled = round(row.mastery * BAR_WIDTH)
        segments.append(Segment(" ", style))
        segments.append(Segment("█" * filled, style if on_cursor else style + self.component_style("bar")))
        segments.append(Segment("░" * (BAR_WIDTH - filled), style if on_cursor else style + self.component_style("bar-empty")))
        segments.append(Segment(f" {round(row.mastery * 100):3d}%", style))
        used = sum(cell_len(segment.text) for segment in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        return list(Segment.adjust_line_length(segments, width, style=style))
