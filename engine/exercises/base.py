"""What an exercise is, and the registry that makes one from a generator id and a seed.

An exercise is drawn fresh at every review: the same skill with new numbers.  A generator is a
plain function ``(rng, level=1, **params) -> Draft``; it picks friendly numbers with ``rng`` and
computes the answer with the engine's own ops, never by hand.  :func:`make` turns a generator id
and a seed into a finished :class:`Exercise`, so the same seed gives the same exercise forever.

A generator draws a valid instance directly, in one pass: numbers that make the answer finite
and keep every misconception's answer apart from the right one are chosen by construction (a
drop probability other than 0.5, a column whose variance is not 1, ...), never by drawing again
until a check passes.  A misconception is the answer a person would get under a popular wrong
belief (unbiased variance, p read as the keep probability, ...), computed by the engine with a
flag or a variant op.

A generator's keyword params are declared, each with a type or a set of choices, so a deck that
passes a wrong value is told so in one line (see :class:`Param`).
"""

from __future__ import annotations

import inspect
import math
import numbers
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Union

import numpy as np


@dataclass(frozen=True)
class Step:
    """One line of the worked solution shown after the answer: a label and its value."""

    label: str
    value: Any  # float, np.ndarray or a short string


@dataclass(frozen=True)
class Variant:
    """The answer a person gets under a named misconception (see ``misconceptions.CATALOG``)."""

    name: str
    answer: np.ndarray


@dataclass
class Draft:
    """What a generator returns: everything but the bookkeeping that :func:`make` adds."""

    asks: str  # one line: what is asked ("the BatchNorm output y, as a 2x3 matrix")
    prompt: str  # Markdown, with the input arrays printed
    answer: Any  # scalar or array; stored as float64 ndarray
    steps: list[Step]
    inputs: dict[str, Any] = field(default_factory=dict)  # name -> scalar or array, for JSON/UI
    rtol: float = 1e-3
    atol: float = 1e-2  # forgiving of answers rounded to 2 decimals
    variants: list[Variant] = field(default_factory=list)


@dataclass(frozen=True)
class Exercise:
    """A finished exercise: the prompt a person sees and what their answer is checked against."""

    generator: str
    seed: int
    level: int
    asks: str
    prompt: str
    answer: np.ndarray  # float64; shape () for a scalar
    steps: tuple[Step, ...]
    inputs: dict[str, Any]
    rtol: float
    atol: float
    variants: tuple[Variant, ...] = ()

    @property
    def shape(self) -> tuple[int, ...]:
        return self.answer.shape


# --------------------------------------------------------------------------------------------
# Declared params


def _short_repr(value: Any, limit: int = 40) -> str:
    """A value quoted in a one-line message: containers by type and size, the rest cut to ``limit``.

    (The engine imports nothing from the app, so this is a small cousin of quizapp.sanitize.)
    """
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    try:
        text = repr(value[:limit] if isinstance(value, str) else value)
    except ValueError:  # an int too long to print
        return "a number too long to print"
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit] + "..."


#: What a value of each declarable type must be, in the words a deck author reads.
_TYPE_WORDS = {bool: "true or false", int: "a whole number", float: "a finite number", str: "text"}


def _of_type(value: Any, kind: type) -> bool:
    """Whether ``value`` has the Python type ``kind`` as a deck means it: a bool is no number."""
    if (kind is bool) != isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, {bool: (bool, np.bool_), int: numbers.Integral, float: numbers.Real}.get(kind, kind))


def _is_a(value: Any, kind: type) -> bool:
    """Whether ``value`` is an acceptable ``kind``: of that type, and finite for a float."""
    if not _of_type(value, kind):
        return False
    if kind is float:
        try:
            return math.isfinite(value)
        except OverflowError:  # an int too large for a float
            return False
    return True


