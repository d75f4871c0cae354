"""The command palette (ctrl+p): the app's main actions, searchable by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape


class QuizCommands(Provider):
    """Study all due, study or practise one topic, stats, browse, help, theme."""

    def commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app: Any = self.app
        out: list[tuple[str, Callable[[], Any], str]] = [
            ("Study all due", app.action_study_all, "Every topic: due cards and today's new cards"),
            ("Practise exercises", app.action_practise, "The highlighted topic's exercises, now"),
            ("Open stats", app.action_open_stats, "Reviews per day, retention, forecast, mastery"),
            ("Browse cards", app.action_browse, "Search cards by text, topic, tag, kind"),
            ("Settings", app.action_open_settings, "Retention, daily limits, learning steps, FSRS parameters"),
            ("Help", app.action_help, "Every key of every screen"),
            ("Toggle light/dark theme", app.action_toggle_dark, "Switch between the light and dark themes"),
        ]
        from quizapp.figures import topic_outlines

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
        for name, callback, help_text in self.commands()[:7]:
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
