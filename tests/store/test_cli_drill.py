"""``quizapp study --plain``, ``quizapp stats`` and ``quizapp where`` as a user runs them."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.cli.plain_session import PlainDrill
from quizapp.session import Session
from quizapp.store import Store

from .store_helpers import choice, code, exercise, flash, library, topic, truefalse

FIXTURE_DECK = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def run_plain(lib, store, clock, text: str, **kwargs) -> str:
    session = Session(lib, store, now=clock, tz=timezone.utc, rng=random.Random(3), **kwargs)
    out = io.StringIO()
    assert PlainDrill(session, io.StringIO(text), out).run() == 0
    return out.getvalue()


def test_flashcard_reveal_then_grade_with_intervals(store, clock):
    lib = library(topic("alpha", [flash("f1"), flash("f2")]))
    out = run_plain(lib, store, clock, "\n3\n\n4\n")
    assert "Q: front of f1" in out and "A: back of f1" in out
    assert "1 again (1m)  2 hard (6m)  3 good (10m)  4 easy (" in out
    assert "saved: f1 good, next in 10m." in out and "saved: f2 easy" in out
    assert "Session: 2 reviewed (2 right, 0 wrong), 2 new" in out
    assert store.review_count() == 2


def test_choice_truefalse_and_hints_for_unusable_lines(store, clock):
    lib = library(topic("alpha", [choice("c", answer=(0,)), truefalse("t", answer=False)]))
    session_text = "7\nbanana\n\n{pick}\n\nmaybe\nf\n"  # the empty line keeps the grade
    probe = Session(lib, store, now=clock, tz=timezone.utc, rng=random.Random(3)).next()
    right = probe.correct_positions[0] + 1
    out = run_plain(lib, store, clock, session_text.format(pick=right))
    assert "there is no option 7; pick 1-4" in out
    assert "type option numbers 1-4" in out
    assert "Type an answer" in out
    assert "answer t (true) or f (false)" in out
    assert "saved: c good" in out and "saved: t good" in out
    assert store.review_count() == 2


def test_exercise_matrix_rows_one_per_line(store, clock, generators):
    lib = library(topic("alpha", [exercise("m", generator="test.pair"), exercise("s")]))
    session = Session(lib, store, now=clock, tz=timezone.utc, rng=random.Random(3))
    first = session.next()
    a, b = first.exercise.inputs["a"], first.exercise.inputs["b"]
    typed = f"{a} {b}\n{b} {a}\n\n0\n"  # the 2x2 answer ends after its second row; Enter keeps Good
    out = run_plain(lib, store, clock, typed)
    assert "saved: m good" in out
    assert "saved: s again" in out  # 0 is never a + b with a, b >= 1
    assert "Expected:" in out and "Worked steps:" in out
    assert [r.answer for r in reversed(store.reviews())] == [f"{a} {b}\n{b} {a}", "0"]


def test_undo_shows_the_card_again_and_removes_the_review(store, clock):
    lib = library(topic("alpha", [flash("f1"), flash("f2")]))
    out = run_plain(lib, store, clock, "\n1\nu\n\n4\nq\n")
    assert out.count("Q: front of f1") == 2
    assert "Undone: the last card comes back." in out
    assert [r.rating for r in store.reviews()] == [4]


def test_quit_and_end_of_input_print_the_summary(store, clock):
    lib = library(topic("alpha", [flash("f1"), flash("f2")]))
    assert "Session: 0 reviewed" in run_plain(lib, store, clock, "q\n")
    assert "Session: 1 reviewed" in run_plain(lib, store, clock, "\n3\n")  # EOF mid-session


def test_help_skip_and_bury(store, clock):
    lib = library(topic("alpha", [flash("f1"), flash("f2"), flash("f3")]))
    out = run_plain(lib, store, clock, "?\ns\nb\n\n4\n\n4\n")
    assert "keys:" in out and "Skipped" in out and "Buried until tomorrow" in out
    saved = [line.split()[1] for line in out.splitlines() if line.startswith("saved:")]
    assert saved == ["f3", "f1"]  # f1 skipped to the back, f2 buried


def test_nothing_to_study(store, clock):
    out = run_plain(library(topic("alpha", [])), store, clock, "")
    assert "Nothing to study now." in out


# -- through main() -----------------------------------------------------------------------------


def drill(db: Path, *args: str, stdin: str = "", capsys=None, monkeypatch=None) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--db", str(db), "--content", str(FIXTURE_DECK), "study", *args])


def test_drill_command_on_a_topic(tmp_path, capsys, monkeypatch):
    db = tmp_path / "q.db"
    code = drill(db, "plain-test", "--plain", stdin="\n3\n1\n\nt\n", capsys=capsys, monkeypatch=monkeypatch)
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("saved: pt-") == 3
    with Store.open(db) as store:
        assert {r.card_id for r in store.reviews()} == {"pt-flash", "pt-choice", "pt-true"}


def test_drill_by_tag_and_limit(tmp_path, capsys, monkeypatch):
    db = tmp_path / "q.db"
    assert drill(db, "plain-test", "--tag", "axes", stdin="\n4\n", capsys=capsys, monkeypatch=monkeypatch) == 0
    assert capsys.readouterr().out.count("saved:") == 1
    assert drill(db, "plain-test", "--limit", "1", stdin="t\n", capsys=capsys, monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    assert out.count("\n[") == 1  # one card header: pt-flash is done, pt-choice is the limit
    assert "Studying 1 new, 0 learning, 0 to review." in out


def test_drill_usage_errors(tmp_path, capsys, monkeypatch):
    db = tmp_path / "q.db"
    assert drill(db, "plain-tset", capsys=capsys, monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err
    assert "unknown topic or card 'plain-tset'; did you mean plain-test" in err
    with pytest.raises(SystemExit) as info:
        drill(db, "--limit", "0", capsys=capsys, monkeypatch=monkeypatch)
    assert info.value.code == 2


@pytest.mark.parametrize("command", [["study", "--plain"], ["stats"]])
def test_a_corrupt_database_is_exit_1_and_untouched(tmp_path, capsys, command):
    db = tmp_path / "q.db"
    db.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    before = db.read_bytes()
    assert main(["--db", str(db), *command]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(db) in err and "not a quizapp database" in err
    assert db.read_bytes() == before


def test_a_directory_as_database_is_exit_1(tmp_path, capsys):
    assert main(["--db", str(tmp_path), "stats"]) == 1
    assert "is a folder, not a database file" in capsys.readouterr().err


def test_stats_command_prints_every_section(tmp_path, capsys, monkeypatch):
    db = tmp_path / "q.db"
    drill(db, "plain-test", stdin="\n3\n1\n\nt\n", capsys=capsys, monkeypatch=monkeypatch)
    capsys.readouterr()
    assert main(["--db", str(db), "--content", str(FIXTURE_DECK), "stats"]) == 0
    out = capsys.readouterr().out
    for heading in ("Reviews in the last 30 days: 3", "Cards:", "Due in the next 14 days",
                    "Mastery by topic", "Plain test deck", "misconceptions"):
        assert heading in out
    assert main(["--db", str(db), "--content", str(FIXTURE_DECK), "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reviewed_30d"] == 3 and len(data["forecast"]) == 14
    assert any(t["id"] == "plain-test" and t["cards"] == 3 for t in data["topics"])


def test_where_prints_the_database_and_content(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QUIZAPP_DB", str(tmp_path / "env.db"))
    assert main(["where"]) == 0
    out = capsys.readouterr().out
    assert f"database: {tmp_path / 'env.db'}  (from QUIZAPP_DB, not created yet)" in out
    assert "content:" in out
    assert main(["--db", str(tmp_path / "flag.db"), "where"]) == 0
    assert "(from --db" in capsys.readouterr().out
    monkeypatch.delenv("QUIZAPP_DB")
    assert main(["where"]) == 0
    assert "quizapp.db  (the default" in capsys.readouterr().out


def test_the_console_entry_point_runs_drill_from_a_pipe(tmp_path):
    db = tmp_path / "q.db"
    proc = subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(db), "--content", str(FIXTURE_DECK),
         "study", "plain-test"],
        input="\n3\nq\n", capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert "saved: pt-flash good" in proc.stdout


def test_exercise_matrix_on_one_line_and_a_short_answer(store, clock, generators):
    lib = library(topic("alpha", [exercise("m1", generator="test.pair"), exercise("m2", generator="test.pair")]))
    session = Session(lib, store, now=clock, tz=timezone.utc, rng=random.Random(3))
    a, b = (session.next().exercise.inputs[k] for k in ("a", "b"))
    # m1 on one bracketed line; m2: one row, then an empty line ends the answer early (wrong shape)
    out = run_plain(lib, store, clock, f"[{a}, {b}; {b}, {a}]\n\n1 2\n\n")
    assert "saved: m1 good" in out and "saved: m2 again" in out
    assert "expected 2x2" in out


def test_code_card_in_plain_mode(store, clock):
    from quizapp.grading import Check

    def checker(presented, text):
        return Check("return" in text, "2 of 2 cases pass" if "return" in text else "case 1 fails", "", text)

    lib = library(topic("alpha", [code("c1")]))
    session = Session(lib, store, now=clock, tz=timezone.utc, rng=random.Random(3), checkers={"code": checker})
    out = io.StringIO()
    PlainDrill(session, io.StringIO("def f(x):\n    return x\n.\n"), out).run()
    text = out.getvalue()
    assert "a line with only . finishes" in text and "2 of 2 cases pass" in text
    assert "saved: c1 good" in text and "Answer:" not in text
    assert store.load_code("c1") == "def f(x):\n    return x"


# -- changing the suggested grade ---------------------------------------------------------------


def test_the_suggested_grade_is_shown_with_every_interval_and_enter_keeps_it(store, clock):
    lib = library(topic("alpha", [truefalse("t1", answer=True), truefalse("t2", answer=True)]))
    out = run_plain(lib, store, clock, "t\n\nf\n\n")
    # A new card under FSRS's defaults: Again 1m, Hard 5.5m (shown 6m), Good 10m, Easy ~8 days.
    assert "Grade: 1 again (1m)  2 hard (6m)  [3 good (10m)]  4 easy (" in out
    assert "- Enter keeps good, 1-4 changes it" in out
    assert "Grade: [1 again (1m)]  2 hard (6m)  3 good (10m)" in out and "Enter keeps again" in out
    assert [(r.card_id, r.correct, r.rating) for r in reversed(store.reviews())] == [("t1", True, 3), ("t2", False, 1)]


def test_a_digit_after_the_verdict_changes_the_grade_and_the_schedule(store, clock):
    lib = library(topic("alpha", [truefalse("t1", answer=True), truefalse("t2", answer=True)]))
    out = run_plain(lib, store, clock, "t\n2\nf\nhard\n")
    assert "saved: t1 good, next in 10m." in out and "saved: t1 hard, next in 6m." in out
    assert "saved: t2 again, next in 1m." in out and "saved: t2 hard, next in 6m." in out
    logged = {r.card_id: (r.correct, r.rating) for r in store.reviews()}
    assert logged == {"t1": (True, 2), "t2": (False, 2)}
    assert store.review_count() == 2
    assert store.state("t1").due == clock.t + timedelta(minutes=5.5)


def test_at_the_grade_prompt_undo_works_and_other_lines_are_explained(store, clock):
    lib = library(topic("alpha", [truefalse("t1", answer=True)]))
    out = run_plain(lib, store, clock, "t\ns\nzz\nu\nq\n")  # skip needs a card shown: explained too
    assert out.count("Enter keeps good; 1-4 changes the grade; u undoes it, q quits.") == 2
    assert "Undone: the last card comes back." in out
    assert store.state("t1").is_new and store.reviews() == []


def test_regrade_in_plain_mode_through_the_command(tmp_path):
    """A real process on a pipe: the choice's suggested grade is changed to easy, the true/false
    one kept; the log holds each result and the grade that was finally given."""
    db = tmp_path / "q.db"
    proc = subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(db), "--content", str(FIXTURE_DECK),
         "drill", "plain-test", "--plain"],
        input="\n3\n1\n4\nt\n\n", capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert "saved: pt-choice easy" in proc.stdout and "Grade: " in proc.stdout
    with Store.open(db) as store:
        logged = {r.card_id: r for r in store.reviews()}
    assert logged["pt-choice"].rating == 4 and logged["pt-choice"].correct is not None
    kept = logged["pt-true"]
    assert kept.rating == (3 if kept.correct else 1)
