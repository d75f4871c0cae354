"""Coding drills and misconception sessions from the command line, as a user runs them.

    quizapp code --list
    quizapp code batch_norm_train --starter > bn.py       # then write the function
    quizapp code batch_norm_train --file bn.py            # checked, and the card graded
    quizapp study --teaches unbiased_variance --plain     # the cards that correct a belief
"""

from __future__ import annotations

import io
import re
import textwrap

import pytest

from quizapp.cli import main
from quizapp.store import Store

RIGHT = textwrap.dedent(
    """
    import numpy as np

    def batch_norm_train(x, gamma, beta, eps=1e-5):
        mean = x.mean(axis=0)
        var = ((x - mean) ** 2).mean(axis=0)          # biased: divide by N
        return gamma * (x - mean) / np.sqrt(var + eps) + beta
    """
)
UNBIASED = RIGHT.replace("((x - mean) ** 2).mean(axis=0)", "x.var(axis=0, ddof=1)")


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "reviews.db")


def _reviews(db):
    with Store.open(db) as store:
        return [(r.card_id, r.correct) for r in store.reviews()]


def test_list_names_every_drill(capsys):
    assert main(["code", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 15
    assert any(line.startswith("batch_norm_train ") for line in lines)


def test_starter_is_a_function_to_fill_in(capsys):
    assert main(["code", "batch_norm_train", "--starter"]) == 0
    out = capsys.readouterr().out
    assert "def batch_norm_train(" in out and "raise NotImplementedError" in out
    compile(out, "starter.py", "exec")  # a valid Python file to start from


def test_a_right_file_passes_and_grades_the_card(tmp_path, db, capsys):
    path = tmp_path / "bn.py"
    path.write_text(RIGHT)
    assert main(["--db", db, "code", "batch_norm_train", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "saved: bn-code-train graded good" in out
    assert _reviews(db) == [("bn-code-train", True)]


def test_a_wrong_file_gets_the_hint_and_is_graded_again(tmp_path, db, capsys):
    path = tmp_path / "bn.py"
    path.write_text(UNBIASED)
    assert main(["--db", db, "code", "batch_norm_train", "--file", str(path)]) == 1
    out = capsys.readouterr().out
    assert "unbiased variance" in out
    assert "graded again" in out
    assert _reviews(db) == [("bn-code-train", False)]


def test_check_only_records_nothing(tmp_path, db, capsys):
    path = tmp_path / "bn.py"
    path.write_text(RIGHT)
    assert main(["--db", db, "code", "batch_norm_train", "--file", str(path), "--check-only"]) == 0
    assert "PASS" in capsys.readouterr().out.upper()
    assert _reviews(db) == []


def test_usage_errors_say_what_and_exit_2(tmp_path, db, capsys):
    assert main(["--db", db, "code", "batch_norm_trian", "--starter"]) == 2
    assert "did you mean batch_norm_train" in capsys.readouterr().err
    assert main(["--db", db, "code", "batch_norm_train", "--file", str(tmp_path / "missing.py")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["--db", db, "study", "--teaches", "unbiased_varianc"]) == 2
    assert "did you mean unbiased_variance" in capsys.readouterr().err


def test_teaches_studies_exactly_the_cards_that_correct_the_belief(db, monkeypatch, capsys):
    from quizapp.content import load_library

    teaching = {c.id for c in load_library().cards.values() if "unbiased_variance" in c.teaches}
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--db", db, "study", "--teaches", "unbiased_variance", "--plain"]) == 0
    out = capsys.readouterr().out
    first = next(line for line in out.splitlines() if line.startswith("[1]"))
    assert re.search(r"\(([a-z0-9.-]+)\)\.", first).group(1) in teaching
    assert f"Studying {len(teaching)} new" in out
