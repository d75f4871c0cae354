"""Snapshots of the card browser at 100x32 on the simulated history (fixed clock, fixed data)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures_stats"))

from tui_stats_fixture import (  # noqa: E402,F401  (fixtures are used by name)
    ScreenTestApp,
    history_db_template,
    history_store,
    make_ctx,
    settle,
    stats_library,
    utc_local_time,
)

from quizapp.tui.screens.browser import BrowserScreen  # noqa: E402


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
