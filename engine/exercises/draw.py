"""Drawing numbers a person can work with by hand: small integers, round probabilities.

Every helper takes the exercise's ``rng`` so that the same seed gives the same numbers.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def ints(rng: np.random.Generator, shape, low: int = 0, high: int = 9) -> np.ndarray:
    """Integers in [low, high] as float64, the friendliest inputs there are."""
    return rng.integers(low, high + 1, size=shape).astype(np.float64)


def ints_varying(
    rng: np.random.Generator, shape, axes, low: int = 0, high: int = 9, max_tries: int = 100
) -> np.ndarray:
    """Integers whose every slice reduced over ``axes`` is non-constant (so its variance is > 0).

    Normalizing a constant slice with eps = 0 divides by zero; a person would rightly complain.
    """
    for _ in range(max_tries):
        x = ints(rng, shape, low, high)
        if np.all(x.max(axis=axes) > x.min(axis=axes)):
            return x
    raise RuntimeError("could not draw a non-constant sample")  # pragma: no cover


def choice(rng: np.random.Generator, options: Sequence):
    """One of ``options``, uniformly."""
    return options[int(rng.integers(len(options)))]


def mask(rng: np.random.Generator, shape, keep: float, at_least_one_each: bool = True) -> np.ndarray:
    """A Bernoulli(keep) keep-mask (True = kept) with at least one kept and one dropped entry.

    An all-kept or all-dropped mask teaches nothing, so we redraw until both appear.
    """
    for _ in range(100):
        m = rng.random(shape) < keep
        if not at_least_one_each or (m.any() and not m.all()):
            return m
    m = np.zeros(shape, dtype=bool)  # pragma: no cover - vanishingly unlikely
    m.flat[0] = True  # pragma: no cover
    return m  # pragma: no cover
