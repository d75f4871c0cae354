"""Grade a Python function without the child process, for fast tests of the comparison and hints.

:func:`grade_function` calls ``function`` on each case the way the harness does (positional
arguments, fresh copies, the result converted by the harness's own ``_outputs``) and hands the
outputs to :func:`quizapp.drills.checking.grade`.  Exceptions stop the run like in the child.
"""

from __future__ import annotations

import numpy as np

from quizapp.drills import get_task
from quizapp.drills.checking import grade
from quizapp.drills.harness import to_arrays
from quizapp.drills.runner import DEFAULT_LIMITS, RunResult


def grade_function(task_id: str, function, seed: int):
    task = get_task(task_id)
    cases = task.cases(np.random.default_rng(seed))
    expected = [task.expected(case) for case in cases]
    result = RunResult(ready=True, loaded=True, finished=True, returncode=0)
    for index, case in enumerate(cases):
        args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in case.args)
        try:
            with np.errstate(all="ignore"):
                value = function(*args)
        except Exception as exc:
            result.error = {"type": type(exc).__name__, "message": str(exc), "line": None, "source": "",
                            "function": "", "case": index, "stage": "call"}
            break
        arrays, problem = to_arrays(value, len(task.outputs), DEFAULT_LIMITS.max_output_elements)
        if problem is not None:
            result.bad_output = {"case": index, "message": problem}
            break
        result.outputs[index] = arrays
    return grade(task, cases, expected, result, seed=seed)
