"""Help: every key of every screen, read from the bindings themselves so it cannot go stale."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from quizapp.tui.screens.browser import BrowserScreen, CardDetailScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.mock import MockScreen
from quizapp.tui.screens.nothing_to_study import NothingToStudyScreen
from quizapp.tui.screens.settings import SettingsScreen
from quizapp.tui.screens.stats import StatsScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.screens.summary import SummaryScreen
from quizapp.tui.widgets.choice import ChoiceView
from quizapp.tui.widgets.code import CodeView
from quizapp.tui.widgets.exercise import AnswerInput, ExerciseView
from quizapp.tui.widgets.feedback import FeedbackView
from quizapp.tui.widgets.flashcard import FlashcardView
from quizapp.tui.widgets.hint import Hint
from quizapp.tui.widgets.topic_table import TopicTable
from quizapp.tui.widgets.truefalse import TrueFalseView

KEY_WIDTH = 12

NOTES = (
    "Keys that are letters act only when no text field has focus: escape leaves an answer field "
    "or the code editor, then u, s, b and q work again.",
    "Every grade is saved the moment it is given; leaving a session never loses an answer.",
)


def sections(app_class: type) -> list[tuple[str, type]]:
    """(title, class with BINDINGS), in the order a user meets them; ``app_class`` holds the keys
    that work everywhere (the running app's class, so this module need not import it)."""
    return [
        ("Everywhere", app_class),
        ("Home", HomeScreen),
        ("Topic list", TopicTable),
        ("While studying", StudyScreen),
        ("Flashcard", FlashcardView),
        ("Choice", ChoiceView),
        ("True or false", TrueFalseView),
        ("Exercise", ExerciseView),
        ("Exercise answer field", AnswerInput),
        ("Code drill", CodeView),
        ("After an answer", FeedbackView),
        ("Session summary", SummaryScreen),
        ("Mock interview", MockScreen),
        ("Stats", StatsScreen),
        ("Nothing to study", NothingToStudyScreen),
        ("Browser", BrowserScreen),
        ("Card detail", CardDetailScreen),
        ("Settings", SettingsScreen),
    ]


def _bindings(cls: type) -> list[Binding]:
    return list(Binding.make_bindings(cls.__dict__.get("BINDINGS", [])))


def compact_keys(keys: list[str]) -> str:
    """``1 2 3 ... 9`` as ``1-9``; other keys listed with ``/``."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3:
            out.append(f"{run[0]}-{run[-1]}")
        else:
            out.extend(run)
        run.clear()

    for key in keys:
        if len(key) == 1 and run and len(run[-1]) == 1 and ord(key) == ord(run[-1]) + 1:
            run.append(key)
        else:
            flush()
            run.append(key)
    flush()
    return ", ".join(out)


def key_rows(cls: type, display: Any) -> list[tuple[str, str]]:
    """(keys, what they do) for one class's bindings, grouping keys bound to the same action."""
    groups: dict[str, tuple[list[str], str]] = {}
    for binding in _bindings(cls):
        if binding.system:
            continue
        action = re.sub(r"\(.*\)$", "", binding.action)
        description = binding.tooltip or binding.description or action.replace("_", " ")
        keys = [display(Binding(key.strip(), binding.action)) for key in binding.key.split(",")]
        name = f"{action}:{description}"  # pick(1) ... pick(9) share their tooltip: one row
        if name in groups:
            groups[name][0].extend(k for k in keys if k not in groups[name][0])
        else:
            groups[name] = (keys, description)
    return [(compact_keys(keys), description) for keys, description in groups.values()]


def section_content(rows: Iterable[tuple[str, str]]) -> Content:
    return Content("\n").join(
        Content.assemble((keys.ljust(KEY_WIDTH), "bold $text-accent"), " ", description) for keys, description in rows
    )


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }

    #help-box {
        width: 90%;
        max-width: 96;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }

    #help-title {
        text-style: bold;
        color: $text-accent;
    }

    #help-body {
        height: 1fr;
    }

    .help-section {
        text-style: bold;
        margin-top: 1;
    }

    .help-note {
        margin-top: 1;
    }
    """

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close help")]

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(section title, [(keys, what they do)]) for every section that has keys."""
        found = ((title, key_rows(cls, self.app.get_key_display)) for title, cls in sections(type(self.app)))
        return [(title, rows) for title, rows in found if rows]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            with VerticalScroll(id="help-body"):
                for note in NOTES:
                    yield Static(Content.styled(note, "dim"), classes="help-note")
                for title, rows in self.help_sections():
                    yield Static(title, classes="help-section")
                    yield Static(section_content(rows), classes="help-keys")
            yield Hint("escape closes")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
