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


def _in_a_terminal(monkeypatch) -> dict:
    """Run the app headless where the command would run it in a terminal; returns what the study
    screen showed first: its title, the card and how many cards the session holds."""
    seen: dict = {}

    async def drive(app: QuizApp) -> None:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, StudyScreen))
            seen["title"] = app.screen.sub_title
            seen["card"] = app.screen.session.current.card.id
            seen["left"] = app.screen.session.remaining().total
            app.exit()

    monkeypatch.setattr(QuizApp, "run", lambda app, **options: asyncio.run(drive(app)))
    for command in ("study", "code"):  # stdin and stdout: a terminal
        monkeypatch.setattr(f"quizapp.cli.{command}.isatty", lambda stream: True)
    return seen


@pytest.mark.parametrize(("limit", "cards"), [([], 4), (["--limit", "2"], 2)], ids=["all", "limit-2"])
def test_study_in_a_terminal_passes_the_limit_to_the_app(tmp_path, monkeypatch, limit, cards):
    seen = _in_a_terminal(monkeypatch)
    assert main(["--db", str(tmp_path / "r.db"), "--content", str(DECK), "study", "cli-test", *limit]) == 0
    assert seen == {"title": "CLI test deck", "card": "cli-flash", "left": cards}


def test_code_in_a_terminal_opens_the_tasks_card_in_the_app(tmp_path, monkeypatch):
    seen = _in_a_terminal(monkeypatch)
    assert main(["--db", str(tmp_path / "r.db"), "code", "layer_norm"]) == 0
    assert seen == {"title": "LayerNorm forward over the last axis", "card": "ln-code-forward", "left": 1}
