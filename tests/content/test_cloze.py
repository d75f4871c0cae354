"""Cloze cards: the markup, one card per blank number with stable ids, validate's file:line
messages, and how leniently a typed answer is matched."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from quizapp.cli import main
from quizapp.content import load_paths
from quizapp.content.cloze import answer, markup_problems, matches, question, revealed
from quizapp.content.model import ClozeCard
from quizapp.content.records import decode_cards, encode_cards

TEXT = "BatchNorm2d averages over {{c1::N, H and W}} for each {{c2::channel::axis}}, and {{c1::keeps C}}."

DECK = """\
topic: cloze-demo
title: Cloze demo
summary: Blanks.
cards:
  - id: bn-axes
    kind: cloze
    text: "BatchNorm2d averages over {{c1::N, H and W}} for each {{c2::channel}}."
    accept:
      c1: [N H W, the batch and spatial axes]
    explain: One mean per channel.
    tags: [axes]
  - id: no-blank
    kind: cloze
    text: "Nothing is hidden here."
    explain: x
  - id: broken
    kind: cloze
    text: |
      LayerNorm normalizes over {{c1:the features}}.
    explain: x
  - id: empty-and-stray
    kind: cloze
    text: "{{c1::}} and {{c2::x}}"
    accept: {c3: [y]}
    explain: x
  - id: nested
    kind: cloze
    text: "{{c1::a {{c2::b}} c}}"
    explain: x
  - id: bn-axes-c1
    kind: flashcard
    front: f
    back: b
    explain: a flashcard whose id a cloze card already serves
"""


def test_blanks_hidden_shown_and_revealed_by_hand():
    assert question(TEXT, 1) == "BatchNorm2d averages over [...] for each channel, and [...]."
    assert question(TEXT, 2) == "BatchNorm2d averages over N, H and W for each [axis], and keeps C."
    assert answer(TEXT, 1) == "N, H and W, keeps C" and answer(TEXT, 2) == "channel"
    assert revealed(TEXT, 2) == "BatchNorm2d averages over N, H and W for each **channel**, and keeps C."
    assert markup_problems(TEXT) == []


def test_one_card_per_blank_number_with_ids_from_the_entry(tmp_path):
    (tmp_path / "deck.yaml").write_text(DECK.split("  - id: no-blank")[0])
    library = load_paths([tmp_path])
    assert library.problems == []
    first, second = library.cards.values()
    assert (first.id, first.number, first.note, first.answer) == ("bn-axes-c1", 1, "bn-axes", "N, H and W")
    assert first.accept == ("N H W", "the batch and spatial axes") and second.accept == ()
    assert (second.id, second.question) == ("bn-axes-c2", "BatchNorm2d averages over N, H and W for each [...].")
    assert first.tags == ("axes",) and first.auto_graded
    assert decode_cards(encode_cards([first, second]), [first.id, second.id]) == (first, second)


def test_validate_names_each_markup_problem_at_its_line(tmp_path, capsys):
    deck = tmp_path / "deck.yaml"
    deck.write_text(DECK)
    assert main(["validate", str(deck)]) == 1
    out = [line for line in capsys.readouterr().out.splitlines() if line.startswith(str(deck))]
    assert out == [
        f"{deck}:14: card 'no-blank': 'text' has no blank: mark the hidden part as {{{{c1::hidden text}}}}",
        f"{deck}:18: card 'broken': 'text' a broken blank near 'alizes over {{{{c1:the featu': write {{{{c1::hidden text}}}}",
        f"{deck}:23: card 'empty-and-stray': 'text' blank '{{{{c1::}}}}' hides nothing",
        f"{deck}:24: card 'empty-and-stray': 'accept' names 'c3', which is not a blank of the text (its blanks: c1, c2)",
        f"{deck}:28: card 'nested': 'text' blank '{{{{c1::a {{{{c2::b}}}}' holds another blank: blanks cannot nest",
        f"{deck}:28: card 'nested': 'text' a broken blank near ' c}}}}': write {{{{c1::hidden text}}}}",
        f"{deck}:30: duplicate id 'bn-axes-c1' (first at {deck}:5)",
    ]


# -- lenient matching -------------------------------------------------------------------------------


def test_matching_by_hand():
    assert matches("n h and w", "N, H and W")
    assert matches("  N,H  AND W. ", "N, H and W")
    assert matches("pre norm", "pre-norm") and matches("Pre-Norm", "pre norm")
    assert matches("the batch and spatial axes", "N, H and W", ("N H W", "the batch and spatial axes"))
    assert not matches("N and H", "N, H and W")
    assert not matches("-1", "1") and not matches("x^2", "x2") and not matches("1e-3", "1e3")
    assert not matches("", "x") and not matches("...", "x")


WORD = st.text(string.ascii_letters + string.digits, min_size=1, max_size=8)


@given(words=st.lists(WORD, min_size=1, max_size=5), seps=st.lists(st.sampled_from([" ", ", ", "  ", "; ", " (", ") "]), min_size=4, max_size=4))
def test_case_spacing_and_punctuation_around_words_never_matter(words, seps):
    expected = " ".join(words)
    typed = seps[0].strip() + "".join(w.swapcase() + seps[(i + 1) % 4] for i, w in enumerate(words))
    assert matches(typed, expected)


@given(words=st.lists(WORD, min_size=1, max_size=5), extra=st.sampled_from(string.ascii_letters + string.digits))
def test_a_changed_word_never_matches(words, extra):
    expected = " ".join(words)
    assert not matches(expected + extra, expected)
    assert not matches(" ".join(words[:-1]), expected)


def test_a_cloze_card_from_the_model_needs_no_deck():
    card = ClozeCard(id="x-c2", topic="t", explain="e", text=TEXT, number=2, note="x")
    assert card.question.endswith("[axis], and keeps C.") and card.answer == "channel"
    assert card.title == card.question
