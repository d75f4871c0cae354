"""A wrong answer that a known belief produces is recognised as that belief.

For every misconception every generator declares: over many seeds, typing the belief's answer
gets that diagnosis, the right answer never gets one, and the two answers really differ.
"""

from __future__ import annotations

import numpy as np
import pytest

from quizapp.engine.answers import check, format_answer
from quizapp.engine.exercises import REGISTRY, make
from quizapp.engine.exercises.base import Exercise
from quizapp.engine.exercises.misconceptions import CATALOG

SEEDS = range(30)
CASES = [(gid, level) for gid, gen in sorted(REGISTRY.items()) for level in gen.levels]


def _declared() -> dict[str, set[str]]:
    """misconception name -> generators that can diagnose it (over a few seeds and all levels)."""
    found: dict[str, set[str]] = {}
    for gid, level in CASES:
        for seed in range(5):
            for variant in make(gid, seed, level).variants:
                found.setdefault(variant.name, set()).add(gid)
    return found


def test_enough_misconceptions_across_enough_generators():
    declared = _declared()
    assert len(declared) >= 15
    assert len(set().union(*declared.values())) >= 10


def test_every_declared_name_is_in_the_catalog():
    assert set(_declared()) <= set(CATALOG)


def test_the_numeric_mistakes_in_the_source_notes_are_all_diagnosed():
    """CONTENT.md's known mistakes that produce a number, and the issue's named beliefs."""
    required = {
        "unbiased_variance", "std_for_var", "keep_prob_as_drop_prob", "scale_at_eval",
        "mixed_conventions", "keras_momentum", "running_average_sign", "wrong_axes",
        "pre_post_ln_swapped", "no_eps", "coupled_weight_decay", "cutmix_uncorrected_lambda",
        "smoothing_over_k_minus_1",
    }
    assert required <= set(_declared())


@pytest.mark.parametrize("gid,level", CASES)
def test_each_belief_is_diagnosed_and_the_right_answer_never_is(gid, level):
    for seed in SEEDS:
        ex = make(gid, seed, level)
        right = check(ex, format_answer(ex.answer))
        assert right.correct and right.misconception is None
        for variant in ex.variants:
            assert not np.allclose(variant.answer, ex.answer, rtol=ex.rtol, atol=ex.atol), (
                f"{gid} seed {seed}: {variant.name} gives the right answer"
            )
            verdict = check(ex, format_answer(variant.answer))
            assert not verdict.correct
            assert verdict.misconception == variant.name, (
                f"{gid} seed {seed}: typed the {variant.name} answer, diagnosed {verdict.misconception}"
            )
            assert CATALOG[variant.name].belief in verdict.message


# -- independent hand checks ------------------------------------------------------------------


class _FixedDraws:
    """An rng stand-in that hands out chosen numbers, so a generator can be fed a textbook case."""

    def __init__(self, integers=(), choices=(), randoms=()):
        self._integers = list(integers)
        self._choices = list(choices)
        self._randoms = list(randoms)

    def integers(self, low, high=None, size=None):
        if size is None and self._choices:  # draw.choice picks an index
            return self._choices.pop(0)
        return np.asarray(self._integers.pop(0))

    def random(self, shape):
        return np.asarray(self._randoms.pop(0))


def _exercise(gid: str, draws: _FixedDraws, level: int = 1) -> Exercise:
    draft = REGISTRY[gid].func(draws, level=level)
    from quizapp.engine.exercises.base import Variant

    return Exercise(
        gid, 0, level, draft.asks, draft.prompt, np.asarray(draft.answer, float), tuple(draft.steps),
        draft.inputs, draft.rtol, draft.atol,
        tuple(Variant(v.name, np.asarray(v.answer, float)) for v in draft.variants),
    )


def test_batchnorm_of_the_textbook_batch_with_the_unbiased_variance():
    """x = [[1,2,3],[4,5,6]]: each feature is {a, a+3}, biased std 1.5, unbiased std 2.1213.

    Right: [[-1,-1,-1],[1,1,1]]. Dividing by the unbiased std gives +-1.5/2.1213 = +-0.7071.
    """
    ex = _exercise("batch_norm.train_forward", _FixedDraws(integers=[[[1, 2, 3], [4, 5, 6]]]))
    assert check(ex, "-1 -1 -1; 1 1 1").correct
    verdict = check(ex, "[-0.7071, -0.7071, -0.7071; 0.7071, 0.7071, 0.7071]")
    assert verdict.misconception == "unbiased_variance"
    # Dividing by the variance 2.25 instead of the std 1.5: +-1.5/2.25 = +-0.6667.
    assert check(ex, "-0.6667 -0.6667 -0.6667; 0.6667 0.6667 0.6667").misconception == "std_for_var"


def test_dropout_with_p_read_as_the_keep_probability():
    """p = 0.2 drops; kept units are scaled by 1/0.8 = 1.25. Reading p as keep scales by 1/0.2 = 5."""
    draws = _FixedDraws(
        integers=[[1, 2, 3, 4, 5]],  # x
        choices=[0],  # FRIENDLY_P[0] = 0.2
        randoms=[[0.1, 0.9, 0.3, 0.5, 0.95]],  # kept where < 0.8: [1, 0, 1, 1, 0]
    )
    ex = _exercise("dropout.inverted_forward", draws)
    assert ex.inputs["p"] == 0.2
    assert check(ex, "[1.25, 0, 3.75, 5, 0]").correct
    assert check(ex, "[5, 0, 15, 20, 0]").misconception == "keep_prob_as_drop_prob"
    assert check(ex, "[1, 0, 3, 4, 0]").misconception == "no_inverted_scaling"
