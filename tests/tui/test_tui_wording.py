"""The TUI's texts say what happens (issue 14, item 16): the summary names the screen Enter returns
to and the daily limits that held cards back."""

from __future__ import annotations

from quizapp.store import Store
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.stats import StatsScreen
from quizapp.tui.screens.summary import SummaryScreen
from quizapp.tui.widgets.hint import Hint

from .support import SIZE, presented, settle, start, wait_until


def summary_text(app) -> str:
    return "\n".join(str(widget.render()) for widget in app.screen.query("Static"))


async def answer_true_and_end(app, pilot) -> None:
    """Answer the true/false card shown (f: it is false), then end the session."""
    await pilot.press("f", "enter")
    await settle(pilot)
    await pilot.press("q")
    await settle(pilot)
    assert isinstance(app.screen, SummaryScreen)


async def test_a_session_from_the_stats_returns_there_and_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_open_stats()
        await settle(pilot)
        assert await start(app, pilot, cards=["tui-tf"], title="Misconception: biased variance")
        await answer_true_and_end(app, pilot)
        assert "Enter returns to the stats." in str(app.screen.query_one(Hint).render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)


async def test_a_session_from_home_returns_to_the_topics(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await start(app, pilot, cards=["tui-tf"])
        await answer_true_and_end(app, pilot)
        assert "Enter returns to the topics." in str(app.screen.query_one(Hint).render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_the_summary_names_the_limit_that_held_cards_back(make_app, db_path):
    with Store.open(db_path) as store:
        store.save_settings(new_per_day=1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # Dropout (fixture): 2 new cards, 1 let in today
        await settle(pilot)
        if presented(app).kind == "flashcard":
            await pilot.press("space", "4")  # easy: not due again today
        else:
            await pilot.press("f", "enter", "4", "enter")  # right, regraded easy, next
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        text = summary_text(app)
        assert "The daily limit of 1 new card is reached (1 introduced today); 1 new card waits for tomorrow." in text
