"""The home screen: every topic with its due, new and total cards and mastery; today's totals.

Enter studies the highlighted topic, ``a`` everything due plus today's new cards, ``e`` the
highlighted topic's exercises right now, due or not and outside the daily limits (a practice asked
for by name, like studying a card from the browser; the new exercises it brings in count in "New
today").  The header says how many new cards were introduced today out of the daily limit, and
each topic's New column counts only what the limit still lets in.  With an interview date set
(``quizapp plan``), a line says how many days are left, the readiness, today's share of the plan
and the topics at risk; ``c`` crams the weakest cards and ``m`` starts a mock interview.  The
figures come from :func:`quizapp.figures.home_figures`
(the same per-topic figures as the stats screen) and are refreshed whenever the screen comes back
into view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from quizapp.figures import Today, TopicStats, home_figures, topic_outlines
from quizapp.store import StoreError
from quizapp.tui.context import AppContext
from quizapp.tui.widgets.topic_table import TopicTable
from quizapp.tui.widgets.key_bar import KeyBar

FIRST_RUN = (  # two lines that fit 80 columns
    "New here? Pick a topic and press Enter, or press a to study every topic.",
    "Each answer is saved when given, so q can leave any time; ? lists every key.",
)


def interview_lines(line: Any) -> Content:
    """The interview lines (quizapp.interview.today.InterviewToday): the countdown, readiness and
    today's share; then the keys and the topics at risk first (on their own line, so that at 80
    columns a wrap never parts a key from its name)."""
    days = "today" if line.days_left == 0 else f"in {line.days_left} day{'s' if line.days_left != 1 else ''}"
    first = Content.assemble(
        ("Interview ", "bold"), (days, "bold $text-accent"), f" ({line.day:%a %m-%d}) · ready ",
        (f"{line.ready:.0%}", "bold $text-success" if line.ready >= line.target else "bold $text-warning"),
        f" · plan today: {line.new_today} new",
    )
    second = Content.assemble(("c", "bold"), " cram · ", ("m", "bold"), " mock interview")
    if line.at_risk:
        risk = ", ".join(f"{t.title} {t.ready:.0%}" for t in line.at_risk[:3]) + (", ..." if len(line.at_risk) > 3 else "")
        second = Content.assemble(second, (" · at risk: ", "dim"), risk)
    return Content("\n").join([first, second])


def today_line(today: Today) -> Content:
    """``Today: 12 reviewed   8 due   New today 20/20  limit reached: o changes it``."""
    held_back = today.new_waiting > 0 and today.new_room == 0
    return Content.assemble(
        ("Today: ", "bold"),
        (str(today.reviewed), "bold $text-accent"), " reviewed   ",
        (str(today.due), "bold $text-error" if today.due else "bold"), " due   ",
        "New today ", (f"{today.new_today}/{today.new_limit}", "bold $text-warning" if held_back else "bold $text-success"),
        ("  limit reached: o changes it", "$text-warning") if held_back else ("  o changes the limit", "dim"),
    )


def rows_for_today(rows: Sequence[TopicStats], today: Today) -> list[TopicStats]:
    """The topics as Enter would study them today: a topic's New is the new cards the daily limit
    still lets in (as in Anki's deck list), so no row promises new cards the header says are used up."""
    return [row._replace(new=min(row.new, today.new_room)) for row in rows]


class HomeScreen(Screen):
    DEFAULT_CSS = """
    HomeScreen #today { height: auto; padding: 0 1; margin-top: 1; }
    HomeScreen #notes { height: auto; padding: 0 1; }
    HomeScreen #interview { height: auto; padding: 0 1; }
    HomeScreen #topics { height: 1fr; margin-top: 1; }
    """

    PLACE = "the topics"  # where the summary of a session started here returns
    AUTO_FOCUS = "#topics"
    BINDINGS = [
        Binding("a", "study_all", "Study all due"),
        Binding("e", "practise", "Exercises", tooltip="Practise the topic's exercises now, due or not (outside the daily limits)"),
        Binding("c", "app.cram", "Cram for the interview", show=False),
        Binding("m", "app.mock", "Mock interview", show=False),
        Binding("s", "app.open_stats", "Stats"),
        Binding("slash,b", "app.browse", "Browse"),
        Binding("o", "app.open_settings", "Settings"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(id="home")
        self.ctx = ctx
        self.sub_title = "Normalization and regularization for ML interviews"
        # Counted now, before the first layout, so the first frame already shows the figures (and
        # a StoreError reaches the command before the terminal is taken).
        self.rows, self.today = self._figures()
        self.interview = self._interview()
        self._counted_on_mount = False

    def _interview(self) -> Any:
        """The interview line's figures, or None without an upcoming date."""
        if self.ctx.store.settings().interview_date is None:
            return None
        # Imported only with a date set: the readiness brings the misconception replay (~10 ms).
        from quizapp.interview.today import interview_today

        return interview_today(topic_outlines(self.ctx.library), self.ctx.store, self.ctx.now())

    def compose(self) -> ComposeResult:
        notes = self._notes(self.today)
        yield Header()
        yield Static(today_line(self.today), id="today")
        interview = Static(interview_lines(self.interview) if self.interview else "", id="interview")
        yield interview.set_styles(f"display: {'block' if self.interview else 'none'};")
        yield Static(Content("\n").join(notes), id="notes").set_styles(f"display: {'block' if notes else 'none'};")
        table = TopicTable(id="topics")
        table.set_rows(self.rows)
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        self._counted_on_mount = True
        self.call_after_refresh(self._ready)

    def _ready(self) -> None:
        self.app.home_ready()  # type: ignore[attr-defined]
        # The home screen needs only the library's outlines; read the cards themselves from the
        # deck cache now, in a thread, so the first session starts without that wait.
        self.run_worker(lambda: self.ctx.library.topics, thread=True, group="warm-up", exit_on_error=False)

    def on_screen_resume(self) -> None:
        # The first resume comes right after mounting, which has just counted everything.
        if self._counted_on_mount:
            self._counted_on_mount = False
            return
        self.refresh_figures()

    def refresh_figures(self) -> None:
        """Recount everything (after a session, or when the screen comes back)."""
        try:
            self.rows, self.today = self._figures()
            self.interview = self._interview()
        except StoreError as problem:
            self.app.fail(problem)  # type: ignore[attr-defined]
            return
        self.query_one("#today", Static).update(today_line(self.today))
        interview = self.query_one("#interview", Static)
        interview.update(interview_lines(self.interview) if self.interview else "")
        interview.display = self.interview is not None
        lines = self._notes(self.today)
        notes = self.query_one("#notes", Static)
        notes.update(Content("\n").join(lines))
        notes.display = bool(lines)
        self.query_one(TopicTable).set_rows(self.rows)

    def _figures(self) -> tuple[list[TopicStats], Today]:
        rows, today = home_figures(topic_outlines(self.ctx.library), self.ctx.store, self.ctx.now())
        return rows_for_today(rows, today), today

    def _notes(self, today: Today) -> list[Content]:
        """The lines above the table: a first-run welcome, skipped content, no decks at all."""
        lines: list[Content] = []
        if today.first_run:
            lines.extend(Content.styled(line, "dim") for line in FIRST_RUN)
        problems = self.ctx.library.problems
        if problems:
            first = str(problems[0])
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            lines.append(
                Content.assemble(
                    ("⚠ skipped broken content: ", "bold $text-warning"),
                    first + more,
                    ("  - `quizapp validate` lists them", "dim"),
                )
            )
        if not self.rows:
            lines.append(Content.styled("No decks were found. Pass --content DIR with your YAML decks.", "$text-error"))
        return lines

    # -- actions ---------------------------------------------------------------------------------

    def selected_topic(self) -> TopicStats | None:
        table = self.query_one(TopicTable)
        if not self.rows:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def on_topic_table_selected(self, event: TopicTable.Selected) -> None:
        event.stop()
        self.action_study_topic()

    def action_study_topic(self) -> None:
        row = self.selected_topic()
        if row is not None:
            self.app.start_session(topics=[row.topic_id], title=row.title)  # type: ignore[attr-defined]

    def action_study_all(self) -> None:
        self.app.start_session(title="All topics")  # type: ignore[attr-defined]

    def action_practise(self) -> None:
        row = self.selected_topic()
        if row is not None:
            self.app.practise(row.topic_id, row.title)  # type: ignore[attr-defined]
