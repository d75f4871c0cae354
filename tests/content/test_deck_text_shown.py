"""Deck text is shown as written, never obeyed: no terminal control sequence reaches the screen
and no Rich markup in a title or a card is interpreted, in plain mode and in the app."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest

from quizapp.content import load_paths
from quizapp.store import Store
from quizapp.tui.app import QuizApp
from quizapp.tui.context import AppContext

TITLE = "[bold red]x[/] and [link=https://e.vil]y[/link]"
# YAML double-quoted escapes: \e is ESC, \a is BEL, \x9b is the one-byte CSI.
DECK = r'''
topic: odd-text
title: "[bold red]x[/] and [link=https://e.vil]y[/link]"
summary: "Shown as written \e[8m (no hidden text)"
cards:
  - id: odd-flash
    kind: flashcard
    front: "Clear \e[2J\e[31mred? [bold]not bold[/bold] \x9b2J"
    back: "[i]back[/i] \e]0;a new window title\a"
    explain: "Why: [reverse]nothing[/reverse] is styled by the deck."
    refs: ["https://example.org/a b [red]"]
'''
FRONT_SHOWN = r"Clear \x1b[2J\x1b[31mred? [bold]not bold[/bold] \x9b2J"
BACK_SHOWN = r"[i]back[/i] \x1b]0;a new window title\x07"


@pytest.fixture
def decks(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "odd.yaml").write_text(DECK, encoding="utf-8")
    return folder


def test_the_loader_serves_control_characters_escaped(decks):
    library = load_paths([decks])
    assert library.problems == []
    card = library.cards["odd-flash"]
    assert (card.front, card.back) == (FRONT_SHOWN, BACK_SHOWN)
    assert library.topic("odd-text").title == TITLE


def test_plain_mode_prints_deck_text_literally(decks, tmp_path):
    env = dict(os.environ, QUIZAPP_CACHE_DIR="")
    run = subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(tmp_path / "r.db"), "--content", str(decks),
         "study", "odd-text", "--plain"],
        input="\n3\nq\n", capture_output=True, text=True, env=env, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout and "\x9b" not in run.stdout
    assert FRONT_SHOWN in run.stdout and BACK_SHOWN in run.stdout


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
async def app(decks, tmp_path):
    with Store.open(tmp_path / "r.db") as store:
        app = QuizApp(AppContext(library=load_paths([decks]), store=store, rng=random.Random(1)))
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            yield app, pilot


async def test_the_home_screen_and_the_palette_show_the_title_as_written(app):
    app, pilot = app
    assert TITLE in screen_text(app)
    await pilot.press("ctrl+p")
    await pilot.pause()
    for key in "Study topic":
        await pilot.press("space" if key == " " else key)
    await pilot.pause()
    assert f"Study topic: {TITLE}" in screen_text(app)
    assert f"Due and new cards of {TITLE}" in screen_text(app)


async def test_a_notice_quotes_the_title_as_written(app):
    app, pilot = app
    await pilot.press("e")  # the topic has no exercises: a notice names it
    await pilot.pause()
    (notice,) = app._notifications
    assert notice.message.startswith(f"{TITLE} has no exercises")
    assert not notice.markup  # what the toast shows: the message as text, not as markup


async def test_the_study_screen_shows_card_text_as_written(app):
    app, pilot = app
    await pilot.press("enter")
    await pilot.pause()
    assert FRONT_SHOWN in screen_text(app)
    await pilot.press("space")
    await pilot.pause()
    shown = screen_text(app)
    assert BACK_SHOWN in shown and "[reverse]nothing[/reverse]" in shown


async def test_the_stats_screen_shows_the_title_as_written(app):
    app, pilot = app
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("t")  # the Topics tab
    await pilot.pause()
    assert TITLE in screen_text(app)


async def test_the_card_detail_shows_text_and_references_as_written(app):
    app, pilot = app
    await pilot.press("slash")
    await pilot.pause()
    await pilot.press("tab", "enter")  # from the search line to the table, then open the card
    await pilot.pause()
    await pilot.pause()
    shown = screen_text(app)
    assert "[bold]not bold[/bold]" in shown
    assert "https://example.org/a b [red]" in shown


async def test_nothing_to_study_quotes_the_title_as_written(app):
    app, pilot = app
    await pilot.press("enter", "space", "4")  # study the one card, easy: not due again for days
    await pilot.pause()
    await pilot.press("escape")  # the summary, back to the home screen
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()
    heading = app.screen.query_one("#empty-title")  # the screen that says why nothing is due
    assert str(heading.render()) == f"Nothing to study in {TITLE}"
