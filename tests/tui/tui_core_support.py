"""Helpers for the TUI core tests (a uniquely named module: tests/ folders share sys.path)."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Static


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


def drawn_rows(table: Any) -> list[str]:
    """The rows a table (TopicTable, CardTable) draws under its header, as plain text."""
    shown = min(table.row_count - int(table.scroll_offset.y), table.size.height - 1)
    return [table.render_line(y).text for y in range(1, 1 + max(0, shown))]


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


def reviews(store: Any) -> list[tuple]:
    """(card id, rating, correct, misconception) of every logged review, oldest first."""
    rows = sorted(store.reviews(), key=lambda r: r.id)
    return [(r.card_id, r.rating, None if r.correct is None else int(r.correct), r.misconception) for r in rows]
