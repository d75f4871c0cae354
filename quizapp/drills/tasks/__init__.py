"""Every drill task, by id, in the order the decks teach them (norms, dropout, augment, optim),
then the newer techniques in the same order."""

from __future__ import annotations

from quizapp.drills.task import Task
from quizapp.drills.tasks import (
    augment,
    backward,
    clipping,
    dropout,
    norms,
    optim,
    structured_dropout,
    weighted_loss,
    weights,
)

_ORDER = (*norms.TASKS, *backward.TASKS, *dropout.TASKS, *augment.TASKS, *optim.TASKS)
_ORDER += (*weights.TASKS, *structured_dropout.TASKS, *weighted_loss.TASKS, *clipping.TASKS)

TASKS: dict[str, Task] = {}
for _task in _ORDER:
    if _task.id in TASKS:
        raise ValueError(f"drill task {_task.id!r} defined twice")
    TASKS[_task.id] = _task
del _task
