"""``quizapp validate``: one line per problem on stdout, a summary on stderr, exit 0 / 1 / 2.

The given decks are checked together with the shipped ones, as the app loads them (here
fixtures/shipped stands in for the shipped decks), and every exercise card is drawn once.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.content import load_library, loader, shipped_content_dir
from quizapp.session import Session
from quizapp.store import Store

FIXTURES = Path(__file__).parent / "fixtures"

MIXED_LINE = "bad/mixed.yaml:14: card 'mixed-broken': 'answer' 3 is out of range: there are 2 options (count from 1)"


@pytest.fixture(autouse=True)
def shipped(monkeypatch):
    monkeypatch.setattr(loader, "shipped_content_dir", lambda: FIXTURES / "shipped")
    monkeypatch.chdir(FIXTURES)


def test_clean_deck_exits_0_and_prints_only_the_summary(capsys):
    assert main(["validate", "good"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "1 file, 7 cards, 0 problems\n"


def test_problems_exit_1_with_one_line_each(capsys):
    assert main(["validate", "bad/mixed.yaml", "good/deck.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [MIXED_LINE]
    assert err == "2 files, 9 cards, 1 problem\n"


def test_absolute_paths_below_the_working_directory_are_shown_relative(capsys):
    assert main(["validate", str(FIXTURES / "bad" / "mixed.yaml")]) == 1
    assert capsys.readouterr().out.splitlines() == [MIXED_LINE]


def test_an_id_taken_by_a_shipped_deck_is_reported(capsys):
    """Issue 14 item 4: ``quizapp validate my-decks/`` checks ids against the shipped decks."""
    assert main(["validate", "clash/"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == ["clash/mine.yaml:11: duplicate id 'shipped-card' (first at shipped/core.yaml:6)"]
    assert err == "1 file, 1 card, 1 problem\n"
    assert main(["--content", "clash", "validate"]) == 1  # the same report either way
    assert capsys.readouterr().out.splitlines() == out.splitlines()


def test_validating_the_shipped_folder_itself_counts_its_files(capsys):
    assert main(["validate", "shipped"]) == 0
    assert capsys.readouterr().err == "1 file, 1 card, 0 problems\n"


def test_a_missing_path_is_a_usage_error(capsys, tmp_path):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"quizapp validate: no such file or folder: {tmp_path / 'nope.yaml'}\n"


def test_a_missing_content_folder_is_a_usage_error(capsys, tmp_path):
    assert main(["--content", str(tmp_path / "gone"), "validate"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_no_path_checks_the_shipped_decks_and_the_content_folders(capsys, monkeypatch):
    monkeypatch.setattr(loader, "shipped_content_dir", lambda: FIXTURES / "good")
    assert main(["validate"]) == 0
    assert capsys.readouterr().err == "1 file, 7 cards, 0 problems\n"

    assert main(["validate", "--content", "duplicates"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "duplicates/second.yaml:12: duplicate id 'shared-id' (first at duplicates/first.yaml:5)",
        "duplicates/second.yaml:22: duplicate id 'twice-here' (first at duplicates/second.yaml:17)",
        "duplicates/third.yaml:2: duplicate topic id 'dup-first' (first at duplicates/first.yaml:1); this file is skipped",
    ]
    assert err == "4 files, 10 cards, 3 problems\n"


def test_python_dash_m_quizapp_validate(tmp_path):
    deck = tmp_path / "deck.yaml"
    deck.write_text(
        "topic: sub\ntitle: T\nsummary: S\ncards:\n"
        "  - {id: ok, kind: flashcard, front: q, back: a, explain: e}\n"
        "  - {id: bad, kind: flashcard, front: q, explian: e}\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "quizapp", "validate", "deck.yaml"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [
        "deck.yaml:6: card 'bad': missing 'explain'",
        "deck.yaml:6: card 'bad': missing 'back'",
        "deck.yaml:6: card 'bad': unknown key 'explian' (did you mean 'explain'?)",
    ]
    assert run.stderr == "1 file, 1 card, 3 problems\n"


def test_the_real_shipped_ids_are_checked_as_the_readme_says(tmp_path):
    """``quizapp validate my-decks/`` in a subprocess, against the decks that really ship."""
    first = sorted(shipped_content_dir().glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8").splitlines()
    line, taken = next((i, m.group(1)) for i, row in enumerate(text, 1) if (m := re.match(r"  - id: (\S+)$", row)))
    (tmp_path / "my-decks").mkdir()
    (tmp_path / "my-decks" / "mine.yaml").write_text(
        f"topic: mine\ntitle: Mine\nsummary: S\ncards:\n  - {{id: {taken}, kind: flashcard, front: q, back: a, explain: e}}\n"
    )
    run = subprocess.run([sys.executable, "-m", "quizapp", "validate", "my-decks/"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [f"my-decks/mine.yaml:5: duplicate id '{taken}' (first at {first}:{line})"]


# --- validation and the study session draw exercises through one path -----------------------------

UNDRAWABLE = """topic: odd-params
title: Odd params
summary: Params a generator refuses, when the deck is read and when it is drawn.
cards:
  - id: sideways
    kind: exercise
    generator: blocks.pre_post_ln
    params: {placement: sideways}
    explain: There is no sideways placement.
  - id: negative-count
    kind: exercise
    generator: fake.mean
    params:
      n: -1
    explain: A whole number, but no count of values.
"""


def test_validate_draws_every_exercise_and_reports_what_studying_would(tmp_path, capsys):
    (tmp_path / "odd.yaml").write_text(UNDRAWABLE)
    assert main(["validate", str(tmp_path / "odd.yaml")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{tmp_path / 'odd.yaml'}:8: card 'sideways': param 'placement' must be one of 'pre', 'post', "
        "not 'sideways'"
    )  # refused for its declared choices when the deck is read
    assert lines[1].startswith(f"{tmp_path / 'odd.yaml'}:10: card 'negative-count': cannot draw exercise: ")
    assert len(lines) == 2  # a whole number, refused only by drawing it

    library = load_library([tmp_path], include_shipped=False)
    with Store.open(tmp_path / "r.db") as store:
        session = Session(library, store, rng=random.Random(3))
        assert session.next() is None  # neither card can be shown
    # word for word what validate said: one from reading the deck, one from drawing the card
    assert [str(problem) for problem in library.problems] + session.problems == lines


def test_validate_draws_the_good_exercises_without_a_problem(capsys):
    assert main(["validate", "good"]) == 0  # fake.mean draws with its params
    capsys.readouterr()


@pytest.mark.timeout(60)
def test_an_alias_bomb_is_refused_by_validate_at_once(capsys):
    assert main(["validate", "bad/alias_bomb.yaml"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "bad/alias_bomb.yaml:10: card 'bomb': 'params' holds more than 10,000 values once its YAML aliases are expanded",
        "bad/alias_bomb.yaml:24: card 'bomb-again': 'params' holds more than 10,000 values once its YAML aliases are expanded",
    ]
