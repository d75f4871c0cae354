"""Why there is nothing to study, and what can be done instead (issue 14, item 11).

Shown instead of an empty session.  The reasons are :func:`quizapp.why_empty.why_empty`'s, the
sentences plain mode prints; the offers are this screen's keys, each leading where the user can
act on a reason: ``o`` the settings (the daily limits), ``b`` the browser on the hidden cards
(where b unburies and x unsuspends), ``e`` the topic's exercises now, ``a`` every topic.  The
screen returns the offer taken (an :data:`OFFERS` key) or None; the app carries it out.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from quizapp.tui.widgets.hint import Hint
from quizapp.why_empty import Emptiness

#: offer -> (key, what it does), in the order shown
OFFERS = {
    "settings": ("o", "Settings: change the daily limits"),
    "browse": ("b", "Browse the hidden cards: b unburies, x unsuspends"),
    "practise": ("e", "Practise this topic's exercises now, outside the limits"),
    "study_all": ("a", "Study every topic"),
}


def offers_for(empty: Emptiness, *, can_browse: bool, can_practise: bool) -> list[str]:
    """The offers that act on ``empty``'s reasons (keys of :data:`OFFERS`)."""
    wanted = {
        "settings": bool(empty.new_waiting or empty.reviews_waiting),
        "browse": can_browse and bool(empty.hidden),
        "practise": can_practise,
        "study_all": not empty.cards,
    }
    return [offer for offer in OFFERS if wanted[offer]]


class NothingToStudyScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    NothingToStudyScreen { align: center middle; }
    NothingToStudyScreen #empty-box {
        width: 76;
        max-width: 95%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    NothingToStudyScreen #empty-title { text-style: bold; }
    NothingToStudyScreen .reason { margin-top: 1; }
    NothingToStudyScreen #empty-offers { margin-top: 1; }
    """

    BINDINGS = [
        *(Binding(key, f"take('{offer}')", what.split(":")[0], tooltip=what) for offer, (key, what) in OFFERS.items()),
        Binding("escape,enter", "take('')", "Back"),
    ]

    def __init__(self, title: str, empty: Emptiness, offers: list[str]) -> None:
        super().__init__()
        self.heading = f"Nothing to study in {title}" if title else "Nothing to study"
        self.reasons = empty.reasons()
        self.offers = offers

    def compose(self) -> ComposeResult:
        with Vertical(id="empty-box"):
            yield Static(self.heading, id="empty-title", markup=False)
            for reason in self.reasons:
                yield Static(reason, classes="reason", markup=False)
            if self.offers:
                lines = [f"{OFFERS[offer][0]}  {OFFERS[offer][1]}" for offer in self.offers]
                yield Static("\n".join(["You can:", *lines]), id="empty-offers", markup=False)
            yield Hint("escape or enter: back", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take" and parameters and parameters[0]:
            return parameters[0] in self.offers
        return True

    def action_take(self, offer: str) -> None:
        self.dismiss(offer or None)
