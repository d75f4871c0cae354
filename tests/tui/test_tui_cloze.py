"""A cloze card in the app: the blank is shown, the hidden text is typed, Enter answers; an empty
field grades nothing."""

from __future__ import annotations

import random

from quizapp.content import load_paths
from quizapp.store import Store
from quizapp.tui.app import QuizApp
from quizapp.tui.context import AppContext
from quizapp.tui.widgets.feedback import FeedbackView

from .support import SIZE, presented, reviews, screen_text, settle, start, static_text, type_text

DECK = """\
topic: cloze-tui
title: Cloze in the app
summary: One cloze entry, two blanks.
cards:
  - id: gn-groups
    kind: cloze
    text: "GroupNorm splits the {{c1::channels}} into groups and normalizes each {{c2::group}} per sample."
    accept:
      c1: [channel]
    explain: Statistics per (sample, group).
"""


def make(tmp_path, clock) -> QuizApp:
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "cloze.yaml").write_text(DECK)
    library = load_paths([tmp_path / "decks"])
    assert not library.problems
    store = Store.open(tmp_path / "reviews.db")
    return QuizApp(AppContext(library=library, store=store, now=clock, rng=random.Random(2)))


async def test_a_cloze_card_is_answered_by_typing_the_hidden_text(tmp_path, clock):
    app = make(tmp_path, clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot, cards=["gn-groups-c1", "gn-groups-c2"])
            assert presented(app).card.id == "gn-groups-c1"
            assert "GroupNorm splits the [...] into groups and normalizes each group per" in screen_text(app)
            await pilot.press("enter")  # nothing typed: nothing graded
            await settle(pilot)
            assert reviews(app.ctx.store) == [] and "Type the hidden text first." in static_text(app, "Hint")
            await type_text(pilot, "Channel")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen.view, FeedbackView)
            assert static_text(app, "#verdict").startswith("✔ Right")
            await pilot.press("enter")
            await settle(pilot)
            assert presented(app).card.id == "gn-groups-c2"
            assert "normalizes each [...] per sample" in screen_text(app)
            await type_text(pilot, "layer")
            await pilot.press("enter")
            await settle(pilot)
            assert static_text(app, "#verdict").startswith("✘ Wrong")
            assert "Answer: group" in screen_text(app)
            assert reviews(app.ctx.store) == [("gn-groups-c1", 3, 1, None), ("gn-groups-c2", 1, 0, None)]
    finally:
        app.ctx.store.close()
