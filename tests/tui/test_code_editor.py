"""The code drill as a new user met it (issue 14, items 1 and 13): an editor that indents like a
code editor, a run report that is complete and scrolls, a warm checker, and a way to give up and
see a model solution."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

pytest.importorskip("quizapp.drills")

from quizapp.drills import get_task
from quizapp.tui.screens.confirm import ConfirmScreen
from quizapp.tui.widgets.feedback import FeedbackView

from .support import palette_run, reviews, screen_text, scroll_mouse, settle, start, type_text

UNBIASED = '''import numpy as np


def batch_norm_train(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
'''


def editor(app) -> TextArea:
    return app.screen.query_one("#editor", TextArea)


async def open_drill(app, pilot, text: str | None = None, cursor: tuple[int, int] | None = None) -> TextArea:
    await start(app, pilot, cards=["tui-code"])
    area = editor(app)
    if text is not None:
        area.load_text(text)
        area.move_cursor(cursor or (area.document.line_count - 1, len(area.document.lines[-1])))
    return area


# -- indenting --------------------------------------------------------------------------------------


async def test_enter_keeps_the_indent_and_adds_a_level_after_a_colon(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        area = await open_drill(app, pilot, "def f(x):")
        await pilot.press("enter")
        await type_text(pilot, "if x:")
        await pilot.press("enter")
        await type_text(pilot, "y = 1")
        await pilot.press("enter")
        await type_text(pilot, "z = 2")
        assert area.text == "def f(x):\n    if x:\n        y = 1\n        z = 2"


async def test_enter_in_the_middle_of_a_line_carries_the_rest_at_the_same_indent(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        area = await open_drill(app, pilot, "    a = 1; b = 2", cursor=(0, 11))
        await pilot.press("enter")
        assert area.text == "    a = 1; \n    b = 2"
        assert area.cursor_location == (1, 4)


async def test_backspace_at_an_indent_removes_one_level(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        area = await open_drill(app, pilot, "def f(x):\n        ")
        await pilot.press("backspace")
        assert area.text == "def f(x):\n    "
        await pilot.press("backspace")
        assert area.text == "def f(x):\n"
        area.load_text("def f(x):\n      ")  # six spaces: back to the level below
        area.move_cursor((1, 6))
        await pilot.press("backspace")
        assert area.text == "def f(x):\n    "
        area.load_text("    y = 12")  # not at an indent: one character
        area.move_cursor((0, 10))
        await pilot.press("backspace")
        assert area.text == "    y = 1"


async def test_tab_inserts_four_spaces(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        area = await open_drill(app, pilot, "")
        await pilot.press("tab")
        assert area.text == "    "
        assert app.focused is area


# -- the run report ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_run_report_is_complete_and_scrolls_while_the_editor_keeps_its_size(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        area = await open_drill(app, pilot)
        area.load_text(UNBIASED)
        await pilot.press("ctrl+r")
        await settle(pilot)
        report = app.screen.query_one("#report")
        cursor = area.cursor_location
        assert area.size.height >= 8  # lines of code still in view (it was cut to 5)
        assert app.focused is area  # typing goes on in the editor
        seen = set(screen_text(app).splitlines())
        before = report.scroll_offset.y
        for _ in range(12):  # page through the report from the editor, as far as it goes
            await pilot.press("pagedown")
            await settle(pilot)
            seen |= set(screen_text(app).splitlines())
        text = "\n".join(seen)
        for part in ("FAIL batch_norm_train", "inputs of case: a small batch", "expected:", "got:",
                     "by up to 0.359491", "hint: You normalized with the unbiased variance", "(cases drawn from seed"):
            assert part in text, part
        if report.max_scroll_y:  # too long for the screen: PageDown moved it, the mouse moves it back
            assert report.scroll_offset.y > before
            await scroll_mouse(pilot, report, up=True)
            assert report.scroll_offset.y < report.max_scroll_y
        assert area.cursor_location == cursor  # PageDown left the code alone


async def test_the_checker_is_warmed_up_when_a_code_card_is_shown(make_app, monkeypatch):
    import quizapp.drills

    calls = []
    monkeypatch.setattr(quizapp.drills, "warm_up", lambda: calls.append(True))
    app = make_app()
    async with app.run_test() as pilot:
        await start(app, pilot, cards=["tui-flash"])
        assert calls == []
        await pilot.press("q", "enter")  # end that session, back home
        await settle(pilot)
        await start(app, pilot, cards=["tui-code"])
        assert calls == [True]


# -- giving up ------------------------------------------------------------------------------------


async def test_show_solution_asks_first_then_shows_it_and_grades_again(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_drill(app, pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # changed my mind
        await settle(pilot)
        assert app.focused is editor(app) and reviews(app.ctx.store) == []

        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen.view, FeedbackView)
        shown = screen_text(app)
        assert "Model solution" in shown
        assert "x.var(axis=0)  # biased" in shown  # a line of the task's model solution
        assert reviews(app.ctx.store) == [("tui-code", 1, 0, None)]

        await pilot.press("u")  # taken back like any grade
        await settle(pilot)
        assert reviews(app.ctx.store) == [] and app.focused is editor(app)


async def test_show_solution_is_in_the_palette(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await open_drill(app, pilot)
        await palette_run(pilot, "solution")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert "Model solution" in screen_text(app)
        assert get_task("batch_norm_train").solution.splitlines()[3] in screen_text(app)
