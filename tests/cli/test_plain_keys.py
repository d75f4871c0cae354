"""Plain mode takes the app's keys for the same actions (issue 14, item 14): ``b`` and ``!`` bury,
``t``/``1`` and ``f``/``2`` answer a true/false, ``?`` lists the keys; and a ``--tag`` no card has
is a usage error naming the tags, not an empty session."""

from __future__ import annotations

from textual.binding import Binding
from textual.keys import key_to_character

from quizapp.cli.plain_session import COMMANDS, TRUEFALSE_KEYS
from quizapp.content.model import TrueFalse
from quizapp.grading import Shown, check_truefalse
from quizapp.store import Store
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.widgets.truefalse import TrueFalseView

from .support import quizapp, reviewed


def _typed_keys(cls: type, action: str) -> set[str]:
    """The keys of ``cls``'s bindings for ``action`` that a person can type on a line."""
    keys = set()
    for binding in Binding.make_bindings(cls.BINDINGS):
        char = key_to_character(binding.key)
        if binding.action == action and char is not None and char.isprintable():
            keys.add(char)
    return keys


def test_every_typeable_key_of_the_app_does_the_same_in_plain_mode():
    for tui_action, plain_action in [("bury", "bury"), ("undo", "undo"), ("skip", "skip"), ("leave", "quit")]:
        keys = _typed_keys(StudyScreen, tui_action)
        assert keys, tui_action
        assert {COMMANDS.get(key) for key in keys} == {plain_action}, tui_action
    assert {COMMANDS.get(key) for key in _typed_keys(QuizApp, "help")} == {"help"}
    assert {"b", "!"} <= {key for key, action in COMMANDS.items() if action == "bury"}
    for value, action in [(True, "pick(True)"), (False, "pick(False)")]:
        keys = _typed_keys(TrueFalseView, action)
        assert {"t", "1"} <= keys if value else {"f", "2"} <= keys
        for key in keys:
            assert _plain_truefalse(key) is value, key


def _plain_truefalse(key: str) -> bool:
    """What plain mode answers when ``key`` is typed for a true/false card whose answer is True."""
    card = TrueFalse(id="c", topic="t", explain="", statement="s", answer=True)
    return check_truefalse(Shown(card=card, seed=0), TRUEFALSE_KEYS.get(key, key)).correct


def test_b_and_bang_both_bury_and_the_question_mark_lists_the_keys(tmp_path):
    db = tmp_path / "r.db"
    proc = quizapp(db, "study", "cli-flash", "cli-flash-two", stdin="?\nb\n!\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("Buried until tomorrow.") == 2
    assert "keys: Enter shows the answer; then 1 again, 2 hard, 3 good (or Enter), 4 easy" in proc.stdout
    assert "b or ! buries until tomorrow" in proc.stdout
    with Store.open(db) as store:
        assert store.state("cli-flash").buried_until is not None
        assert store.state("cli-flash-two").buried_until is not None


def test_one_and_two_answer_a_true_false_card(tmp_path):
    db = tmp_path / "r.db"
    proc = quizapp(db, "study", "cli-tf", stdin="?\n1\nu\n2\n")
    assert proc.returncode == 0, proc.stderr
    assert "(t or 1 for true, f or 2 for false)" in proc.stdout
    assert "keys: t or 1 for true, f or 2 for false" in proc.stdout
    assert "saved: cli-tf good" in proc.stdout and "saved: cli-tf again" in proc.stdout  # it is true
    assert reviewed(db) == [("cli-tf", 1)]  # the first grade was undone


def test_enter_after_a_flashcard_answer_grades_good_as_in_the_app(tmp_path):
    db = tmp_path / "r.db"
    proc = quizapp(db, "study", "cli-flash", stdin="\n\n")
    assert "(Enter: good)" in proc.stdout and "saved: cli-flash good" in proc.stdout
    assert reviewed(db) == [("cli-flash", 3)]


def test_an_unknown_tag_is_a_usage_error_naming_close_tags(tmp_path):
    db = tmp_path / "r.db"
    proc = quizapp(db, "study", "--tag", "cli-axis")
    assert proc.returncode == 2
    assert proc.stderr.startswith("quizapp study: no card has the tag 'cli-axis'; did you mean cli-axes")
    assert proc.stderr.count("\n") == 1
    assert "Nothing to study" not in proc.stdout
    far = quizapp(db, "study", "--tag", "zzzzzz")
    assert far.returncode == 2 and far.stderr.startswith("quizapp study: no card has the tag 'zzzzzz'; tags: ")
