"""Dropout family: hand-worked values, statistics of the random masks, finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.engine.dropout import (
    drop_path,
    drop_path_rates,
    dropout,
    dropout2d,
    dropout_backward,
    dropout_original,
    mc_dropout_predict,
)


def rng(seed=0):
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------- inverted dropout


def test_dropout_with_given_mask_scales_kept_values_by_one_over_keep():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    mask = np.array([True, False, True, False])
    np.testing.assert_allclose(dropout(x, 0.5, mask=mask), [2.0, 0.0, 6.0, 0.0])
    np.testing.assert_allclose(dropout(x, 0.2, mask=mask), [1.25, 0.0, 3.75, 0.0])


def test_dropout_accepts_a_zero_one_mask():
    out = dropout(np.array([4.0, 8.0]), 0.5, mask=np.array([0, 1]))
    np.testing.assert_allclose(out, [0.0, 16.0])


def test_dropout_eval_is_identity_and_needs_no_rng():
    x = np.array([[1.0, -2.0], [3.0, 0.5]])
    np.testing.assert_array_equal(dropout(x, 0.9, training=False), x)
    out, mask = dropout(x, 0.9, training=False, return_mask=True)
    np.testing.assert_array_equal(out, x)
    assert mask.dtype == bool and mask.all()


def test_dropout_p_zero_is_identity_and_p_one_is_zeros_without_nan():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    np.testing.assert_array_equal(dropout(x, 0.0, rng=rng()), x)
    with np.errstate(all="raise"):
        out = dropout(x, 1.0, rng=rng())
    np.testing.assert_array_equal(out, np.zeros_like(x))


def test_dropout_return_mask_gives_the_mask_that_was_used():
    x = np.arange(1.0, 101.0)
    out, mask = dropout(x, 0.3, rng=rng(1), return_mask=True)
    assert mask.dtype == bool and mask.shape == x.shape
    np.testing.assert_allclose(out[mask], x[mask] / 0.7)
    np.testing.assert_array_equal(out[~mask], 0.0)


def test_dropout_drop_rate_and_expectation_match_p():
    x = np.full(200_000, 3.0)
    out, mask = dropout(x, 0.3, rng=rng(2), return_mask=True)
    # binomial std of the drop fraction: sqrt(0.21 / 2e5) ~ 0.001
    assert abs((~mask).mean() - 0.3) < 0.005
    assert abs(out.mean() - 3.0) < 0.03  # inverted dropout preserves E[y] = x


def test_dropout_same_seed_same_output_different_seed_different_output():
    x = np.ones((4, 5))
    np.testing.assert_array_equal(dropout(x, 0.5, rng=rng(7)), dropout(x, 0.5, rng=rng(7)))
    assert not np.array_equal(dropout(x, 0.5, rng=rng(7)), dropout(x, 0.5, rng=rng(8)))


def test_dropout_keeps_float32_and_promotes_integers_to_float64():
    assert dropout(np.ones(4, dtype=np.float32), 0.5, rng=rng()).dtype == np.float32
    assert dropout(np.ones(4, dtype=np.int64), 0.5, rng=rng()).dtype == np.float64
    assert dropout(np.ones(4, dtype=np.float32), 0.5, training=False).dtype == np.float32


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_dropout_rejects_p_outside_unit_interval(p):
    with pytest.raises(ValueError, match="dropout probability p must be between 0 and 1"):
        dropout(np.ones(3), p, rng=rng())


def test_dropout_without_rng_or_mask_says_what_to_pass():
    with pytest.raises(ValueError, match="rng=numpy.random.default_rng"):
        dropout(np.ones(3), 0.5)


def test_dropout_rejects_a_mask_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"mask has shape \(2,\), expected \(3,\)"):
        dropout(np.ones(3), 0.5, mask=np.array([True, False]))


def test_dropout_rejects_a_mask_that_is_not_boolean():
    with pytest.raises(ValueError, match="True/False"):
        dropout(np.ones(2), 0.5, mask=np.array([0.5, 1.0]))


# --------------------------------------------------------------------------- backward


def test_dropout_backward_by_hand():
    np.testing.assert_allclose(
        dropout_backward(np.array([1.0, 1.0, -2.0]), np.array([True, False, True]), 0.5),
        [2.0, 0.0, -4.0],
    )
    np.testing.assert_array_equal(
        dropout_backward(np.ones(3), np.array([True, True, False]), 1.0), np.zeros(3)
    )


@given(
    seed=st.integers(0, 2**32 - 1),
    p=st.sampled_from([0.1, 0.25, 0.5, 0.8]),
    shape=st.sampled_from([(5,), (2, 3), (2, 2, 3)]),
)
def test_dropout_backward_matches_finite_differences(seed, p, shape):
    r = np.random.default_rng(seed)
    x = r.normal(size=shape)
    g = r.normal(size=shape)  # upstream gradient dL/dy: L = sum(g * y)
    mask = r.random(shape) < 0.5

    def loss(x_):
        return float((g * dropout(x_, p, mask=mask)).sum())

    h = 1e-6
    numeric = np.zeros(shape)
    for index in np.ndindex(*shape):  # test-side loop over a handful of entries
        step = np.zeros(shape)
        step[index] = h
        numeric[index] = (loss(x + step) - loss(x - step)) / (2 * h)
    np.testing.assert_allclose(dropout_backward(g, mask, p), numeric, rtol=1e-6, atol=1e-8)


# --------------------------------------------------------------------------- original convention


def test_dropout_original_multiplies_by_mask_without_scaling_and_by_p_keep_at_test():
    x = np.array([2.0, 4.0, 6.0])
    mask = np.array([True, False, True])
    np.testing.assert_allclose(dropout_original(x, 0.8, mask=mask), [2.0, 0.0, 6.0])
    np.testing.assert_allclose(dropout_original(x, 0.8, training=False), [1.6, 3.2, 4.8])


def test_dropout_original_train_expectation_equals_test_output():
    x = np.full(200_000, 5.0)
    train, mask = dropout_original(x, 0.8, rng=rng(3), return_mask=True)
    assert abs(mask.mean() - 0.8) < 0.005  # p_keep is the KEEP probability
    assert abs(train.mean() - dropout_original(x, 0.8, training=False).mean()) < 0.05


def test_two_conventions_differ_by_the_keep_factor_for_the_same_mask():
    x = np.array([1.0, 3.0, 5.0, 7.0])
    mask = np.array([True, True, False, True])
    inverted = dropout(x, 0.25, mask=mask)  # p = drop probability
    original = dropout_original(x, 0.75, mask=mask)  # p_keep = 1 - p
    np.testing.assert_allclose(inverted * 0.75, original)


def test_dropout_original_rejects_bad_keep_probability():
    with pytest.raises(ValueError, match="keep probability p_keep must be between 0 and 1"):
        dropout_original(np.ones(2), 1.2, rng=rng())


# --------------------------------------------------------------------------- dropout2d


def test_dropout2d_by_hand_zeroes_whole_channels():
    x = np.arange(1.0, 9.0).reshape(1, 2, 2, 2)
    out = dropout2d(x, 0.5, mask=np.array([[True, False]]))
    np.testing.assert_allclose(out[0, 0], 2 * x[0, 0])
    np.testing.assert_array_equal(out[0, 1], 0.0)
    same = dropout2d(x, 0.5, mask=np.array([[True, False]]).reshape(1, 2, 1, 1))
    np.testing.assert_array_equal(same, out)


def test_dropout2d_zeroes_whole_channels_at_rate_p_and_preserves_expectation():
    x = np.ones((200, 100, 3, 3))
    out, mask = dropout2d(x, 0.4, rng=rng(4), return_mask=True)
    assert mask.shape == (200, 100)
    channel_max = out.max(axis=(2, 3))
    channel_min = out.min(axis=(2, 3))
    np.testing.assert_array_equal(channel_max, channel_min)  # each channel all-or-nothing
    assert abs((channel_max == 0).mean() - 0.4) < 0.015  # 20000 channels
    assert abs(out.mean() - 1.0) < 0.03
    np.testing.assert_array_equal(channel_max != 0, mask)


def test_dropout2d_eval_identity_and_errors():
    x = np.ones((2, 3, 4))
    np.testing.assert_array_equal(dropout2d(x, 0.5, training=False), x)
    with pytest.raises(ValueError, match=r"input must be \(N, C, ...\)"):
        dropout2d(np.ones(3), 0.5, rng=rng())
    with pytest.raises(ValueError, match=r"expected \(2, 3\)"):
        dropout2d(x, 0.5, mask=np.ones((3, 2), dtype=bool))


def test_dropout2d_p_one_zeros_float32_kept():
    out = dropout2d(np.ones((2, 2, 2), dtype=np.float32), 1.0, rng=rng())
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, 0.0)


# --------------------------------------------------------------------------- drop path


def test_drop_path_defaults_are_identity_like_timm():
    x = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(drop_path(x), x)  # training=False by default
    np.testing.assert_array_equal(drop_path(x, 0.5), x)
    np.testing.assert_array_equal(drop_path(x, 0.0, training=True, rng=rng()), x)


def test_drop_path_by_hand_one_decision_per_sample():
    x = np.ones((3, 2, 2))
    out = drop_path(x, 0.2, training=True, mask=np.array([True, False, True]))
    np.testing.assert_allclose(out[0], 1.25)
    np.testing.assert_array_equal(out[1], 0.0)
    np.testing.assert_allclose(out[2], 1.25)
    unscaled = drop_path(x, 0.2, True, False, mask=np.array([True, False, True]))
    np.testing.assert_array_equal(unscaled[[0, 2]], 1.0)


def test_drop_path_with_drop_prob_one_gives_zeros_without_division():
    with np.errstate(all="raise"):
        out = drop_path(np.ones((4, 3)), 1.0, training=True, rng=rng())
    np.testing.assert_array_equal(out, 0.0)


def test_drop_path_statistics_per_sample():
    x = np.ones((50_000, 4))
    out, mask = drop_path(x, 0.25, training=True, rng=rng(5), return_mask=True)
    assert mask.shape == (50_000,)
    rows_dropped = (out == 0).all(axis=1)
    rows_kept = (out == 1 / 0.75).all(axis=1)
    assert (rows_dropped | rows_kept).all()  # a sample is dropped entirely or not at all
    assert abs(rows_dropped.mean() - 0.25) < 0.01
    assert abs(out.mean() - 1.0) < 0.02


def test_drop_path_keeps_float32():
    out = drop_path(np.ones((4, 3), dtype=np.float32), 0.5, training=True, rng=rng())
    assert out.dtype == np.float32


def test_drop_path_rates_is_linear_from_zero():
    np.testing.assert_allclose(drop_path_rates(0.1, 5), [0.0, 0.025, 0.05, 0.075, 0.1])
    assert drop_path_rates(0.3, 1) == [0.0]
    assert drop_path_rates(0.3, 0) == []
    with pytest.raises(ValueError, match="depth must be a non-negative integer"):
        drop_path_rates(0.1, -2)
    with pytest.raises(ValueError, match="drop_path_rate must be between 0 and 1"):
        drop_path_rates(1.5, 4)


# --------------------------------------------------------------------------- MC dropout


def test_mc_dropout_mean_and_biased_variance_by_hand():
    outputs = iter([np.array([1.0, 0.0]), np.array([2.0, 0.0]), np.array([3.0, 6.0])])
    mean, var = mc_dropout_predict(lambda x, r: next(outputs), np.zeros(2), 3, rng=rng())
    np.testing.assert_allclose(mean, [2.0, 2.0])
    # (1 + 0 + 1) / 3 and (4 + 4 + 16) / 3: divide by T, not T - 1
    np.testing.assert_allclose(var, [2 / 3, 8.0])


def test_mc_dropout_passes_the_rng_and_is_reproducible():
    def forward(x, r):
        return dropout(x, 0.5, training=True, rng=r)

    x = np.ones(3)
    a = mc_dropout_predict(forward, x, 50, rng=rng(9))
    b = mc_dropout_predict(forward, x, 50, rng=rng(9))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_mc_dropout_statistics_match_bernoulli_moments():
    # y = x * Bernoulli(0.5) / 0.5 with x = 1: values 0 or 2, mean 1, variance 1
    mean, var = mc_dropout_predict(
        lambda x, r: dropout(x, 0.5, rng=r), np.ones(4), 20_000, rng=rng(10)
    )
    np.testing.assert_allclose(mean, 1.0, atol=0.03)
    np.testing.assert_allclose(var, 1.0, atol=0.03)


def test_mc_dropout_rejects_zero_passes():
    with pytest.raises(ValueError, match="passes must be a positive integer"):
        mc_dropout_predict(lambda x, r: x, np.ones(2), 0, rng=rng())


# --------------------------------------------------------------------------- against torch


def test_dropout_agrees_with_torch_on_what_can_be_compared():
    torch = pytest.importorskip("torch")
    x = np.linspace(-2, 2, 10_000)
    for p in (0.0, 0.3, 1.0):
        ours = dropout(x, p, rng=rng(11))
        theirs = torch.nn.functional.dropout(torch.tensor(x), p, training=True).numpy()
        # the kept values are x / (1 - p) in both, dropped ones 0 (masks differ: different RNGs)
        for out in (ours, theirs):
            kept = out != 0
            if p < 1:
                np.testing.assert_allclose(out[kept], x[kept] / (1 - p))
            else:
                assert not kept.any()
    eval_out = torch.nn.functional.dropout(torch.tensor(x), 0.3, training=False).numpy()
    np.testing.assert_array_equal(dropout(x, 0.3, training=False), eval_out)


def test_dropout2d_same_structure_as_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    x = np.ones((64, 32, 2, 2))
    theirs = torch.nn.functional.dropout2d(torch.tensor(x), 0.5, training=True).numpy()
    ours = dropout2d(x, 0.5, rng=rng(12))
    for out in (ours, theirs):
        per_channel = out.reshape(64, 32, -1)
        assert (per_channel.min(axis=2) == per_channel.max(axis=2)).all()
        assert set(np.unique(out)) <= {0.0, 2.0}