@dataclass(frozen=True)
class Param:
    """A generator's keyword param: its default and what it accepts.

    Either ``type`` (bool, int, float or str) or ``choices`` (the values it may take) is set.
    A default of None means "drawn at random", and None is then accepted as a value too.
    """

    default: Any
    type: type | None = None
    choices: tuple[Any, ...] = ()

    def expected(self) -> str:
        """What a value must be: ``one of 'pre', 'post'``, ``a whole number``, ..."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return _TYPE_WORDS[self.type]

    def problem(self, value: Any) -> str | None:
        """None if ``value`` is accepted, else :meth:`expected`."""
        if value is None and self.default is None:
            return None
        if self.choices:
            same_type = all(_is_a(value, type(c)) for c in self.choices)
            return None if same_type and value in self.choices else self.expected()
        return None if _is_a(value, self.type) else self.expected()

    def check(self, gen_id: str, name: str, value: Any) -> None:
        """Raise a one-line TypeError (a value of the wrong type) or ValueError (the right type,
        but not among the choices, or not finite)."""
        expected = self.problem(value)
        if expected is None:
            return
        message = f"{gen_id}: param {name!r} must be {expected}, got {_short_repr(value)}"
        kind = type(self.choices[0]) if self.choices else self.type
        raise (ValueError if _of_type(value, kind) else TypeError)(message)

    def __str__(self) -> str:
        default = "drawn at random" if self.default is None else repr(self.default)
        return f"{self.expected()} (default: {default})"


def _declared(gen_id: str, name: str, default: Any, annotation: Any) -> Param:
    """The :class:`Param` a signature declares: ``Literal[...]`` choices, a type, or the default's type."""
    if annotation is inspect.Parameter.empty:
        if type(default) not in _TYPE_WORDS:
            raise TypeError(
                f"generator {gen_id!r}: param {name!r} needs a declared type or choices "
                f"(annotate it, e.g. {name}: Literal['a', 'b'] | None = None)"
            )
        return Param(default, type=type(default))
    if typing.get_origin(annotation) in (Union, types.UnionType):  # X | None: X, None allowed if default
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = rest[0] if len(rest) == 1 else annotation
    if typing.get_origin(annotation) is Literal:
        param = Param(default, choices=typing.get_args(annotation))
    elif annotation in _TYPE_WORDS:
        param = Param(default, type=annotation)
    else:
        raise TypeError(f"generator {gen_id!r}: param {name!r} is annotated {annotation!r}; use bool, int, float, str or Literal[...]")
    if param.problem(default) is not None:
        raise TypeError(f"generator {gen_id!r}: param {name!r} has default {default!r}, not {param.expected()}")
    return param


def _params_of(gen_id: str, func: Callable[..., Draft]) -> dict[str, Param]:
    """The keyword params of ``func`` (besides rng and level), declared from its signature."""
    hints = typing.get_type_hints(func)
    params = {}
    for name, p in inspect.signature(func).parameters.items():
        if name in ("rng", "level"):
            continue
        if p.default is inspect.Parameter.empty:
            raise TypeError(f"generator {gen_id!r}: param {name!r} needs a default")
        params[name] = _declared(gen_id, name, p.default, hints.get(name, inspect.Parameter.empty))
    return params


# --------------------------------------------------------------------------------------------
# The registry


@dataclass(frozen=True)
class Generator:
    """A registered generator: its id, a one-line description, levels and declared params.

    ``params`` maps each keyword param to its :class:`Param`; a plain default given here instead
    is declared with that default's type.
    """

    id: str
    func: Callable[..., Draft]
    description: str
    levels: tuple[int, ...]
    params: dict[str, Param]

    def __post_init__(self) -> None:
        declared = {
            name: p if isinstance(p, Param) else _declared(self.id, name, p, inspect.Parameter.empty)
            for name, p in self.params.items()
        }
        object.__setattr__(self, "params", declared)

    def check_params(self, params: dict[str, Any]) -> None:
        """Refuse an unknown param or a value its declaration does not accept, in one line."""
        for name, value in params.items():
            param = self.params.get(name)
            if param is None:
                known = f"its params: {', '.join(self.params)}" if self.params else "it takes no params"
                raise TypeError(f"{self.id}: unknown param {_short_repr(name)} ({known})")
            param.check(self.id, name, value)

    def make(self, seed: int, level: int | None = None, **params: Any) -> Exercise:
        return make(self.id, seed, level, **params)


