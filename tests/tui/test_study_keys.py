"""The study screen's keys as a new user meets them (issue 14, items 2, 14 and 16): bury and undo
follow the session's undo stack, the same keys as plain mode, and a footer that says what the
keys do now."""

from __future__ import annotations

import pytest

from quizapp.tui.screens.help import HelpScreen
from quizapp.tui.widgets.key_bar import KeyBar

from .support import SIZE, presented, reviews, settle, start, static_text


def footer(app) -> str:
    return str(app.screen.query_one(KeyBar).render())


async def test_bury_then_undo_brings_the_buried_card_back_and_the_counts_with_it(make_app):
    # The steps: a1 Again, a2 Again, a1 returns, bury a1, undo twice.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf"])
        first = presented(app).card.id
        await pilot.press("t", "enter", "enter")  # wrong (the answer is false): Again
        second = presented(app).card.id
        assert second != first
        await pilot.press("t", "enter", "enter")  # wrong again
        await settle(pilot)
        assert presented(app).card.id == first  # back from learning
        assert static_text(app, "#left") == "0 new  2 learning  0 review"
        await pilot.press("b")
        await settle(pilot)
        assert presented(app).card.id == second
        assert app.ctx.store.state(first).buried_until is not None
        assert static_text(app, "#left") == "0 new  1 learning  0 review"

        await pilot.press("u")  # undoes the bury, not the grade before it
        await settle(pilot)
        assert presented(app).card.id == first
        assert app.ctx.store.state(first).buried_until is None
        assert [r[0] for r in reviews(app.ctx.store)] == [first, second]
        assert static_text(app, "#left") == "0 new  2 learning  0 review"

        await pilot.press("u")  # then the grade of the second card
        await settle(pilot)
        assert presented(app).card.id == second
        assert [r[0] for r in reviews(app.ctx.store)] == [first]
        assert app.ctx.store.state(first).buried_until is None


@pytest.mark.parametrize("key", ["b", "exclamation_mark", "ctrl+b"])
async def test_b_buries_as_in_plain_mode(make_app, key):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf"])
        first = presented(app).card.id
        await pilot.press(key)
        await settle(pilot)
        assert presented(app).card.id != first
        assert app.ctx.store.state(first).buried_until is not None
        assert reviews(app.ctx.store) == []


async def test_help_lists_b_for_bury_and_true_false_keys_without_the_choice_wording(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf"])
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        sections = dict(app.screen.help_sections())
        bury = next(keys for keys, what in sections["While studying"] if "Bury" in what)
        assert "b" in bury.split(", ") and "!" in bury.split(", ")
        true_false = sections["True or false"]
        assert ("t, 1", "True") in true_false and ("f, 2", "False") in true_false
        assert not any("several" in what for _keys, what in true_false)


async def test_the_flashcard_footer_says_good_once_the_answer_is_shown(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-flash"])
        assert "Show answer" in footer(app) and "Good" not in footer(app)
        await pilot.press("space")
        await settle(pilot)
        assert "Good" in footer(app) and "answer" not in footer(app).lower()


@pytest.mark.parametrize("card, keys", [("tui-tf", ("t", "enter")), ("tui-choice", ("1", "enter")),
                                        ("tui-exercise", ("1", "enter"))])
async def test_after_an_answer_the_footer_offers_the_next_card_not_answer(make_app, card, keys):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=[card])
        assert "Answer" in footer(app)
        await pilot.press(*keys)
        await settle(pilot)
        assert "Next card" in footer(app) and "Answer" not in footer(app)
