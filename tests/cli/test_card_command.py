"""``quizapp card ID [show|suspend|unsuspend|unbury|reset]``: one line each, one transaction each;
a reset asks first (or takes --yes) and keeps the review log."""

from __future__ import annotations

import sys

import pytest

from quizapp.cli import main
from quizapp.store import Store

from .support import DECK, TerminalInput, quizapp, reviewed


def _state(db):
    with Store.open(db) as store:
        return store.state("cli-flash")


def test_suspend_takes_a_card_out_of_sessions_and_unsuspend_puts_it_back(tmp_path):
    db = tmp_path / "r.db"
    done = quizapp(db, "card", "cli-flash", "suspend")
    assert done.returncode == 0
    assert done.stdout == "Suspended cli-flash: no session shows it until `quizapp card cli-flash unsuspend`.\n"
    assert "Studying 3 new" in quizapp(db, "study", "cli-test", stdin="q\n").stdout
    assert quizapp(db, "card", "cli-flash", "suspend").stdout == "cli-flash was already suspended.\n"
    assert quizapp(db, "card", "cli-flash").stdout == "cli-flash: new; 0 reviews logged, 0 lapses; suspended\n"
    assert quizapp(db, "card", "cli-flash", "unsuspend").stdout == "Unsuspended cli-flash: it is back in the queue.\n"
    assert "Studying 4 new" in quizapp(db, "study", "cli-test", stdin="q\n").stdout
    assert quizapp(db, "card", "cli-flash", "unsuspend").stdout == "cli-flash was not suspended.\n"


def test_unbury_brings_a_buried_card_back_today(tmp_path):
    db = tmp_path / "r.db"
    quizapp(db, "study", "cli-flash", stdin="b\n")
    assert _state(db).buried_until is not None
    assert quizapp(db, "card", "cli-flash", "unbury").stdout == "Unburied cli-flash: it can be studied today.\n"
    assert _state(db).buried_until is None
    assert "[1] CLI test deck, flashcard, new (cli-flash)" in quizapp(db, "study", "cli-test", stdin="q\n").stdout
    assert quizapp(db, "card", "cli-flash", "unbury").stdout == "cli-flash was not buried.\n"


def test_reset_needs_a_confirmation_and_keeps_the_review_log(tmp_path):
    db = tmp_path / "r.db"
    quizapp(db, "study", "cli-flash", stdin="\n4\n")
    before = _state(db)
    assert before.state != 0 and before.reps == 1
    refused = quizapp(db, "card", "cli-flash", "reset")  # piped: no terminal to ask on
    assert refused.returncode == 2
    assert refused.stderr == "quizapp card: reset asks for a confirmation; without a terminal, add --yes\n"
    assert _state(db) == before
    done = quizapp(db, "card", "cli-flash", "reset", "--yes")
    assert done.returncode == 0
    assert done.stdout == "Reset cli-flash to new; its 1 review stays in the log.\n"
    after = _state(db)
    assert after.is_new and after.due is None and after.reps == 0 and after.stability is None
    assert reviewed(db) == [("cli-flash", 4)]
    assert "Studying 4 new" in quizapp(db, "study", "cli-test", stdin="q\n").stdout
    assert quizapp(db, "card", "cli-flash", "reset").stdout == "cli-flash is new already: nothing to reset.\n"


@pytest.mark.parametrize(("typed", "code", "reset"), [("y\n", 0, True), ("n\n", 1, False), ("", 1, False)])
def test_reset_in_a_terminal_asks(tmp_path, monkeypatch, capsys, typed, code, reset):
    db = tmp_path / "r.db"
    quizapp(db, "study", "cli-flash", stdin="\n4\n")
    monkeypatch.setattr(sys, "stdin", TerminalInput(typed))
    monkeypatch.setattr("quizapp.cli.card.isatty", lambda stream: True)
    assert main(["--db", str(db), "--content", str(DECK), "card", "cli-flash", "reset"]) == code
    out = capsys.readouterr().out
    assert out.startswith("cli-flash: review; due in ")
    assert "Reset cli-flash to new, forgetting its schedule (its reviews stay in the log)? [y/N] " in out
    assert _state(db).is_new is reset
    assert ("Nothing changed." in out) is not reset


def test_an_unknown_card_names_close_ids(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "r.db"), "--content", str(DECK), "card", "cli-flsh", "suspend"]) == 2
    assert capsys.readouterr().err == "quizapp card: unknown card 'cli-flsh'; did you mean cli-flash, cli-flash-two, cli-tf?\n"
