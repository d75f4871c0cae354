"""Snapshots of the stats screen at 100x32 on the simulated history (fixed clock, fixed data)."""

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

from quizapp.tui.screens.stats import StatsScreen  # noqa: E402


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
