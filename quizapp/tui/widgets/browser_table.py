"""The browser's result list: a table that draws only the rows on screen.

Textual's DataTable measures every cell of every row it is given; with 10,000 cards that is
seconds per keystroke (measured: about 0.7 s to add 10,000 rows and 4 s more before the next
frame).  This table has fixed column widths, so showing new results is a list assignment and a
refresh, whatever their number.  It keeps DataTable's keys: up/down, page up/down, home/end,
enter selects; a click selects too.

Columns that do not fit are left out, least useful first (topic, then kind), so the title keeps
at least ``MIN_TITLE`` cells on an 80-column terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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

__all__ = ["Column", "CardTable", "fit", "layout_columns", "MIN_TITLE"]

MIN_TITLE = 24


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # 0: takes the width left over (one such column)
    drop_order: int = 0  # columns with a higher number are dropped first when space is short


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells (an ellipsis marks a cut)."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def layout_columns(columns: Sequence[Column], width: int) -> list[tuple[Column, int]]:
    """The columns shown at ``width`` and the width of each (one space between columns)."""
    shown = list(columns)

    def leftover(cols: list[Column]) -> int:
        return width - sum(c.width for c in cols) - (len(cols) - 1) - 2  # and a margin each side

    droppable = sorted((c for c in columns if c.drop_order), key=lambda c: -c.drop_order)
    while leftover(shown) < MIN_TITLE and droppable:
        shown.remove(droppable.pop(0))
    rest = max(1, leftover(shown))
    return [(c, c.width or rest) for c in shown]


class CardTable(ScrollView, can_focus=True):
    """Rows of cells (strings) keyed by card id, with a cursor row and a fixed header."""

    COMPONENT_CLASSES = {
        "card-table--header",
        "card-table--cursor",
        "card-table--even",
        "card-table--dim",
    }

    DEFAULT_CSS = """
    CardTable {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;
    }
    CardTable > .card-table--header {
        text-style: bold;
        color: $text-accent;
        background: $panel;
    }
    CardTable > .card-table--cursor {
        background: $block-cursor-blurred-background;
    }
    CardTable:focus > .card-table--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    CardTable > .card-table--even {
        background: $surface-lighten-1 40%;
    }
    CardTable > .card-table--dim {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("enter", "select", "Open", show=True),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)

    class Selected(Message):
        """Enter or a click on a row."""

        def __init__(self, table: "CardTable", key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> "CardTable":
            return self.table

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, table: "CardTable", key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> "CardTable":
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self._keys: list[str] = []
        self._rows: list[Sequence[str]] = []
        self._row_source: Callable[[int], Sequence[str]] | None = None
        self._dim: set[int] = set()

    # -- data ------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    def set_rows(self, keys: Sequence[str], rows: Callable[[int], Sequence[str]] | Sequence[Sequence[str]]) -> None:
        """Show ``keys`` (card ids); ``rows`` gives each row's cells, as a list or a function of
        the row index (called only for the rows drawn, so 10,000 results cost nothing up front)."""
        self._keys = list(keys)
        if callable(rows):
            self._row_source, self._rows = rows, []
        else:
            self._row_source, self._rows = None, list(rows)
        self.virtual_size = Size(self.scrollable_size.width, len(self._keys) + 1)
        previous = self.cursor_row
        self.cursor_row = 0
        if previous == 0:
            self._post_highlight()
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def row(self, index: int) -> Sequence[str]:
        if self._row_source is not None:
            return self._row_source(index)
        return self._rows[index]

    @property
    def cursor_key(self) -> str | None:
        if 0 <= self.cursor_row < len(self._keys):
            return self._keys[self.cursor_row]
        return None

    def visible_rows(self) -> list[list[str]]:
        """The cells of the rows on screen, as drawn (for tests and screen readers)."""
        top = int(self.scroll_offset.y)
        count = max(0, self.scrollable_size.height - 1)
        return [list(self.row(i)) for i in range(top, min(len(self._keys), top + count))]

    # -- cursor ----------------------------------------------------------------------------

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self._keys) - 1)) if self._keys else 0

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_highlight()

    def _post_highlight(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor_key))

    def _page(self) -> int:
        return max(1, self.scrollable_size.height - 2)

    def _scroll_cursor_into_view(self) -> None:
        height = max(1, self.scrollable_size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False)

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
        self.cursor_row = len(self._keys) - 1

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < len(self._keys):
            self.cursor_row = index
            if event.chain >= 2:
                self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_size.width, len(self._keys) + 1)
        self._scroll_cursor_into_view()

    # -- drawing ---------------------------------------------------------------------------

    def _line(self, cells: Sequence[tuple[str, int]], style: Style) -> Strip:
        text = " " + " ".join(fit(value, width) for value, width in cells) + " "
        width = self.scrollable_size.width
        return Strip([Segment(set_cell_size(text, width), style)], width)

    def render_line(self, y: int) -> Strip:
        layout = layout_columns(self.columns, self.scrollable_size.width)
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("card-table--header")
            return self._line([(c.label, w) for c, w in layout], header)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self._keys):
            return Strip.blank(self.scrollable_size.width, base)
        values = self.row(index)
        by_key = dict(zip((c.key for c in self.columns), values))
        style = base
        if index % 2:
            style += self.get_component_rich_style("card-table--even")
        if index == self.cursor_row:
            style += self.get_component_rich_style("card-table--cursor")
        return self._line([(by_key.get(c.key, ""), w) for c, w in layout], style)
