"""Drawing numbers a person can work with by hand: small integers, round probabilities.

Every helper takes the exercise's ``rng`` so that the same seed gives the same numbers, and each
draws what it promises in one pass: a number that would break a promise (a constant row, an
all-kept mask) is never drawn and then rejected, it is left out of the values drawn from.
"""

from __future__ import annotations

from typing import Callable, Collection, Sequence

import numpy as np


def ints(rng: np.random.Generator, shape, low: int = 0, high: int = 9) -> np.ndarray:
    """Integers in [low, high] as float64, the friendliest inputs there are."""
    return rng.integers(low, high + 1, size=shape).astype(np.float64)


def int_except(rng: np.random.Generator, low: int, high: int, forbidden: Collection[float] = ()) -> int:
    """One integer in [low, high] other than the ``forbidden`` values, uniformly."""
    allowed = [v for v in range(low, high + 1) if v not in forbidden]
    return allowed[int(rng.integers(len(allowed)))]


def nonzero_ints(rng: np.random.Generator, shape, low: int, high: int) -> np.ndarray:
    """Integers in [low, high] other than 0 (low < 0 < high), as float64."""
    values = rng.integers(low, high, size=shape)  # one fewer value than [low, high] holds ...
    return np.where(values >= 0, values + 1, values).astype(np.float64)  # ... so 0..high-1 shift up


def ints_varying(rng: np.random.Generator, shape, axes, low: int = 0, high: int = 9) -> np.ndarray:
    """Integers whose every slice reduced over ``axes`` is non-constant (so its variance is > 0).

    Normalizing a constant slice with eps = 0 divides by zero; a person would rightly complain.
    The last value of a slice that came out constant is moved by 1 to ``high - low`` steps
    around the range, so it differs from the others.
    """
    x = ints(rng, shape, low, high)
    axes = tuple(int(a) % x.ndim for a in np.atleast_1d(axes))
    if (x.min(axis=axes) < x.max(axis=axes)).all():
        return x
    order = [axis for axis in range(x.ndim) if axis not in axes] + list(axes)  # reduced axes last
    moved = np.moveaxis(x, order, range(x.ndim))
    slices = moved.reshape(-1, int(np.prod(moved.shape[x.ndim - len(axes):]))).copy()
    constant = slices.min(axis=1) == slices.max(axis=1)
    step = rng.integers(1, high - low + 1, size=int(constant.sum()))
    slices[constant, -1] = low + (slices[constant, -1] - low + step) % (high - low + 1)
    return np.moveaxis(slices.reshape(moved.shape), range(x.ndim), order)


def complete(
    rng: np.random.Generator, head: Sequence[float], low: int, high: int, acceptable: Callable[[list[float]], bool]
) -> np.ndarray:
    """``head`` and one more integer in [low, high], drawn from those that make ``acceptable`` true.

    The way to steer a statistic away from a value where two answers coincide (a variance of 1,
    a mean of 0): each caller rules out a handful of values, so some are always left.
    ``acceptable`` gets the candidate as a list of floats (plain Python is quicker than NumPy on
    a handful of numbers).
    """
    head = [float(v) for v in head]
    allowed = [head + [float(v)] for v in range(low, high + 1) if acceptable(head + [float(v)])]
    return np.array(allowed[int(rng.integers(len(allowed)))])


def wide_ints(rng: np.random.Generator, n: int, low: int = 0, high: int = 9, spread: int = 5) -> np.ndarray:
    """``n`` integers in [low, high] whose largest and smallest differ by at least ``spread``,
    with at least three different values when n >= 3, in random order.

    A spread of 5 puts the standard deviation above 1.7 (n <= 4), far from 1, where dividing by
    the variance and by the standard deviation would agree; three values keep the normalized
    values from being all +-1, which another belief could match.
    """
    smallest = int(rng.integers(low, high - spread + 1))
    largest = int(rng.integers(smallest + spread, high + 1))
    values = [smallest, largest]
    if n >= 3:
        values.append(int(rng.integers(smallest + 1, largest)))
    values += [int(v) for v in rng.integers(low, high + 1, size=n - len(values))]
    return rng.permutation(np.array(values, dtype=np.float64))


def choice(rng: np.random.Generator, options: Sequence):
    """One of ``options``, uniformly."""
    return options[int(rng.integers(len(options)))]


def mask(rng: np.random.Generator, shape, keep: float, at_least_one_each: bool = True) -> np.ndarray:
    """A Bernoulli(keep) keep-mask (True = kept) with at least one kept and one dropped entry.

    An all-kept or all-dropped mask teaches nothing: one entry, chosen at random, is flipped.
    ``at_least_one_each=False`` keeps the draw as it is (a one-entry mask cannot hold both).
    """
    m = rng.random(shape) < keep
    flip = np.unravel_index(int(rng.integers(m.size)), m.shape)
    if at_least_one_each and (m.all() or not m.any()):
        m[flip] = not m[flip]
    return m
