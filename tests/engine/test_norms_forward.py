"""Normalization forward passes: hand-worked values, invariants on the right axes, dtypes, errors.

Expected values are worked by hand or computed here with plain NumPy (x.mean / x.var on the axes
the method names), never with engine.norms itself.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.engine.norms import batch_norm, group_norm, instance_norm, layer_norm, rms_norm, weight_norm

X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def reference(x, axes, eps):
    """(x - mean) / sqrt(biased var + eps) over ``axes``, in float64 with plain NumPy."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)


def data(seed, shape, scale=1.0, shift=0.0, dtype=np.float64):
    return (np.random.default_rng(seed).standard_normal(shape) * scale + shift).astype(dtype)


# --------------------------------------------------------------------------- hand-worked examples


def test_batch_norm_of_the_worked_example_is_minus_one_and_one():
    # columns (1, 4), (2, 5), (3, 6): mean 2.5, 3.5, 4.5; biased variance 2.25, std 1.5
    out = batch_norm(X, None, None, training=True, eps=0.0)
    np.testing.assert_allclose(out, [[-1, -1, -1], [1, 1, 1]], atol=1e-12)


def test_layer_norm_of_the_worked_example_is_plus_minus_sqrt_three_halves():
    # rows (1, 2, 3), (4, 5, 6): biased variance 2/3, std 0.8165; (1 - 2) / 0.8165 = -1.2247
    out = layer_norm(X, 3, eps=0.0)
    row = [-math.sqrt(1.5), 0.0, math.sqrt(1.5)]
    np.testing.assert_allclose(out, [row, row], atol=1e-12)
    assert abs(out[0, 0] + 1.2247) < 1e-4


def test_batch_norm_divides_by_the_biased_std_not_the_unbiased_one():
    # unbiased std of (1, 4) would be 2.1213 and give +-0.7071 instead of +-1
    out = batch_norm(np.array([[1.0], [4.0]]), None, None, training=True, eps=0.0)
    np.testing.assert_allclose(out.ravel(), [-1.0, 1.0])


def test_eps_sits_inside_the_square_root():
    # (4 - 2.5) / sqrt(2.25 + 0.75) = 1.5 / sqrt(3); with eps outside it would be 1.5 / 2.25
    out = batch_norm(np.array([[1.0], [4.0]]), None, None, training=True, eps=0.75)
    np.testing.assert_allclose(out.ravel(), [-1.5 / math.sqrt(3), 1.5 / math.sqrt(3)])


def test_batch_norm_applies_gamma_and_beta_per_channel():
    out = batch_norm(X, None, None, weight=[2.0, 1.0, 0.5], bias=[0.0, 10.0, -1.0], training=True, eps=0.0)
    np.testing.assert_allclose(out, [[-2, 9, -1.5], [2, 11, -0.5]], atol=1e-12)


def test_batch_norm_eval_uses_the_running_statistics():
    # running mean 2, running var 4: (x - 2) / 2
    out = batch_norm(X, np.full(3, 2.0), np.full(3, 4.0), training=False, eps=0.0)
    np.testing.assert_allclose(out, (X - 2.0) / 2.0)


def test_batch_norm_training_updates_running_stats_in_place_by_hand():
    running_mean, running_var = np.zeros(3), np.ones(3)
    batch_norm(X, running_mean, running_var, training=True, momentum=0.1)
    # batch means 2.5, 3.5, 4.5; unbiased variance of two values 3 apart: 4.5
    np.testing.assert_allclose(running_mean, [0.25, 0.35, 0.45])
    np.testing.assert_allclose(running_var, [0.9 + 0.45] * 3)


def test_batch_norm_running_var_uses_n_over_n_minus_1_on_images():
    # one channel, N*H*W = 2*1*2 = 4 values 0, 2, 4, 6: mean 3, biased var 5, unbiased 20/3
    x = np.array([0.0, 2.0, 4.0, 6.0]).reshape(2, 1, 1, 2)
    running_mean, running_var = np.zeros(1), np.zeros(1)
    batch_norm(x, running_mean, running_var, training=True, momentum=1.0)
    np.testing.assert_allclose(running_mean, [3.0])
    np.testing.assert_allclose(running_var, [20.0 / 3.0])


