"""Snapshots of the stats screen at 100x32 on the simulated history (fixed clock, fixed data)."""

from __future__ import annotations

from quizapp.tui.screens.stats import StatsScreen

from .simulated_history import ScreenTestApp, make_ctx
from .support import settle


def test_activity_tab(snap_compare, stats_library, history_store):
    app = ScreenTestApp(lambda: StatsScreen(make_ctx(stats_library, history_store)))
    assert snap_compare(app, terminal_size=(100, 32), run_before=settle)


def test_misconceptions_tab(snap_compare, stats_library, history_store):
    app = ScreenTestApp(lambda: StatsScreen(make_ctx(stats_library, history_store)))

    async def open_tab(pilot):
        await settle(pilot)
        await pilot.press("m", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=open_tab)
