"""A wrong answer that a known belief produces is recognised as that belief.

For every misconception every generator declares: over many seeds, typing the belief's answer
gets that diagnosis, the right answer never gets one, and the two answers really differ.
"""

from __future__ import annotations

import numpy as np
import pytest

from quizapp.engine.answers import check, format_answer
from quizapp.engine.exercises import REGISTRY, make
from quizapp.engine.exercises import dropout as dropout_exercises
from quizapp.engine.exercises import norms as norm_exercises
from quizapp.engine.exercises.base import Exercise, Variant
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


def _exercise(gid: str, level: int = 1) -> Exercise:
    """The exercise of ``gid`` drawn from seed 0 (with whatever draw helpers a test has replaced)."""
    draft = REGISTRY[gid].func(np.random.default_rng(0), level=level)
    return Exercise(
        gid, 0, level, draft.asks, draft.prompt, np.asarray(draft.answer, float), tuple(draft.steps),
        draft.inputs, draft.rtol, draft.atol,
        tuple(Variant(v.name, np.asarray(v.answer, float)) for v in draft.variants),
    )


def test_batchnorm_of_the_textbook_batch_with_the_unbiased_variance(monkeypatch):
    """x = [[1,2,3],[4,5,6]]: each feature is {a, a+3}, biased std 1.5, unbiased std 2.1213.

    Right: [[-1,-1,-1],[1,1,1]]. Dividing by the unbiased std gives +-1.5/2.1213 = +-0.7071.
    """
    monkeypatch.setattr(norm_exercises, "_batch", lambda rng, samples, features: np.array([[1.0, 2, 3], [4, 5, 6]]))
    ex = _exercise("batch_norm.train_forward")
    assert check(ex, "-1 -1 -1; 1 1 1").correct
    verdict = check(ex, "[-0.7071, -0.7071, -0.7071; 0.7071, 0.7071, 0.7071]")
    assert verdict.misconception == "unbiased_variance"
    # Dividing by the variance 2.25 instead of the std 1.5: +-1.5/2.25 = +-0.6667.
    assert check(ex, "-0.6667 -0.6667 -0.6667; 0.6667 0.6667 0.6667").misconception == "std_for_var"


def test_dropout_with_p_read_as_the_keep_probability(monkeypatch):
    """p = 0.2 drops; kept units are scaled by 1/0.8 = 1.25. Reading p as keep scales by 1/0.2 = 5."""
    monkeypatch.setattr(dropout_exercises, "choice", lambda rng, options: 0.2)
    monkeypatch.setattr(dropout_exercises, "nonzero_ints", lambda rng, shape, low, high: np.array([1.0, 2, 3, 4, 5]))
    monkeypatch.setattr(dropout_exercises, "mask", lambda rng, shape, keep: np.array([True, False, True, True, False]))
    ex = _exercise("dropout.inverted_forward")
    assert ex.inputs["p"] == 0.2
    assert check(ex, "[1.25, 0, 3.75, 5, 0]").correct
    assert check(ex, "[5, 0, 15, 20, 0]").misconception == "keep_prob_as_drop_prob"
    assert check(ex, "[1, 0, 3, 4, 0]").misconception == "no_inverted_scaling"
