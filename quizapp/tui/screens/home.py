"""The home screen: every topic with its due, new and total cards and mastery; today's totals.

Enter studies the highlighted topic, ``a`` everything due plus today's new cards, ``e`` the
highlighted topic's exercises right now.  The figures come from :func:`quizapp.figures.home_figures`
(the same per-topic figures as the stats screen) and are refreshed whenever the screen comes back
into view.
"""

from __future__ import annotations


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


def today_line(today: Today) -> Content:
    return Content.assemble(
        ("Today: ", "bold"),
        (str(today.reviewed), "bold $text-accent"), " reviewed   ",
        (str(today.due), "bold $text-error" if today.due else "bold"), " due   ",
        (str(today.new_available), "bold $text-success"), " new available",
    )


class HomeScreen(Screen):
    AUTO_FOCUS = "#topics"
    BINDINGS = [
        Binding("a", "study_all", "Study all due"),
        Binding("e", "practise", "Exercises"),
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
        self.rows, self.today = home_figures(topic_outlines(ctx.library), ctx.store, ctx.now())
        self._counted_on_mount = False

    def compose(self) -> ComposeResult:
        notes = self._notes(self.today)
        yield Header()
        yield Static(today_line(self.today), id="today")
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
            self.rows, self.today = home_figures(topic_outlines(self.ctx.library), self.ctx.store, self.ctx.now())
        except StoreError as problem:
            self.app.fail(problem)  # type: ignore[attr-defined]
            return
        self.query_one("#today", Static).update(today_line(self.today))
        lines = self._notes(self.today)
        notes = self.query_one("#notes", Static)
        notes.update(Content("\n").join(lines))
        notes.display = bool(lines)
        self.query_one(TopicTable).set_rows(self.rows)

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
        if row is None:
            return
        topic = self.ctx.library.topic(row.topic_id)
        ids = [card.id for card in topic.cards if card.kind == "exercise"]
        if not ids:
            self.notify(f"{row.title} has no exercises; Enter studies its cards.", markup=False)
            return
        self.app.start_session(cards=ids, title=f"{row.title}: exercises")  # type: ignore[attr-defined]
