"""``quizapp validate --lint``: warnings about answers that can be read off a card's form.

Each rule is tested on a small deck written here, once where it must fire and once just inside
its limit, where it must stay quiet; the shipped decks must give no warning at all.
"""

from __future__ import annotations

from pathlib import Path

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.cli import main
from quizapp.content import load_paths, loader, shipped_content_dir
from quizapp.content.model import Choice, Topic
from quizapp.content.lint import lint


def _deck(folder: Path, name: str, cards: list[str], topic: str | None = None) -> Path:
    """Write a deck of one-line flow-mapping cards; card i (from 0) is on line 5 + i."""
    path = folder / f"{name}.yaml"
    header = f"topic: {topic or name}\ntitle: T\nsummary: S\ncards:\n"
    path.write_text(header + "".join(f"  - {card}\n" for card in cards))
    return path


def _choice(card_id: str, options: list[str], answer) -> str:
    quoted = ", ".join(f"'{option}'" for option in options)
    return f"{{id: {card_id}, kind: choice, prompt: p, options: [{quoted}], answer: {answer}, explain: e}}"


def _fillers(n: int) -> list[str]:
    """Single-answer cards whose right option is the shorter one, to keep the longest-share quiet."""
    return [_choice(f"filler-{i}", ["ab", "wxyz"], 1) for i in range(n)]


def _tf(card_id: str, answer: bool) -> str:
    return f"{{id: {card_id}, kind: truefalse, statement: s, answer: {str(answer).lower()}, explain: e}}"


def _lint(*paths: Path) -> list[str]:
    library = load_paths(paths)
    assert library.problems == []
    return [str(w) for w in lint(library.topics)]


# --- the right option much longer than the others ------------------------------------------------


def test_a_right_option_13_times_as_long_as_every_other_is_flagged(tmp_path):
    deck = _deck(tmp_path, "ratio", [
        _choice("long-right", ["x" * 13, "y" * 10, "z" * 4], 1),
        _choice("right-longest-by-less", ["x" * 4, "y" * 12, "z" * 10], 2),
    ] + _fillers(6))
    assert _lint(deck) == [
        f"{deck}:5: card 'long-right': the right option is 1.30x as long as any other "
        "(keep it under 1.3x): make the options alike in length",
    ]


def test_a_right_option_just_under_13_times_as_long_is_quiet(tmp_path):
    deck = _deck(tmp_path, "ratio", [
        _choice("nearly", ["x" * 12, "y" * 10], 1),
    ] + _fillers(3))
    assert _lint(deck) == []


def test_whitespace_runs_count_as_one_character(tmp_path):
    """YAML folding and Markdown line breaks must not make an option look longer than it reads."""
    deck = _deck(tmp_path, "spaces", [
        _choice("spaced", ["a     b     c", "abcd"], 1),
    ] + _fillers(3))
    assert _lint(deck) == []


words = st.lists(st.text("abc", min_size=1, max_size=6), min_size=1, max_size=5)


@given(options=st.lists(words, min_size=2, max_size=6), right=st.integers(0, 5), seed=st.randoms())
def test_the_warnings_depend_on_option_lengths_not_on_order_or_spacing(options, right, seed):
    """Shuffling the options (the answer following its text) or widening the spaces changes nothing."""
    right %= len(options)
    texts = [" ".join(option) for option in options]
    card = Choice(id="c", topic="t", explain="e", source="deck.yaml:5", options=tuple(texts), answer=frozenset({right}))
    order = list(range(len(texts)))
    seed.shuffle(order)
    shuffled = dataclasses.replace(
        card,
        options=tuple("   ".join(options[i]) for i in order),
        answer=frozenset({order.index(right)}),
    )
    assert _lint_card(shuffled) == _lint_card(card)
    much_longer = len(texts[right]) >= 1.3 * max(len(t) for i, t in enumerate(texts) if i != right)
    assert any("x as long as any other" in w for w in _lint_card(card)) == much_longer


def _lint_card(card: Choice) -> list[str]:
    return [str(w) for w in lint([Topic(id="t", title="T", summary="S", cards=(card,), source="deck.yaml")])]


# --- the right option the longest too often ------------------------------------------------------


