"""Changing a card from the browser (issue 14, item 12): suspend and unsuspend, unbury, reset, each
by a key and from the palette; u undoes a suspend, unsuspend or unbury (a reset is asked for first
and not undone); the card's detail shows the state it is in."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, Static

from quizapp.scheduler import REVIEW, CardState
from quizapp.store import Review
from quizapp.tui.card_changes import CardChanges
from quizapp.tui.screens.browser import BrowserScreen, CardDetailScreen
from quizapp.tui.screens.confirm import ConfirmScreen
from quizapp.tui.widgets.browser_table import CardTable

from .support import NOW, SIZE, palette_run, settle

LEARNED = CardState("tui-tf", state=REVIEW, stability=12.0, difficulty=5.0, due=NOW + timedelta(days=9),
                    last_review=NOW - timedelta(days=3), reps=4, lapses=1)


def learned(store) -> None:
    """tui-tf reviewed once and scheduled: a review in the log and a state."""
    store.apply_review("tui-tf", lambda state: LEARNED,
                       Review(card_id="tui-tf", reviewed_at=NOW - timedelta(days=3), rating=3, kind="truefalse"))


async def browse_to(app, pilot, card_id: str) -> None:
    """Open the browser, find ``card_id`` and put the cursor on it (the table has the focus)."""
    app.action_browse()
    await settle(pilot)
    field = app.screen.query_one("#search", Input)
    field.value = card_id
    await settle(pilot)
    await pilot.press("enter")  # from the search line to the results
    await settle(pilot)
    assert app.screen.query_one(CardTable).cursor_key == card_id


def row_state(app) -> str:
    table = app.screen.query_one(CardTable)
    return next(line for line in (table.render_line(y).text for y in range(1, 4)) if table.cursor_key in line)


# -- in the browser -------------------------------------------------------------------------------


async def test_x_suspends_and_unsuspends_and_u_takes_it_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await browse_to(app, pilot, "tui-tf")
        await pilot.press("x")
        await settle(pilot)
        assert app.ctx.store.state("tui-tf").suspended
        assert "suspended" in row_state(app)
        await pilot.press("u")
        await settle(pilot)
        assert not app.ctx.store.state("tui-tf").suspended
        assert "suspended" not in row_state(app)
        await pilot.press("x", "x")  # suspend, unsuspend
        await settle(pilot)
        assert not app.ctx.store.state("tui-tf").suspended
        await pilot.press("u")  # undoes the unsuspend: newest first
        await settle(pilot)
        assert app.ctx.store.state("tui-tf").suspended


async def test_b_unburies_a_buried_card_and_u_buries_it_again(make_app):
    app = make_app()
    tomorrow = NOW + timedelta(hours=16)
    app.ctx.store.bury("tui-tf", tomorrow)
    async with app.run_test(size=SIZE) as pilot:
        await browse_to(app, pilot, "tui-tf")
        assert "buried" in row_state(app)
        await pilot.press("b")
        await settle(pilot)
        assert app.ctx.store.state("tui-tf").buried_until is None
        assert "buried" not in row_state(app)
        await pilot.press("u")
        await settle(pilot)
        assert app.ctx.store.state("tui-tf").buried_until == tomorrow


async def test_r_resets_after_a_confirmation_keeping_the_reviews(make_app):
    app = make_app()
    learned(app.ctx.store)
    async with app.run_test(size=SIZE) as pilot:
        await browse_to(app, pilot, "tui-tf")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no
        await settle(pilot)
        assert app.ctx.store.state("tui-tf") == LEARNED
        await pilot.press("r", "y")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert app.ctx.store.state("tui-tf") == CardState("tui-tf")
        assert len(app.ctx.store.reviews("tui-tf")) == 1
        assert row_state(app).split()[3] == "new"  # id, topic, kind, state...
        assert app.ctx.store.resets() == {"tui-tf": NOW}  # recorded, for replays and merges
        await pilot.press("u")  # a reset is not undone (the confirmation says so)
        await settle(pilot)
        assert app.ctx.store.state("tui-tf") == CardState("tui-tf")


async def test_r_on_a_new_card_says_there_is_nothing_to_reset(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await browse_to(app, pilot, "tui-tf")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)  # nothing asked
        assert any("new already" in n.message for n in app._notifications)
        assert app.ctx.store.resets() == {}


async def test_the_palette_offers_the_highlighted_card_s_actions(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await browse_to(app, pilot, "tui-tf")
        await palette_run(pilot, "Suspend card tui-tf")
        assert app.ctx.store.state("tui-tf").suspended
        await palette_run(pilot, "Undo: suspend")
        assert not app.ctx.store.state("tui-tf").suspended


# -- on the card's detail -------------------------------------------------------------------------


async def test_the_detail_shows_the_state_and_takes_the_same_keys(make_app):
    app = make_app()
    learned(app.ctx.store)
    async with app.run_test(size=SIZE) as pilot:
        await browse_to(app, pilot, "tui-tf")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CardDetailScreen)

        def state() -> str:
            return str(app.screen.query_one("#detail-state", Static).render())

        assert state().startswith("Review") and "suspended" not in state()
        await pilot.press("x")
        await settle(pilot)
        assert "suspended" in state()
        await pilot.press("r", "y")
        await settle(pilot)
        assert state().startswith("New") and "1 earlier review" in state() and "suspended" in state()
        await pilot.press("u")  # undoes the suspend; the reset stays
        await settle(pilot)
        assert state().startswith("New") and "suspended" not in state()
        await pilot.press("escape")  # back in the browser, which shows the same
        await settle(pilot)
        assert row_state(app).split()[3] == "new" and "suspended" not in row_state(app)


# -- the changes themselves, without a screen -----------------------------------------------------


def test_undo_leaves_a_card_alone_when_it_changed_since(empty_store):
    changes = CardChanges(empty_store, lambda: NOW)
    changes.toggle_suspended("tui-tf")
    empty_store.set_suspended("tui-tf", False)  # unsuspended elsewhere (say, quizapp card)
    learned(empty_store)  # and studied
    message = changes.undo()
    assert "changed since" in message
    assert empty_store.state("tui-tf") == LEARNED
    assert changes.undo() == "Nothing to undo."


def test_unbury_of_a_card_that_is_not_buried_changes_nothing(empty_store):
    changes = CardChanges(empty_store, lambda: NOW)
    assert "not buried" in changes.unbury("tui-tf")
    assert changes.undo() == "Nothing to undo."
    assert empty_store.get_state("tui-tf") is None
