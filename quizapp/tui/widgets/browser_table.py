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

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from quizapp.tui.widgets.line_table import LineTable, fit

__all__ = ["Column", "CardTable", "fit", "layout_columns", "MIN_TITLE"]

MIN_TITLE = 24


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # 0: takes the width left over (one such column)
    drop_order: int = 0  # columns with a higher number are dropped first when space is short


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


class CardTable(LineTable):
    """Rows of cells (strings) keyed by card id, with a cursor row and a fixed header."""

    COMPONENT_PREFIX = "card-table"
    PARTIAL_STYLES = False

    COMPONENT_CLASSES = {
        "card-table--header",
        "card-table--cursor",
        "card-table--even",
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
    """

    BINDINGS = [Binding("enter", "select", "Open", show=True)]

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
        self.rows_changed()
        previous = self.cursor_row
        self.cursor_row = 0
        if previous == 0:
            self.cursor_moved()
        self.scroll_to(y=0, animate=False)

    def row(self, index: int) -> Sequence[str]:
        if self._row_source is not None:
            return self._row_source(index)
        return self._rows[index]

    @property
    def cursor_key(self) -> str | None:
        if 0 <= self.cursor_row < len(self._keys):
            return self._keys[self.cursor_row]
        return None

    def cursor_moved(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor_key))

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    # -- drawing ---------------------------------------------------------------------------

    def _line(self, cells: Sequence[tuple[str, int]], style: Style) -> Strip:
        text = " " + " ".join(fit(value, width) for value, width in cells) + " "
        width = self.scrollable_size.width
        return Strip([Segment(set_cell_size(text, width), style)], width)

    def render_header(self, width: int, style: Style) -> Strip:
        return self._line([(c.label, w) for c, w in layout_columns(self.columns, width)], style)

    def render_row(self, index: int, width: int, style: Style) -> Strip:
        by_key = dict(zip((c.key for c in self.columns), self.row(index)))
        return self._line([(by_key.get(c.key, ""), w) for c, w in layout_columns(self.columns, width)], style)
