"""What an exercise is, and the registry that makes one from a generator id and a seed.

An exercise is drawn fresh at every review: the same skill with new numbers.  A generator is a
plain function ``(rng, level=1, **params) -> Draft``; it picks friendly numbers with ``rng`` and
computes the answer with the engine's own ops, never by hand.  :func:`make` turns a generator id
and a seed into a finished :class:`Exercise`, so the same seed gives the same exercise forever.

A generator may also declare misconceptions: the answer a person would get under a popular wrong
belief (unbiased variance, p read as the keep probability, ...), computed by the engine with a flag
or a variant op.  :func:`make` redraws (deterministically, from the same rng) when a misconception's
answer would coincide with the right one, so a diagnosis is never ambiguous.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

#: How many times :func:`make` redraws before giving up on separating misconceptions.
MAX_REDRAWS = 50


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


@dataclass(frozen=True)
class Generator:
    """A registered generator: its id, a one-line description, levels and accepted params."""

    id: str
    func: Callable[..., Draft]
    description: str
    levels: tuple[int, ...]
    params: dict[str, Any]  # extra keyword params and their defaults

    def make(self, seed: int, level: int | None = None, **params: Any) -> Exercise:
        return make(self.id, seed, level, **params)


REGISTRY: dict[str, Generator] = {}


def generator(gen_id: str, description: str, levels: tuple[int, ...] = (1,)):
    """Register ``func`` under ``gen_id``; its keyword params (besides rng, level) become its params."""

    def register(func: Callable[..., Draft]) -> Callable[..., Draft]:
        if gen_id in REGISTRY:
            raise ValueError(f"generator {gen_id!r} registered twice")
        sig = inspect.signature(func)
        params = {
            name: p.default
            for name, p in sig.parameters.items()
            if name not in ("rng", "level") and p.default is not inspect.Parameter.empty
        }
        REGISTRY[gen_id] = Generator(gen_id, func, description, tuple(levels), params)
        return func

    return register


class UnknownGenerator(KeyError):
    """Raised for a generator id that is not registered."""


def get(gen_id: str) -> Generator:
    try:
        return REGISTRY[gen_id]
    except KeyError:
        raise UnknownGenerator(gen_id) from None


def _as_answer(value: Any) -> np.ndarray:
    """float64, with rounding noise such as -8.9e-16 shown as the 0 it is."""
    answer = np.array(value, dtype=np.float64)
    answer[np.abs(answer) < 1e-12] = 0.0
    return answer


def _collides(answer: np.ndarray, variant: np.ndarray, rtol: float, atol: float) -> bool:
    """True when a person could not tell the variant's answer from the right one."""
    if variant.shape != answer.shape:
        return False
    # np.allclose's formula without its inf/nan handling (both are finite here), at a tenth of the cost
    return bool((np.abs(variant - answer) <= atol + rtol * np.abs(answer)).all())


def make(gen_id: str, seed: int, level: int | None = None, **params: Any) -> Exercise:
    """Build the exercise ``gen_id`` for ``seed``: same seed, same level, same exercise.

    Draws again from the same rng while the right answer and the misconceptions' answers are not
    all finite and told apart, so a wrong answer matches at most one misconception.

    Raises :class:`UnknownGenerator` for an unknown id and ``TypeError`` for an unknown param.
    """
    gen = get(gen_id)
    level = gen.levels[0] if level is None else int(level)
    if level not in gen.levels:
        raise ValueError(f"{gen_id}: level {level} not in {list(gen.levels)}")
    unknown = set(params) - set(gen.params)
    if unknown:
        raise TypeError(f"{gen_id}: unknown param(s) {', '.join(sorted(unknown))}")
    rng = np.random.default_rng(seed)
    for _ in range(MAX_REDRAWS):
        draft = gen.func(rng, level=level, **params)
        answer = _as_answer(draft.answer)
        variants = tuple(Variant(v.name, _as_answer(v.answer)) for v in draft.variants)
        answers = [answer] + [v.answer for v in variants]
        if np.isfinite(np.concatenate([a.ravel() for a in answers])).all() and not any(
            _collides(a, b, draft.rtol, draft.atol)
            for i, a in enumerate(answers)
            for b in answers[i + 1 :]
        ):
            break
    else:  # pragma: no cover - a generator that cannot separate its variants is a bug
        raise RuntimeError(f"{gen_id}: seed {seed} could not separate misconceptions from the answer")
    return Exercise(
        generator=gen_id,
        seed=int(seed),
        level=level,
        asks=draft.asks,
        prompt=draft.prompt,
        answer=answer,
        steps=tuple(draft.steps),
        inputs=dict(draft.inputs),
        rtol=draft.rtol,
        atol=draft.atol,
        variants=variants,
    )
