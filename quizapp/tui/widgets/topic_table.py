"""The home screen's table of topics: title, due, new, cards and a mastery bar, one row each.

Drawn line by line (a ScrollView with ``render_line``) rather than with DataTable: DataTable
measures and styles every cell as a widget would, which took a quarter of the app's start-up on
its own (about 110 ms for 40 rows, measured).  The topic column takes the width the terminal
leaves; the header stays put while the rows scroll.

Keys: up/down (j/k), page up/down, home/end move the cursor; enter studies the topic; a click
moves the cursor and a double click studies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

BAR_WIDTH = 10
#: (label, width) of the number columns after the topic title; one space between columns.
NUMBER_COLUMNS = (("Due", 4), ("New", 4), ("Cards", 5), ("Mastery", BAR_WIDTH + 5))
MIN_TITLE = 12


def fit(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def title_width(total_width: int, longest: int = 1_000) -> int:
    """What the topic column gets at ``total_width``: the longest title, or the rest after the
    number columns when that is less (titles are cut with an ellipsis then)."""
    fixed = sum(width + 1 for _, width in NUMBER_COLUMNS) + 2  # a space before each, a margin each side
    return max(MIN_TITLE, min(longest, total_width - fixed))


class TopicTable(ScrollView, can_focus=True):
    """Rows of :class:`quizapp.tui.overview.TopicRow` with a cursor row and a fixed header."""

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
        Binding("up,k", "cursor_up", "Previous topic", show=False),
        Binding("down,j", "cursor_down", "Next topic", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First topic", show=False),
        Binding("end", "last", "Last topic", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)

    class Selected(Message):
        """Enter, or a double click, on a topic."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[Any] = []
        self._longest = MIN_TITLE
        self._component_styles: dict[str, Style] = {}

    # -- data ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows`` (TopicRow), keeping the cursor where it was when it still fits."""
        self.rows = list(rows)
        self._longest = max((cell_len(row.title) for row in self.rows), default=MIN_TITLE)
        self.virtual_size = Size(self.scrollable_size.width, len(self.rows) + 1)
        self.cursor_row = self.validate_cursor_row(self.cursor_row)
        self.refresh()

    def visible_rows(self) -> list[str]:
        """The rows on screen as plain text, as drawn (for tests and screen readers)."""
        top = int(self.scroll_offset.y)
        count = max(0, self.scrollable_size.height - 1)
        width = self.scrollable_size.width or 80
        return [
            "".join(segment.text for segment in self._row_segments(i, width, Style()))
            for i in range(top, min(len(self.rows), top + count))
        ]

    # -- cursor ----------------------------------------------------------------------------

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor_row(self) -> None:
        height = max(1, self.scrollable_size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False)
        self.refresh()

    def _page(self) -> int:
        return max(1, self.scrollable_size.height - 2)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page()

    def action_page_down(self) -> None:
        self.cursor_row += self._page()

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self.rows) - 1

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < len(self.rows):
            self.cursor_row = index
            if event.chain >= 2:
                self.action_select()

    # -- drawing ---------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        """A component class's style, looked up once per stylesheet (a row uses several)."""
        style = self._component_styles.get(name)
        if style is None:
            # "" is the widget's own style: computing it walks every ancestor, once per line otherwise
            found = self.get_component_rich_style(f"topic-table--{name}", partial=True) if name else self.rich_style
            style = self._component_styles[name] = found
        return style

    def notify_style_update(self) -> None:
        self._component_styles.clear()  # the theme or the CSS changed
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_size.width or self.size.width
        base = self._style("")
        if y == 0:
            return self._header(width, base + self._style("header"))
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row_style = base
        if index % 2:
            row_style += self._style("even")
        if index == self.cursor_row:
            row_style += self._style("cursor")
        return Strip(self._row_segments(index, width, row_style), width)

    def _header(self, width: int, style: Style) -> Strip:
        text = " " + fit("Topic", title_width(width, self._longest))
        for label, col_width in NUMBER_COLUMNS:
            text += " " + fit(label, col_width)
        return Strip([Segment(fit(text, width), style)], width)

    def _row_segments(self, index: int, width: int, style: Style) -> list[Segment]:
        row = self.rows[index]
        on_cursor = index == self.cursor_row

        def count(value: int, name: str) -> Style:
            if on_cursor:
                return style
            return style + self._style(name if value else "zero")

        segments = [Segment(" " + fit(row.title, title_width(width, self._longest)), style)]
        for value, name, (_, col_width) in zip((row.due, row.new), ("due", "new"), NUMBER_COLUMNS):
            segments.append(Segment(" " + fit(str(value), col_width), count(value, name)))
        segments.append(Segment(" " + fit(str(row.total), NUMBER_COLUMNS[2][1]), style))
        filled = round(row.mastery * BAR_WIDTH)
        segments.append(Segment(" ", style))
        segments.append(Segment("█" * filled, style if on_cursor else style + self._style("bar")))
        segments.append(Segment("░" * (BAR_WIDTH - filled), style if on_cursor else style + self._style("bar-empty")))
        segments.append(Segment(f" {round(row.mastery * 100):3d}%", style))
        used = sum(cell_len(segment.text) for segment in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        return list(Segment.adjust_line_length(segments, width, style=style))
