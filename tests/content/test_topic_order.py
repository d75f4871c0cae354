"""Topics are listed by their `order` key, so the home screen follows a learning path."""

from __future__ import annotations

from quizapp.content import load_library

DECK = """\
topic: {id}
title: Topic {id}
{order}summary: A topic.
cards:
  - id: {id}-card
    kind: flashcard
    front: Question?
    back: Answer.
    explain: Enough words to explain why the answer is right here.
"""


def _write(folder, name, topic_id, order=None):
    line = f"order: {order}\n" if order is not None else ""
    (folder / name).write_text(DECK.format(id=topic_id, order=line))


def test_topics_follow_their_order_then_the_file_order(tmp_path):
    _write(tmp_path, "a.yaml", "alpha")  # no order: after the ordered ones
    _write(tmp_path, "b.yaml", "beta", order=20)
    _write(tmp_path, "c.yaml", "gamma", order=10)
    _write(tmp_path, "d.yaml", "delta")
    library = load_library([tmp_path], include_shipped=False)
    assert [t.id for t in library.topics] == ["gamma", "beta", "alpha", "delta"]
    assert [o.id for o in library.outlines] == ["gamma", "beta", "alpha", "delta"]


def test_a_bad_order_is_reported_and_the_topic_still_served(tmp_path):
    (tmp_path / "a.yaml").write_text(DECK.format(id="alpha", order="order: soon\n"))
    library = load_library([tmp_path], include_shipped=False)
    assert [t.id for t in library.topics] == ["alpha"]
    assert [str(p) for p in library.problems] == [
        f"{tmp_path / 'a.yaml'}:3: 'order' must be a whole number, e.g. 10, not 'soon'"
    ]


def test_the_shipped_decks_start_with_batch_norm():
    assert load_library().topics[0].id == "batch-norm"
