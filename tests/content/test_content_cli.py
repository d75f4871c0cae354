"""``quizapp validate``: one line per problem on stdout, a summary on stderr, exit 0 / 1 / 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from quizapp.cli import main
from quizapp.content import loader

FIXTURES = Path(__file__).parent / "fixtures"

MIXED_LINE = "bad/mixed.yaml:14: card 'mixed-broken': 'answer' 3 is out of range: there are 2 options (count from 1)"


def test_clean_deck_exits_0_and_prints_only_the_summary(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    assert main(["validate", "good"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "1 file, 7 cards, 0 problems\n"


def test_problems_exit_1_with_one_line_each(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    assert main(["validate", "bad/mixed.yaml", "good/deck.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [MIXED_LINE]
    assert err == "2 files, 9 cards, 1 problem\n"


def test_absolute_paths_below_the_working_directory_are_shown_relative(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    assert main(["validate", str(FIXTURES / "bad" / "mixed.yaml")]) == 1
    assert capsys.readouterr().out.splitlines() == [MIXED_LINE]


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
    monkeypatch.chdir(FIXTURES)
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
