"""``quizapp study`` and ``quizapp code``: the two jobs ``drill`` used to share (issue 14, items 3
and 15), ``drill`` kept as an alias that says which it ran, and every id-taking command naming the
command that takes an id of another kind."""

from __future__ import annotations

import pytest

from quizapp.cli import main

from .support import DECK, quizapp, reviewed

LAYER_NORM = """\
import numpy as np

def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta
.
"""


def test_drill_on_a_coding_task_studies_its_card_and_says_it_ran_code(tmp_path):
    """Item 3: `quizapp drill layer_norm` (a task from `drill --list`) said "unknown topic or card"."""
    db = tmp_path / "r.db"
    proc = quizapp(db, "drill", "layer_norm", stdin=LAYER_NORM)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[0] == "quizapp drill: running `quizapp code layer_norm` (drill is now `study` and `code`)"
    assert "saved: ln-code-forward good" in proc.stdout
    assert reviewed(db) == [("ln-code-forward", 3)]


def test_code_takes_a_task_or_its_card_and_study_takes_topics_and_cards(tmp_path):
    db = tmp_path / "r.db"
    by_card = quizapp(db, "code", "ln-code-forward", "--starter")
    assert by_card.returncode == 0 and "def layer_norm(x, gamma, beta, eps=1e-5):" in by_card.stdout
    studied = quizapp(db, "study", "cli-flash", stdin="\n4\n")
    assert studied.returncode == 0, studied.stderr
    assert studied.stderr == "" and "saved: cli-flash easy" in studied.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["study", "layer_norm"], "quizapp study: layer_norm is a coding task: quizapp code layer_norm"),
        (["study", "dropout.inverted_forward"],
         "quizapp study: dropout.inverted_forward is an exercise generator: quizapp exercise dropout.inverted_forward"),
        (["code", "layer-norm"], "quizapp code: layer-norm is a topic: quizapp study layer-norm"),
        (["code", "cli-flash"], "quizapp code: cli-flash is a card: quizapp study cli-flash"),
        (["exercise", "layer_norm"], "quizapp exercise: layer_norm is a coding task: quizapp code layer_norm"),
        (["exercise", "cli-test"], "quizapp exercise: cli-test is a topic: quizapp study cli-test"),
        (["card", "layer-norm"], "quizapp card: layer-norm is a topic: quizapp study layer-norm"),
    ],
)
def test_an_id_of_another_kind_names_the_command_that_takes_it(tmp_path, capsys, args, message):
    assert main(["--db", str(tmp_path / "r.db"), "--content", str(DECK), *args]) == 2
    assert capsys.readouterr().err.strip() == message
    assert not (tmp_path / "r.db").exists() or reviewed(tmp_path / "r.db") == []


def test_an_unknown_id_lists_close_ids_of_every_kind(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "r.db"), "study", "layer-nrom"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("quizapp study: unknown topic or card 'layer-nrom'; did you mean layer-norm")
    assert "layer_norm (quizapp code layer_norm)" in err
    assert main(["code", "layer_nrom"]) == 2
    assert capsys.readouterr().err.startswith("quizapp code: unknown coding task 'layer_nrom'; did you mean layer_norm")


def test_drill_runs_study_for_topics_and_cards_and_code_for_coding_options(tmp_path):
    db = tmp_path / "r.db"
    topic = quizapp(db, "drill", "cli-test", "--tag", "cli-axes", stdin="\n3\n")
    assert topic.returncode == 0
    assert topic.stderr.strip() == "quizapp drill: running `quizapp study cli-test` (drill is now `study` and `code`)"
    assert reviewed(db) == [("cli-flash", 3)]
    listed = quizapp(db, "drill", "--list")
    assert listed.returncode == 0 and any(line.startswith("layer_norm ") for line in listed.stdout.splitlines())
    assert listed.stderr.strip() == "quizapp drill: running `quizapp code` (drill is now `study` and `code`)"


def test_mixup_is_a_topic_and_a_task_study_and_code_each_take_their_own(tmp_path):
    db = tmp_path / "r.db"
    studied = quizapp(db, "drill", "mixup", "--limit", "1", stdin="q\n")
    assert "running `quizapp study mixup`" in studied.stderr and "[1] MixUp" in studied.stdout
    coded = quizapp(db, "code", "mixup", "--starter")
    assert coded.returncode == 0 and "def mixup(" in coded.stdout


def test_code_usage_errors(tmp_path, capsys):
    assert main(["code", "--starter"]) == 2
    assert "give a task" in capsys.readouterr().err
    assert main(["code", "layer_norm", "--check-only"]) == 2
    assert "--check-only goes with --file" in capsys.readouterr().err
    assert main(["drill", "layer_norm", "rms_norm", "--starter"]) == 2
    assert "give one coding task" in capsys.readouterr().err
    assert main(["code"]) == 0  # the list
    assert "batch_norm_train " in capsys.readouterr().out
