"""Alpha dropout and DropBlock: hand-worked values from the formulas and torchvision's source."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizapp.engine.dropout import SELU_ALPHA_PRIME, alpha_dropout, drop_block2d, drop_block_gamma

# --------------------------------------------------------------------------- alpha dropout


def test_alpha_dropout_by_hand_at_p_one_half():
    # a = 1 / sqrt((1.7581^2 * 0.5 + 1) * 0.5); kept: a*x + a*1.7581*0.5; dropped: -a*1.7581*0.5
    alpha = 1.7580993408473766
    a = 1 / math.sqrt((alpha**2 * 0.5 + 1) * 0.5)
    x = np.array([1.0, -2.0, 0.0, 3.0])
    mask = np.array([True, False, True, False])
    got = alpha_dropout(x, 0.5, training=True, mask=mask)
    np.testing.assert_allclose(got, [a * 1 + a * alpha * 0.5, -a * alpha * 0.5, a * alpha * 0.5, -a * alpha * 0.5])
    assert SELU_ALPHA_PRIME == alpha
    assert a == pytest.approx(0.8864, abs=1e-4)


def test_alpha_dropout_keeps_zero_mean_and_unit_variance():
    """The point of the affine correction: standard-normal inputs stay standard."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(400_000)
    for p in (0.1, 0.5):
        y = alpha_dropout(x, p, training=True, rng=rng)
        assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01


def test_alpha_dropout_is_the_identity_by_default_and_zero_at_p_one():
    x = np.array([1.0, 2.0])
    np.testing.assert_array_equal(alpha_dropout(x), x)  # F.alpha_dropout's training=False
    np.testing.assert_array_equal(alpha_dropout(x, 0.0, training=True, mask=[0, 0]), x)
    np.testing.assert_array_equal(alpha_dropout(x, 1.0, training=True, mask=[0, 0]), [0.0, 0.0])


def test_alpha_dropout_keeps_float32_and_checks_p():
    y = alpha_dropout(np.ones(3, np.float32), 0.2, training=True, mask=[1, 0, 1])
    assert y.dtype == np.float32
    with pytest.raises(ValueError, match="between 0 and 1"):
        alpha_dropout(np.ones(3), 1.5, training=True, mask=[1, 0, 1])


# --------------------------------------------------------------------------- DropBlock


def test_gamma_by_hand():
    # 0.1 * 16 / (9 * 2 * 2) and 0.2 * 49 / (9 * 5 * 5)
    assert drop_block_gamma(0.1, 3, 4, 4) == pytest.approx(1.6 / 36)
    assert drop_block_gamma(0.2, 3, 7, 7) == pytest.approx(9.8 / 225)
    assert drop_block_gamma(0.2, 1, 7, 7) == pytest.approx(0.2)  # block size 1 is plain dropout


def test_one_seed_drops_the_block_below_and_right_of_it():
    x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    seeds = np.array([[[[True, False], [False, False]]]])
    y, keep = drop_block2d(x, 0.1, 3, seeds=seeds, return_mask=True)
    expected_keep = np.ones((4, 4), dtype=bool)
    expected_keep[0:3, 0:3] = False  # rows 0..2, columns 0..2
    np.testing.assert_array_equal(keep[0, 0], expected_keep)
    scale = 16 / (7 + 1e-6)  # 7 units kept out of 16
    np.testing.assert_allclose(y[0, 0], np.where(expected_keep, x[0, 0] * scale, 0.0))


def test_overlapping_blocks_are_counted_once():
    x = np.ones((1, 1, 4, 4))
    seeds = np.array([[[[True, False], [False, True]]]])  # blocks at (0, 0) and (1, 1): 9 + 9 - 4 = 14
    y = drop_block2d(x, 0.1, 3, seeds=seeds)
    assert np.count_nonzero(y) == 2
    np.testing.assert_allclose(y.max(), 16 / (2 + 1e-6))


def test_the_scale_counts_kept_units_over_the_whole_batch():
    x = np.ones((2, 1, 3, 3))
    seeds = np.array([True, False]).reshape(2, 1, 1, 1)  # sample 0 loses all 9 units, sample 1 none
    y = drop_block2d(x, 0.5, 3, seeds=seeds)
    np.testing.assert_array_equal(y[0], 0.0)
    np.testing.assert_allclose(y[1], 18 / (9 + 1e-6))  # not 1 / (1 - p) = 2


def test_block_size_is_cut_to_the_map_and_must_be_odd():
    x = np.ones((1, 1, 3, 5))
    y = drop_block2d(x, 0.5, 7, seeds=np.zeros((1, 1, 1, 3), dtype=bool))  # block 7 -> 3
    np.testing.assert_allclose(y, 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="odd"):
        drop_block2d(np.ones((1, 1, 4, 4)), 0.5, 2, seeds=np.zeros((1, 1, 3, 3), dtype=bool))
    with pytest.raises(ValueError, match=r"shape \(1, 1, 1, 3\), expected \(1, 1, 2, 2\)"):
        drop_block2d(np.ones((1, 1, 4, 4)), 0.5, 3, seeds=np.zeros((1, 1, 1, 3), dtype=bool))
    with pytest.raises(ValueError, match="4 dimensions|\\(N, C, H, W\\)"):
        drop_block2d(np.ones((4, 4)), 0.5, 3)


def test_identity_when_not_training_or_p_zero_and_random_draws_are_reproducible():
    x = np.random.default_rng(1).standard_normal((2, 3, 6, 6))
    np.testing.assert_array_equal(drop_block2d(x, 0.3, 3, training=False), x)
    np.testing.assert_array_equal(drop_block2d(x, 0.0, 3), x)
    a = drop_block2d(x, 0.3, 3, rng=np.random.default_rng(5))
    b = drop_block2d(x, 0.3, 3, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="rng"):
        drop_block2d(x, 0.3, 3)
