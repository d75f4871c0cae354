"""Snapshots (100x32) of the screens a user sees most, on the fixture decks at a fixed moment with
a seeded random generator, so the same numbers are drawn on every run.

Review a changed snapshot before accepting it: ``pytest tests/tui/test_tui_snapshots.py
--snapshot-update`` rewrites tests/tui/__snapshots__/ (open the SVGs, or render them to PNG).
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from quizapp.engine.answers import format_answer

from .support import SIZE, markdown_drawn


def _steady_cursors(app: Any) -> None:
    """A blinking cursor would make a snapshot depend on timing."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def _session(*cards: str, keys: tuple[str, ...] = (), then: Any = None):
    async def run_before(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        app.start_session(cards=list(cards), title="Snapshot")
        await pilot.pause()
        if then is not None:
            await then(pilot)
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        await markdown_drawn(pilot)
        _steady_cursors(app)
        await pilot.pause()

    return run_before


def test_home(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_flashcard_front(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_session("tui-flash"))


def test_flashcard_revealed(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_session("tui-flash", keys=("space",)))


def test_choice_one_picked(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_session("tui-multi", keys=("2",)))


def test_truefalse(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_session("tui-tf", keys=("t",)))


async def _type_a_half_answer(pilot) -> None:
    await pilot.press("1", "space", "-", "1", "space", "-", "1", ";")


def test_exercise_typing(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_session("tui-exercise", then=_type_a_half_answer))


def test_code_drill(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_session("tui-code"))


async def _answer_with_a_misconception(pilot) -> None:
    exercise = pilot.app.screen.view.presented.exercise
    variant = next(v for v in exercise.variants if v.name == "unbiased_variance")
    pilot.app.screen.query_one("#answer", Input).value = format_answer(variant.answer)
    await pilot.press("enter")
    await pilot.pause()


def test_feedback_exercise_wrong_with_steps(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=_session("tui-exercise", then=_answer_with_a_misconception))


async def _answer_two_and_leave(pilot) -> None:
    await pilot.press("f", "enter")  # tui-tf: right
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("space", "1")  # tui-flash: again
    await pilot.pause()
    await pilot.press("q")
    await pilot.pause()


def test_summary(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=_session("tui-tf", "tui-flash", then=_answer_two_and_leave))
