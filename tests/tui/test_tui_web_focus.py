"""In a browser (`quizapp serve`) Textual's web driver starts the app blurred, and a screen shown
while the app is blurred focuses nothing (Textual's auto focus waits for the app's focus, then has
nothing to give it back to): when the browser gives the app the focus, the screen's own widget
must take it, as at a terminal start, or Enter and the arrows reach nothing."""

from __future__ import annotations

from textual import events
from textual.app import App

from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.widgets.topic_table import TopicTable

from .support import SIZE, settle


async def test_the_home_table_takes_the_focus_when_the_browser_gives_it(make_app):
    app = make_app()
    app.set_reactive(App.app_focus, False)  # blurred from the start, as under the web driver
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.screen.focused is None
        app.post_message(events.AppFocus())
        await settle(pilot)
        assert isinstance(app.screen.focused, TopicTable)
        await pilot.press("enter")  # Enter reaches the table: the first topic's session opens
        await settle(pilot)
        assert "Normalization (fixture)" in app.screen.sub_title
