"""Every generator draws a valid exercise directly, in one pass (issue 19).

Over many seeds, each generator-level's own draft has a finite answer, and every misconception
it declares gives a finite answer that a person can tell apart from the right one and from every
other misconception's, so a wrong answer matches at most one belief.  make() calls the generator
once per exercise: nothing is drawn again.  (How long a draw takes is tests/bench's business.)
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from quizapp.engine.exercises import REGISTRY, Variant, make
from quizapp.engine.exercises.base import Draft

SEEDS = range(150)
CASES = [(gid, level) for gid, gen in sorted(REGISTRY.items()) for level in gen.levels]


def _apart(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """A person can tell b from a: another shape, or some entry outside a's tolerance."""
    return a.shape != b.shape or bool((np.abs(b - a) > atol + rtol * np.abs(a)).any())


@pytest.mark.parametrize("gid,level", CASES)
def test_every_draft_has_a_finite_answer_and_beliefs_apart_from_it_and_each_other(gid, level):
    for seed in SEEDS:
        draft = REGISTRY[gid].func(np.random.default_rng(seed), level=level)
        answers = {"the right answer": np.asarray(draft.answer, dtype=float)}
        answers |= {v.name: np.asarray(v.answer, dtype=float) for v in draft.variants}
        assert len(answers) == len(draft.variants) + 1, f"{gid} seed {seed}: a belief declared twice"
        for name, value in answers.items():
            assert np.isfinite(value).all(), f"{gid} level {level} seed {seed}: {name} is not finite"
        names = list(answers)
        for i, first in enumerate(names):
            for second in names[i + 1:]:
                assert _apart(answers[first], answers[second], draft.rtol, draft.atol), (
                    f"{gid} level {level} seed {seed}: {second} cannot be told from {first}"
                )


@pytest.mark.parametrize("gid,level", CASES)
def test_make_draws_once_and_keeps_every_belief(gid, level, monkeypatch):
    gen = REGISTRY[gid]
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return gen.func(*args, **kwargs)

    monkeypatch.setitem(REGISTRY, gid, dataclasses.replace(gen, func=counted))
    for seed in SEEDS[:20]:
        draft = gen.func(np.random.default_rng(seed), level=level)
        exercise = make(gid, seed, level)
        assert [v.name for v in exercise.variants] == [v.name for v in draft.variants]
    assert len(calls) == 20


def test_a_belief_an_instance_cannot_tell_apart_is_left_out_not_misdiagnosed(monkeypatch):
    """The safety net: make() keeps only the beliefs whose answers are finite and apart."""

    def colliding(rng, level=1):
        return Draft("x", "?", [1.0, 2.0], [], variants=[
            Variant("same_as_right", np.array([1.0, 2.001])),  # within atol 1e-2 of the answer
            Variant("apart", np.array([1.0, 3.0])),
            Variant("same_as_apart", np.array([1.0, 3.0])),
            Variant("not_finite", np.array([np.nan, 2.0])),
            Variant("other_shape", np.array([1.0, 2.0, 3.0])),
        ])

    monkeypatch.setitem(REGISTRY, "test.colliding", dataclasses.replace(REGISTRY["regularize.l1"], id="test.colliding", func=colliding, levels=(1,)))
    exercise = make("test.colliding", 0)
    assert [v.name for v in exercise.variants] == ["apart", "other_shape"]
