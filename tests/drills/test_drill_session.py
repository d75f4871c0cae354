"""A code card studied in a real Session: the drill checker grades it into the schedule."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest
from drill_solutions import RIGHT, WRONG, source

from quizapp.content.loader import Library
from quizapp.content.model import CodeCard, Topic
from quizapp.drills import DrillReport, get_task, session_checker
from quizapp.grading import AnswerError
from quizapp.scheduler import Rating
from quizapp.session import Session
from quizapp.study import open_session
from quizapp.store import Store

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def session(tmp_path):
    card = CodeCard(id="bn-code-train", topic="batch-norm", explain="axis 0, biased variance",
                    task="batch_norm_train", prompt="Implement BatchNorm's training forward pass.")
    library = Library((Topic(id="batch-norm", title="BatchNorm", summary="s", cards=(card,)),), [])
    with Store.open(tmp_path / "reviews.db") as store:
        yield Session(library, store, now=lambda: NOW, tz=timezone.utc, rng=random.Random(1),
                      checkers={"code": session_checker}), store


def test_the_session_factory_plugs_the_drill_checker_in(tmp_path):
    with Store.open(tmp_path / "reviews.db") as store:
        assert open_session(Library((), []), store).checkers["code"] is session_checker


def test_a_right_solution_is_graded_good_and_logged(session):
    study, store = session
    presented = study.next()
    assert presented.card.id == "bn-code-train"
    code = source(RIGHT["batch_norm_train"], "batch_norm_train")
    outcome = study.submit(code)
    assert outcome.correct and outcome.rating == Rating.Good
    assert isinstance(outcome.detail, DrillReport) and outcome.detail.passed
    (review,) = store.reviews("bn-code-train")
    assert review.answer == code and review.verdict == outcome.message
    assert outcome.detail.seed == presented.seed, "the cases are drawn from the presentation's seed"


def test_a_wrong_solution_is_graded_again_with_the_misconception_logged(session):
    study, store = session
    presented = study.next()
    outcome = study.submit(source(WRONG["batch_norm_train"][0][1], "batch_norm_train"))
    assert not outcome.correct and outcome.rating == Rating.Again
    assert outcome.misconception == "unbiased_variance"
    assert outcome.expected, "the expected output of the failing case is shown"
    assert outcome.detail.seed == presented.seed
    assert store.reviews("bn-code-train")[0].misconception == "unbiased_variance"


@pytest.mark.parametrize("code,says", [
    ("", "write `def batch_norm_train(x, gamma, beta, eps=1e-5):` first"),
    (get_task("batch_norm_train").starter, "the starter is unchanged"),
    ("def batch_norm_train(x, gamma, beta, eps=1e-5):\n    return (x -\n", "Syntax error at line 2"),
    ("def bn(x):\n    return x\n", "No function `batch_norm_train` found"),
])
def test_code_that_cannot_be_run_is_not_graded(session, code, says):
    study, store = session
    study.next()
    with pytest.raises(AnswerError) as info:
        study.submit(code)
    assert str(info.value).startswith(says)
    assert store.reviews("bn-code-train") == []


def test_an_unknown_task_is_an_answer_error():
    card = CodeCard(id="x", topic="t", explain="e", task="no_such_task")

    class Shown:
        pass

    shown = Shown()
    shown.card, shown.seed = card, 1
    with pytest.raises(AnswerError, match="unknown drill task 'no_such_task'"):
        session_checker(shown, "def f(): pass")


def test_giving_up_grades_again_logs_the_attempt_and_undo_takes_it_back(session):
    study, store = session
    study.next()
    solution = get_task("batch_norm_train").solution
    outcome = study.give_up(solution, answer_text="# my attempt")
    assert outcome.rating == Rating.Again and outcome.correct is False
    assert outcome.expected == solution and outcome.detail is None
    (review,) = store.reviews("bn-code-train")
    assert review.rating == int(Rating.Again) and review.answer == "# my attempt" and review.correct is False
    assert study.undo().card.id == "bn-code-train"
    assert store.reviews("bn-code-train") == []
