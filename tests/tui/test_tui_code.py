"""Code drills in the TUI: the editor keeps the last attempt, ctrl+r runs the checks without a grade,
ctrl+s submits; checks run in a worker thread and every run saves the code."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import TextArea

pytest.importorskip("quizapp.drills")

from quizapp.drills import get_task
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.widgets.feedback import FeedbackView

from .support import SIZE, reviews, screen_text, settle, start, static_text


RIGHT = '''import numpy as np


def batch_norm_train(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
'''

UNBIASED = RIGHT.replace("x.var(axis=0)", "x.var(axis=0, ddof=1)")


def editor(app) -> TextArea:
    return app.screen.query_one("#editor", TextArea)


async def test_editor_starts_from_the_starter_then_from_the_last_attempt(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-code"])
        assert editor(app).text == get_task("batch_norm_train").starter
        assert app.focused is editor(app)
        editor(app).text = "# my attempt\n"
        await pilot.press("escape", "q")  # leave the editor, end the session: the code is kept
        await pilot.pause()
        assert app.ctx.store.load_code("tui-code") == "# my attempt\n"
        await pilot.press("enter")  # summary -> home
        await pilot.pause()
        await start(app, pilot, cards=["tui-code"])
        assert editor(app).text == "# my attempt\n"


async def test_ctrl_r_runs_the_checks_without_grading(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-code"])
        view = app.screen.view
        checks, released = view.run_check, threading.Event()
        view.run_check = lambda code: released.wait() and checks(code)  # held until seen running
        editor(app).text = RIGHT
        try:
            await pilot.press("ctrl+r")
            assert "running" in static_text(app, "#status")
        finally:
            released.set()
        await settle(pilot)
        assert static_text(app, "#report-text").startswith("PASS")
        assert static_text(app, "#status") == ""
        assert reviews(app.ctx.store) == []
        assert app.ctx.store.load_code("tui-code") == RIGHT


async def test_ctrl_s_submits_a_right_solution(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-code"])
        editor(app).text = RIGHT
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen.view, FeedbackView)
        assert static_text(app, "#verdict").startswith("✔ Right")
        assert reviews(app.ctx.store) == [("tui-code", 3, 1, None)]


async def test_a_wrong_solution_is_graded_wrong_with_the_report(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-code"])
        editor(app).text = UNBIASED
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert static_text(app, "#verdict").startswith("✘ Wrong")
        report = static_text(app, "#drill-report")
        assert report.startswith("FAIL") and "unbiased" in report.lower()
        assert [row[:3] for row in reviews(app.ctx.store)] == [("tui-code", 1, 0)]


async def test_unchanged_starter_is_not_graded_and_says_why(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-code"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen) and not isinstance(app.screen.view, FeedbackView)
        assert "starter is unchanged" in static_text(app, "#report-text")
        assert reviews(app.ctx.store) == []
        assert "Submit" in screen_text(app)  # the buttons are back for another try
