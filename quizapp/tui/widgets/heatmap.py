"""A calendar heatmap of reviews per day: weeks as columns, weekdays as rows, shade by count.

The shape GitHub made familiar: a glance shows which days were studied and how much.  Each cell is
drawn with a glyph as well as a colour (``··`` none, ``░░ ▒▒ ▓▓ ██`` more and more), so the map
still reads on a terminal without colour.  Shades scale linearly with the busiest day shown, and
the legend under the map says which counts each shade stands for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

__all__ = ["ReviewHeatmap", "level", "level_ranges", "week_columns", "GLYPHS", "WEEKDAYS"]

GLYPHS = ("··", "░░", "▒▒", "▓▓", "██")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LABEL_WIDTH = 4  # "Mon "
CELL_WIDTH = 3  # two glyph cells and a gap


def level(count: int, top: int) -> int:
    """The shade (0-4) of a day with ``count`` reviews when the busiest day shown had ``top``."""
    if count <= 0 or top <= 0:
        return 0
    return min(4, math.ceil(4 * count / top))


def level_ranges(top: int) -> list[tuple[int, int, int]]:
    """(shade, lowest count, highest count) for each shade some count can reach, for the legend."""
    out = []
    for shade in range(1, 5):
        lo = math.floor(top * (shade - 1) / 4) + 1
        hi = math.floor(top * shade / 4)
        if lo <= hi:
            out.append((shade, lo, hi))
    return out


def week_columns(days: Sequence[tuple[date, int]], weeks: int) -> list[list[tuple[date, int] | None]]:
    """The last ``weeks`` calendar weeks (Monday first) of ``days`` (oldest first, consecutive).

    Each column holds seven entries; a day outside ``days`` (before the first, after the last)
    is None, so the current week shows only the days that have happened.
    """
    if not days or weeks <= 0:
        return []
    by_day = dict(days)
    last = days[-1][0]
    last_monday = last - timedelta(days=last.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    columns = []
    for w in range(weeks):
        monday = first_monday + timedelta(weeks=w)
        column = []
        for d in range(7):
            day = monday + timedelta(days=d)
            column.append((day, by_day[day]) if day in by_day else None)
        columns.append(column)
    return columns


class ReviewHeatmap(Widget):
    """Reviews per day for the last weeks that fit the width (at most ``max_weeks``)."""

    COMPONENT_CLASSES = {
        "heatmap--label",
        "heatmap--level-0",
        "heatmap--level-1",
        "heatmap--level-2",
        "heatmap--level-3",
        "heatmap--level-4",
    }

    DEFAULT_CSS = """
    ReviewHeatmap {
        width: auto;
        height: auto;
    }
    ReviewHeatmap > .heatmap--label { color: $text-muted; }
    ReviewHeatmap > .heatmap--level-0 { color: $foreground 25%; }
    ReviewHeatmap > .heatmap--level-1 { color: $success 40%; }
    ReviewHeatmap > .heatmap--level-2 { color: $success 60%; }
    ReviewHeatmap > .heatmap--level-3 { color: $success 80%; }
    ReviewHeatmap > .heatmap--level-4 { color: $success; }
    """

    def __init__(
        self,
        days: Sequence[tuple[date, int]] = (),
        *,
        max_weeks: int = 16,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_weeks = max_weeks
        self._days: list[tuple[date, int]] = list(days)

    def set_days(self, days: Sequence[tuple[date, int]]) -> None:
        """Show new data: (date, count) pairs, oldest first, consecutive, today last."""
        self._days = list(days)
        self.refresh(layout=True)

    @property
    def days(self) -> list[tuple[date, int]]:
        return list(self._days)

    def weeks_for_width(self, width: int) -> int:
        return max(1, min(self.max_weeks, (width - LABEL_WIDTH + 1) // CELL_WIDTH))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """Room for ``max_weeks`` (the layout may give less: fewer weeks are drawn then)."""
        return LABEL_WIDTH + self.max_weeks * CELL_WIDTH - 1

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 10  # months, seven weekdays, a blank line, the legend

    def render(self) -> Text:
        weeks = self.weeks_for_width(self.content_size.width or LABEL_WIDTH + self.max_weeks * CELL_WIDTH)
        columns = week_columns(self._days, weeks)
        shown = [cell for column in columns for cell in column if cell is not None]
        top = max((count for _, count in shown), default=0)
        label = self.get_component_rich_style("heatmap--label", partial=True)
        shades = [self.get_component_rich_style(f"heatmap--level-{i}", partial=True) for i in range(5)]

        out = Text(no_wrap=True, overflow="crop")
        out.append(self._month_line(columns), label)
        out.append("\n")
        for row, weekday in enumerate(WEEKDAYS):
            out.append(f"{weekday:<{LABEL_WIDTH}}", label)
            for w, column in enumerate(columns):
                cell = column[row]
                if w:
                    out.append(" ")
                if cell is None:
                    out.append("  ")
                else:
                    shade = level(cell[1], top)
                    out.append(GLYPHS[shade], shades[shade])
            out.append("\n")
        out.append("\n")
        out.append_text(self._legend(top, shades, label))
        return out

    @staticmethod
    def _month_line(columns: list[list[tuple[date, int] | None]]) -> str:
        """Month names over the week columns where a month begins (and over the first column,
        when no month begins close enough to name the first weeks)."""
        labels: list[tuple[int, str]] = []
        first_shown: tuple[int, date] | None = None
        for w, column in enumerate(columns):
            dates = [cell[0] for cell in column if cell is not None]
            if not dates:
                continue
            if first_shown is None:
                first_shown = (w, dates[0])
            month_start = next((d for d in dates if d.day == 1), None)
            if month_start is not None:
                labels.append((w, month_start.strftime("%b")))
        if first_shown is not None and (not labels or labels[0][0] > first_shown[0] + 1):
            labels.insert(0, (first_shown[0], first_shown[1].strftime("%b")))
        line = [" "] * (LABEL_WIDTH + len(columns) * CELL_WIDTH)
        free_from = 0
        for w, name in labels:
            x = LABEL_WIDTH + w * CELL_WIDTH
            if x >= free_from:
                line[x : x + len(name)] = list(name)
                free_from = x + len(name) + 1
        return "".join(line).rstrip()

    @staticmethod
    def _legend(top: int, shades: list[Style], label: Style) -> Text:
        legend = Text(no_wrap=True, overflow="crop")
        legend.append(" " * LABEL_WIDTH)
        legend.append(GLYPHS[0], shades[0])
        legend.append(" 0", label)
        for shade, lo, hi in level_ranges(top):
            legend.append(" ")
            legend.append(GLYPHS[shade], shades[shade])
            legend.append(f" {lo}" if lo == hi else f" {lo}-{hi}", label)
        return legend
