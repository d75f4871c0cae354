"""Coding drills: implement a technique in NumPy, checked against the engine on hidden cases.

Interviews ask candidates to write BatchNorm, LayerNorm or dropout from memory.  A drill gives a
signature and a docstring (the *starter*); the user's function runs in a separate Python process
on fixed edge cases and on random cases from a seed, and its outputs are compared with the engine.

API::

    from quizapp.drills import TASKS, get_task, check, session_checker

    TASKS["batch_norm_train"]          # Task: id, title, function, signature, starter, description,
                                       #       outputs, reference (the engine op), topic
    print(get_task("layer_norm").starter)
    report = check("batch_norm_train", code, seed=None, timeout=5.0)
    report.passed, report.message      # bool, one line
    report.lines()                     # the full report as plain-text lines
    session_checker(shown, code)       # the code cards' checker (quizapp.grading.Checker),
                                       # plugged into every session by quizapp.study

:class:`DrillReport` fields: ``passed``, ``message`` (one line), ``cases_passed``/``cases_total``,
``case_label`` and ``failing_case`` (the first failing case: what it tests, and its inputs printed
exactly), ``expected``/``got`` (the outputs that differ), ``max_error``, ``error`` (exception type,
message and the line of the user's file), ``hint`` (a recognised mistake, e.g. the unbiased
variance), ``misconception`` (its name, as in ``engine.exercises.misconceptions.CATALOG`` where one
fits), ``timed_out``, ``seed``, ``seconds``, ``printed`` (the start of what the code printed).

``check`` never raises for anything in the code (syntax errors, exceptions, endless loops, huge
allocations, crashes, os._exit, reading stdin, printing megabytes each give a report) and raises
:class:`UnknownTask` (a KeyError) for an unknown task id.  It blocks for the run (about 0.3-0.5 s
for a correct solution, mostly the child's NumPy import; at most ``timeout``): call it from a worker
thread in a UI.  Limits and why: :mod:`quizapp.drills.runner`.
"""

from __future__ import annotations

from typing import Any

from quizapp.drills.checking import DEFAULT_TIMEOUT, UnknownTask, check, get_task, read_code
from quizapp.drills.report import DrillReport
from quizapp.drills.runner import DEFAULT_LIMITS, Limits
from quizapp.drills.task import Case, Mistake, Task
from quizapp.drills.tasks import TASKS
from quizapp.grading import AnswerError, Check

__all__ = [
    "TASKS",
    "Task",
    "Case",
    "Mistake",
    "DrillReport",
    "Limits",
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "UnknownTask",
    "check",
    "get_task",
    "session_checker",
]


def session_checker(presented: Any, code: Any):
    """The ``code`` cards' :class:`quizapp.grading.Checker` (:func:`quizapp.study.open_session`
    plugs it into every session).

    ``code`` is the text of the user's file.  The cases are drawn from ``presented.seed`` (so the
    review log can replay them).  Code that cannot be read for the task (empty, the untouched
    starter, a syntax error, no function of the right name) raises ``AnswerError``: nothing is
    recorded and the user can fix it.  Code that runs and is wrong (wrong values, an exception, a
    time-out) is graded wrong.  ``Check.detail`` is the :class:`DrillReport`.
    """
    task_id = getattr(presented.card, "task", "")
    try:
        task = get_task(task_id)
    except UnknownTask as err:
        raise AnswerError(str(err)) from None
    if not isinstance(code, str) or not code.strip():
        raise AnswerError(f"write `{task.signature}` first")
    if code.strip() == task.starter.strip():
        raise AnswerError("the starter is unchanged: write the function's body first")
    problem = read_code(task, code)
    if problem is not None:
        raise AnswerError(problem.message)
    report = check(task.id, code, seed=presented.seed)
    return Check(
        correct=report.passed,
        message=report.message,
        expected=report.expected or "",
        answer_text=code,
        misconception=report.misconception,
        detail=report,
    )
