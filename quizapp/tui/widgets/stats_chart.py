"""A small chart for the stats screen: a plotext plot when there is room, a line of text when not.

A plot squeezed into a few cells is unreadable (plotext draws axes and labels first and leaves no
room for the data), so below ``MIN_WIDTH`` x ``MIN_HEIGHT`` cells the chart shows a sparkline and
a one-line summary instead.  The numbers behind both are the same :class:`ChartData`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Static

__all__ = ["ChartData", "StatsChart", "sparkline", "MIN_WIDTH", "MIN_HEIGHT"]

MIN_WIDTH = 30
MIN_HEIGHT = 8
_BLOCKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class ChartData:
    """What a chart shows.  ``values`` may hold None (no data: a gap, not a zero)."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    kind: str = "bar"  # "bar" or "line"
    summary: str = ""  # one line under the text fallback (and the plot's caption)
    y_range: tuple[float, float] | None = None  # fixed y axis, e.g. (0, 100) for percentages
    y_suffix: str = ""  # "%" for percentages
    target: float | None = None  # a horizontal reference line (desired retention)
    empty: str = ""  # shown instead of the chart when there is nothing to plot


def sparkline(values: Sequence[float | None], low: float | None = None, high: float | None = None) -> str:
    """One character per value, ▁ (lowest) to █ (highest); a space for None, ``·`` for a zero."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    lo = min(known) if low is None else low
    hi = max(known) if high is None else high
    span = hi - lo
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif v == 0 and lo == 0:
            out.append("·")
        else:
            frac = 1.0 if span <= 0 else (v - lo) / span
            out.append(_BLOCKS[max(0, min(len(_BLOCKS) - 1, round(frac * (len(_BLOCKS) - 1))))])
    return "".join(out)


def _ticks(n: int, most: int = 5) -> list[int]:
    """Up to ``most`` evenly spread indices of ``n`` labels, always the first and the last."""
    if n <= most:
        return list(range(n))
    step = (n - 1) / (most - 1)
    return sorted({round(i * step) for i in range(most)})


class StatsChart(Widget):
    """A titled bar or line chart (see :class:`ChartData`)."""

    DEFAULT_CSS = """
    StatsChart {
        height: 12;
        width: 1fr;
    }
    StatsChart > .chart-title {
        height: 1;
        text-style: bold;
        color: $text-accent;
    }
    StatsChart > PlotextPlot {
        height: 1fr;
    }
    StatsChart > .chart-text {
        height: auto;
        padding: 0 1;
    }
    StatsChart.-text > PlotextPlot { display: none; }
    StatsChart.-plot > .chart-text { display: none; }
    """

    def __init__(self, data: ChartData | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._data = data
        self.add_class("-text")

    @property
    def data(self) -> ChartData | None:
        return self._data

    @property
    def showing_plot(self) -> bool:
        return self.has_class("-plot")

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot  # half a second to import: only when stats open

        yield Static(classes="chart-title")
        yield PlotextPlot()
        yield Static(classes="chart-text")

    def on_mount(self) -> None:
        self._redraw()

    def set_data(self, data: ChartData) -> None:
        self._data = data
        self._redraw()

    def on_resize(self, event: Resize) -> None:
        self._redraw()

    def _roomy(self) -> bool:
        width, height = self.size
        return width >= MIN_WIDTH and height - 1 >= MIN_HEIGHT  # one line is the title

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        data = self._data
        has_data = data is not None and any(v is not None for v in data.values) and not (
            data.kind == "bar" and not any(data.values)
        )
        use_plot = has_data and self._roomy()
        self.set_class(use_plot, "-plot")
        self.set_class(not use_plot, "-text")
        self.query_one(".chart-title", Static).update(data.title if data else "")
        self.query_one(".chart-text", Static).update(self._text())
        if use_plot:
            self._plot()

    def _text(self) -> Text:
        data = self._data
        out = Text(no_wrap=False)
        if data is None:
            return out
        if data.empty and (not any(v is not None for v in data.values) or (data.kind == "bar" and not any(data.values))):
            out.append(data.empty, "italic")
            return out
        low, high = data.y_range if data.y_range else (None, None)
        if data.kind == "bar":
            low = 0
        out.append(sparkline(data.values, low, high))
        if data.labels:
            out.append(f"  {data.labels[0]} .. {data.labels[-1]}", "dim")
        if data.summary:
            out.append("\n")
            out.append(data.summary)
        return out

    def _plot(self) -> None:
        from textual_plotext import PlotextPlot

        data = self._data
        assert data is not None
        widget = self.query_one(PlotextPlot)
        plt = widget.plt
        plt.clear_figure()
        xs = list(range(len(data.values)))
        if data.kind == "bar":
            plt.bar(xs, [v or 0 for v in data.values], width=0.6, marker="hd")
            # Three labels at most: plotext places ticks on whole rows, so a label per unit
            # would sit unevenly (4, 3 and 2 on neighbouring rows, 1 further down).
            top = int(max(v or 0 for v in data.values))
            ticks = sorted({0, top // 2, top})
            plt.yticks(ticks, [f"{t}{data.y_suffix}" for t in ticks])
        else:
            points = [(x, v) for x, v in zip(xs, data.values) if v is not None]
            if data.target is not None:
                plt.horizontal_line(data.target, color="gray")
            plt.plot([x for x, _ in points], [v for _, v in points], marker="hd")
            if data.y_range:
                low, high = data.y_range
                plt.ylim(low, high)
                ticks = [low, (low + high) / 2, high]
                plt.yticks(ticks, [f"{t:.0f}{data.y_suffix}" for t in ticks])
            plt.xlim(-0.5, len(xs) - 0.5)
        shown = _ticks(len(xs), 4 if self.size.width < 50 else 5)
        plt.xticks(shown, [data.labels[i] for i in shown])
        widget.refresh()
