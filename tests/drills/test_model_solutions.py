"""The model solutions shown by "Show solution": one per task, each a file the drill passes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.drills import TASKS, check

SOLUTIONS = Path(__file__).resolve().parents[2] / "quizapp" / "drills" / "solutions"


def test_every_task_has_one_model_solution_and_no_file_is_left_over():
    assert sorted(path.stem for path in SOLUTIONS.glob("*.py")) == sorted(TASKS)


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_the_model_solution_defines_the_task_s_function_without_the_starter_s_stub(task_id):
    task = TASKS[task_id]
    tree = ast.parse(task.solution)
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert functions == [task.function]
    assert "NotImplementedError" not in task.solution


#: Each example is a whole sandboxed check (a process, ~10 ms): 21 tasks at the ci profile's 300
#: examples were 80 s of the suite's CPU.  A tenth of the profile's count (30 seeds per task in CI)
#: still draws each task's random cases many times over; the drills' own tests cover the checker.
SEEDS_PER_TASK = max(3, settings().max_examples // 10)


@pytest.mark.parametrize("task_id", sorted(TASKS))
@settings(max_examples=SEEDS_PER_TASK)
@given(seed=st.integers(0, 2**31 - 1))
def test_the_model_solution_passes_its_drill_on_any_cases(task_id, seed):
    report = check(task_id, TASKS[task_id].solution, seed=seed)
    assert report.passed, "\n".join(report.lines())
