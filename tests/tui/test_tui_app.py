"""The app around the screens: help, the command palette, themes, small terminals, the stats and
browser screens wired in, and a database that cannot be opened."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from quizapp.cli import main
from quizapp.store import StoreError
from quizapp.tui.app import DARK_THEME, LIGHT_THEME, QuizApp
from quizapp.tui.screens.browser import BrowserScreen
from quizapp.tui.screens.help import HelpScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.stats import StatsScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.screens.summary import SummaryScreen

from .support import SIZE, highlighted_command, presented, screen_text, start, type_text, wait_until


# -- help ----------------------------------------------------------------------------------------------


async def test_help_lists_the_keys_of_every_screen(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(".help-section, .help-keys"))
        for section in ("Home", "While studying", "Flashcard", "Choice", "True or false", "Exercise",
                        "Code drill", "After an answer", "Session summary", "Nothing to study", "Browser",
                        "Card detail"):
            assert section in text
        for words in ("Study all due", "Undo the last grade", "Bury the card until tomorrow", "Show the answer",
                      "Run checks", "Submit", "Light/dark theme", "Next card", "Settings: change the daily limits",
                      "Suspend the card, or unsuspend it", "Undo the last suspend, unsuspend or unbury"):
            assert words in text
        assert "1-9, a-h" in text  # picking options, grouped
        assert "^r" in text and "^b" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_help_opens_while_studying_and_returns_to_the_card(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf"])
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert presented(app).card.id == "tui-tf"


# -- command palette ------------------------------------------------------------------------------------


async def test_palette_opens_and_starts_a_topic(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await type_text(pilot, "Study topic: Dropout")
        await wait_until(pilot, lambda: highlighted_command(app).startswith("Study topic: Dropout"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, StudyScreen))
        assert presented(app).card.topic == "tui-dropout"


async def test_palette_lists_the_main_actions(make_app):
    from quizapp.tui.commands import QuizCommands

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = [name for name, _, _ in QuizCommands(app.screen).commands()]
        for name in ("Study all due", "Practise exercises", "Open stats", "Browse cards", "Help",
                     "Toggle light/dark theme", "Study topic: Normalization (fixture)",
                     "Study topic: Dropout (fixture)"):
            assert name in names


# -- theme ---------------------------------------------------------------------------------------------


async def test_theme_toggle_is_remembered(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == DARK_THEME
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme == LIGHT_THEME and not app.current_theme.dark
    again = make_app(db_path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == LIGHT_THEME
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert again.theme == DARK_THEME


# -- small terminals --------------------------------------------------------------------------------------


def _visible(app, selector: str) -> bool:
    view = getattr(app.screen, "view", None)
    found = view.query(selector) if view is not None else None
    widget = found.first() if found else app.screen.query_one(selector)
    region = widget.region
    return region.width > 0 and region.height > 0 and region.bottom <= app.size.height


async def test_80x24_every_screen_renders_and_the_controls_are_visible(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Today:" in screen_text(app) and _visible(app, "#topics") and "Study all due" in screen_text(app)
        await start(app, pilot, cards=["tui-flash", "tui-multi", "tui-exercise", "tui-code"])
        await pilot.press("space")
        await pilot.pause()
        assert all(_visible(app, f"#grade-{n}") for n in (1, 2, 3, 4))
        await pilot.press("3")
        await pilot.pause()
        assert _visible(app, "#submit")  # the choice's answer button, below four options
        await pilot.press("1", "enter")
        await pilot.pause()
        assert _visible(app, "#verdict")
        await pilot.press("enter")
        await pilot.pause()
        assert _visible(app, "#answer") and _visible(app, "#reading")
        await type_text(pilot, "1 2 3; 4 5 6")
        await pilot.press("enter")
        await pilot.pause()
        assert _visible(app, "#verdict")
        await pilot.press("enter")
        await pilot.pause()
        assert _visible(app, "#editor") and _visible(app, "#submit")
        await pilot.press("escape", "q")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and "Reviewed 3" in screen_text(app)


async def test_resizing_keeps_the_home_screen_usable(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for size in ((80, 24), (60, 20), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert "Today:" in screen_text(app)
            assert _visible(app, "#topics")


# -- stats and browser ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, cls", [("s", StatsScreen), ("slash", BrowserScreen), ("b", BrowserScreen)])
async def test_home_keys_open_stats_and_browser(make_app, key, cls):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, cls)


async def test_start_session_is_the_entry_point_for_other_screens(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.start_session(cards=["tui-drop-tf"], title="Cards that teach it")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        assert app.screen.sub_title == "Cards that teach it"
        assert presented(app).card.id == "tui-drop-tf"
        assert not app.start_session(topics=["no-such-topic"])  # a message, not a crash


# -- the database --------------------------------------------------------------------------------------


def test_a_database_that_cannot_be_used_raises_before_the_terminal_is_touched(tmp_path):
    with pytest.raises(StoreError):
        QuizApp(db=tmp_path)  # a directory


def test_cli_reports_a_bad_database_in_one_line_with_exit_1(tmp_path, capsys):
    not_ours = tmp_path / "notes.db"
    not_ours.write_text("my notes, not a database\n", encoding="utf-8")
    assert main(["--db", str(not_ours)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("quizapp: ") and "not a quizapp database" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not_ours.read_text(encoding="utf-8") == "my notes, not a database\n"