def test_batch_norm_eval_leaves_running_stats_alone():
    running_mean, running_var = np.zeros(3), np.ones(3)
    batch_norm(X, running_mean, running_var, training=False)
    np.testing.assert_array_equal(running_mean, 0.0)
    np.testing.assert_array_equal(running_var, 1.0)


def test_group_norm_by_hand():
    # one sample, 4 channels of 1 value, 2 groups: (1, 3) and (10, 30) -> -1, 1 in each group
    x = np.array([1.0, 3.0, 10.0, 30.0]).reshape(1, 4)
    np.testing.assert_allclose(group_norm(x, 2, eps=0.0), [[-1.0, 1.0, -1.0, 1.0]])


def test_instance_norm_by_hand():
    # each (sample, channel) row normalized alone: (0, 2) -> (-1, 1), (5, 5, ...) guarded by eps
    x = np.array([[[0.0, 2.0], [7.0, 9.0]]])
    np.testing.assert_allclose(instance_norm(x, eps=0.0), [[[-1, 1], [-1, 1]]])


def test_rms_norm_by_hand_has_no_mean_subtraction():
    # (3, 4): mean square 12.5, rms 3.5355; the mean 3.5 is NOT subtracted
    out = rms_norm(np.array([3.0, 4.0]), 2, eps=0.0)
    np.testing.assert_allclose(out, np.array([3.0, 4.0]) / math.sqrt(12.5))


def test_rms_norm_default_eps_is_the_dtype_machine_epsilon():
    tiny = np.full(3, 1e-4, dtype=np.float32)
    expected = 1e-4 / math.sqrt(1e-8 + float(np.finfo(np.float32).eps))
    np.testing.assert_allclose(rms_norm(tiny, 3), expected, rtol=1e-5)
    tiny64 = np.full(3, 1e-9)
    np.testing.assert_allclose(rms_norm(tiny64, 3), 1e-9 / math.sqrt(1e-18 + np.finfo(np.float64).eps), rtol=1e-9)


def test_weight_norm_by_hand():
    v = np.array([[3.0, 4.0], [0.0, 2.0]])
    # rows have norms 5 and 2; g = (10, 1)
    np.testing.assert_allclose(weight_norm(v, np.array([10.0, 1.0]), dim=0), [[6.0, 8.0], [0.0, 1.0]])
    # columns have norms 3 and sqrt(20)
    np.testing.assert_allclose(weight_norm(v, np.array([[1.0, 1.0]]), dim=1), [[1.0, 4 / math.sqrt(20)], [0.0, 2 / math.sqrt(20)]])


def test_weight_norm_dim_none_and_minus_one_take_one_norm_over_the_whole_tensor():
    v = np.array([[3.0, 0.0], [0.0, 4.0]])  # Frobenius norm 5
    for dim in (None, -1):
        np.testing.assert_allclose(weight_norm(v, 2.0, dim=dim), v * 2 / 5)


def test_weight_norm_accepts_g_shaped_like_torch_weight_g():
    v = data(0, (4, 3, 2, 2))
    g = np.arange(1.0, 5.0)
    norms_per_filter = np.sqrt((v**2).sum(axis=(1, 2, 3), keepdims=True))
    expected = g.reshape(4, 1, 1, 1) * v / norms_per_filter
    np.testing.assert_allclose(weight_norm(v, g.reshape(4, 1, 1, 1)), expected)
    np.testing.assert_allclose(weight_norm(v, g), expected)


# --------------------------------------------------------------------------- the unified view


def test_group_norm_with_one_group_is_layer_norm_over_chw():
    x = data(1, (3, 6, 4, 5), scale=2.0, shift=1.0)
    np.testing.assert_allclose(group_norm(x, 1), reference(x, (1, 2, 3), 1e-5), atol=1e-12)


