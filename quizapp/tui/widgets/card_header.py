"""The line above a card: where it comes from, what kind it is, and how much is left."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static


KIND_NAMES = {"truefalse": "true/false", "code": "code drill"}


def card_facts(presented: Any) -> Content:
    """``exercise · level 2 · new · ⚑ leech · Batch normalization``: the short facts first, so a
    narrow screen cuts the topic's title (which the title bar shows too), not the card's state."""
    card = presented.card
    topic = presented.topic.title if presented.topic is not None else card.topic
    parts: list[Any] = [KIND_NAMES.get(card.kind, card.kind), " · ", f"level {card.level}", " · "]
    if presented.is_new:
        parts.append(("new", "$text-success"))
    else:
        parts.append((presented.state.state_name, "$text-accent"))
    if presented.leech:
        parts.extend([" · ", ("⚑ leech", "bold $text-warning")])
    parts.extend([" · ", (topic, "bold")])
    return Content.assemble(*parts)


def remaining_content(remaining: Any) -> Content:
    """Anki's three counts: new, learning, review."""
    return Content.assemble(
        (str(remaining.new), "bold $text-success"), " new  ",
        (str(remaining.learning), "bold $text-error"), " learning  ",
        (str(remaining.review), "bold $text-accent"), " review",
    )


class CardHeader(Horizontal):
    """One line: card facts on the left, the cards left in the session on the right."""

    DEFAULT_CSS = """
    CardHeader { height: 1; width: 1fr; padding: 0 1; background: $boost; }
    CardHeader #facts { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    CardHeader #left { width: auto; height: 1; padding-left: 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="facts")
        yield Static(id="left")

    def show(self, facts: Content | str, remaining: Any) -> None:
        self.query_one("#facts", Static).update(facts)
        self.query_one("#left", Static).update(remaining_content(remaining))
