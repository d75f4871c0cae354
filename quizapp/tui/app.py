"""The Textual application: a home screen, a study screen per session, stats, browser, help.

No study logic lives here: sessions come from :func:`quizapp.study.open_session` (imported when
the first session starts, with the engine and the drills, so the home screen opens fast).  Everything the screens
need is in :class:`~quizapp.tui.context.AppContext`, which tests build on a temporary database.

``QUIZAPP_EXIT_WHEN_READY=1`` (for tests/bench/bench_startup.py) prints ``quizapp-ready <time>
<cpu>`` (the clock, and the process's CPU seconds so far) once the home screen is mounted and
filled in, then exits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from quizapp.backups import BackupError, daily_backup
from quizapp.store import StoreError
from quizapp.tui.commands import QuizCommands
from quizapp.tui.safe_app import SafeApp
from quizapp.tui.context import AppContext, build_context
from quizapp.tui.screens.home import HomeScreen

READY_ENV = "QUIZAPP_EXIT_WHEN_READY"
READY_MARKER = "quizapp-ready"
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class QuizApp(SafeApp):
    TITLE = "quizapp"
    COMMANDS = App.COMMANDS | {QuizCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+t", "toggle_dark", "Light/dark theme", show=False),
    ]

    def __init__(
        self,
        ctx: AppContext | None = None,
        *,
        db: str | os.PathLike[str] | None = None,
        content_dirs: Iterable[str | os.PathLike[str]] = (),
        start: dict[str, Any] | None = None,
    ) -> None:
        """``start``: a session to open right away, as ``start_session``'s keywords (for
        ``quizapp drill TOPIC`` in a terminal); leaving it returns to the home screen."""
        # Open the database and count the home screen's figures before Textual takes the terminal:
        # a StoreError (an unusable file, an odd stored value) is then a one-line message.
        self.ctx = ctx if ctx is not None else build_context(db, content_dirs)
        self._start = start
        super().__init__()
        self._home = HomeScreen(self.ctx)
        self._theme_ready = False
        theme = self.ctx.store.preference("theme")
        if theme in (DARK_THEME, LIGHT_THEME):
            self.theme = theme
        self._theme_ready = True
        self.exit_when_ready = os.environ.get(READY_ENV, "") not in ("", "0")

    def watch_app_focus(self, focus: bool) -> None:
        """In a browser (Textual's web driver) the app starts blurred, so the first screen
        focused nothing and Textual has nothing to give the focus back to: focus what the screen
        would focus at a terminal start (its AUTO_FOCUS), or Enter and the arrows reach nothing."""
        screen = self.screen
        selector = self.AUTO_FOCUS if screen.AUTO_FOCUS is None else screen.AUTO_FOCUS
        if focus and screen.focused is None and selector:
            first = next((widget for widget in screen.query(selector) if widget.focusable), None)
            if first is not None:
                screen.set_focus(first)

    def get_default_screen(self) -> Screen:
        return self._home

    def fail(self, problem: StoreError) -> None:
        """Leave the app with the database problem as its one-line message (exit status 1)."""
        self.exit(return_code=1, message=f"quizapp: {problem}")

    def home_ready(self) -> None:
        """Called by the home screen once its figures are on screen."""
        if self._start is not None:
            start, self._start = self._start, None
            self.start_session(**start)
        if self.exit_when_ready:
            os.write(1, f"{READY_MARKER} {time.time():.6f} {time.process_time():.6f}\n".encode())
            self.exit()
            return
        self.run_worker(self._back_up_daily, thread=True, group="backup", exit_on_error=False)

    def _back_up_daily(self) -> None:
        """Today's backup of the database (quizapp.backups), off the UI thread; a failure is a
        warning, never the end of the app."""
        try:
            daily_backup(self.ctx.store.path, self.ctx.now())
        except BackupError as problem:
            self.call_from_thread(self.notify, str(problem), title="No backup today", severity="warning", markup=False)

    # -- sessions ------------------------------------------------------------------------------

    def start_session(
        self,
        *,
        topics: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        cards: Iterable[str] | None = None,
        limit: int | None = None,
        title: str = "",
        mode: str = "review",
    ) -> bool:
        """Push a study screen for these topics / tags / card ids (all due + new when none given),
        at most ``limit`` cards; ``mode`` cram leaves the schedule alone.  Returns False (and says
        why) when there is nothing to study.
        """
        # Imported here, not at the top: the study loop brings the engine, NumPy and the drills,
        # which the home screen does not need (python -X importtime: ~70 ms of start-up saved).
        from quizapp.study import open_session
        from quizapp.tui.screens.study import StudyScreen

        try:
            session = open_session(
                self.ctx.library,
                self.ctx.store,
                topics=topics,
                tags=tags,
                cards=cards,
                limit=limit,
                now=self.ctx.now,
                rng=self.ctx.rng,
                mode=mode,
            )
            first = session.next()
        except (ValueError, StoreError) as exc:
            self.notify(str(exc), severity="error")
            return False
        if first is None:
            self._nothing_to_study(session, title, topics=list(topics or ()), tags=list(tags or ()), chosen=cards is not None)
            return False
        self.push_screen(StudyScreen(self.ctx, session, title))
        return True

    def _nothing_to_study(self, session: Any, title: str, *, topics: list[str], tags: list[str], chosen: bool) -> None:
        """Say why ``session`` is empty and offer what can be done (NothingToStudyScreen)."""
        from quizapp.tui.screens.nothing_to_study import NothingToStudyScreen, offers_for
        from quizapp.why_empty import why_empty

        empty = why_empty(session)
        exercises = self.exercises(topics[0]) if len(topics) == 1 and not chosen else []
        filters = [f"topic:{','.join(topics)}"] if topics else []
        filters += [f"tag:{','.join(tags)}"] if tags else []
        hidden = "state:" + ",".join(name for name, n in (("buried", empty.buried), ("suspended", empty.suspended)) if n)

        def take(offer: str | None) -> None:
            if offer == "settings":
                self.action_open_settings()
            elif offer == "browse":
                self.action_browse(" ".join([*filters, hidden]))
            elif offer == "practise":
                self.practise(topics[0], title)
            elif offer == "study_all":
                self.action_study_all()

        offers = offers_for(empty, can_browse=not chosen, can_practise=bool(exercises))
        self.push_screen(NothingToStudyScreen(title, empty, offers), callback=take)

    def exercises(self, topic_id: str) -> list[str]:
        """The ids of a topic's exercise cards."""
        return [card.id for card in self.ctx.library.topic(topic_id).cards if card.kind == "exercise"]

    def practise(self, topic_id: str, title: str) -> None:
        """A topic's exercises now, due or not, outside the daily limits (each is drawn afresh)."""
        ids = self.exercises(topic_id)
        if not ids:
            self.notify(f"{title} has no exercises; Enter studies its cards.", markup=False)
            return
        self.start_session(cards=ids, title=f"{title}: exercises")

    def action_study_all(self) -> None:
        self.start_session(title="All topics")

    def action_cram(self) -> None:
        """Cram: every card, the weakest at the interview (now, without a date) first; the
        answers leave the schedule alone."""
        from quizapp.interview.cram import cram_order  # with the study loop: see start_session

        try:
            order = cram_order(self.ctx.library.topics, self.ctx.store, self.ctx.now())
        except StoreError as problem:
            self.fail(problem)
            return
        self.start_session(cards=order, mode="cram", title="Cram: weakest at the interview first")

    def action_mock(self, minutes: int = 30) -> None:
        """A timed mock interview."""
        from quizapp.tui.screens.mock import MockScreen  # here, not at the top: the study loop

        try:
            screen = MockScreen(self.ctx, minutes)
        except StoreError as problem:
            self.fail(problem)
            return
        if not screen.mock.questions:
            self.notify("No questions to ask: the decks have no choice, true/false, exercise or code cards.")
            return
        self.push_screen(screen)

    def action_practise(self) -> None:
        home = self.screen_stack[0] if self.screen_stack else None
        if isinstance(home, HomeScreen):
            home.action_practise()

    # -- other screens ---------------------------------------------------------------------------

    def action_open_stats(self) -> None:
        from quizapp.tui.screens.stats import StatsScreen  # here, not at the top: ~11 ms of start-up

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(self.ctx))

    def action_browse(self, query: str = "") -> None:
        from quizapp.tui.screens.browser import BrowserScreen  # here, not at the top: ~45 ms of start-up

        if not isinstance(self.screen, BrowserScreen):
            self.push_screen(BrowserScreen(self.ctx, query))

    def action_open_settings(self) -> None:
        from quizapp.tui.screens.settings import SettingsScreen  # here, not at the top: ~5 ms of start-up

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.ctx))

    def action_help(self) -> None:
        # Here, not at the top: help lists every screen's keys, so it imports them all, the study
        # loop included (~140 ms of start-up).
        from quizapp.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- theme -----------------------------------------------------------------------------------

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def watch_theme(self, theme: str) -> None:
        if getattr(self, "_theme_ready", False):
            self.ctx.store.save_preference("theme", theme)