def test_group_norm_with_c_groups_is_instance_norm():
    x = data(2, (3, 6, 4, 5), scale=2.0, shift=1.0)
    np.testing.assert_allclose(group_norm(x, 6), reference(x, (2, 3), 1e-5), atol=1e-12)


def test_group_norm_groups_are_consecutive_channels():
    x = data(3, (2, 6, 3), scale=3.0)
    grouped = x.reshape(2, 3, 2, 3)  # 3 groups of channels (0, 1), (2, 3), (4, 5)
    expected = reference(grouped, (2, 3), 1e-5).reshape(x.shape)
    np.testing.assert_allclose(group_norm(x, 3), expected, atol=1e-12)


@pytest.mark.parametrize(
    "shape", [(5, 3), (4, 3, 7), (2, 3, 4, 5), (2, 3, 2, 2, 3), (6, 4, 600), (2, 3, 40, 40), (3, 2, 1)]
)
def test_batch_norm_matches_plain_numpy_on_every_rank(shape):
    x = data(4, shape, scale=1.5, shift=-2.0)
    axes = (0, *range(2, len(shape)))
    np.testing.assert_allclose(batch_norm(x, None, None, training=True), reference(x, axes, 1e-5), atol=1e-11)


@pytest.mark.parametrize("shape,normalized", [((4, 5), (5,)), ((2, 3, 4), (3, 4)), ((2, 300), 300), ((3, 2, 20, 20), (2, 20, 20))])
def test_layer_norm_matches_plain_numpy(shape, normalized):
    x = data(5, shape, scale=0.5, shift=3.0)
    k = 1 if np.ndim(normalized) == 0 else len(normalized)
    axes = tuple(range(len(shape) - k, len(shape)))
    np.testing.assert_allclose(layer_norm(x, normalized), reference(x, axes, 1e-5), atol=1e-11)


def test_layer_norm_weight_and_bias_are_per_element():
    x = data(6, (4, 3))
    w, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, -1.0, 1.0])
    np.testing.assert_allclose(layer_norm(x, 3, w, b), reference(x, (1,), 1e-5) * w + b, atol=1e-12)


def test_layer_norm_does_not_depend_on_the_rest_of_the_batch():
    x = data(7, (5, 8))
    alone = layer_norm(x[:1], 8)
    np.testing.assert_allclose(layer_norm(x, 8)[:1], alone)


def test_batch_norm_training_output_depends_on_the_rest_of_the_batch():
    x = data(8, (5, 8))
    assert not np.allclose(batch_norm(x, None, None, training=True)[:2], batch_norm(x[:2], None, None, training=True))


# --------------------------------------------------------------------------- invariants (hypothesis)

shapes = st.lists(st.integers(1, 5), min_size=2, max_size=5).map(tuple)
seeds = st.integers(0, 2**32 - 1)
scales = st.sampled_from([0.1, 1.0, 7.0])
shifts = st.sampled_from([0.0, -3.0, 40.0])


def assert_standardized(out, x, axes, eps, atol=1e-9):
    """Mean 0 and biased variance var / (var + eps) over ``axes`` (exactly 1 when eps = 0)."""
    var_in = np.asarray(x, np.float64).var(axis=axes, keepdims=True)
    np.testing.assert_allclose(out.mean(axis=axes, keepdims=True), 0.0, atol=atol)
    np.testing.assert_allclose(out.var(axis=axes, keepdims=True), var_in / (var_in + eps), rtol=1e-7, atol=atol)


@given(shape=shapes, seed=seeds, scale=scales, shift=shifts)
def test_batch_norm_standardizes_each_channel_over_batch_and_space(shape, seed, scale, shift):
    if shape[0] * math.prod(shape[2:]) < 2:
        return
    x = data(seed, shape, scale, shift)
    assert_standardized(batch_norm(x, None, None, training=True), x, (0, *range(2, len(shape))), 1e-5)


