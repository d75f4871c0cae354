"""The card browser: find cards by text and filters, open one, see its history, study it now,
suspend or unsuspend it, unbury it, reset it (the keys of :mod:`quizapp.tui.screens.card_actions`).

The search line takes words and filters (``topic:``, ``tag:``, ``kind:``, ``state:``; the syntax
is in :mod:`quizapp.tui.widgets.browser_query` and on the screen's help line) and updates the
results as you type.  The index is built once when the screen opens (in a worker thread), and
the results table draws only the rows on screen, so 10,000 cards stay instant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Static

from quizapp.tui.card_changes import CardChanges
from quizapp.tui.screens.card_actions import CARD_BINDINGS, CardActionsScreen
from quizapp.tui.widgets.browser_detail import card_markdown, card_meta, history_rows, state_text
from quizapp.tui.widgets.browser_query import STATES, CardEntry, CardIndex
from quizapp.tui.widgets.browser_table import CardTable, Column
from quizapp.tui.widgets.markdown_text import inline_content
from quizapp.tui.widgets.card_markdown import CardMarkdown

__all__ = ["BrowserScreen", "CardDetailScreen", "HELP_LINE"]

HELP_LINE = (
    "Words match id and text   [b]topic:[/]ID  [b]tag:[/]NAME  [b]kind:[/]KIND  [b]state:[/]STATE\n"
    "STATE is " + " ".join(STATES)
)


def plain_title(card: Any) -> str:
    """The card's question on one line as read, its inline Markdown dropped (`code`, **bold**);
    whole, since the table cuts it to the column with an ellipsis."""
    return inline_content(" ".join(card.question.split())).plain


class BrowserScreen(CardActionsScreen):
    """Search every card; enter opens one (its text, state and review history)."""

    PLACE = "the browser"  # where the summary of a session started here returns

    DEFAULT_CSS = """
    BrowserScreen #search {
        margin: 0 1;
    }

    BrowserScreen #browser-help {
        height: auto;
        color: $text-muted;
        padding: 0 2;
    }

    BrowserScreen #browser-status {
        height: 1;
        padding: 0 2;
    }

    BrowserScreen #results {
        margin-top: 1;
    }
    """

    TITLE = "Browse cards"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("slash", "focus_search", "Search"),
        Binding("s", "study_card", "Study card"),
        Binding("S", "study_all", "Study all shown"),
        *CARD_BINDINGS,
    ]

    def __init__(self, ctx: Any, query: str = "") -> None:
        super().__init__(CardChanges(ctx.store, ctx.now))
        self.ctx = ctx
        self.index: CardIndex | None = None
        self.results: list[CardEntry] = []
        self._initial_query = query
        self._now: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            value=self._initial_query,
            placeholder="Search, e.g.  eval mode kind:exercise,choice state:due -tag:basics",
            id="search",
        )
        yield Static(HELP_LINE, id="browser-help", markup=True)
        yield Static("Reading the cards...", id="browser-status")
        yield CardTable(
            [
                Column("id", "Id", 20),
                Column("topic", "Topic", 16, drop_order=3),
                Column("kind", "Kind", 9, drop_order=2),
                Column("state", "State", 10, drop_order=1),  # on a phone's 60 columns, for the title
                Column("due", "Due", 9),
                Column("title", "Title", 0),
            ],
            id="results",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        self._build_index()

    def on_screen_resume(self) -> None:
        # Back from a card or a study session: states may have changed; keep the place.
        if self.index is not None:
            self._build_index()

    @work(thread=True, exclusive=True, group="browser")
    def _build_index(self) -> None:
        try:
            now = self.ctx.now()
            index = CardIndex.build(self.ctx.library, self.ctx.store, now, getattr(self.ctx, "tz", None))
        except Exception as exc:  # a damaged database: say so instead of a traceback
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.app.call_from_thread(
                self.query_one("#browser-status", Static).update,
                Text(f"Could not read the cards' states: {message}", "bold red"),
            )
            return
        self.app.call_from_thread(self._index_ready, index, now)

    def _index_ready(self, index: CardIndex, now: datetime) -> None:
        if not self.is_attached:  # left before the index was ready
            return
        rebuilt = self.index is not None
        self.index = index
        self._now = now
        self._size_columns(index)
        self.search(self.query_one("#search", Input).value, keep_cursor=rebuilt)

    def _size_columns(self, index: CardIndex) -> None:
        """Widths from the longest values (capped), so columns never jump while typing."""
        table = self.query_one(CardTable)
        longest = {
            "id": max((len(e.id) for e in index.entries), default=2),
            "topic": max((len(e.topic_id) for e in index.entries), default=5),
            "state": max((len(e.state_label()) for e in index.entries), default=5),
        }
        caps = {"id": 24, "topic": 16, "state": 16}
        table.columns = [
            Column(c.key, c.label, max(len(c.label), min(caps[c.key], longest[c.key])), c.drop_order)
            if c.key in caps
            else c
            for c in table.columns
        ]

    # -- searching -------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _on_search_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, text: str, keep_cursor: bool = False) -> None:
        """Show the cards matching ``text`` (a search line); the cursor goes to the first result,
        or stays on its card with ``keep_cursor``."""
        if self.index is None:
            return
        table = self.query_one(CardTable)
        previous = table.cursor_key
        query = self.index.parse(text)
        self.results = self.index.search(query)
        results, now = self.results, self._now

        def row(i: int) -> tuple[str, ...]:
            e = results[i]
            return (e.id, e.topic_id, e.kind, e.state_label(), e.due_label(now), plain_title(e.card))

        keys = [e.id for e in results]
        table.set_rows(keys, row)
        if keep_cursor and previous in keys:
            table.cursor_row = keys.index(previous)
        status = Text()
        total = len(self.index.entries)
        if not results:
            status.append("No card matches." if text.strip() else "No cards loaded.", "bold")
        elif query.empty:
            status.append(f"{total:,} cards", "bold")
        else:
            status.append(f"{len(results):,} of {total:,} cards", "bold")
        for problem in query.problems:
            status.append("  ·  ")
            status.append(problem, "red")
        self.query_one("#browser-status", Static).update(status)

    # -- keys ------------------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _on_search_submitted(self) -> None:
        self.query_one(CardTable).focus()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.focused is self.query_one("#search", Input):
            self.query_one(CardTable).focus()
            event.stop()

    @on(CardTable.Selected, "#results")
    def _on_result_selected(self, event: CardTable.Selected) -> None:
        self.open_card(event.key)

    def open_card(self, card_id: str) -> None:
        entry = next((e for e in self.results if e.id == card_id), None)
        if entry is not None:
            self.app.push_screen(CardDetailScreen(self.ctx, entry, self.changes))

    def acted_on(self) -> str | None:
        return self.query_one(CardTable).cursor_key

    def card_changed(self) -> None:
        self._build_index()  # the state column; the cursor stays on its card

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_study_card(self) -> None:
        key = self.query_one(CardTable).cursor_key
        if key is not None:
            self.app.start_session(cards=[key], title=f"Card {key}")

    def action_study_all(self) -> None:
        if not self.results:
            self.notify("No cards to study: the search matches none.", severity="warning")
            return
        self.app.start_session(cards=[e.id for e in self.results], title=f"{len(self.results)} cards from the browser")

    def action_back(self) -> None:
        self.app.pop_screen()


class CardDetailScreen(CardActionsScreen):
    """One card in full: text, explanation, references, state and review history."""

    PLACE = "the card"  # where the summary of a session started here returns

    DEFAULT_CSS = """
    CardDetailScreen #detail {
        padding: 0 2;
    }

    CardDetailScreen #detail-heading {
        margin: 1 0 0 0;
    }

    CardDetailScreen .section-title {
        text-style: bold;
        color: $text-accent;
        margin-top: 1;
    }

    CardDetailScreen #detail-meta {
        margin-top: 1;
    }

    CardDetailScreen #history {
        height: auto;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("s", "study", "Study now"),
        *CARD_BINDINGS,
    ]

    def __init__(self, ctx: Any, entry: CardEntry, changes: CardChanges) -> None:
        super().__init__(changes)
        self.ctx = ctx
        self.entry = entry
        self.card = entry.card

    def compose(self) -> ComposeResult:
        card, entry = self.card, self.entry
        self.title = f"Card {card.id}"
        yield Header()
        with VerticalScroll(id="detail"):
            heading = Text()
            heading.append(card.id, "bold")
            heading.append(f"  ·  {entry.topic_title}  ·  {card.kind}  ·  level {card.level}")
            if card.source:
                heading.append(f"  ·  {card.source}", "dim")
            yield Static(heading, id="detail-heading")
            yield CardMarkdown(card_markdown(card), id="detail-body")
            yield Static("Why", classes="section-title")
            yield CardMarkdown(card.explain or "-", id="detail-explain")
            yield Static(card_meta(card), id="detail-meta")
            yield Static("Schedule", classes="section-title")
            yield Static(id="detail-state")
            yield Static("Review history", classes="section-title", id="history-title")
            yield DataTable(id="history", cursor_type="row", zebra_stripes=True, show_cursor=False)
            yield Static(id="history-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        for label in ("Date", "Rating", "Right", "Answer", "Misconception", "Time"):
            table.add_column(label, key=label.lower())
        self.query_one("#detail").focus()
        self._load()

    @work(thread=True, exclusive=True, group="card-detail")
    def _load(self) -> None:
        store = self.ctx.store
        try:
            state = store.state(self.card.id)
            reviews = store.reviews(self.card.id)
            leech = store.settings().leech_lapses
        except Exception as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.app.call_from_thread(
                self.query_one("#detail-state", Static).update, Text(f"Could not read: {message}", "bold red")
            )
            return
        self.app.call_from_thread(self._show, state, reviews, leech)

    def _show(self, state: Any, reviews: list, leech_lapses: int) -> None:
        if not self.is_attached:
            return
        tz = getattr(self.ctx, "tz", None)
        now = self.ctx.now()
        self.query_one("#detail-state", Static).update(state_text(state, now, tz, leech_lapses, len(reviews)))
        self.query_one("#history-title", Static).update(f"Review history ({len(reviews)})")
        table = self.query_one("#history", DataTable)
        table.clear()
        rows = history_rows(reviews, tz)
        for i, row in enumerate(rows):
            rating = row[1]
            styled = Text(rating, "red" if rating == "Again" else "")
            right = Text(row[2], "green" if row[2] == "✓" else "red")
            table.add_row(row[0], styled, right, row[3], Text(row[4], "yellow"), Text(row[5], justify="right"), key=str(i))
        table.display = bool(rows)
        empty = self.query_one("#history-empty", Static)
        empty.display = not rows
        empty.update(Text("Not reviewed yet.", "italic"))

    def acted_on(self) -> str | None:
        return self.card.id

    def card_changed(self) -> None:
        self._load()

    def action_study(self) -> None:
        self.app.start_session(cards=[self.card.id], title=f"Card {self.card.id}")

    def action_back(self) -> None:
        self.app.pop_screen()
