"""What every card view shares: the card it shows, and the messages it sends to the study screen.

A view knows nothing of the session: it shows a :class:`quizapp.session.Presented` card, collects
an answer and posts :class:`CardView.Answered` (auto-graded kinds) or :class:`CardView.Rated`
(flashcards).  The study screen grades, and tells the view when an answer could not be read.

One view of each kind is built per study screen and reused: :meth:`CardView.load` puts the next
card into the widgets already on screen.  Building and laying out fresh widgets for every card
costs several frames; updating a few Statics costs well under one.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from quizapp.tui.widgets.hint import Hint
from quizapp.tui.widgets.pane import StudyPane


class CardView(StudyPane):
    """A scrollable view of one card; focused while the card is shown."""

    DEFAULT_CSS = """
    CardView .prompt { margin-top: 1; }
    """

    class Answered(Message):
        """The user's answer to an auto-graded card, in the form ``Session.submit`` takes."""

        def __init__(self, answer: Any, shown: Any = None) -> None:
            super().__init__()
            self.answer = answer
            self.shown = shown  # what to show back in the feedback (e.g. the picked options)

    class Rated(Message):
        """A flashcard's self-grade, 1 (again) to 4 (easy)."""

        def __init__(self, rating: int) -> None:
            super().__init__()
            self.rating = rating

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.presented: Any = None

    @property
    def card(self) -> Any:
        return self.presented.card

    def load(self, presented: Any) -> None:
        """Show ``presented`` in this view's widgets (they exist: called after mounting)."""
        self.presented = presented
        self.scroll_home(animate=False)

    def focus_target(self) -> Widget:
        """The widget to focus when the card appears (an answer field, or the view itself)."""
        return self

    def show_error(self, message: str) -> None:
        """The answer could not be used: say why in the view's hint line (a toast when it has
        none); the user may fix it and try again."""
        hints = self.query(Hint)
        if hints:
            hints.first().update(Content.assemble(("✘ ", "bold $text-error"), (message, "$text-error")))
        else:
            self.notify(message, severity="error")

    def set_busy(self, busy: bool, message: str = "") -> None:
        """A slow check is running (code drills)."""
