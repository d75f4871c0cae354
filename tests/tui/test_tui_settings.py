"""The settings screen: opened from the home screen's footer key and the palette; Enter saves a
field through the same check as `quizapp settings` (the same line for a refused value, nothing
changed); typing a retention previews the reviews per day it costs against the one in use."""

from __future__ import annotations

from datetime import timedelta

from textual.command import CommandPalette
from textual.widgets import Input

from quizapp.scheduler import REVIEW, CardState
from quizapp.settings_text import SettingError, check_setting
from quizapp.tui.screens.settings import SettingsScreen
from quizapp.tui.widgets.key_bar import KeyBar

from .support import NOW, SIZE, settle, static_text, type_text, wait_until
from .test_tui_app import highlighted_command


async def open_settings(app, pilot) -> None:
    await settle(pilot)
    await pilot.press("o")
    await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))


async def set_field(pilot, app, key: str, text: str) -> None:
    field = app.screen.query_one(f"#set-{key}", Input)
    field.focus()
    field.value = ""
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_home_footer_shows_the_key_and_the_palette_opens_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = [(key, description) for key, _, description, _ in app.screen.query_one(KeyBar).keys()]
        assert ("o", "Settings") in keys
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: CommandPalette.is_open(app))
        await type_text(pilot, "Settings")
        await wait_until(pilot, lambda: highlighted_command(app).startswith("Settings"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SettingsScreen))


async def test_enter_saves_a_field_and_every_setting_is_shown(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot)
        shown = {field.id.removeprefix("set-"): field.value for field in app.screen.query(Input)}
        assert shown["learning_steps"] == "1m 10m" and shown["interview_date"] == "none" and len(shown) == 10
        await set_field(pilot, app, "new_per_day", "3")
        assert app.ctx.store.settings().new_per_day == 3
        assert static_text(app, "#settings-status") == "Saved: new_per_day 3 (was 20)"
        await set_field(pilot, app, "learning_steps", "2m 1h")
        assert app.ctx.store.settings().learning_steps == (timedelta(minutes=2), timedelta(hours=1))
        assert "FSRS parameters: the defaults" in static_text(app, "#parameters")


async def test_a_refused_value_gives_the_commands_line_and_changes_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot)
        await set_field(pilot, app, "day_starts_at", "25")
        try:
            check_setting(app.ctx.store.settings(), "day_starts_at", "25", NOW.date())
        except SettingError as exc:
            expected = str(exc)  # what `quizapp settings day_starts_at 25` prints after its name
        assert static_text(app, "#settings-status") == f"Not saved: {expected}"
        assert app.ctx.store.settings().day_starts_at == 4
        assert app.screen.query_one("#set-day_starts_at", Input).value == "4"  # back to the stored value


async def test_a_retention_below_the_recommended_band_is_saved_with_a_warning(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot)
        await set_field(pilot, app, "desired_retention", "0.75")
        assert app.ctx.store.settings().desired_retention == 0.75
        assert "Warning: desired_retention 0.75 is below FSRS's recommended 0.80-0.95" in static_text(app, "#settings-status")


async def test_typing_a_retention_previews_its_workload(make_app):
    app = make_app()
    store = app.ctx.store
    for n, card_id in enumerate(("tui-flash", "tui-tf", "tui-choice")):
        store.put_state(CardState(card_id, state=REVIEW, stability=5.0 + n, difficulty=5.0, due=NOW + timedelta(days=n),
                                  last_review=NOW - timedelta(days=5), reps=3))
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot)
        field = app.screen.query_one("#set-desired_retention", Input)
        field.focus()
        field.value = ""
        await type_text(pilot, "0.97")
        await settle(pilot)
        lines = static_text(app, "#workload").splitlines()
        assert lines[0].split() == ["Expected", "reviews", "per", "day", "at", "0.97", "now", "(0.9)"]
        total = next(line for line in lines if "next 30 days" in line).split()
        assert float(total[-2]) > float(total[-1]) > 0  # a higher retention asks for more reviews
        assert store.settings().desired_retention == 0.9  # typing is not saving
