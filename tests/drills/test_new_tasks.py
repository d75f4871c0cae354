"""The drills on the newer techniques: their first, fixed case worked by hand, so the reference each
drill checks against is right independently of the engine.  (The shared tests in
test_drill_tasks.py and test_drill_end_to_end.py run their right and wrong solutions.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizapp.engine.exercises.misconceptions import CATALOG
from quizapp.drills import TASKS

NEW = ["spectral_norm_step", "weight_standardization", "alpha_dropout", "drop_block2d",
       "cross_entropy_weighted", "clip_grad_norm"]


def first_case_outputs(task_id):
    task = TASKS[task_id]
    case = task.cases(np.random.default_rng(0))[0]
    return case.args, task.expected(case)


def test_twenty_drills_and_each_new_one_diagnoses_a_catalogued_belief():
    assert len(TASKS) >= 20 and set(NEW) <= set(TASKS)
    for task_id in NEW:
        assert any(m.name in CATALOG for m in TASKS[task_id].mistakes), task_id


def test_spectral_norm_first_case_by_hand():
    # u = normalize([3, 4]) = [0.6, 0.8]; v = normalize(W^T u) = [5, 4] / sqrt(41); sigma = sqrt(41)
    (weight, *_), (w_sn, u, v) = first_case_outputs("spectral_norm_step")
    np.testing.assert_allclose(u, [0.6, 0.8])
    np.testing.assert_allclose(v, np.array([5, 4]) / math.sqrt(41))
    np.testing.assert_allclose(w_sn, weight / math.sqrt(41))


def test_weight_standardization_first_case_by_hand():
    # filters [1, 3, 5, 7] (mean 4, var 5) and [2, 2, 2, 4] (mean 2.5, var 0.75)
    _, (got,) = first_case_outputs("weight_standardization")
    np.testing.assert_allclose(got.reshape(2, 4)[0], np.array([-3, -1, 1, 3]) / math.sqrt(5 + 1e-6))
    np.testing.assert_allclose(got.reshape(2, 4)[1], np.array([-0.5, -0.5, -0.5, 1.5]) / math.sqrt(0.75 + 1e-6))


def test_alpha_dropout_first_case_by_hand():
    alpha = 1.7580993408473766
    a = 1 / math.sqrt((alpha**2 / 2 + 1) / 2)
    _, (y,) = first_case_outputs("alpha_dropout")  # x = [1, -2, 0, 3], kept [1, 0, 1, 0], p = 0.5
    np.testing.assert_allclose(y, [a + a * alpha / 2, -a * alpha / 2, a * alpha / 2, -a * alpha / 2])


def test_drop_block_first_case_by_hand():
    (x, *_), (y,) = first_case_outputs("drop_block2d")  # one 3x3 block at the top-left of 4x4
    expected = x[0, 0] * 16 / (7 + 1e-6)
    expected[:3, :3] = 0
    np.testing.assert_allclose(y[0, 0], expected)


def test_cross_entropy_first_case_by_hand():
    # sample 0: class 2 of [0, 0, 1], weight 2; sample 1: class 0 of [1, 0.5, 0], weight 1; sample 2 ignored
    nll0 = -(1 - math.log(2 + math.e))
    nll1 = -(1 - math.log(math.e + math.exp(0.5) + 1))
    _, (loss,) = first_case_outputs("cross_entropy_weighted")
    assert float(loss) == pytest.approx((2 * nll0 + 1 * nll1) / 3)


def test_clip_grad_norm_first_case_by_hand():
    _, (g1, g2, total) = first_case_outputs("clip_grad_norm")  # norms 5 and 12, max_norm 6.5
    assert float(total) == pytest.approx(13.0)
    np.testing.assert_allclose(g1, [1.5, 2.0], rtol=1e-6)
    np.testing.assert_allclose(g2, [[6.0]], rtol=1e-6)