@given(shape=shapes, seed=seeds, scale=scales, shift=shifts, k=st.integers(1, 5))
def test_layer_norm_standardizes_the_trailing_axes(shape, seed, scale, shift, k):
    k = min(k, len(shape))
    x = data(seed, shape, scale, shift)
    axes = tuple(range(len(shape) - k, len(shape)))
    assert_standardized(layer_norm(x, shape[-k:]), x, axes, 1e-5)


@given(shape=shapes, seed=seeds, scale=scales, shift=shifts)
def test_instance_norm_standardizes_each_sample_and_channel(shape, seed, scale, shift):
    if math.prod(shape[2:]) < 2:
        return
    x = data(seed, shape, scale, shift)
    assert_standardized(instance_norm(x), x, tuple(range(2, len(shape))), 1e-5)


@given(shape=shapes, seed=seeds, scale=scales, shift=shifts, groups=st.integers(1, 3))
def test_group_norm_standardizes_each_group(shape, seed, scale, shift, groups):
    shape = (shape[0], shape[1] * groups, *shape[2:])
    x = data(seed, shape, scale, shift)
    if shape[0] * (shape[1] // groups) * math.prod(shape[2:]) == 1:  # PyTorch refuses this one case
        with pytest.raises(ValueError, match="more than 1 value per channel"):
            group_norm(x, groups)
        return
    grouped = x.reshape(shape[0], groups, -1)
    out = group_norm(x, groups).reshape(grouped.shape)
    assert_standardized(out, grouped, (2,), 1e-5)


@given(shape=shapes, seed=seeds, scale=scales, shift=shifts, k=st.integers(1, 5))
def test_rms_norm_output_has_mean_square_one(shape, seed, scale, shift, k):
    k = min(k, len(shape))
    x = data(seed, shape, scale, shift)
    axes = tuple(range(len(shape) - k, len(shape)))
    np.testing.assert_allclose((rms_norm(x, shape[-k:], eps=0.0) ** 2).mean(axis=axes), 1.0, rtol=1e-9)


@given(shape=shapes, seed=seeds, dim=st.integers(0, 4))
def test_weight_norm_rows_have_norm_g(shape, seed, dim):
    dim = dim % len(shape)
    v = data(seed, shape)
    g = np.abs(data(seed + 1, shape[dim])) + 0.5
    axes = tuple(a for a in range(len(shape)) if a != dim)
    w = weight_norm(v, g, dim=dim)
    np.testing.assert_allclose(np.sqrt((w**2).sum(axis=axes)), g, rtol=1e-10)
    # direction unchanged: w is a positive multiple of v in every slice
    assert np.all(w * v >= 0)


def test_batch_norm_is_not_standardized_per_sample():
    x = data(9, (6, 4, 5))
    out = batch_norm(x, None, None, training=True)
    assert np.abs(out.mean(axis=(1, 2))).max() > 1e-3  # the per-sample means are not zero


def test_constant_channel_gives_zero_variance_not_negative():
    x = np.full((4, 2, 3), 1e4)
    x[:, 1] += np.arange(3)
    out = batch_norm(x, None, None, training=True)
    np.testing.assert_array_equal(out[:, 0], 0.0)  # (x - mean) = 0 exactly, var 0, eps keeps it finite


# --------------------------------------------------------------------------- dtypes


FORWARD = {
    "batch_norm": (lambda x: batch_norm(x, None, None, np.linspace(0.5, 2, x.shape[1]), np.ones(x.shape[1]), True), (0,)),
    "batch_norm_eval": (lambda x: batch_norm(x, np.full(x.shape[1], 1.0), np.full(x.shape[1], 4.0), training=False), (0,)),
    "layer_norm": (lambda x: layer_norm(x, x.shape[1:], np.full(x.shape[1:], 1.5), np.full(x.shape[1:], 0.5)), ()),
    "group_norm": (lambda x: group_norm(x, 2, np.linspace(0.5, 2, x.shape[1]), np.ones(x.shape[1])), ()),
    "instance_norm": (lambda x: instance_norm(x), ()),
    "rms_norm": (lambda x: rms_norm(x, x.shape[-1:], np.full(x.shape[-1], 2.0)), ()),
    "weight_norm": (lambda x: weight_norm(x, np.ones(x.shape[0]), dim=0), ()),
}


@pytest.mark.parametrize("name", FORWARD)
@pytest.mark.parametrize("shape", [(64, 8), (4, 6, 5, 7), (8, 16, 32, 32), (2, 4, 3, 1000), (4, 8, 96, 90)])
@pytest.mark.parametrize("shift", [0.0, 3.0, 20.0])
def test_float32_in_float32_out_within_1e5_of_float64(name, shape, shift):
    fn, _ = FORWARD[name]
    if name == "instance_norm" and len(shape) == 2:
        return
    x32 = data(10, shape, scale=1.0, shift=shift, dtype=np.float32)
    out32 = fn(x32)
    out64 = fn(x32.astype(np.float64))
    assert out32.dtype == np.float32 and out64.dtype == np.float64
    np.testing.assert_allclose(out32, out64, rtol=0, atol=1e-5)


@pytest.mark.parametrize("contiguous", [True, False])
def test_large_inputs_match_plain_numpy(contiguous):
    # a few hundred thousand values, far more than any exercise uses, in every layout the ops accept
    x = data(12, (4, 8, 83, 79), scale=2.0, shift=1.0)
    if not contiguous:
        x = np.ascontiguousarray(x.transpose(0, 1, 3, 2)).transpose(0, 1, 3, 2)
    rng = np.random.default_rng(13)
    w, b = rng.standard_normal(8), rng.standard_normal(8)
    lw, lb = rng.standard_normal((83, 79)), rng.standard_normal((83, 79))
    per_channel = (slice(None),) + (None,) * 2
    np.testing.assert_allclose(
        batch_norm(x, None, None, w, b, training=True), reference(x, (0, 2, 3), 1e-5) * w[per_channel] + b[per_channel], atol=1e-11
    )
    np.testing.assert_allclose(layer_norm(x, (83, 79), lw, lb), reference(x, (2, 3), 1e-5) * lw + lb, atol=1e-11)
    np.testing.assert_allclose(layer_norm(x, 79, lw[0], lb[0]), reference(x, (3,), 1e-5) * lw[0] + lb[0], atol=1e-11)
    grouped = x.reshape(4, 4, 2, 83, 79)
    expected = reference(grouped, (2, 3, 4), 1e-5).reshape(x.shape) * w[per_channel] + b[per_channel]
    np.testing.assert_allclose(group_norm(x, 4, w, b), expected, atol=1e-11)
    np.testing.assert_allclose(instance_norm(x), reference(x, (2, 3), 1e-5), atol=1e-11)
    rms = x / np.sqrt((x**2).mean(axis=3, keepdims=True) + 0.5)
    np.testing.assert_allclose(rms_norm(x, 79, lw[1], eps=0.5), rms * lw[1], atol=1e-11)


def test_integer_input_is_computed_in_float64():
    assert batch_norm(np.array([[1, 2], [3, 4]]), None, None, training=True).dtype == np.float64
    assert layer_norm(np.array([[1, 2], [3, 4]]), 2).dtype == np.float64


def test_input_is_not_modified():
    x = data(11, (4, 3, 5))
    before = x.copy()
    batch_norm(x, np.zeros(3), np.ones(3), np.ones(3), np.zeros(3), training=True)
    layer_norm(x, (3, 5), np.ones((3, 5)), np.zeros((3, 5)))
    group_norm(x, 3)
    instance_norm(x)
    rms_norm(x, 5)
    np.testing.assert_array_equal(x, before)


# --------------------------------------------------------------------------- errors


def test_batch_norm_training_with_one_value_per_channel_raises():
    with pytest.raises(ValueError) as err:
        batch_norm(np.ones((1, 3)), None, None, training=True)
    assert str(err.value) == "Expected more than 1 value per channel when training, got input of shape (1, 3)"
    with pytest.raises(ValueError, match=r"more than 1 value per channel .* \(1, 3, 1\)"):
        batch_norm(np.ones((1, 3, 1)), np.zeros(3), np.ones(3), training=True)


def test_batch_norm_with_one_sample_is_fine_in_eval_mode_and_with_spatial_axes():
    batch_norm(np.ones((1, 3)), np.zeros(3), np.ones(3), training=False)
    batch_norm(np.arange(6.0).reshape(1, 3, 2), None, None, training=True)


def test_batch_norm_eval_without_running_stats_raises():
    with pytest.raises(ValueError, match="running_mean and running_var are required when training=False"):
        batch_norm(X, None, None, training=False)


def test_batch_norm_with_only_one_running_stat_raises():
    with pytest.raises(ValueError, match="both be given or both be None"):
        batch_norm(X, np.zeros(3), None, training=True)


def test_batch_norm_needs_at_least_two_axes():
    with pytest.raises(ValueError, match=r"batch_norm: expected input of shape \(N, C, \.\.\.\).*got shape \(3,\)"):
        batch_norm(np.ones(3), None, None, training=True)


def test_batch_norm_weight_of_the_wrong_size_raises():
    with pytest.raises(ValueError, match=r"batch_norm: weight should have 3 values \(one per channel\), got shape \(4,\)"):
        batch_norm(X, None, None, weight=np.ones(4), training=True)


def test_batch_norm_running_stats_must_be_arrays_to_be_updated():
    with pytest.raises(TypeError, match="running_mean must be a NumPy array"):
        batch_norm(X, [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], training=True)


def test_layer_norm_shape_mismatch_raises():
    with pytest.raises(ValueError) as err:
        layer_norm(X, 4)
    assert str(err.value) == (
        "layer_norm: normalized_shape=(4,) must equal the last 1 axes of the input, got input of shape (2, 3)"
    )
    with pytest.raises(ValueError, match="normalized_shape"):
        layer_norm(X, (1, 2, 3))
    with pytest.raises(ValueError, match="at least one axis"):
        layer_norm(X, ())


def test_layer_norm_weight_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r"layer_norm: weight should have shape \(3,\)"):
        layer_norm(X, 3, np.ones(2))


