"""The stats screen, driven with Pilot: empty history, a simulated history, the misconception
action, tabs and small terminals."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from textual.widgets import DataTable, Static, TabbedContent

from quizapp.cli.stats import stats_lines
from quizapp.stats import compute
from quizapp.store import Review
from quizapp.tui.screens.stats import StatsScreen
from quizapp.tui.widgets.heatmap import GLYPHS, ReviewHeatmap
from quizapp.tui.widgets.stats_chart import StatsChart

from .simulated_history import ScreenTestApp, make_ctx
from .support import NOW, screen_text, settle


def stats_app(library, store) -> ScreenTestApp:
    return ScreenTestApp(lambda: StatsScreen(make_ctx(library, store)))


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_empty_history_says_so_instead_of_drawing_empty_charts(stats_library, empty_store):
    app = stats_app(stats_library, empty_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert "No reviews yet" in text_of(app, "#summary")
        assert not screen.query_one("#heatmap-box").display
        assert not screen.query_one("#charts").display
        states = text_of(app, "#states")
        assert f"new        {'█' * 14} {len(stats_library.cards)}" in states  # every card is new
        await pilot.press("m")
        await settle(pilot)
        assert "No misconceptions recognised yet" in text_of(app, "#misconceptions-caption")
        assert not screen.query_one("#misconception-table").display
        await pilot.press("t")
        await settle(pilot)
        mastery = screen.query_one("#mastery", DataTable)
        assert mastery.row_count == len(stats_library.topics)
        assert all(str(mastery.get_row(t.id)[2]) == "0%" for t in stats_library.topics)


async def test_summary_agrees_with_plain_quizapp_stats(stats_library, history_store):
    app = stats_app(stats_library, history_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        summary = text_of(app, "#summary")
    plain = stats_lines(compute(stats_library, history_store, NOW))[0]
    # "Reviews in the last 30 days: 126; retention 79% (100 of 126 right). All time: 334."
    reviewed = plain.split(": ")[1].split(";")[0]
    retention = plain.split("retention ")[1].split(" ")[0]
    total = plain.rsplit(": ", 1)[1].rstrip(".")
    assert f"{reviewed} reviews in 30 days" in summary
    assert f"retention {retention}" in summary
    assert f"{total} in all" in summary


async def test_heatmap_counts_each_study_day_from_the_log(stats_library, history_store):
    # Independent count: a review belongs to the study day of (time - 4 h) in UTC.
    per_day = Counter((r.reviewed_at - timedelta(hours=4)).date() for r in history_store.reviews())
    app = stats_app(stats_library, history_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        heatmap = app.screen.query_one(ReviewHeatmap)
        days = heatmap.days
        assert days[-1][0] == NOW.date()
        assert len(days) >= 16 * 7 - 6  # enough to fill 16 week columns
        assert days == [(day, per_day.get(day, 0)) for day, _ in days]
        rendered = str(heatmap.render()).splitlines()
        tuesday = next(line for line in rendered if line.startswith("Tue"))
        assert len(tuesday.split()) - 1 == 16  # 16 weeks drawn at 100 columns
        legend = rendered[-1]
        assert GLYPHS[0] in legend and GLYPHS[4] in legend


async def test_charts_draw_plots_when_roomy_and_text_when_small(stats_library, history_store):
    app = stats_app(stats_library, history_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        charts = list(app.screen.query(StatsChart))
        assert len(charts) == 2 and all(chart.showing_plot for chart in charts)
        forecast = app.screen.query_one("#forecast", StatsChart).data
        assert forecast.values == tuple(d.count for d in compute(stats_library, history_store, NOW).forecast)
        await pilot.resize_terminal(56, 24)
        await settle(pilot)
        assert not any(chart.showing_plot for chart in charts)
        fallback = str(app.screen.query_one("#forecast .chart-text", Static).render())
        assert "today (overdue included)" in fallback
        assert any(ch in fallback for ch in "·▁▂▃▄▅▆▇█")  # a sparkline


def teaching_cards(library, name: str) -> list[str]:
    return [card.id for topic in library.topics for card in topic.cards if name in card.teaches]


async def test_enter_on_a_misconception_studies_the_cards_that_teach_it(stats_library, history_store):
    logged = Counter(r.misconception for r in history_store.reviews() if r.misconception is not None)
    app = stats_app(stats_library, history_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        table = app.screen.query_one("#misconception-table", DataTable)
        assert table.has_focus
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert set(names) == set(logged)
        assert [logged[n] for n in names] == sorted(logged.values(), reverse=True)
        await pilot.press("enter")
        await pilot.press("down", "enter")
        await settle(pilot)
    assert [call.cards for call in app.sessions] == [teaching_cards(stats_library, names[0]), teaching_cards(stats_library, names[1])]
    assert all(call.title.startswith("Misconception: ") for call in app.sessions)


async def test_misconception_taught_by_no_card_says_so(stats_library, history_store):
    for minute in range(30):  # the most frequent one, so it is the first row
        history_store.apply_review(
            "bn-forward-ex", lambda s: s,
            Review("bn-forward-ex", NOW - timedelta(minutes=minute), 1, "exercise", misconception="std_for_var"))
    app = stats_app(stats_library, history_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("m", "enter")
        await settle(pilot)
        assert "No card in your decks teaches this one yet" in text_of(app, "#misconception-detail")
        assert app.sessions == []
        assert any("No card teaches 'std_for_var'" in n.message for n in app._notifications)


async def test_topics_tab_shows_mastery_per_topic(stats_library, history_store):
    app = stats_app(stats_library, history_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "topics"
        table = app.screen.query_one("#mastery", DataTable)
        figures = {t.topic_id: t for t in compute(stats_library, history_store, NOW).topics}
        for topic in stats_library.topics:
            row = table.get_row(topic.id)
            assert str(row[0]) == topic.title
            assert str(row[3]) == f"{figures[topic.id].mastered}/{len(topic.cards)}"
            bar = str(row[1])
            assert len(bar) == 16 and (figures[topic.id].mastered == 0) == bar.startswith("░")


async def test_escape_and_q_go_back(stats_library, empty_store):
    app = stats_app(stats_library, empty_store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)
        app.push_screen(StatsScreen(make_ctx(stats_library, empty_store)))
        await settle(pilot)
        await pilot.press("q")
        assert not isinstance(app.screen, StatsScreen)


async def test_80x24_shows_every_tab_readably(stats_library, history_store):
    app = stats_app(stats_library, history_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "reviews in 30 days" in shown and "Cards by state" in shown
        tuesday = next(line for line in shown.splitlines() if line.startswith(" Tue "))
        weeks = len([cell for cell in tuesday.split()[1:] if cell[0] in "·░▒▓█"])
        assert 10 <= weeks < 16  # fewer weeks than at 100 columns, rather than a wrapped map
        assert re.search(r"review +[█▏▎▍▌▋▊▉░]{14} +\d+$", tuesday.rstrip())  # states beside it, whole
        legend = next(line for line in shown.splitlines() if GLYPHS[0] + " 0" in line)
        assert GLYPHS[4] in legend  # the legend is not cut off
        await pilot.press("m")
        await settle(pilot)
        shown = screen_text(app)
        assert "Misconception" in shown and "Truth:" in shown
        detail = text_of(app, "#misconception-detail")
        assert "The mistake: You " in detail and "You: You" not in detail  # the belief says "you" itself


async def test_opens_inside_the_real_app_with_its_stylesheets(make_app):
    # Inside the real QuizApp (tests/tui/conftest.py) the screen lays out with its own styles.
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.action_open_stats()
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert "No reviews yet" in text_of(app, "#summary")
        assert app.screen.query_one("#states-box").outer_size.width == 30  # from StatsScreen.DEFAULT_CSS
