"""The app starts and quits from the keyboard."""

from quizapp.tui.app import QuizApp


async def test_app_starts_and_quits():
    app = QuizApp()
    async with app.run_test() as pilot:
        assert app.query_one("#welcome")
        await pilot.press("q")
    assert app.return_code in (0, None)
