"""Every drill task: its starter, its cases, and what it says about right and wrong solutions.

These run the solutions in-process (see inprocess.py) so many seeds stay fast; the end-to-end tests
run the same solutions through the child process.
"""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest
from drill_solutions import RIGHT, WRONG
from inprocess import grade_function

from quizapp.engine.exercises.misconceptions import CATALOG
from quizapp.drills import TASKS, UnknownTask, get_task
from quizapp.drills.hints import LOCAL, describe, hint_text
from quizapp.drills.report import SHOW_ALL_UP_TO, show_value

REQUIRED = {
    "batch_norm_train", "batch_norm_eval", "batch_norm_running_update", "layer_norm", "group_norm",
    "instance_norm", "rms_norm", "dropout_inverted", "drop_path", "label_smoothing_ce", "mixup",
    "cutmix_lambda", "adamw_step", "batch_norm_backward", "layer_norm_backward",
}

WRONG_CASES = [(task, name, fn) for task, pairs in WRONG.items() for name, fn in pairs]


def test_the_issue_s_drills_all_exist():
    assert REQUIRED <= set(TASKS)
    assert set(RIGHT) == set(TASKS), "every task has a hand-written right solution in the tests"


def test_an_unknown_task_says_which_ids_exist():
    with pytest.raises(UnknownTask) as info:
        get_task("batch_norm_trian")
    assert "did you mean 'batch_norm_train'" in str(info.value)


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_the_starter_is_the_signature_and_a_docstring(task_id):
    task = TASKS[task_id]
    tree = ast.parse(task.starter)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [f.name for f in functions] == [task.function]
    (function,) = functions
    assert [a.arg for a in function.args.args] == list(task.param_names)
    doc = ast.get_docstring(function)
    assert doc and "Return" in doc, "the docstring says what to return"
    assert isinstance(function.body[-1], ast.Raise), "the body is left to the user"
    assert task.signature in task.starter
    assert task.title and "\n" not in task.title


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_the_right_solution_passes_on_every_seed(task_id):
    for seed in range(25):
        report = grade_function(task_id, RIGHT[task_id], seed)
        assert report.passed, "\n".join(report.lines())
        assert report.cases_passed == report.cases_total >= 5
        assert report.hint is None and report.misconception is None


@pytest.mark.parametrize("task_id,name,function", WRONG_CASES, ids=[f"{t}-{n}" for t, n, _ in WRONG_CASES])
def test_a_typical_wrong_solution_fails_with_its_hint(task_id, name, function):
    for seed in range(8):
        report = grade_function(task_id, function, seed)
        assert not report.passed
        assert report.misconception == name, "\n".join(report.lines())
        assert report.hint == hint_text(name)
        assert report.failing_case and report.expected and report.got
        assert "\n" not in report.message


def test_hints_come_from_the_misconception_catalog_where_one_fits():
    names = {m.name for task in TASKS.values() for m in task.mistakes}
    assert names <= set(CATALOG) | set(LOCAL)
    shared = names & set(CATALOG)
    assert {"unbiased_variance", "no_eps", "eps_outside_sqrt", "wrong_axes", "keep_prob_as_drop_prob",
            "scale_at_eval", "no_inverted_scaling", "coupled_weight_decay", "cutmix_uncorrected_lambda",
            "smoothing_over_k_minus_1", "biased_running_var", "stats_as_constants"} <= shared
    for name in names:
        m = describe(name)
        assert m.belief.endswith(".") and m.truth.endswith(".")


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_the_same_seed_gives_the_same_cases_and_another_seed_others(task_id):
    task = TASKS[task_id]

    def flat(seed):
        return [np.asarray(a, dtype=float).ravel() for case in task.cases(np.random.default_rng(seed))
                for a in case.args]

    first, again, other = flat(5), flat(5), flat(6)
    assert all(np.array_equal(a, b) for a, b in zip(first, again)) and len(first) == len(again)
    assert len(first) != len(other) or not all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(first, other))


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_a_failing_case_s_inputs_print_exactly(task_id):
    """A person can copy the printed inputs into their own session and get the same result."""
    task = TASKS[task_id]
    for seed in range(3):
        for case in task.cases(np.random.default_rng(seed)):
            for value in case.args:
                if not isinstance(value, np.ndarray) or value.size > SHOW_ALL_UP_TO:
                    continue
                text = show_value(value, digits=4)
                text = re.sub(r"\[\d+(, \d+)*, :, :\]", "", text).replace("(float32)", "").replace("(bool: 1 is True)", "")
                printed = np.array([float(t) for t in NUMBER.findall(text)])
                assert printed.shape == (value.size,), text
                # float32 inputs print as the decimals they were made from
                np.testing.assert_array_equal(printed.astype(value.dtype), value.ravel(), err_msg=text)


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_there_is_an_edge_case_first_and_random_cases_after(task_id):
    cases = TASKS[task_id].cases(np.random.default_rng(0))
    labels = [c.label for c in cases]
    assert labels[0] != "random" and labels.count("random") >= 3
    assert labels.index("random") >= 3, "edge cases come before the random ones"


def test_norm_tasks_have_a_case_where_eps_matters():
    for task_id in ("batch_norm_train", "batch_norm_eval", "layer_norm", "group_norm", "instance_norm", "rms_norm",
                    "batch_norm_backward", "layer_norm_backward"):
        labels = " ".join(c.label for c in TASKS[task_id].cases(np.random.default_rng(0)))
        assert "eps" in labels, task_id
