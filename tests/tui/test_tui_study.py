"""The study screen, driven key by key: every card kind answered right and wrong, the feedback
it gives, undo, skip, bury, leaving and coming back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from textual.widgets import Button, Input

from quizapp.engine.answers import format_answer
from quizapp.scheduler import REVIEW, CardState
from quizapp.store import Store
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.screens.summary import SummaryScreen
from quizapp.tui.widgets.feedback import FeedbackView

from .support import NOW, SIZE, markdown_drawn, paste, presented, reviews, screen_text, start, static_text, type_text


# -- flashcards -----------------------------------------------------------------------------------


async def test_flashcard_reveals_then_grades_with_intervals_on_the_buttons(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-flash", "tui-drop-flash"])
        text = screen_text(app)
        assert "which axes does" in text and "N, H and W" not in text
        await pilot.press("3")  # grading before the answer is shown does nothing
        await pilot.pause()
        assert reviews(app.ctx.store) == []
        await pilot.press("space")
        await pilot.pause()
        assert "N, H and W" in screen_text(app)
        labels = [str(b.label) for b in app.screen.query(Button) if (b.id or "").startswith("grade-")]
        # a new card: the default learning steps are 1 and 10 minutes; Hard is halfway
        assert labels[:3] == ["1 Again 1m", "2 Hard 6m", "3 Good 10m"]
        assert labels[3].startswith("4 Easy ") and labels[3].endswith("d")
        await pilot.press("3")
        await pilot.pause()
        assert reviews(app.ctx.store) == [("tui-flash", 3, None, None)]
        assert presented(app).card.id == "tui-drop-flash"  # straight to the next card


async def test_flashcard_again_with_the_mouse(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-flash", "tui-drop-flash"])
        await pilot.click("#reveal")
        await pilot.pause()
        await pilot.click("#grade-1")
        await pilot.pause()
        assert reviews(app.ctx.store) == [("tui-flash", 1, None, None)]


# -- choice and true/false -------------------------------------------------------------------------


async def test_choice_right_by_number(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-choice"])
        shown = presented(app).options
        position = shown.index("The running statistics")  # the deck's right option
        await pilot.press(str(position + 1), "enter")
        await pilot.pause()
        assert isinstance(app.screen.view, FeedbackView)
        assert static_text(app, "#verdict").startswith("✔ Right")
        assert reviews(app.ctx.store) == [("tui-choice", 3, 1, None)]


async def test_choice_wrong_by_letter_shows_the_right_option(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-choice"])
        shown = presented(app).options
        wrong = shown.index("Nothing, it is the identity")
        await pilot.press("abc"[wrong], "enter")
        await pilot.pause()
        assert static_text(app, "#verdict").startswith("✘ Wrong")
        options = static_text(app, "#options")
        right_line = next(line for line in options.splitlines() if "The running statistics" in line)
        mine = next(line for line in options.splitlines() if "Nothing, it is the identity" in line)
        assert right_line.startswith("✔") and mine.startswith("✘") and "you" in mine
        await markdown_drawn(pilot)
        assert "running_mean" in screen_text(app)  # the card's explain
        assert reviews(app.ctx.store) == [("tui-choice", 1, 0, None)]


async def test_enter_with_nothing_picked_grades_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-choice"])
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen.view, FeedbackView)
        assert "Pick an option first" in static_text(app, "Hint")
        assert reviews(app.ctx.store) == []
        await pilot.press("1")  # picking puts the instructions back
        await pilot.pause()
        assert "press 1-3" in static_text(app, "Hint")


async def test_multiple_choice_toggles_and_needs_every_right_option(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-multi"])
        shown = presented(app).options
        assert "Choose all that apply" in screen_text(app)
        first, second = shown.index("BatchNorm1d"), shown.index("BatchNorm2d")
        layer = shown.index("LayerNorm")
        # pick LayerNorm, then take it back: a second press toggles it off
        await pilot.press(str(layer + 1), str(first + 1), str(layer + 1), str(second + 1), "enter")
        await pilot.pause()
        assert static_text(app, "#verdict").startswith("✔ Right")


async def test_multiple_choice_missing_one_is_wrong_and_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-multi"])
        await pilot.press(str(presented(app).options.index("BatchNorm1d") + 1), "enter")
        await pilot.pause()
        verdict = static_text(app, "#verdict")
        assert verdict.startswith("✘ Wrong") and "missed 1 right option" in verdict


@pytest.mark.parametrize("keys, right", [("f", True), ("2", True), ("t", False), ("1", False)])
async def test_truefalse_by_letter_or_number(make_app, keys, right):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf"])  # the statement is false
        await pilot.press(keys, "enter")
        await pilot.pause()
        verdict = static_text(app, "#verdict")
        assert verdict.startswith("✔ Right" if right else "✘ Wrong")
        assert "The statement is false" in screen_text(app)
        assert reviews(app.ctx.store) == [("tui-tf", 3 if right else 1, int(right), None)]


# -- exercises ----------------------------------------------------------------------------------------


async def test_exercise_right_answer(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-exercise"])
        exercise = presented(app).exercise
        assert isinstance(app.focused, Input)  # ready to type
        await type_text(pilot, format_answer(exercise.answer))
        await pilot.press("enter")
        await pilot.pause()
        assert static_text(app, "#verdict").startswith("✔ Right")
        assert "Worked steps" in screen_text(app)
        assert reviews(app.ctx.store) == [("tui-exercise", 3, 1, None)]


async def test_exercise_misconception_is_named_with_the_cards_that_teach_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-exercise"])
        exercise = presented(app).exercise
        variant = next(v for v in exercise.variants if v.name == "unbiased_variance")
        await paste(pilot, format_answer(variant.answer))
        await pilot.press("enter")
        await pilot.pause()
        feedback = app.screen.view
        assert isinstance(feedback, FeedbackView)
        box = "\n".join(str(s.render()) for s in feedback.query("#misconception Static"))
        assert "unbiased_variance" in box
        assert "unbiased variance (divide by n - 1)" in box  # the belief, from the catalog
        assert "biased variance" in box and "Truth" in box
        assert "tui-tf" in box  # the card whose `teaches` lists it
        assert reviews(app.ctx.store) == [("tui-exercise", 1, 0, "unbiased_variance")]


async def test_exercise_feedback_marks_the_wrong_entries(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-exercise"])
        answer = presented(app).exercise.answer.copy()
        answer[0, 0] += 5  # one entry off, nothing a misconception explains
        await paste(pilot, format_answer(answer))
        await pilot.press("enter")
        await pilot.pause()
        mine = app.screen.query_one("#your-answer").render()
        marked = [span for span in mine.spans if "error" in str(span.style)]
        assert len(marked) == 1
        first = mine.plain[marked[0].start : marked[0].end].strip()
        assert float(first) == pytest.approx(answer[0, 0], abs=1e-3)
        steps = app.screen.query_one("#steps")
        assert len(steps.children) == 2 * len(presented(app).exercise.steps)


async def test_live_parse_feedback_while_typing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-exercise"])  # the answer is a 2x3 matrix
        await type_text(pilot, "1 2 3")
        await pilot.pause()
        assert "reads as a vector of 3 numbers; the answer is a 2x3 matrix" in static_text(app, "#reading")
        await type_text(pilot, "; 4 5 6")
        await pilot.pause()
        assert "reads as a 2x3 matrix" in static_text(app, "#reading")
        await type_text(pilot, " (")
        await pilot.pause()
        reading = static_text(app, "#reading")
        assert reading.startswith("✘") and "col 15" in reading


async def test_unreadable_answer_is_marked_and_never_graded(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-exercise"])
        await type_text(pilot, "[1, 2, (3")
        await pilot.press("enter")
        await pilot.pause()
        field = app.screen.query_one("#answer", Input)
        assert field.has_class("-invalid")
        assert "col 8" in static_text(app, "#reading")
        assert reviews(app.ctx.store) == []
        # fix it and it is graded
        exercise = presented(app).exercise
        field.value = ""
        await paste(pilot, format_answer(exercise.answer))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen.view, FeedbackView)


async def test_escape_leaves_the_answer_field_so_study_keys_work(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-exercise", "tui-tf"])
        await type_text(pilot, "sq")  # letters go into the field, not to skip / quit
        await pilot.pause()
        assert app.screen.query_one("#answer", Input).value == "sq"
        assert isinstance(app.screen, StudyScreen)
        await pilot.press("escape", "s")  # leave the field, then skip
        await pilot.pause()
        assert presented(app).card.id == "tui-tf"


# -- undo, skip, bury, leave -------------------------------------------------------------------------


async def test_undo_brings_the_card_back_and_takes_the_grade_off_the_record(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf"])
        await pilot.press("t", "enter")  # wrong
        await pilot.pause()
        assert len(reviews(app.ctx.store)) == 1
        await pilot.press("u")
        await pilot.pause()
        assert reviews(app.ctx.store) == []
        assert presented(app).card.id == "tui-tf"
        assert not isinstance(app.screen.view, FeedbackView)
        await pilot.press("f", "enter")  # answered again, right this time
        await pilot.pause()
        assert reviews(app.ctx.store) == [("tui-tf", 3, 1, None)]


async def test_undo_of_a_flashcard_grade_from_the_next_card(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-flash", "tui-drop-flash"])
        await pilot.press("space", "1")
        await pilot.pause()
        assert presented(app).card.id == "tui-drop-flash"
        await pilot.press("u")
        await pilot.pause()
        assert presented(app).card.id == "tui-flash"
        assert reviews(app.ctx.store) == []


async def test_skip_puts_the_card_at_the_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf"])
        await pilot.press("s")
        await pilot.pause()
        assert presented(app).card.id == "tui-drop-tf"
        await pilot.press("f", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert presented(app).card.id == "tui-tf"
        assert reviews(app.ctx.store) == [("tui-drop-tf", 3, 1, None)]


@pytest.mark.parametrize("key", ["exclamation_mark", "ctrl+b"])
async def test_bury_hides_the_card_until_tomorrow(make_app, key):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf"])
        await pilot.press(key)
        await pilot.pause()
        assert presented(app).card.id == "tui-drop-tf"
        state = app.ctx.store.state("tui-tf")
        assert state.buried_until is not None and state.buried_until > NOW
        assert reviews(app.ctx.store) == []


async def test_q_mid_session_shows_the_summary_then_home_with_fresh_counts(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")  # Dropout: tui-drop-flash, tui-drop-tf
        await pilot.pause()
        await pilot.press("space", "3")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Reviewed 1" in text and "1 right" in text and "Still to come: 1 new" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "1 reviewed" in static_text(app, "#today")


async def test_leaving_and_reopening_loses_nothing(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        first = presented(app).card.id
        await pilot.press("space", "3")  # the flashcard
        await pilot.pause()
        second = presented(app).card.id
        shown = presented(app).options
        await pilot.press(str(shown.index("The running statistics") + 1), "enter")
        await pilot.pause()
        await pilot.press("q")  # leave mid-session
        await pilot.pause()
    app.ctx.store.close()

    again = make_app(db_path)  # a new app on the same file
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [row[0] for row in reviews(again.ctx.store)] == [first, second]
        assert "2 reviewed" in static_text(again, "#today")
        await pilot.press("a")
        await pilot.pause()
        assert presented(again).card.id not in (first, second)  # carries on with new cards


async def test_the_session_ends_with_a_complete_summary(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-drop-flash"])
        await pilot.press("space", "4")  # Easy: straight to review, days away; nothing left today
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Session complete" in text and "Reviewed 1" in text and "1 right, 0 wrong" in text
        assert "Grades: easy 1" in text
        assert re.search(r"Next due: in \d+d", text)


async def test_leech_is_flagged_in_the_card_header(make_app, db_path):
    with Store.open(db_path) as store:
        store.put_state(CardState("tui-tf", state=REVIEW, stability=1.0, difficulty=9.0,
                                  due=NOW - timedelta(hours=1), last_review=NOW - timedelta(days=1),
                                  reps=20, lapses=8))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf"])
        assert "leech" in static_text(app, "#facts")
        assert "review" in static_text(app, "#facts")


async def test_header_counts_what_is_left(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf", "tui-choice"])
        assert static_text(app, "#left") == "3 new  0 learning  0 review"
        await pilot.press("t", "enter")  # wrong: back to learning
        await pilot.pause()
        assert static_text(app, "#left") == "2 new  1 learning  0 review"
