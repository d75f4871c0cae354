"""What the TUI tests share besides fixtures: the fixture decks, the frozen moment, the terminal
size, and helpers that read the screen and drive it as a person would."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from textual import events
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.widget import Widget
from textual.widgets import Static

DECKS = Path(__file__).parent / "fixtures" / "decks"
#: A Tuesday, noon UTC; the tests run with TZ=UTC, so the study day runs 04:00 to 04:00 UTC.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
SIZE = (100, 32)


def screen_text(app: App) -> str:
    """Everything the current screen shows, as plain text lines (what a user reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def static_text(app: App, selector: str) -> str:
    """The text of a Static, looked up in the card or feedback shown now (views of other kinds
    stay mounted, hidden), else anywhere on the screen."""
    view = getattr(app.screen, "view", None)
    if view is not None:
        found = view.query(selector)
        if found:
            return str(found.first(Static).render())
    return str(app.screen.query_one(selector, Static).render())


def presented(app: App) -> Any:
    """The card the study screen shows."""
    view = app.screen.view  # type: ignore[attr-defined]
    return getattr(view, "presented", None) or view.outcome.presented


async def start(app: App, pilot: Any, **scope: Any) -> bool:
    started = app.start_session(**scope)  # type: ignore[attr-defined]
    await pilot.pause()
    return started


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def paste(pilot: Any, text: str) -> None:
    """Paste ``text`` as a terminal delivers a bracketed paste: one event to the app, which hands
    it to the focused widget (typing costs Pilot two idle waits per character)."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def wait_until(pilot: Any, condition: Callable[[], bool]) -> None:
    """Pause until ``condition()`` holds, for a result that arrives from a worker thread or a
    timer.  The per-test timeout (pytest-timeout) is the only bound: a busy machine is slower,
    never wrong."""
    while not condition():
        await pilot.pause()


async def markdown_drawn(pilot: Any) -> None:
    """Wait until every shown CardMarkdown has laid out its text (Textual's Markdown parses and
    mounts its blocks in the background)."""
    from quizapp.tui.widgets.card_markdown import CardMarkdown

    await wait_until(pilot, lambda: all(md.ready for md in pilot.app.screen.query(CardMarkdown) if md.display))


async def settle(pilot: Any) -> None:
    """Let the app finish what the last action started: a screen it pushed mounted (its on_mount
    may start a worker), every worker (the stats, the browser's index, a drill's checks run in
    threads) and the screen updates they send back.  Decided by state, never by a count of pauses:
    on a busy machine a pushed screen can take several turns of the loop to mount."""
    await pilot.pause()  # messages the last key posted may push a screen or start a worker
    while not pilot.app.screen.is_mounted or pilot.app.workers:
        if pilot.app.workers:
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def reviews(store: Any) -> list[tuple]:
    """(card id, rating, correct, misconception) of every logged review, oldest first."""
    rows = sorted(store.reviews(), key=lambda r: r.id)
    return [(r.card_id, r.rating, None if r.correct is None else int(r.correct), r.misconception) for r in rows]


def drawn_rows(table: Any) -> list[str]:
    """The rows a table (TopicTable, CardTable) draws under its header, as plain text."""
    shown = min(table.row_count - int(table.scroll_offset.y), table.size.height - 1)
    return [table.render_line(y).text for y in range(1, 1 + max(0, shown))]


def highlighted_command(app: App) -> str:
    """The command the palette would run on enter (its matches arrive from a worker)."""
    option = app.screen.query_one(CommandList).highlighted_option
    return "" if option is None else str(option.prompt)


async def palette_run(pilot: Any, words: str) -> None:
    """Open the command palette, type ``words`` and run the best match (which must contain them)."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: CommandPalette.is_open(pilot.app))
    await type_text(pilot, words)
    await wait_until(pilot, lambda: words.lower() in highlighted_command(pilot.app).lower())
    await pilot.press("enter")
    await settle(pilot)


async def scroll_mouse(pilot: Any, widget: Widget, up: bool = False) -> None:
    """Turn the mouse wheel once over ``widget`` (Pilot has no wheel of its own: this sends the
    events a terminal sends, through the same private helper its clicks use)."""
    wheel = events.MouseScrollUp if up else events.MouseScrollDown
    await pilot._post_mouse_events([wheel], widget)
    await settle(pilot)
