"""Adjustable auto grades on the feedback view: the suggested grade is preselected with every
grade's interval; 1-4 changes it (in the log and the schedule) before moving on, Enter keeps it,
and undo still takes the whole review back."""

from __future__ import annotations

from datetime import timedelta

from quizapp.tui.widgets.feedback import FeedbackView

from .support import NOW, SIZE, presented, reviews, settle, start, static_text


async def test_the_suggested_grade_is_preselected_with_every_interval(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf"])
        await pilot.press("t", "enter")  # wrong: the statement is false
        await settle(pilot)
        assert isinstance(app.screen.view, FeedbackView)
        # a new card under FSRS's defaults: Again 1m, Hard 5.5m (shown 6m), Good 10m, Easy days
        line = static_text(app, "#grade")
        assert line.startswith("Grade:  1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy ")
        assert line.endswith("1-4 changes it")
        content = app.screen.view.query_one("#grade").render()
        chosen = [content.plain[span.start:span.end] for span in content.spans if "reverse" in str(span.style)]
        assert chosen == [" 1 Again 1m "]  # the suggestion is the one highlighted
        assert reviews(app.ctx.store) == [("tui-tf", 1, 0, None)]
        await pilot.press("enter")  # keeps it
        await settle(pilot)
        assert presented(app).card.id == "tui-drop-tf"
        assert reviews(app.ctx.store) == [("tui-tf", 1, 0, None)]


async def test_a_digit_on_the_feedback_changes_the_grade_and_the_schedule(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf"])
        await pilot.press("f", "enter")  # right: suggested Good (10m)
        await settle(pilot)
        assert reviews(app.ctx.store) == [("tui-tf", 3, 1, None)]
        await pilot.press("2")
        await settle(pilot)
        assert reviews(app.ctx.store) == [("tui-tf", 2, 1, None)]  # still right, now Hard
        assert app.ctx.store.state("tui-tf").due == NOW + timedelta(minutes=5.5)
        assert app.screen.view.outcome.rating == 2
        await pilot.press("1")  # changed the mind again, still on the same feedback
        await settle(pilot)
        assert reviews(app.ctx.store) == [("tui-tf", 1, 1, None)]
        assert app.ctx.store.state("tui-tf").due == NOW + timedelta(minutes=1)
        await pilot.press("enter")
        await settle(pilot)
        assert presented(app).card.id == "tui-drop-tf"
        assert len(reviews(app.ctx.store)) == 1


async def test_undo_after_a_regrade_takes_the_review_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-tf", "tui-drop-tf"])
        await pilot.press("f", "enter")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert reviews(app.ctx.store) == [("tui-tf", 4, 1, None)]
        await pilot.press("u")
        await settle(pilot)
        assert reviews(app.ctx.store) == []
        assert app.ctx.store.state("tui-tf").is_new
        assert presented(app).card.id == "tui-tf" and not isinstance(app.screen.view, FeedbackView)


async def test_digits_while_answering_a_choice_still_pick_options(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["tui-choice"])
        right = presented(app).options.index("The running statistics") + 1
        await pilot.press(str(right))  # picks the option: nothing graded yet
        await settle(pilot)
        assert reviews(app.ctx.store) == []
        await pilot.press("enter")
        await settle(pilot)
        assert reviews(app.ctx.store) == [("tui-choice", 3, 1, None)]
        await pilot.press("2")  # on the feedback: the grade
        await settle(pilot)
        assert reviews(app.ctx.store) == [("tui-choice", 2, 1, None)]
