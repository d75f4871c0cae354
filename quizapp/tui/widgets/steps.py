"""The worked solution of an exercise: one row per step, label | value, arrays aligned."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid
from textual.content import Content
from textual.widgets import Static

from quizapp.tui.widgets.text import array_content


def value_content(value: Any) -> Content:
    if isinstance(value, str):
        return Content(value)
    return array_content(value)


class StepsTable(Grid):
    """Two columns: what is computed, and its value (a matrix keeps its rows and columns)."""

    DEFAULT_CSS = """
    StepsTable { grid-size: 2; grid-columns: auto 1fr; grid-gutter: 0 2; height: auto; }
    StepsTable > Static { height: auto; }
    StepsTable > .step-label { color: $text-muted; max-width: 60; }
    """

    def __init__(self, steps: tuple[Any, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.steps = steps

    def compose(self) -> ComposeResult:
        for number, step in enumerate(self.steps, start=1):
            yield Static(f"{number}. {step.label}", classes="step-label")
            yield Static(value_content(step.value), classes="step-value")
