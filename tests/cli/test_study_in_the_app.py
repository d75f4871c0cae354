"""``quizapp study TOPIC`` in a terminal opens the session in the app with every option the
command line was given: ``--limit`` included (issue 14, item 9)."""

from __future__ import annotations

import asyncio

import pytest

from quizapp.cli import main
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.study import StudyScreen

from ..tui.support import SIZE, wait_until
from .support import DECK


@pytest.mark.parametrize(("limit", "cards"), [([], 4), (["--limit", "2"], 2)], ids=["all", "limit-2"])
def test_study_in_a_terminal_passes_the_limit_to_the_app(tmp_path, monkeypatch, limit, cards):
    seen = {}

    async def drive(app: QuizApp) -> None:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, StudyScreen))
            seen["title"] = app.screen.sub_title
            seen["left"] = app.screen.session.remaining().total
            app.exit()

    monkeypatch.setattr(QuizApp, "run", lambda app, **options: asyncio.run(drive(app)))
    monkeypatch.setattr("quizapp.cli.study.isatty", lambda stream: True)  # stdin and stdout: a terminal
    assert main(["--db", str(tmp_path / "r.db"), "--content", str(DECK), "study", "cli-test", *limit]) == 0
    assert seen == {"title": "CLI test deck", "left": cards}
