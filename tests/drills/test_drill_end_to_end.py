"""Each drill through the real child process: a right solution file passes, a wrong one gets its hint.

One child process per check (about 0.3 s each); every case of a check runs in that one process.
"""

from __future__ import annotations

import pytest
from drill_solutions import CRASHING, RIGHT, WRONG, source

from quizapp.drills import TASKS, check
from quizapp.drills.hints import hint_text


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_a_right_solution_file_passes(task_id):
    report = check(task_id, source(RIGHT[task_id], TASKS[task_id].function), seed=11)
    assert report.passed, "\n".join(report.lines())
    assert report.cases_passed == report.cases_total
    assert report.message.startswith(f"All {report.cases_total} cases match")
    assert report.lines() == [f"PASS {task_id}: {report.message}"]
    assert not report.timed_out and report.error is None


@pytest.mark.parametrize("task_id", sorted(WRONG))
def test_a_wrong_solution_file_fails_with_the_hint(task_id):
    name, function = WRONG[task_id][0]
    report = check(task_id, source(function, TASKS[task_id].function), seed=11)
    assert not report.passed
    assert report.misconception == name
    text = "\n".join(report.lines())
    assert f"hint: {hint_text(name)}" in text
    assert "inputs of case" in text and "expected:" in text and "got:" in text


def test_the_starter_as_is_fails_and_says_to_replace_the_raise():
    task = TASKS["layer_norm"]
    report = check("layer_norm", task.starter, seed=0)
    assert not report.passed
    raise_line = task.starter.splitlines().index("    raise NotImplementedError") + 1
    assert report.error == f"NotImplementedError (line {raise_line}: raise NotImplementedError)"
    assert "raise NotImplementedError" in report.hint


def test_a_solution_that_crashes_on_a_shape_gets_the_task_s_broadcast_hint():
    name, function = CRASHING["drop_path"][0]
    report = check("drop_path", source(function, "drop_path"), seed=0)
    assert not report.passed and report.error.startswith("ValueError: operands could not be broadcast")
    assert "reshape it to (N, 1, ..., 1)" in report.hint


def test_the_same_seed_checks_the_same_cases():
    code = source(WRONG["layer_norm"][0][1], "layer_norm")
    first, again = check("layer_norm", code, seed=3), check("layer_norm", code, seed=3)
    assert first.failing_case == again.failing_case and first.got == again.got
    fresh = check("layer_norm", code)
    assert isinstance(fresh.seed, int) and fresh.seed >= 0
