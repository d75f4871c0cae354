"""Snapshots of the card browser at 100x32 on the simulated history (fixed clock, fixed data)."""

from __future__ import annotations

from quizapp.tui.screens.browser import BrowserScreen

from .simulated_history import ScreenTestApp, make_ctx
from .support import settle


def test_search_with_filters(snap_compare, stats_library, history_store):
    app = ScreenTestApp(lambda: BrowserScreen(make_ctx(stats_library, history_store)))

    async def type_search(pilot):
        await settle(pilot)
        await pilot.press(*"eval", "space", *"-kind:flashcard", "down", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=type_search)


def test_card_detail(snap_compare, stats_library, history_store):
    app = ScreenTestApp(lambda: BrowserScreen(make_ctx(stats_library, history_store)))

    async def open_card(pilot):
        await settle(pilot)
        await pilot.press(*"do-forward", "enter", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=open_card)
