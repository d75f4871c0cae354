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
    warm_up()                          # start the checker process now (e.g. when a code card shows)

:class:`DrillReport` fields: ``passed``, ``message`` (one line), ``cases_passed``/``cases_total``,
``case_label`` and ``failing_case`` (the first failing case: what it tests, and its inputs printed
exactly), ``expected``/``got`` (the outputs that differ), ``max_error``, ``error`` (exception type,
message and the line of the user's file), ``hint`` (a recognised mistake, e.g. the unbiased
variance), ``misconception`` (its name, as in ``engine.exercises.misconceptions.CATALOG`` where one
fits), ``timed_out``, ``seed``, ``seconds``, ``printed`` (the start of what the code printed).

``check`` never raises for anything in the code (syntax errors, exceptions, endless loops, huge
allocations, crashes, os._exit, reading stdin, printing megabytes, cheating each give a report) and
raises :class:`UnknownTask` (a KeyError) for an unknown task id.  A PASS means the app received
every case's result and compared it itself.  It blocks for the run: the first check of a process
starts the checker (about a NumPy import, unless :func:`warm_up` did it earlier), later ones take
milliseconds for a correct solution; at most ``timeout`` of the solution's time.  Call it from a
worker thread in a UI.  How it is confined and why: :mod:`quizapp.drills.runner`, docs/drills.md.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Where each name of the API lives.  They load on first use (PEP 562), so that
#: ``quizapp code TASK --file`` can start the checker process (quizapp.drills.runner) before the
#: tasks and the engine load, and the two imports overlap: 0.1-0.2 s of a 0.4-0.8 s check.
_EXPORTS = {
    "TASKS": "quizapp.drills.tasks",
    "Task": "quizapp.drills.task",
    "Case": "quizapp.drills.task",
    "Mistake": "quizapp.drills.task",
    "DrillReport": "quizapp.drills.report",
    "Limits": "quizapp.drills.runner",
    "DEFAULT_LIMITS": "quizapp.drills.runner",
    "DEFAULT_TIMEOUT": "quizapp.drills.checking",
    "UnknownTask": "quizapp.drills.checking",
    "check": "quizapp.drills.checking",
    "get_task": "quizapp.drills.checking",
    "warm_up": "quizapp.drills.process",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'quizapp.drills' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value

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
    "warm_up",
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
    # Imported here, like the rest of the package's API (see _EXPORTS): grading brings the engine.
    from quizapp.drills.checking import UnknownTask, check, get_task, read_code
    from quizapp.grading import AnswerError, Check

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