def test_the_right_option_longest_in_more_than_30_percent_lists_every_such_card(tmp_path):
    # 4 of 10 single-answer cards (ties count as longest); the multi-select card is not counted.
    cards = [
        _choice("tie", ["abcd", "wxyz"], 1),
        _choice("longest-1", ["abcde", "wxyz"], 1),
        _choice("longest-2", ["vwxyz", "abcd"], 1),
        _choice("longest-3", ["abcd", "vwxyz", "abc"], 2),
    ] + _fillers(6) + [
        _choice("multi", ["abcdef", "ab", "a", "b"], [1, 2]),
    ]
    deck = _deck(tmp_path, "longest", cards)
    share = "the right option is the longest in 4 of 10 single-answer choice cards (40%; at most 30%)"
    assert _lint(deck) == [
        f"{deck}:5: card 'tie': {share}",
        f"{deck}:6: card 'longest-1': {share}",
        f"{deck}:7: card 'longest-2': {share}",
        f"{deck}:8: card 'longest-3': {share}",
    ]


def test_the_right_option_longest_in_exactly_30_percent_is_quiet(tmp_path):
    cards = [_choice(f"longest-{i}", ["abcde", "wxyz"], 1) for i in range(3)]
    cards += _fillers(7)
    assert _lint(_deck(tmp_path, "longest", cards)) == []


def test_the_right_option_never_longest_in_ten_cards_is_one_warning_for_the_collection(tmp_path):
    deck = _deck(tmp_path, "never", _fillers(10))
    assert _lint(deck) == [
        f"{deck}: the right option is the longest in only 0 of 10 single-answer choice cards "
        "(0%; at least 10%, or avoiding the longest option wins)"
    ]


def test_the_right_option_longest_in_one_of_ten_or_in_smaller_collections_is_quiet(tmp_path):
    one_in_ten = _deck(tmp_path, "one-in-ten", _fillers(9) + [_choice("longest", ["abcde", "wxyz"], 1)])
    nine = _deck(tmp_path, "nine", [_choice(f"nine-{i}", ["ab", "wxyz"], 1) for i in range(9)])
    assert _lint(one_in_ten) == []
    assert _lint(nine) == []


def test_the_shares_are_measured_over_all_decks_together(tmp_path):
    """One deck of only longest-right cards is fine when the collection as a whole is balanced."""
    first = _deck(tmp_path, "first", [_choice("longest", ["abcde", "wxyz"], 1)])
    second = _deck(tmp_path, "second", _fillers(3))
    assert _lint(first) != []
    assert _lint(first, second) == []


# --- multi-select cards where every option but one is right --------------------------------------


def test_all_but_one_in_more_than_a_third_of_multi_select_cards_is_flagged(tmp_path):
    deck = _deck(tmp_path, "multi", [
        _choice("all-but-one", ["a", "b", "c"], [1, 2]),
        _choice("all-but-one-4", ["a", "b", "c", "d"], [1, 3, 4]),
        _choice("half", ["a", "b", "c", "d"], [1, 2]),
        _choice("single", ["a", "bc", "cd"], 1),
    ])
    share = "every option but one is right in 2 of 3 multi-select choice cards (67%; at most 33%)"
    assert _lint(deck) == [
        f"{deck}:5: card 'all-but-one': {share}",
        f"{deck}:6: card 'all-but-one-4': {share}",
    ]


def test_all_but_one_in_exactly_a_third_of_multi_select_cards_is_quiet(tmp_path):
    deck = _deck(tmp_path, "multi", [
        _choice("all-but-one", ["a", "b", "c"], [1, 2]),
        _choice("half-a", ["a", "b", "c", "d"], [1, 2]),
        _choice("half-b", ["a", "b", "c", "d"], [3, 4]),
    ])
    assert _lint(deck) == []


# --- true/false balance ---------------------------------------------------------------------------


@pytest.mark.parametrize("trues, falses", [(3, 7), (7, 3)])
def test_true_statements_outside_40_to_60_percent_are_one_warning_for_the_collection(tmp_path, trues, falses):
    first = _deck(tmp_path, "first", [_tf(f"t-{i}", True) for i in range(trues)] + [_tf("f-0", False)])
    second = _deck(tmp_path, "second", [_tf(f"f-{i}", False) for i in range(1, falses)] + [_tf("t-x", True)])
    total = trues + falses + 1
    assert f"{tmp_path}: {trues + 1} of {total} true/false statements are true " in "\n".join(_lint(first, second))


