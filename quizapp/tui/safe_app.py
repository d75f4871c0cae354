"""The Textual App every quizapp screen runs in, with notifications that are never markup.

Notifications quote card ids, error messages (which quote stored values) and misconception names
read from the database; Textual reads a notification as content markup by default, so a stored
``[/]`` would crash the screen and ``[link=...]`` would style it.  Here every notification is
literal text, whatever the caller asked for.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

__all__ = ["SafeApp"]


class SafeApp(App):
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """As :meth:`App.notify`, with ``markup`` always off (see the module docstring)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)
