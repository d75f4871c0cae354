"""A table drawn line by line: a fixed header row, rows below it, a cursor row that scrolls.

Textual's DataTable measures and styles every cell as a widget would: about 110 ms for the home
screen's 40 topics and seconds for 10,000 search results (both measured).  A table whose columns
have known widths only needs to draw the lines on screen, so this base class keeps the cursor,
the scrolling, the keys and the clicks, and a subclass says how many rows there are and draws one.

Keys: up/down, page up/down, home/end move the cursor; enter (or a double click) selects.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def fit(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class LineTable(ScrollView, can_focus=True):
    """Subclasses set ``COMPONENT_PREFIX`` and implement :attr:`row_count`, :meth:`render_header`,
    :meth:`render_row` and :meth:`action_select`; ``cursor_moved`` is called after each move."""

    COMPONENT_PREFIX = "line-table"
    #: Component styles as partial styles (only what the rule sets) or full ones (with inherited
    #: colours); see Widget.get_component_rich_style.
    PARTIAL_STYLES = True

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._component_styles: dict[str, Style] = {}

    # -- what a subclass provides ------------------------------------------------------------

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def render_header(self, width: int, style: Style) -> Strip:
        raise NotImplementedError

    def render_row(self, index: int, width: int, style: Style) -> Strip:
        raise NotImplementedError

    def action_select(self) -> None:
        raise NotImplementedError

    def cursor_moved(self) -> None:
        """Called after the cursor moved (or the rows changed under it)."""

    # -- rows --------------------------------------------------------------------------------

    def rows_changed(self) -> None:
        """Call after replacing the rows: resizes the scroll area and redraws."""
        self.virtual_size = Size(self.scrollable_size.width, self.row_count + 1)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_size.width, self.row_count + 1)
        self._scroll_cursor_into_view()

    # -- cursor ------------------------------------------------------------------------------

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1)) if self.row_count else 0

    def watch_cursor_row(self) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.cursor_moved()

    def _scroll_cursor_into_view(self) -> None:
        height = max(1, self.scrollable_size.height - 1)  # the header line stays put
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False)

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
        self.cursor_row = self.row_count - 1

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < self.row_count:
            self.cursor_row = index
            if event.chain >= 2:
                self.action_select()

    # -- drawing -----------------------------------------------------------------------------

    def component_style(self, name: str) -> Style:
        """A component class's style (``""``: the widget's own), looked up once per stylesheet:
        computing a style walks every ancestor, and each line needs several."""
        style = self._component_styles.get(name)
        if style is None:
            if name:
                style = self.get_component_rich_style(f"{self.COMPONENT_PREFIX}--{name}", partial=self.PARTIAL_STYLES)
            else:
                style = self.rich_style
            self._component_styles[name] = style
        return style

    def notify_style_update(self) -> None:
        self._component_styles.clear()  # the theme or the CSS changed
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_size.width or self.size.width
        base = self.component_style("")
        if y == 0:
            return self.render_header(width, base + self.component_style("header"))
        index = int(self.scroll_offset.y) + y - 1
        if index >= self.row_count:
            return Strip.blank(width, base)
        style = base
        if index % 2:
            style += self.component_style("even")
        if index == self.cursor_row:
            style += self.component_style("cursor")
        return self.render_row(index, width, style)
