"""The optional ``concept`` key: a lowercase id that ties cards into a mock interview's chain.

Read like every other key (one line at the value's line when it is wrong), kept by the deck cache,
and ``validate --lint`` warns about a concept that only one card names.
"""

from __future__ import annotations

from pathlib import Path

from quizapp.cli import main
from quizapp.content import load_file, load_paths, loader
from quizapp.content.lint import lint
from quizapp.content.records import decode_cards, encode_cards


def _deck(path: Path, *cards: str) -> Path:
    path.write_text("topic: t\ntitle: T\nsummary: S\ncards:\n" + "".join(f"  - {card}\n" for card in cards))
    return path


def _flash(card_id: str, concept: str | None = None) -> str:
    extra = f", concept: {concept}" if concept is not None else ""
    return f"{{id: {card_id}, kind: flashcard, front: q, back: a, explain: e{extra}}}"


def test_a_concept_is_read_onto_the_card_and_defaults_to_none(tmp_path):
    topic, problems = load_file(_deck(tmp_path / "d.yaml", _flash("a", "bn-eval"), _flash("b")))
    assert problems == []
    assert [card.concept for card in topic.cards] == ["bn-eval", ""]


def test_a_concept_that_is_not_a_lowercase_id_is_refused_at_its_line(tmp_path):
    path = _deck(tmp_path / "d.yaml", _flash("ok", "fine"), _flash("upper", "BN-Eval"), _flash("listed", "[a, b]"))
    topic, problems = load_file(path)
    assert [(p.line, p.message) for p in problems] == [
        (6, "card 'upper': 'concept' 'BN-Eval' may use only lowercase letters, digits, '-', '.' and '_'"),
        (7, "card 'listed': 'concept' must be text, not a list"),
    ]
    assert [card.id for card in topic.cards] == ["ok"]


def test_the_deck_cache_keeps_the_concept(tmp_path):
    topic, _ = load_file(_deck(tmp_path / "d.yaml", _flash("a", "bn-eval"), _flash("b")))
    again = decode_cards(encode_cards(topic.cards), [card.id for card in topic.cards])
    assert again == topic.cards and again[0].concept == "bn-eval"


def test_lint_warns_about_a_concept_only_one_card_names(tmp_path):
    path = _deck(tmp_path / "d.yaml", _flash("a", "shared"), _flash("b", "shared"), _flash("c", "lonely"))
    warnings = [str(w) for w in lint(load_paths([path]).topics)]
    assert warnings == [
        f"{path}:7: card 'c': concept 'lonely' is used by this card only: "
        "a mock interview chains two or more cards of a concept"
    ]


def test_validate_lint_prints_the_warning_and_still_exits_0(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(loader, "shipped_content_dir", lambda: Path(__file__).parent / "fixtures" / "shipped")
    monkeypatch.chdir(tmp_path)
    _deck(tmp_path / "d.yaml", _flash("lone-card", "lonely"))
    assert main(["validate", "--lint", "d.yaml"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "d.yaml:5: card 'lone-card': concept 'lonely' is used by this card only: "
        "a mock interview chains two or more cards of a concept"
    ]
    assert err == "1 file, 1 card, 0 problems, 1 warning\n"
