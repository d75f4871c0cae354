"""The app at the sizes a browser on a phone or a tablet gives it (`quizapp serve`): 60x30 and
100x40.  On every core screen the essential text is whole and the keys are reachable: the footer
shows the screen's main key and always the command palette's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.command import CommandPalette

from quizapp.scheduler import REVIEW, CardState
from quizapp.store import Store
from quizapp.tui.widgets.key_bar import KeyBar

from .simulated_history import make_library
from .support import NOW, screen_text, settle, start, wait_until

SIZES = [(60, 30), (100, 40)]
PALETTE_HINT = "^p palette"


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def drawn_footer(pilot) -> str:
    """The key bar's line once it is drawn: on a loaded machine a screen just pushed can show its
    body a turn of the loop before its key bar (seen once in 2,900 tests under load)."""
    await wait_until(pilot, lambda: bool(footer(pilot.app).strip()))
    return footer(pilot.app)


def assert_whole(text: str, *parts: str) -> None:
    for part in parts:
        assert part in text, f"{part!r} is cut off or missing:\n{text}"


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def size(request):
    return request.param


async def test_home(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert_whole(screen_text(app), "Today:", "Normalization (fixture)", "Dropout (fixture)", "Due", "New")
        assert_whole(await drawn_footer(pilot), "Study topic", PALETTE_HINT)
        await pilot.click(KeyBar, offset=(footer(app).index(PALETTE_HINT), 0))  # a tap on the hint
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)


@pytest.mark.parametrize(
    "card, essentials, key",
    [
        ("tui-flash", ["which axes does", "Show answer (space)"], "Show answer"),
        ("tui-choice", ["What does BatchNorm normalize with in eval mode?", "The batch statistics",
                        "The running statistics", "Nothing, it is the identity", "Answer (enter)"], "Answer"),
        ("tui-multi", ["Which layers average over the batch axis N?", "BatchNorm1d", "LayerNorm",
                       "BatchNorm2d", "GroupNorm"], "Answer"),
        ("tui-tf", ["True or false?", "unbiased variance", "True", "False", "Answer (enter)"], "True"),
        ("tui-exercise", ["What is the BatchNorm output y (2x3)?", "your answer"], "Answer"),
        ("tui-code", ["def batch_norm_train(", "Run (ctrl+r)", "Submit (ctrl+s)", "Solution (ctrl+o)"], "Run checks"),
    ],
)
async def test_study_each_card_kind(make_app, size, card, essentials, key):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        assert await start(app, pilot, cards=[card])
        await settle(pilot)
        text = screen_text(app)
        assert_whole(text, *essentials)
        assert_whole(text.splitlines()[1], "1 new", "0 learning", "0 review")  # the card header
        assert_whole(await drawn_footer(pilot), key, PALETTE_HINT)


async def test_every_grade_of_a_mature_flashcard_fits(make_app, db_path, size):
    """A card in review for months: the four grades show intervals of months and years."""
    with Store.open(db_path) as store:
        store.put_state(CardState("tui-flash", state=REVIEW, stability=400.0, difficulty=2.0,
                                  due=NOW - timedelta(hours=1), last_review=NOW - timedelta(days=400),
                                  reps=12, lapses=0))
    app = make_app()
    async with app.run_test(size=size) as pilot:
        assert await start(app, pilot, cards=["tui-flash"])
        await pilot.press("space")
        await settle(pilot)
        text = screen_text(app)
        assert_whole(text, "N, H and W", "1 Again", "2 Hard", "3 Good", "4 Easy")
        easy = next(line for line in text.splitlines() if "4 Easy" in line)
        assert easy.rstrip().endswith(("mo", "y", "d")), easy  # the interval is whole too


async def test_stats(history_app, size):
    app = history_app()
    async with app.run_test(size=size) as pilot:
        app.action_open_stats()
        await settle(pilot)
        assert_whole(screen_text(app), "Activity", "Topics", "Misconceptions", "reviews in 30 days", "retention")
        assert_whole(await drawn_footer(pilot), "Back", PALETTE_HINT)
        await pilot.press("t")
        await settle(pilot)
        assert_whole(screen_text(app), "Batch normalization", "Dropout", "Layer normalization", "Mastery")
        await pilot.press("m")
        await settle(pilot)
        assert_whole(screen_text(app), "unbiased_variance", "wrong_axes", "Truth:")


async def test_browser_and_palette(history_app, size):
    app = history_app()
    async with app.run_test(size=size) as pilot:
        app.action_browse()
        await settle(pilot)
        text = screen_text(app)
        assert_whole(text, "Id", "Due", "Title", "bn-axes", "Over which axes", "bn-variance", "Which variance")
        assert_whole(await drawn_footer(pilot), "Search", PALETTE_HINT)
        await pilot.press("ctrl+p")
        await settle(pilot)
        # the highlighted card's actions come first, then the app's
        assert_whole(screen_text(app), "Suspend card bn-axes", "Reset card bn-axes", "Study all due")
        await pilot.press(*"keys")  # the palette's Keys command lists every key of the screen
        await settle(pilot)
        assert_whole(screen_text(app), "Keys", "available keys")


@pytest.fixture
def history_app(history_store):
    """``history_app()`` -> the whole app on the simulated history (three topics, 60 days)."""
    import random

    from quizapp.tui.app import QuizApp
    from quizapp.tui.context import AppContext

    return lambda: QuizApp(AppContext(library=make_library(), store=history_store, now=lambda: NOW, rng=random.Random(0)))


async def test_a_wrong_exercise_answer_and_the_worked_steps_are_whole(make_app, size):
    """At a phone's 60 columns your answer and the right one stack and each step's value goes under
    its label: no number is cut and no vector is broken across lines."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        assert await start(app, pilot, cards=["tui-exercise"])
        await settle(pilot)
        await pilot.press(*"0.7071 -0.7071 -0.7071; -0.7071 0.7071 0.7071", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert_whole(text, "Your answer", "[  0.7071  -0.7071  -0.7071 ]", "[ -0.7071   0.7071   0.7071 ]", "Right answer", "Worked steps")
        vectors = [line for line in text.splitlines() if "[" in line or "]" in line]
        assert vectors and all(line.count("[") == line.count("]") for line in vectors), "\n".join(vectors)
