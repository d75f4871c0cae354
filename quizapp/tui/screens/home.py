"""The home screen: every topic with its due, new and total cards and mastery; today's totals.

Enter studies the highlighted topic, ``a`` everything due plus today's new cards, ``e`` the
highlighted topic's exercises right now.  The figures come from a few cheap queries
(:mod:`quizapp.tui.overview`) and are refreshed whenever the screen comes back into view.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from quizapp.tui.context import AppContext
from quizapp.tui.overview import Overview, TopicRow, overview
from quizapp.tui.widgets.buttons import ClickButton
from quizapp.tui.widgets.topic_table import TopicTable

BAR_WIDTH = 10
#: (label, key, width) of the number columns; the topic column takes what is left.
NUMBER_COLUMNS = (("Due", "due", 4), ("New", "new", 4), ("Cards", "cards", 5), ("Mastery", "mastery", BAR_WIDTH + 5))
#: Columns' cell padding (1 each side), the table's margins and its scrollbar.
FIXED_WIDTH = sum(width + 2 for _, _, width in NUMBER_COLUMNS) + 2 + 2 + 2

FIRST_RUN = (  # two lines that fit 80 columns
    "New here? Pick a topic and press Enter, or press a to study every topic.",
    "Each answer is saved when given, so q can leave any time; ? lists every key.",
)


def mastery_bar(share: float) -> Content:
    filled = round(share * BAR_WIDTH)
    return Content.assemble(
        ("█" * filled, "$text-success"),
        ("░" * (BAR_WIDTH - filled), "dim"),
        f" {round(share * 100):3d}%",
    )


def today_line(view: Overview) -> Content:
    today = view.today
    return Content.assemble(
        ("Today: ", "bold"),
        (str(today.reviewed), "bold $text-accent"), " reviewed   ",
        (str(today.due), "bold $text-error" if today.due else "bold"), " due   ",
        (str(today.new_available), "bold $text-success"), " new available",
    )


def count_cell(value: int, style: str) -> Content:
    return Content.styled(str(value), style) if value else Content.styled("0", "dim")


class HomeScreen(Screen):
    BINDINGS = [
        Binding("a", "study_all", "Study all due"),
        Binding("e", "practise", "Exercises"),
        Binding("s", "app.open_stats", "Stats"),
        Binding("slash,b", "app.browse", "Browse"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(id="home")
        self.ctx = ctx
        self.sub_title = "Normalization and regularization for ML interviews"
        self.rows: tuple[TopicRow, ...] = ()
        self._table_width = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="today")
        yield Static(id="notes")
        yield TopicTable(id="topics", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="home-actions"):
            yield ClickButton("Study all due (a)", id="study-all", variant="primary")
            yield ClickButton("Study topic (enter)", id="study-topic")
            yield ClickButton("Exercises (e)", id="practise")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_figures()
        self.query_one("#topics", DataTable).focus()
        self.call_after_refresh(self.app.home_ready)  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        self.refresh_figures()

    def refresh_figures(self) -> None:
        """Recount everything (after a session, or when the screen comes back)."""
        view = overview(self.ctx.library.topics, self.ctx.store, self.ctx.now())
        self.rows = view.topics
        self.query_one("#today", Static).update(today_line(view))
        self._show_notes(view)
        self._fill_table()

    def _fill_table(self) -> None:
        """(Re)build the table, the topic column as wide as the terminal allows."""
        table = self.query_one("#topics", DataTable)
        cursor = table.cursor_row
        title_width = self._title_width()
        table.clear(columns=True)
        table.add_column("Topic", key="topic", width=title_width)
        for label, key, width in NUMBER_COLUMNS:
            table.add_column(label, key=key, width=width)
        for row in self.rows:
            title = row.title if len(row.title) <= title_width else row.title[: title_width - 1] + "…"
            table.add_row(
                title,
                count_cell(row.due, "bold $text-error"),
                count_cell(row.new, "bold $text-success"),
                str(row.total),
                mastery_bar(row.mastery),
                key=row.topic_id,
            )
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))
        self._table_width = title_width

    def _title_width(self) -> int:
        longest = max((len(row.title) for row in self.rows), default=5)
        room = (self.size.width or self.app.size.width) - FIXED_WIDTH
        return max(12, min(longest, room))

    def on_resize(self) -> None:
        if self.rows and self._title_width() != self._table_width:
            self._fill_table()

    def _show_notes(self, view: Overview) -> None:
        notes = self.query_one("#notes", Static)
        lines: list[Content] = []
        if view.today.first_run:
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
        if not self.ctx.library.topics:
            lines.append(Content.styled("No decks were found. Pass --content DIR with your YAML decks.", "$text-error"))
        notes.update(Content("\n").join(lines))
        notes.display = bool(lines)

    # -- actions ---------------------------------------------------------------------------------

    def selected_topic(self) -> TopicRow | None:
        table = self.query_one("#topics", DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study_topic()

    def action_study_topic(self) -> None:
        row = self.selected_topic()
        if row is not None:
            self.app.start_session(topics=[row.topic_id], title=row.title)

    def action_study_all(self) -> None:
        self.app.start_session(title="All topics")

    def action_practise(self) -> None:
        row = self.selected_topic()
        if row is None:
            return
        topic = self.ctx.library.topic(row.topic_id)
        ids = [card.id for card in topic.cards if card.kind == "exercise"]
        if not ids:
            self.notify(f"{row.title} has no exercises; Enter studies its cards.")
            return
        self.app.start_session(cards=ids, title=f"{row.title}: exercises")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button == "study-all":
            self.action_study_all()
        elif button == "study-topic":
            self.action_study_topic()
        elif button == "practise":
            self.action_practise()
