"""The TUI's texts say what happens (issue 14, item 16): the summary names the screen Enter returns
to and the daily limits that held cards back; an exercise's feedback quotes what was asked as
written; the entry hint's example has as many numbers as asked."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from quizapp.scheduler import LEARNING, CardState
from quizapp.store import Store
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.stats import StatsScreen
from quizapp.tui.screens.summary import SummaryScreen
from quizapp.tui.widgets.hint import Hint

from quizapp.tui.widgets.browser_table import CardTable
from quizapp.tui.widgets.exercise import entry_hint

from .support import NOW, SIZE, presented, screen_text, settle, start, static_text, type_text, wait_until
from .test_browser_actions import browse_to


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


async def test_a_session_left_early_does_not_blame_the_limit(make_app, db_path):
    with Store.open(db_path) as store:
        store.save_settings(new_per_day=1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # Dropout (fixture): 1 new card let in today
        await settle(pilot)
        await pilot.press("q")  # left before answering: the card is still to come
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        assert "daily limit" not in summary_text(app)


async def test_the_feedback_quotes_what_an_exercise_asked_for_as_written(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert await start(app, pilot, cards=["tui-exercise"])
        await type_text(pilot, "0 0 0; 0 0 0")
        await pilot.press("enter")
        await settle(pilot)
        recap = static_text(app, ".recap")
        assert recap == "Asked for: the BatchNorm output y (2x3)"  # not "The BatchNorm output y (2x3)?"


def test_the_entry_hint_shows_as_many_numbers_as_asked():
    assert entry_hint((1,)) == "Type 1 number: [1] or 1."
    assert entry_hint((4,)) == "Type 4 numbers: [1, 2, 3, 4] or 1 2 3 4."
    assert entry_hint((10,)) == "Type 10 numbers: [1, 2, 3, ..., 10] or 1 2 3 ... 10."


async def test_each_card_that_teaches_a_misconception_is_one_line_ending_in_an_ellipsis(make_app):
    app = make_app()
    async with app.run_test(size=(60, 30)) as pilot:
        assert await start(app, pilot, cards=["tui-exercise"])
        x = np.asarray(presented(app).exercise.inputs["x"], dtype=float)
        unbiased = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)  # the unbiased_variance mistake
        await type_text(pilot, "; ".join(" ".join(f"{v:.4f}" for v in row) for row in unbiased))
        await pilot.press("enter")
        await settle(pilot)
        lines = [str(line.render()) for line in app.screen.query(".teaching")]
        # the fixture's tui-tf teaches it: "BatchNorm normalizes with the unbiased variance (divide by n - 1)."
        [line] = [line for line in lines if "tui-tf" in line]
        app.screen.query_one("#misconception").scroll_visible(animate=False)
        await settle(pilot)
        shown = next(row for row in screen_text(app).splitlines() if "· tui-tf:" in row)
        assert shown.rstrip(" │").endswith("…")
        assert "BatchNorm normalizes with the unbiased" in shown
        assert "(divide by n - 1)." in line  # the whole question, cut only on screen


async def test_browser_titles_are_read_not_raw_markdown(make_app):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await browse_to(app, pilot, "tui-flash")
        [row] = [line for line in (app.screen.query_one(CardTable).render_line(y).text for y in range(1, 4))
                 if "tui-flash" in line]
        assert "which axes does nn.BatchNorm2d average over?" in row and "`" not in row


async def test_at_80_columns_the_card_header_keeps_the_state_whole(make_app, db_path):
    with Store.open(db_path) as store:  # a card in learning, due now
        store.put_state(CardState("tui-tf", state=LEARNING, step=0, stability=1.0, difficulty=5.0,
                                  due=NOW - timedelta(minutes=1), last_review=NOW - timedelta(minutes=11), reps=1))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert await start(app, pilot, cards=["tui-tf"])
        header = screen_text(app).splitlines()[1]
        assert "true/false · level 1 · learning · Normaliz" in header
        assert "0 new  1 learning  0 review" in header
