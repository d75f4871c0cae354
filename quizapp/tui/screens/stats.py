"""The stats screen: what the review history says, in three tabs.

- **Activity**: the headline figures, a calendar heatmap of reviews per day (16 weeks), cards by
  state, retention per week and the due forecast.
- **Topics**: mastery per topic as a table with bars.
- **Misconceptions**: the wrong beliefs your exercise answers matched most often; enter studies
  the cards that teach the truth.
- **Interview**: cram and mock answers, the trend across mock interviews, and each
  misconception's status (active, improving, fixed), as ``quizapp stats`` prints them.

The figures come from :func:`quizapp.stats.compute` (the same call ``quizapp stats`` prints) and
:mod:`quizapp.history` for the longer spans; this module only lays them out.  They are computed
in a worker thread, so a large history never freezes the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from quizapp.tui.widgets.heatmap import ReviewHeatmap
from quizapp.tui.widgets.stats_bars import bar, state_bars
from quizapp.tui.widgets.stats_chart import ChartData, StatsChart

__all__ = ["StatsScreen", "StatsView", "load_stats"]

HEATMAP_WEEKS = 16
RETENTION_WEEKS = 12
FORECAST_DAYS = 14  # as ``quizapp stats`` prints it

EMPTY_ACTIVITY = (
    "No reviews yet - study a few cards from the home screen (escape goes back) and your reviews "
    "per day, retention and due forecast will appear here."
)
EMPTY_MISCONCEPTIONS = (
    "No misconceptions recognised yet. When a wrong exercise answer matches a known wrong belief "
    "(dividing by n - 1, reading p as the keep probability, ...), it is counted here, and enter "
    "starts a session on the cards that teach the truth."
)


@dataclass(frozen=True)
class StatsView:
    """Everything the screen shows, computed off the UI thread."""

    stats: Any  # quizapp.stats.Stats
    days: tuple  # quizapp.history.DayReviews for the heatmap, oldest first
    weeks: tuple  # quizapp.history.WeekRetention, oldest first
    streak: int
    desired_retention: float
    interview: Any = None  # quizapp.interview.stats.InterviewStats


def load_stats(ctx: Any) -> StatsView:
    """Compute the screen's figures from the context's library and store (no UI)."""
    from quizapp import history
    from quizapp.interview.stats import interview_stats
    from quizapp.stats import compute

    tz = getattr(ctx, "tz", None)
    now: datetime = ctx.now()
    stats = compute(ctx.library, ctx.store, now, tz=tz, forecast_days=FORECAST_DAYS)
    # The weeks shown start on a Monday: reach back far enough to fill the first column.
    days = history.daily_reviews(ctx.store, now, 7 * (HEATMAP_WEEKS - 1) + 7, tz)
    span = 7 * (RETENTION_WEEKS - 1) + days[-1].day.weekday() + 1
    weeks = history.weekly_retention(days[-span:])
    interview = interview_stats(ctx.library, ctx.store, now, tz)
    return StatsView(stats, days, weeks, history.streak(days), ctx.store.settings().desired_retention, interview)


def _catalog() -> dict[str, Any]:
    from quizapp.engine.exercises.misconceptions import CATALOG

    return CATALOG


class StatsScreen(Screen):
    """Reviews per day, retention, forecast, mastery per topic and misconceptions."""

    PLACE = "the stats"  # where the summary of a session started here returns

    DEFAULT_CSS = """
    StatsScreen TabPane {
        padding: 0 1;
    }

    StatsScreen #activity-scroll {
        height: 1fr;
    }

    StatsScreen #summary {
        height: auto;
        margin: 0 0 1 0;
    }

    StatsScreen .section-title {
        text-style: bold;
        color: $text-accent;
        height: 1;
    }

    StatsScreen #activity-top {
        height: auto;
    }

    StatsScreen #heatmap-box {
        width: 1fr;
        max-width: 54;
        height: auto;
        margin-right: 3;
    }

    StatsScreen #heatmap {
        width: 1fr;
    }

    StatsScreen #states-box {
        width: 30;
        height: auto;
    }

    StatsScreen #charts {
        height: 13;
        margin-top: 1;
    }

    StatsScreen #retention {
        margin-right: 2;
    }

    StatsScreen #activity-scroll.-empty #heatmap-box,
    StatsScreen #activity-scroll.-empty #charts {
        display: none;
    }

    StatsScreen .caption {
        height: auto;
        margin-bottom: 1;
    }

    StatsScreen #mastery {
        height: 1fr;
    }

    StatsScreen #misconception-table {
        height: auto;
        max-height: 1fr;
    }

    StatsScreen #misconception-detail {
        height: auto;
        margin-top: 1;
        padding: 0 1;
        border-left: thick $accent;
    }

    StatsScreen #misconceptions.-empty #misconception-table,
    StatsScreen #misconceptions.-empty #misconception-detail {
        display: none;
    }
    StatsScreen #interview-text { padding: 0 1; }
    """

    TITLE = "Stats"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("a", "show_tab('activity')", "Activity"),
        Binding("t", "show_tab('topics')", "Topics"),
        Binding("m", "show_tab('misconceptions')", "Misconceptions"),
        Binding("i", "show_tab('interview')", "Interview"),
        Binding("r", "reload", "Refresh"),
    ]

    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.view: StatsView | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="activity"):
            with TabPane("Activity", id="activity"):
                with VerticalScroll(id="activity-scroll"):
                    yield Static("Reading your review history...", id="summary")
                    with Horizontal(id="activity-top"):
                        with Vertical(id="heatmap-box"):
                            yield Static("Reviews per day", classes="section-title")
                            yield ReviewHeatmap(max_weeks=HEATMAP_WEEKS, id="heatmap")
                        with Vertical(id="states-box"):
                            yield Static("Cards by state", classes="section-title")
                            yield Static(id="states")
                    with Horizontal(id="charts"):
                        yield StatsChart(id="retention")
                        yield StatsChart(id="forecast")
            with TabPane("Topics", id="topics"):
                yield Static(id="mastery-caption", classes="caption")
                yield DataTable(id="mastery", cursor_type="row", zebra_stripes=True)
            with TabPane("Misconceptions", id="misconceptions"):
                yield Static(id="misconceptions-caption", classes="caption")
                yield DataTable(id="misconception-table", cursor_type="row")
                yield Static(id="misconception-detail")
            with TabPane("Interview", id="interview"):
                with VerticalScroll(id="interview-scroll"):
                    yield Static(id="interview-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        mastery = self.query_one("#mastery", DataTable)
        mastery.add_column("Topic", key="topic")
        mastery.add_column("Mastery", key="bar")
        mastery.add_column("%", key="pct")
        mastery.add_column("Mastered", key="mastered")
        mastery.add_column("Due", key="due")
        mastery.add_column("New", key="new")
        table = self.query_one("#misconception-table", DataTable)
        table.add_column("Times", key="count")
        table.add_column("Misconception", key="name")
        table.add_column("What happened", key="belief")
        table.add_column("Last", key="last")
        table.add_column("Cards", key="cards")
        self.query_one("#activity-scroll").focus()
        self.action_reload()

    # -- loading ---------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._load()

    def on_screen_resume(self) -> None:
        # Back from a study session started here: the figures have changed.
        if self.view is not None:
            self._load()

    @work(thread=True, exclusive=True, group="stats")
    def _load(self) -> None:
        try:
            view = load_stats(self.ctx)
        except Exception as exc:  # a damaged database: say so, keep the app running
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.app.call_from_thread(self._show_error, message)
            return
        self.app.call_from_thread(self.show, view)

    def _show_error(self, message: str) -> None:
        self.query_one("#summary", Static).update(Text(f"Could not read the review history: {message}", "bold red"))

    def show(self, view: StatsView) -> None:
        """Fill every tab from ``view``."""
        if not self.is_attached:  # left before the figures arrived
            return
        self.view = view
        self._show_activity(view)
        self._show_mastery(view)
        self._show_misconceptions(view)
        self._show_interview(view)

    def _show_interview(self, view: StatsView) -> None:
        from quizapp.interview.text import interview_lines  # with the figures, off the start-up path

        self.query_one("#interview-text", Static).update("\n".join(interview_lines(view.interview)))

    def _show_activity(self, view: StatsView) -> None:
        stats = view.stats
        empty = stats.total_reviews == 0
        self.query_one("#activity-scroll").set_class(empty, "-empty")
        summary = Text()
        if empty:
            summary.append(EMPTY_ACTIVITY, "italic")
        else:
            retention = stats.retention_30d
            summary.append(f"{stats.reviewed_30d:,}", "bold")
            summary.append(" reviews in 30 days")
            if retention is not None:
                summary.append("  ·  retention ")
                summary.append(f"{retention:.0%}", "bold")
                summary.append(f" ({stats.right_30d:,}/{stats.reviewed_30d:,} right)")
            summary.append("  ·  ")
            summary.append(f"{stats.total_reviews:,}", "bold")
            summary.append(" in all")
            today = stats.reviews_per_day[-1].count if stats.reviews_per_day else 0
            summary.append(f"\nToday {today:,}  ·  ")
            summary.append(f"{view.streak}-day streak" if view.streak != 1 else "1-day streak")
            due_today = stats.forecast[0].count if stats.forecast else 0
            summary.append(f"  ·  {due_today:,} due today")
        self.query_one("#summary", Static).update(summary)
        self.query_one("#states", Static).update(state_bars(stats.by_state))
        self.query_one("#heatmap", ReviewHeatmap).set_days([(d.day, d.reviewed) for d in view.days])

        weeks = view.weeks
        percents = tuple(None if w.retention is None else 100 * w.retention for w in weeks)
        known = [p for p in percents if p is not None]
        low = 0.0 if not known else max(0.0, min(50.0, (min(known) // 10) * 10 - 10))
        recent = f"{known[-1]:.0f}% last week with reviews" if known else ""
        self.query_one("#retention", StatsChart).set_data(
            ChartData(
                title=f"Retention per week, target {view.desired_retention:.0%}",
                labels=tuple(f"{w.start:%m-%d}" for w in weeks),
                values=percents,
                kind="line",
                y_range=(low, 100.0),
                y_suffix="%",
                target=100 * view.desired_retention,
                summary=recent,
                empty="No reviews in these weeks.",
            )
        )
        forecast = stats.forecast
        total = sum(d.count for d in forecast)
        self.query_one("#forecast", StatsChart).set_data(
            ChartData(
                title=f"Due in the next {len(forecast)} days",
                labels=tuple("today" if i == 0 else f"{d.day:%m-%d}" for i, d in enumerate(forecast)),
                values=tuple(d.count for d in forecast),
                kind="bar",
                summary=f"{total:,} in {len(forecast)} days, {forecast[0].count:,} today (overdue included)"
                if forecast
                else "",
                empty=f"Nothing due in the next {len(forecast)} days.",
            )
        )

    def _show_mastery(self, view: StatsView) -> None:
        topics = view.stats.topics
        cards = sum(t.cards for t in topics)
        mastered = sum(t.mastered for t in topics)
        caption = Text()
        caption.append(f"{mastered:,} of {cards:,} cards mastered", "bold")
        caption.append(
            f" - in review, and you would recall them now with at least "
            f"{view.desired_retention:.0%} chance (FSRS's estimate)."
        )
        self.query_one("#mastery-caption", Static).update(caption)
        table = self.query_one("#mastery", DataTable)
        table.clear()
        for topic in topics:
            table.add_row(
                Text(topic.title),  # a str cell would be read as markup
                Text(bar(topic.mastery, 16), "green"),
                Text(f"{topic.mastery:.0%}", justify="right"),
                Text(f"{topic.mastered}/{topic.cards}", justify="right"),
                Text(str(topic.due), justify="right"),
                Text(str(topic.new), justify="right"),
                key=topic.topic_id,
            )

    def on_resize(self) -> None:
        if self.view is not None:  # the belief column is clipped to the width
            self._show_misconceptions(self.view)

    def _show_misconceptions(self, view: StatsView) -> None:
        found = view.stats.misconceptions
        table = self.query_one("#misconception-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        caption = self.query_one("#misconceptions-caption", Static)
        self.query_one("#misconceptions").set_class(not found, "-empty")
        if not found:
            caption.update(Text(EMPTY_MISCONCEPTIONS, "italic"))
            self.query_one("#misconception-detail", Static).update("")
            return
        caption.update(
            Text.assemble(
                ("Wrong answers that matched a known wrong belief, most frequent first. ", ""),
                ("enter", "bold"),
                (" studies the cards that teach the truth.", ""),
            )
        )
        catalog = _catalog()
        name_width = max(len(m.name) for m in found)
        # The belief gets what the other columns leave (each column is padded by one cell a side).
        belief_width = max(16, self.size.width - 4 - (6 + name_width + 5 + 5 + 8))
        for m in found:
            known = catalog.get(m.name)
            table.add_row(
                Text(f"{m.count}x", justify="right"),
                m.name,
                _clip(known.belief if known else "(not in this version's catalog)", belief_width),
                f"{m.last_seen.astimezone(getattr(self.ctx, 'tz', None)):%m-%d}",
                Text(str(len(m.teaching_cards)), justify="right"),
                key=m.name,
            )
        table.move_cursor(row=min(cursor, len(found) - 1))
        self._describe(found[table.cursor_row].name)

    # -- misconceptions --------------------------------------------------------------------

    def _misconception(self, name: str) -> Any:
        if self.view is None:
            return None
        return next((m for m in self.view.stats.misconceptions if m.name == name), None)

    def _describe(self, name: str) -> None:
        m = self._misconception(name)
        detail = self.query_one("#misconception-detail", Static)
        if m is None:
            detail.update("")
            return
        known = _catalog().get(m.name)
        text = Text()
        text.append(m.name, "bold")
        text.append(f"  ({m.count} time{'s' if m.count != 1 else ''})\n")
        if known:
            text.append("The mistake: ", "bold red")  # the belief is a sentence about "you" already
            text.append(known.belief + "\n")
            text.append("Truth: ", "bold green")
            text.append(known.truth + "\n")
        if m.teaching_cards:
            shown = ", ".join(m.teaching_cards[:6]) + (", ..." if len(m.teaching_cards) > 6 else "")
            text.append(f"enter: study the {len(m.teaching_cards)} card(s) that teach it: ", "bold")
            text.append(shown, "dim")
        else:
            text.append("No card in your decks teaches this one yet.", "italic")
        detail.update(text)

    @on(DataTable.RowHighlighted, "#misconception-table")
    def _on_misconception_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._describe(event.row_key.value)

    @on(DataTable.RowSelected, "#misconception-table")
    def _on_misconception_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.study_misconception(event.row_key.value)

    def study_misconception(self, name: str) -> None:
        """Start a session on the cards whose ``teaches`` lists ``name``."""
        m = self._misconception(name)
        if m is None:
            return
        if not m.teaching_cards:
            self.notify(f"No card teaches '{name}' yet.", severity="warning")
            return
        self.app.start_session(cards=list(m.teaching_cards), title=f"Misconception: {name}")

    # -- navigation ------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "misconceptions":
            self.query_one("#misconception-table", DataTable).focus()
        elif tab == "topics":
            self.query_one("#mastery", DataTable).focus()
        elif tab == "interview":
            self.query_one("#interview-scroll").focus()
        else:
            self.query_one("#activity-scroll").focus()

    def action_back(self) -> None:
        self.app.pop_screen()


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
