"""What a coding drill is: a function to write, the engine op it is checked against, and its cases.

A :class:`Task` names the function the user writes (``function``, with ``signature`` and a docstring
``description`` that states shapes and what to return), the engine-backed ``reference`` that computes
the expected outputs, the cases to run it on, and the popular mistakes it can recognise.

- ``cases(rng)`` returns :class:`Case` objects: a few fixed edge cases first (the smallest sizes,
  a feature whose values are all equal so eps matters, float32), then random ones drawn from
  ``rng``.  Random inputs are rounded to two decimals, so the failing case a report prints is
  exactly the input the function received.
- ``reference(*args)`` returns a tuple of outputs, one per name in ``outputs``.  It is the engine
  op (or a thin adapter that calls it), never a second hand-written solution.
- each :class:`Mistake` computes the outputs a person gets under a named wrong belief; when the
  user's outputs match one on the failing case, the report names the belief (see :mod:`.hints`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Callable, Sequence

import numpy as np

#: Default tolerance: float64 results agree to about 1e-12, so this only forgives a different
#: order of operations.  float32 cases use FLOAT32_TOL.
DEFAULT_TOL = (1e-5, 1e-6)
FLOAT32_TOL = (1e-4, 1e-4)


@dataclass(frozen=True)
class Case:
    """One call: the positional arguments and a short label saying what the case tests."""

    label: str
    args: tuple[Any, ...]
    rtol: float = DEFAULT_TOL[0]
    atol: float = DEFAULT_TOL[1]


@dataclass(frozen=True)
class Mistake:
    """The outputs under a named wrong belief (a name from the misconception catalog or
    :data:`quizapp.drills.hints.LOCAL`); ``outputs`` takes the case's args like ``reference``
    and returns None where the belief changes nothing."""

    name: str
    outputs: Callable[..., Sequence[Any] | None]


@dataclass(frozen=True)
class Task:
    id: str
    title: str  # one line, for lists: "BatchNorm forward, training mode"
    function: str  # the name the user must define
    params: str  # "x, gamma, beta, eps=1e-5"
    description: str  # the starter's docstring: what to compute, shapes, what to return
    outputs: tuple[str, ...]  # names of the returned values: ("y",) or ("dx", "dgamma", "dbeta")
    reference: Callable[..., tuple[Any, ...]]
    cases: Callable[[np.random.Generator], list[Case]]
    mistakes: tuple[Mistake, ...] = ()
    topic: str = ""  # the deck's topic id, for the CLI's listing
    broadcast_hint: str = ""  # said when the user's code hits a broadcasting ValueError
    shape_hint: str = ""  # said when an output has the wrong shape
    integer_outputs: frozenset[str] = field(default_factory=frozenset)  # compared exactly

    @property
    def signature(self) -> str:
        return f"def {self.function}({self.params}):"

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(part.split("=")[0].strip() for part in self.params.split(","))

    @property
    def starter(self) -> str:
        """The file the user starts from: the import, the signature, the docstring, no body."""
        doc = self.description.strip("\n")
        body = "\n".join(("    " + line) if line.strip() else "" for line in doc.splitlines())
        return f'import numpy as np\n\n\n{self.signature}\n    """{body.lstrip()}\n    """\n    raise NotImplementedError\n'

    @property
    def solution(self) -> str:
        """A model solution, written as a learner would, shown to someone who gives up on the
        drill: the file ``quizapp/drills/solutions/<id>.py`` (tests check that it passes)."""
        return (files("quizapp.drills") / "solutions" / f"{self.id}.py").read_text(encoding="utf-8")

    def expected(self, case: Case) -> list[np.ndarray]:
        """The engine's outputs for one case, as arrays."""
        return [np.asarray(v) for v in self.reference(*_copied(case.args))]

    def mistake_outputs(self, mistake: Mistake, case: Case) -> list[np.ndarray] | None:
        with np.errstate(all="ignore"):
            values = mistake.outputs(*_copied(case.args))
        return None if values is None else [np.asarray(v) for v in values]


def _copied(args: Sequence[Any]) -> tuple[Any, ...]:
    """Fresh copies of array arguments: some engine ops update buffers in place."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def friendly(rng: np.random.Generator, shape, loc: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """Normal random values rounded to two decimals: printable exactly in a report."""
    return np.round(rng.normal(loc, scale, size=shape), 2)
