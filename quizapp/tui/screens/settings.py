"""The settings screen: every study setting as a field, saved on Enter through the same check as
``quizapp settings`` (quizapp.settings_text.check_setting), so a value is refused here exactly
when the command refuses it, with the same line, and nothing is changed.

Typing a desired retention previews its cost: the expected reviews per day over the next 30 days
at that retention against the one in use (quizapp.workload, from the cards' FSRS states), worked
out in a thread so typing stays quick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from quizapp.cardstate import day_start
from quizapp.figures import topic_figures, topic_outlines
from quizapp.scheduler import Scheduler, scheduler_for
from quizapp.settings_text import INFO, KEYS, SettingError, check_setting, format_setting, setting_warning
from quizapp.store import StoreError
from quizapp.tui.context import AppContext
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.workload import daily_reviews

PREVIEW_DAYS = 30
#: The preview's rows: (label, first day, last day + 1).
PREVIEW_SPANS = (("days 1-7", 0, 7), ("days 8-14", 7, 14), ("days 15-21", 14, 21), ("days 22-30", 21, 30))


def preview_lines(chosen: float, current: float, at_chosen: Sequence[float], at_current: Sequence[float]) -> list[str]:
    """The workload table: reviews per day on average, in each week, at both retentions."""
    head = f"Expected reviews per day    at {chosen:g}   now ({current:g})"
    rows = [head]
    for label, first, last in (*PREVIEW_SPANS, ("next 30 days", 0, PREVIEW_DAYS)):
        mine = sum(at_chosen[first:last]) / (last - first)
        theirs = sum(at_current[first:last]) / (last - first)
        rows.append(f"  {label:<24} {mine:8.1f}   {theirs:8.1f}")
    return rows


class SettingsScreen(Screen):
    DEFAULT_CSS = """
    #settings-form {
        height: 1fr;
        padding: 1 1 0 1;
    }

    #settings-form Horizontal {
        height: 1;
        margin-bottom: 1;
    }

    #settings-form .key {
        width: 20;
    }

    #settings-form Input {
        width: 22;
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }

    #settings-form Input:focus {
        background: $accent 30%;
    }

    #settings-form .meaning {
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }

    #settings-status, #workload, #parameters {
        padding: 0 1;
        margin-bottom: 1;
        height: auto;
    }
    """

    AUTO_FOCUS = "#set-desired_retention"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", tooltip="Back (each setting is saved when you press Enter)")]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(id="settings")
        self.ctx = ctx
        self.sub_title = "Settings (Enter saves a field)"
        self.current = ctx.store.settings()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-form"):
            for key in KEYS:
                with Horizontal():
                    yield Static(key, classes="key")
                    yield Input(format_setting(self.current, key), id=f"set-{key}", select_on_focus=False)
                    yield Static(INFO[key].meaning, classes="meaning")
            yield Static("", id="settings-status")
            yield Static("Type a desired retention to see what it costs in reviews.", id="workload")
            yield Static(self._parameters_line(), id="parameters")
        yield KeyBar()

    def _parameters_line(self) -> str:
        fitted = self.ctx.store.fsrs_parameters()
        if fitted is None:
            return "FSRS parameters: the defaults (`quizapp optimize` fits them to your own reviews)"
        return f"FSRS parameters: fitted to your reviews on {fitted.fitted_at.astimezone():%Y-%m-%d} ({fitted.reviews} reviews)"

    def _today(self) -> Any:
        return self.ctx.now().astimezone().date()

    # -- saving ------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        key = (event.input.id or "").removeprefix("set-")
        status = self.query_one("#settings-status", Static)
        try:
            changed = check_setting(self.current, key, event.value, self._today())
            self.ctx.store.save_settings(**{key: getattr(changed, key)})
        except SettingError as exc:
            status.update(Content.styled(f"Not saved: {exc}", "$text-error"))
            event.input.value = format_setting(self.current, key)
            return
        except StoreError as problem:
            self.app.fail(problem)  # type: ignore[attr-defined]
            return
        was = format_setting(self.current, key)
        self.current = changed
        event.input.value = format_setting(changed, key)
        line = Content.styled(f"Saved: {key} {format_setting(changed, key)} (was {was})", "$text-success")
        warning = setting_warning(changed) if key == "desired_retention" else None
        if warning:
            line = Content("\n").join([line, Content.styled(f"Warning: {warning}", "$text-warning")])
        status.update(line)

    # -- the workload preview ----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "set-desired_retention":
            return
        try:
            chosen = check_setting(self.current, "desired_retention", event.value, self._today())
        except SettingError as exc:
            self.query_one("#workload", Static).update(Content.styled(str(exc), "dim"))
            return
        self.preview(chosen.desired_retention)

    @work(thread=True, exclusive=True, group="workload")
    def preview(self, retention: float) -> None:
        """Work out the preview (a second or so for a few hundred cards) and show it."""
        store = self.ctx.store
        now = self.ctx.now()
        in_use = scheduler_for(store)
        settings = in_use.settings
        started = [store.state(card_id) for card_id, row in store.state_rows().items() if row.started]
        today = day_start(now, settings.day_starts_at)
        new_cards = sum(topic.new for topic in topic_figures(topic_outlines(self.ctx.library), store, now, today))
        chosen = Scheduler(replace(settings, desired_retention=retention), in_use.parameters)
        at_chosen = daily_reviews(started, new_cards, chosen, today, days=PREVIEW_DAYS)
        at_current = daily_reviews(started, new_cards, in_use, today, days=PREVIEW_DAYS)
        lines = preview_lines(retention, settings.desired_retention, at_chosen, at_current)
        self.app.call_from_thread(self.query_one("#workload", Static).update, "\n".join(lines))

