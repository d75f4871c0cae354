"""Limits visible where they bite (issue 14, item 11): the home header counts the new cards of the
day against the daily limit and says how to change it; each topic's New column counts only what
the limit still lets in; an empty session is a screen that says why and offers what can be done."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Static

from quizapp.scheduler import REVIEW, CardState
from quizapp.store import Review, Store
from quizapp.tui.screens.browser import BrowserScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.nothing_to_study import NothingToStudyScreen
from quizapp.tui.screens.settings import SettingsScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.widgets.browser_table import CardTable

from .support import NOW, SIZE, drawn_rows, presented, settle, static_text, type_text, wait_until
from .test_tui_home import table_rows


def introduce(store, card_id: str) -> None:
    """``card_id`` studied for the first time an hour ago, next due in 9 days."""
    learned = CardState(card_id, state=REVIEW, stability=9.0, difficulty=5.0, due=NOW + timedelta(days=9),
                        last_review=NOW - timedelta(hours=1), reps=1)
    store.apply_review(card_id, lambda state: learned,
                       Review(card_id=card_id, reviewed_at=NOW - timedelta(hours=1), rating=3, kind="flashcard"))


def limit_reached(store) -> None:
    """A daily limit of 2 new cards, both used: 4 new cards of the first topic and 2 of the second
    wait for tomorrow."""
    store.save_settings(new_per_day=2)
    introduce(store, "tui-flash")
    introduce(store, "tui-tf")


def app_on(make_app, db_path, prepare):
    """The app on a database ``prepare(store)`` has filled (before the home screen counts)."""
    with Store.open(db_path) as store:
        prepare(store)
    return make_app()


def empty_screen_text(app) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query(Static))


async def test_the_header_counts_new_cards_against_the_limit_and_rows_follow_it(make_app, db_path):
    app = app_on(make_app, db_path, lambda store: store.save_settings(new_per_day=2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "New today 0/2  o changes the limit" in static_text(app, "#today")
        # 6 and 2 unseen cards, but Enter would bring in at most 2 of each today
        assert [row[1:4] for row in table_rows(app)] == [["0", "2", "6"], ["0", "2", "2"]]


async def test_when_the_limit_is_reached_the_header_says_so_and_no_row_promises_new_cards(make_app, db_path):
    app = app_on(make_app, db_path, limit_reached)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "New today 2/2  limit reached: o changes it" in static_text(app, "#today")
        assert [row[1:4] for row in table_rows(app)] == [["0", "0", "6"], ["0", "0", "2"]]
        assert drawn_rows(app.screen.query_one("#topics"))[0].split()[2:4] == ["0", "0"]


async def test_an_empty_topic_says_the_limit_is_reached_and_o_opens_the_settings(make_app, db_path):
    app = app_on(make_app, db_path, limit_reached)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Normalization (fixture)
        await settle(pilot)
        assert isinstance(app.screen, NothingToStudyScreen)
        text = empty_screen_text(app)
        assert "Nothing to study in Normalization (fixture)" in text
        assert "The daily limit of 2 new cards is reached (2 introduced today); 4 new cards wait for tomorrow." in text
        assert "next card falls due in 9d" in text
        assert "o  Settings: change the daily limits" in text
        assert "e  Practise this topic's exercises now" in text
        assert "b  Browse" not in text  # nothing is hidden
        await pilot.press("b")  # not offered: does nothing
        await settle(pilot)
        assert isinstance(app.screen, NothingToStudyScreen)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)


async def test_the_exercises_offered_start_at_once(make_app, db_path):
    app = app_on(make_app, db_path, limit_reached)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert presented(app).card.id == "tui-exercise"


async def test_escape_goes_back_home_unchanged(make_app, db_path):
    app = app_on(make_app, db_path, limit_reached)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "New today 2/2" in static_text(app, "#today")


async def test_a_topic_all_buried_offers_the_browser_on_its_hidden_cards(make_app, db_path):
    def bury_dropout(store) -> None:
        for card_id in ("tui-drop-flash", "tui-drop-tf"):
            store.bury(card_id, NOW + timedelta(hours=18))

    app = app_on(make_app, db_path, bury_dropout)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # Dropout (fixture)
        await settle(pilot)
        assert isinstance(app.screen, NothingToStudyScreen)
        text = empty_screen_text(app)
        assert "Every card here is hidden: 2 buried until tomorrow." in text
        assert "o  Settings" not in text and "e  Practise" not in text  # no limit bites; no exercises
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one("#search").value == "topic:tui-dropout state:buried"
        await wait_until(pilot, lambda: len(app.screen.results) == 2)
        app.screen.query_one(CardTable).focus()
        await pilot.press("b")  # unbury the highlighted card
        await settle(pilot)
        assert sum(app.ctx.store.state(c).buried_until is None for c in ("tui-drop-flash", "tui-drop-tf")) == 1


async def test_e_practises_outside_the_limit_and_the_header_counts_it(make_app, db_path):
    app = app_on(make_app, db_path, lambda store: store.save_settings(new_per_day=0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")  # Normalization's one exercise, though the limit lets no new card in
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        await type_text(pilot, "0 0 0 0 0 0")  # wrong, but an answer: the card is introduced
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("q")  # end the session, then the summary back home
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "New today 1/0  limit reached: o changes it" in static_text(app, "#today")