def test_group_norm_channels_not_divisible_raises_naming_both_numbers():
    with pytest.raises(ValueError, match=r"number of channels \(6\) must be divisible by num_groups \(4\)"):
        group_norm(np.ones((2, 6, 3)), 4)


def test_instance_norm_with_one_spatial_value_raises():
    with pytest.raises(ValueError, match=r"more than 1 spatial element .* \(2, 3, 1\)"):
        instance_norm(np.ones((2, 3, 1)))


def test_instance_norm_without_input_stats_needs_running_stats():
    with pytest.raises(ValueError, match="required when use_input_stats=False"):
        instance_norm(np.ones((2, 3, 4)), use_input_stats=False)
    out = instance_norm(np.full((2, 3, 4), 5.0), np.full(3, 1.0), np.full(3, 4.0), use_input_stats=False, eps=0.0)
    np.testing.assert_allclose(out, 2.0)  # (5 - 1) / 2


def test_rms_norm_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r"rms_norm: normalized_shape=\(2,\)"):
        rms_norm(X, 2)


def test_weight_norm_bad_g_and_dim_raise():
    with pytest.raises(ValueError, match=r"weight_norm: g should have 2 values"):
        weight_norm(X, np.ones(3), dim=0)
    with pytest.raises(ValueError, match=r"weight_norm: dim=2 is out of range for v of shape \(2, 3\)"):
        weight_norm(X, np.ones(2), dim=2)
