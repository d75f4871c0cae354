"""Explanations on the study screen are drawn by the card detail's Markdown renderer (issue 14,
item 10): a table stays a table, an image is its description, a code block keeps its lines."""

from __future__ import annotations

import random

import pytest

from quizapp.content.loader import Library
from quizapp.content.model import Flashcard, Topic, TrueFalse
from quizapp.store import Store
from quizapp.tui.app import QuizApp
from quizapp.tui.context import AppContext

from .support import NOW, SIZE, markdown_drawn, screen_text, settle, start

EXPLAIN = """Which axes each layer averages over:

| layer | axes |
|---|---|
| BatchNorm2d | N, H, W |
| LayerNorm | C, H, W |

![a diagram of the axes](https://example.org/axes.png)

```python
mean = x.mean(axis=(0, 2, 3))
```
"""


@pytest.fixture
def explained_app(tmp_path):
    cards = (
        Flashcard(id="md-flash", topic="md", front="Which axes?", back="It depends on the layer.", explain=EXPLAIN),
        TrueFalse(id="md-tf", topic="md", statement="BatchNorm averages over C.", answer=False, explain=EXPLAIN),
    )
    library = Library((Topic(id="md", title="Markdown", summary="", cards=cards),), [])
    with Store.open(tmp_path / "reviews.db") as store:
        yield QuizApp(AppContext(library=library, store=store, now=lambda: NOW, rng=random.Random(3)))


async def drawn(pilot) -> str:
    """The screen once every Markdown block on it is laid out."""
    await markdown_drawn(pilot)
    await settle(pilot)
    return screen_text(pilot.app)


def assert_rendered(text: str) -> None:
    assert "|---|" not in text and "| layer |" not in text  # not the source
    table_row = next(line for line in text.splitlines() if "BatchNorm2d" in line)
    assert "│" in table_row and "N, H, W" in table_row  # a drawn table: the cells on one ruled row
    assert "a diagram of the axes" in text and "![" not in text and "axes.png" not in text
    assert "mean = x.mean(axis=(0, 2, 3))" in text and "```" not in text


async def test_the_flashcard_s_explanation_is_rendered_markdown(explained_app):
    app = explained_app
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["md-flash"])
        await pilot.press("space")
        assert_rendered(await drawn(pilot))


async def test_the_feedback_s_why_is_rendered_markdown(explained_app):
    app = explained_app
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, cards=["md-tf"])
        await pilot.press("f", "enter")
        text = await drawn(pilot)
        assert "Why" in text
        assert_rendered(text)
