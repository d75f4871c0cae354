"""Interview day in the app: the home screen's countdown and readiness, the cram entry and the mock
interview screen (a countdown, no verdict until the end, the time limit kept by the app's clock)."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import Input, Static

from quizapp.store import Store
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.mock import MockReportScreen, MockScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.widgets.feedback import FeedbackView

from .support import NOW, SIZE, screen_text, settle, static_text, wait_until

INTERVIEW = date(2026, 3, 24)  # NOW is 2026-03-10 noon: 14 days


def set_date(db_path, day: date = INTERVIEW) -> None:
    with Store.open(db_path) as store:
        store.save_settings(interview_date=day.isoformat())


async def test_the_home_screen_counts_down_to_the_interview_with_readiness_and_todays_share(make_app, db_path):
    set_date(db_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first, second = static_text(app, "#interview").splitlines()
        # 8 cards, none studied: 8 in the 12 days up to 3 days before, so one a day
        assert first == "Interview in 14 days (Tue 03-24) · ready 0% · plan today: 1 new"
        assert second == "c cram · m mock interview · at risk: Normalization (fixture) 0%, Dropout (fixture) 0%"


async def test_without_a_date_or_after_it_the_line_is_hidden(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#interview", Static).display
        app.ctx.store.save_settings(interview_date="2026-03-11")
        app.screen.refresh_figures()
        await pilot.pause()
        assert app.screen.query_one("#interview", Static).display
        clock.now = NOW + timedelta(days=2)  # the day after the interview
        app.screen.refresh_figures()
        await pilot.pause()
        assert not app.screen.query_one("#interview", Static).display


async def test_c_crams_and_the_answers_leave_the_schedule_alone(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and app.screen.session.mode == "cram"
        card = app.screen.view.presented.card
        assert card.id == "tui-flash"  # nothing studied: all at 0, in content order
        await pilot.press("space", "3")
        await pilot.pause()
        [review] = app.ctx.store.reviews()
        assert (review.card_id, review.mode) == ("tui-flash", "cram")
        assert app.ctx.store.state("tui-flash").is_new


async def open_mock(pilot) -> MockScreen:
    """Press m on the home screen: the mock interview's screen."""
    await pilot.pause()
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MockScreen)
    return pilot.app.screen


async def answer(pilot, screen) -> str | None:
    """Answer the question shown as a person would (a code drill is skipped); its card id, if answered."""
    p = screen.view.presented
    if p.kind == "code":
        await pilot.press("escape", "s")
        return None
    if p.kind == "exercise":
        screen.view.query_one("#answer", Input).value = "1"
        await pilot.press("enter")
    else:
        await pilot.press("1", "enter")  # option 1, or true
    return p.card.id


async def test_a_mock_round_counts_down_shows_no_verdict_and_ends_when_the_time_is_up(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        assert str(screen.query_one("#countdown", Static).render()).startswith("Mock interview · 30:00 left")
        answered = []
        for _ in range(4):
            shown = screen.view.presented
            clock.now += timedelta(minutes=1)
            card_id = await answer(pilot, screen)
            await settle(pilot)
            answered += [card_id] if card_id else []
            assert not screen.query(FeedbackView)  # no verdict, no steps: the next question
            assert shown.card.explain[:30] not in screen_text(app)  # no explanation
            assert screen.view.presented.card.id != shown.card.id
        screen.tick()
        await pilot.pause()
        assert str(screen.query_one("#countdown", Static).render()).startswith("Mock interview · 26:00 left")
        assert len(answered) >= 3
        clock.now += timedelta(minutes=26)
        screen.tick()
        await wait_until(pilot, lambda: isinstance(app.screen, MockReportScreen) and app.screen.query("#report-text"))
        report = str(app.screen.query_one("#report-text", Static).render())
        assert report.startswith(f"Report: ") and f"of {len(answered)} right" in report.splitlines()[0]
        assert len(app.ctx.store.mock_rounds()) == 1
        logged = sorted(app.ctx.store.reviews(), key=lambda r: r.id)
        assert [r.card_id for r in logged] == answered and {r.mode for r in logged} == {"mock"}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_report_fits_the_terminal_and_is_wrapped_again_when_it_changes(make_app, clock):
    """At 80 columns the report's prose keeps inside the padding and the scrollbar (74 columns),
    so no line is wrapped a second time by the widget; narrower, its prose is wrapped again (the
    worked steps' values are left whole)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_mock(pilot)
        for _ in range(3):
            await answer(pilot, screen)
            await settle(pilot)
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, MockReportScreen) and app.screen.query("#report-text"))
        wide = str(app.screen.query_one("#report-text", Static).render()).splitlines()
        assert max(map(len, wide)) <= 74 and any(line.startswith("   why: ") for line in wide)
        await pilot.resize_terminal(60, 24)
        await settle(pilot)
        narrow = str(app.screen.query_one("#report-text", Static).render()).splitlines()
        prose = [line for line in narrow if not line.startswith("    ")]  # not the worked steps' values
        assert max(map(len, prose)) <= 54 and len(narrow) > len(wide)


async def test_an_answer_after_the_time_is_up_ends_the_round_uncounted(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        clock.now += timedelta(minutes=30, seconds=1)  # time ran out while the question was shown
        await answer(pilot, screen)
        await wait_until(pilot, lambda: isinstance(app.screen, MockReportScreen) and app.screen.query("#report-text"))
        assert app.ctx.store.reviews() == []
        assert str(app.screen.query_one("#report-text", Static).render()).startswith("No question was answered")


async def test_the_stats_screen_has_an_interview_tab(make_app, db_path):
    from quizapp.scheduler import Rating, Scheduler
    from quizapp.store import Review

    with Store.open(db_path) as store:
        at = NOW - timedelta(hours=2)
        store.apply_review("tui-exercise", lambda s: Scheduler().review(s, Rating.Again, at), Review(
            card_id="tui-exercise", reviewed_at=at, rating=1, kind="exercise", correct=False,
            misconception="unbiased_variance"))
        store.apply_review("tui-tf", lambda s: s, Review(card_id="tui-tf", reviewed_at=at, rating=3,
                                                        kind="truefalse", correct=True, mode="cram"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        text = str(app.screen.query_one("#interview-text", Static).render())
        assert text.splitlines()[0] == (
            "Interview practice in the last 30 days: 1 cram and 0 mock answers (they leave the schedule alone)."
        )
        assert "  unbiased_variance  active     shown 1x, right 0x, next re-test 2026-03-11" in text.splitlines()