REGISTRY: dict[str, Generator] = {}


def generator(gen_id: str, description: str, levels: tuple[int, ...] = (1,)):
    """Register ``func`` under ``gen_id``; its keyword params (besides rng, level) become its params.

    Each param needs a default, and a type: annotated (``method: Literal["batch", "layer"] | None
    = None``, ``n: int = 3``) or taken from a default that is a bool, int, float or str.
    """

    def register(func: Callable[..., Draft]) -> Callable[..., Draft]:
        if gen_id in REGISTRY:
            raise ValueError(f"generator {gen_id!r} registered twice")
        REGISTRY[gen_id] = Generator(gen_id, func, description, tuple(levels), _params_of(gen_id, func))
        return func

    return register


class UnknownGenerator(KeyError):
    """Raised for a generator id that is not registered."""


def get(gen_id: str) -> Generator:
    try:
        return REGISTRY[gen_id]
    except KeyError:
        raise UnknownGenerator(gen_id) from None


# --------------------------------------------------------------------------------------------
# Making an exercise


def _as_answer(value: Any) -> np.ndarray:
    """float64, with rounding noise such as -8.9e-16 shown as the 0 it is."""
    answer = np.array(value, dtype=np.float64)
    answer[np.abs(answer) < 1e-12] = 0.0
    return answer


def _confusable(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """True when a person could not tell answer ``b`` from the right answer ``a``."""
    return a.shape == b.shape and bool((np.abs(b - a) <= atol + rtol * np.abs(a)).all())


def _diagnosable(answer: np.ndarray, variants: list[Variant], rtol: float, atol: float) -> tuple[Variant, ...]:
    """The variants that are finite and apart from the answer and from every variant before them.

    Generators construct their numbers so that this keeps every variant; it is the safety net
    that leaves out, rather than misdiagnoses, a belief an instance could not tell apart.
    """
    kept: list[Variant] = []
    for variant in variants:
        wrong = _as_answer(variant.answer)
        if np.isfinite(wrong).all() and not any(
            _confusable(other, wrong, rtol, atol) for other in [answer, *(v.answer for v in kept)]
        ):
            kept.append(Variant(variant.name, wrong))
    return tuple(kept)


def make(gen_id: str, seed: int, level: int | None = None, **params: Any) -> Exercise:
    """Build the exercise ``gen_id`` for ``seed``: same seed, same level, same exercise.

    One draw from ``numpy.random.default_rng(seed)``.  Raises :class:`UnknownGenerator` for an
    unknown id, ``ValueError`` for a level the generator does not have, and a one-line
    ``TypeError``/``ValueError`` for a param it does not declare or a value it does not accept.
    """
    gen = get(gen_id)
    if level is None:
        level = gen.levels[0]
    elif not (_of_type(level, int) and level in gen.levels):
        raise ValueError(f"{gen_id}: level {_short_repr(level)} not in {list(gen.levels)}")
    gen.check_params(params)
    draft = gen.func(np.random.default_rng(seed), level=level, **params)
    answer = _as_answer(draft.answer)
    if not np.isfinite(answer).all():  # pragma: no cover - a generator bug, and the suite would say so
        raise RuntimeError(f"{gen_id}: level {level}, seed {seed} drew a non-finite answer")
    return Exercise(
        generator=gen_id,
        seed=int(seed),
        level=int(level),
        asks=draft.asks,
        prompt=draft.prompt,
        answer=answer,
        steps=tuple(draft.steps),
        inputs=dict(draft.inputs),
        rtol=draft.rtol,
        atol=draft.atol,
        variants=_diagnosable(answer, draft.variants, draft.rtol, draft.atol),
    )
