"""An answer that cannot be read is never graded and reveals nothing (issue 14, item 6): `quizapp
exercise` from a pipe exits 2 with the parse error, in a terminal it asks again; `quizapp study
--plain` asks again and, at the end of input, quits without a grade."""

from __future__ import annotations

import io
import sys

import pytest

from quizapp.cli import main

from .support import TerminalInput, quizapp, reviewed

#: `quizapp exercise dropout.inverted_forward --seed 7` asks for nn.Dropout(p=0.8) in training
#: mode on x = [3, 3, 5, 2, 4] with the mask [0, 0, 0, 1, 0]: the one kept unit is scaled by
#: 1 / (1 - 0.8) = 5, so the answer is [0, 0, 0, 2 * 5, 0] (worked by hand from the prompt).
SEED_7 = ["dropout.inverted_forward", "--seed", "7"]
PROMPT_7 = "x = `[3, 3, 5, 2, 4]`, mask = `[0, 0, 0, 1, 0]`"
RIGHT_7 = "0 0 0 10 0"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "quizapp exercise: no answer was given; nothing is revealed"),
        ("abc\n", "quizapp exercise: could not read the answer: col 1: unknown name 'abc'"),
        ("1,2;3\n", "quizapp exercise: could not read the answer: col 5: row 2 has 1 number, row 1 has 2"),
    ],
)
def test_piped_unreadable_answer_exits_2_and_reveals_nothing(tmp_path, typed, says):
    proc = quizapp(tmp_path / "r.db", "exercise", *SEED_7, stdin=typed)
    assert proc.returncode == 2
    assert PROMPT_7 in proc.stdout
    for revealed in ("Not quite", "Expected", "Worked steps", "Correct"):
        assert revealed not in proc.stdout
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(says)


def test_in_a_terminal_an_unreadable_answer_is_asked_again(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", TerminalInput(f"abc\n\n1,2;3\n\n{RIGHT_7}\n\n"))
    assert main(["exercise", *SEED_7]) == 0
    out = capsys.readouterr().out
    assert out.count("Your answer (end with an empty line):") == 3
    assert "Could not read the answer: col 1: unknown name 'abc'" in out
    assert "Could not read the answer: col 5: row 2 has 1 number, row 1 has 2. Try again." in out
    assert "Not quite" not in out
    assert out.count("Expected: [0, 0, 0, 10, 0]") == 1 and "Correct." in out


def test_a_readable_wrong_answer_is_still_graded_and_explained(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("0 0 0 2 0\n"))
    assert main(["exercise", *SEED_7]) == 1
    out = capsys.readouterr().out
    assert "Not quite" in out and "Expected: [0, 0, 0, 10, 0]" in out


def test_plain_study_asks_again_and_quits_at_end_of_input_without_a_grade(tmp_path):
    db = tmp_path / "r.db"
    proc = quizapp(db, "study", "cli-exercise", stdin="\nabc\n1,2;3\n")
    assert proc.returncode == 0, proc.stderr
    assert "Type an answer (or ? for keys, q to quit)." in proc.stdout
    assert "Could not use that: could not read the answer: col 1: unknown name 'abc' (known: sqrt" in proc.stdout
    assert "Could not use that: could not read the answer: col 5: row 2 has 1 number, row 1 has 2. Try again." in proc.stdout
    for revealed in ("Not quite", "Expected", "Worked steps", "saved:"):
        assert revealed not in proc.stdout
    assert "Session: 0 reviewed" in proc.stdout
    assert reviewed(db) == []
