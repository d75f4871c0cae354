"""The command palette (ctrl+p): the app's main actions, searchable by name.

A screen may add its own entries for what it shows now (the study screen's "Show solution" on a
code drill, the browser's suspend and reset) through a ``palette_commands()`` method; they come
first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from quizapp.figures import topic_outlines

Command = tuple[str, Callable[[], Any], str]  # name, what it runs, one line of help


class QuizCommands(Provider):
    """The screen's own entries; study all due, practise, stats, browse, help, theme; one
    entry per topic."""

    def actions(self) -> list[Command]:
        """The entries shown before anything is typed."""
        app: Any = self.app
        screen_commands = getattr(self.screen, "palette_commands", None)
        return [
            *(screen_commands() if screen_commands is not None else ()),
            ("Study all due", app.action_study_all, "Every topic: due cards and today's new cards"),
            ("Practise exercises", app.action_practise, "The highlighted topic's exercises, now"),
            ("Open stats", app.action_open_stats, "Reviews per day, retention, forecast, mastery"),
            ("Browse cards", app.action_browse, "Search cards by text, topic, tag, kind"),
            ("Settings", app.action_open_settings, "Retention, daily limits, learning steps, FSRS parameters"),
            ("Help", app.action_help, "Every key of every screen"),
            ("Toggle light/dark theme", app.action_toggle_dark, "Switch between the light and dark themes"),
            ("Cram for the interview", app.action_cram, "The cards weakest at your interview first; the schedule stays"),
            ("Mock interview (30 minutes)", app.action_mock, "Timed questions with follow-ups; the report at the end"),
        ]

    def commands(self) -> list[Command]:
        app: Any = self.app
        out = self.actions()
        for topic in topic_outlines(app.ctx.library):
            title = escape(topic.title)  # the palette reads names and help as markup
            out.append(
                (
                    f"Study topic: {title}",
                    partial(app.start_session, topics=[topic.id], title=topic.title),
                    f"Due and new cards of {title}",
                )
            )
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self.actions():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