def test_the_balance_warning_names_no_folder_when_relative_and_absolute_paths_mix(tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    _deck(here, "near", [_tf("near-1", True)])
    far = _deck(tmp_path, "far", [_tf("far-1", True)])
    library = load_paths(["near.yaml", far])
    assert [str(w) for w in lint(library.topics)] == [
        "all decks: 2 of 2 true/false statements are true (100%); keep it between 40% and 60%"
    ]


@pytest.mark.parametrize("trues, falses", [(2, 3), (3, 2), (4, 6), (6, 4)])
def test_true_statements_between_40_and_60_percent_are_quiet(tmp_path, trues, falses):
    deck = _deck(tmp_path, "tf", [_tf(f"t-{i}", True) for i in range(trues)] + [_tf(f"f-{i}", False) for i in range(falses)])
    assert _lint(deck) == []


def test_a_topic_with_three_statements_all_false_is_flagged_at_its_first_statement(tmp_path):
    one_sided = _deck(tmp_path, "one-sided", _fillers(1) + [
        _tf("os-1", False), _tf("os-2", False), _tf("os-3", False),
    ])
    balance = _deck(tmp_path, "balance", [_tf(f"b-{i}", True) for i in range(3)])
    assert _lint(one_sided, balance) == [
        f"{balance}:5: topic 'balance': all 3 true/false statements are true; add the other side",
        f"{one_sided}:6: topic 'one-sided': all 3 true/false statements are false; add the other side",
    ]


def test_a_topic_with_two_statements_or_both_answers_is_quiet(tmp_path):
    two = _deck(tmp_path, "two", [_tf("two-1", False), _tf("two-2", False)])
    mixed = _deck(tmp_path, "mixed", [_tf("m-1", True), _tf("m-2", True), _tf("m-3", False), _tf("m-4", True)])
    assert _lint(two, mixed) == []


# --- the command ------------------------------------------------------------------------------------


@pytest.fixture
def small_shipped(monkeypatch):
    """validate reads the shipped decks too: a small stand-in keeps these tests about the lint."""
    monkeypatch.setattr(loader, "shipped_content_dir", lambda: Path(__file__).parent / "fixtures" / "shipped")


def test_validate_lint_prints_warnings_and_still_exits_0(tmp_path, capsys, monkeypatch, small_shipped):
    monkeypatch.chdir(tmp_path)
    _deck(tmp_path, "ratio", [_choice("long-right", ["x" * 20, "y"], 1)])
    assert main(["validate", "--lint", "ratio.yaml"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "ratio.yaml:5: card 'long-right': the right option is 20.00x as long as any other "
        "(keep it under 1.3x): make the options alike in length",
        "ratio.yaml:5: card 'long-right': the right option is the longest in 1 of 1 single-answer "
        "choice cards (100%; at most 30%)",
    ]
    assert err == "1 file, 1 card, 0 problems, 2 warnings\n"


def test_validate_without_lint_prints_no_warnings(tmp_path, capsys, monkeypatch, small_shipped):
    monkeypatch.chdir(tmp_path)
    _deck(tmp_path, "ratio", [_choice("long-right", ["x" * 20, "y"], 1)])
    assert main(["validate", "ratio.yaml"]) == 0
    assert capsys.readouterr() == ("", "1 file, 1 card, 0 problems\n")


def test_validate_lint_keeps_exit_1_for_problems(tmp_path, capsys, monkeypatch, small_shipped):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("topic: b\ntitle: T\nsummary: S\ncards:\n  - {id: x, kind: flashcard}\n")
    assert main(["validate", "--lint", "broken.yaml"]) == 1
    assert capsys.readouterr().err.endswith("3 problems, 0 warnings\n")


# --- the shipped decks ------------------------------------------------------------------------------


def test_the_shipped_decks_give_no_warning():
    library = load_paths([shipped_content_dir()])
    assert [str(w) for w in lint(library.topics)] == []
