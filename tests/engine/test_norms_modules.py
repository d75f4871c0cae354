"""Norm modules (state, train/eval, parameter and buffer counts) and the teaching helpers."""

from __future__ import annotations

import numpy as np
import pytest

from quizapp.engine.norms import (
    BatchNorm,
    GroupNorm,
    InstanceNorm,
    LayerNorm,
    RMSNorm,
    fold_batch_norm,
    reduction_axes,
    stat_count,
)


def batches(seed=0, shape=(4, 3, 5), count=3):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) * (i + 1) + i for i in range(count)]


def by_hand_running_stats(xs, axes, momentum):
    """PyTorch's running-stat recurrence written out with plain NumPy."""
    mean, var = 0.0, 1.0
    for k, x in enumerate(xs, start=1):
        m = 1.0 / k if momentum is None else momentum
        mean = (1 - m) * mean + m * x.mean(axis=axes)
        var = (1 - m) * var + m * x.var(axis=axes, ddof=1)
    return mean, var


# --------------------------------------------------------------------------- BatchNorm


def test_train_and_eval_switch_the_flag_and_return_the_module():
    bn = BatchNorm(3)
    assert bn.training is True
    assert bn.eval() is bn and bn.training is False
    assert bn.train() is bn and bn.training is True
    assert bn.train(False) is bn and bn.training is False


def test_batch_norm_module_starts_like_pytorch():
    bn = BatchNorm(4)
    np.testing.assert_array_equal(bn.weight, np.ones(4))
    np.testing.assert_array_equal(bn.bias, np.zeros(4))
    np.testing.assert_array_equal(bn.running_mean, np.zeros(4))
    np.testing.assert_array_equal(bn.running_var, np.ones(4))
    assert bn.num_batches_tracked == 0 and bn.momentum == 0.1 and bn.eps == 1e-5


@pytest.mark.parametrize("affine,track,params,buffers", [(True, True, 128, 129), (False, True, 0, 129), (True, False, 128, 0), (False, False, 0, 0)])
def test_batch_norm_parameter_and_buffer_counts(affine, track, params, buffers):
    # BatchNorm2d(64): weight + bias = 2C parameters; running_mean + running_var + num_batches_tracked = 2C + 1
    bn = BatchNorm(64, affine=affine, track_running_stats=track)
    assert sum(p.size for p in bn.parameters()) == params == bn.num_parameters()
    assert sum(np.size(b) for b in bn.buffers()) == buffers == bn.num_buffer_values()
    assert set(bn.named_buffers()) == ({"running_mean", "running_var", "num_batches_tracked"} if track else set())


def test_batch_norm_running_stats_after_one_batch_by_hand():
    bn = BatchNorm(3)
    bn(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    np.testing.assert_allclose(bn.running_mean, [0.25, 0.35, 0.45])
    np.testing.assert_allclose(bn.running_var, [1.35, 1.35, 1.35])
    assert bn.num_batches_tracked == 1


def test_batch_norm_running_stats_over_several_batches():
    xs = batches()
    bn = BatchNorm(3, momentum=0.3)
    for x in xs:
        bn(x)
    mean, var = by_hand_running_stats(xs, (0, 2), 0.3)
    np.testing.assert_allclose(bn.running_mean, mean)
    np.testing.assert_allclose(bn.running_var, var)
    assert bn.num_batches_tracked == 3


def test_momentum_none_is_the_cumulative_average_by_hand():
    # batch means 2, 4, 0 and unbiased variances 2, 8, 0: the plain averages are 2 and 10/3
    bn = BatchNorm(1, momentum=None)
    for values in ([1.0, 3.0], [2.0, 6.0], [0.0, 0.0]):
        bn(np.array(values).reshape(2, 1))
    np.testing.assert_allclose(bn.running_mean, [2.0])
    np.testing.assert_allclose(bn.running_var, [10.0 / 3.0])
    assert bn.num_batches_tracked == 3


def test_momentum_none_over_image_batches_is_the_mean_of_the_batch_statistics():
    xs = batches(1, (3, 2, 4, 4))
    bn = BatchNorm(2, momentum=None)
    for x in xs:
        bn(x)
    np.testing.assert_allclose(bn.running_mean, np.mean([x.mean(axis=(0, 2, 3)) for x in xs], axis=0))
    np.testing.assert_allclose(bn.running_var, np.mean([x.var(axis=(0, 2, 3), ddof=1) for x in xs], axis=0))


def test_batch_norm_eval_uses_running_stats_and_does_not_update_them():
    bn = BatchNorm(2)
    bn.weight[:] = [2.0, 1.0]
    bn.bias[:] = [0.0, 1.0]
    bn.running_mean[:] = [1.0, -1.0]
    bn.running_var[:] = [4.0, 1.0]
    bn.eval()
    x = np.array([[3.0, 0.0], [5.0, 2.0]])
    out = bn(x)
    expected = (x - [1.0, -1.0]) / np.sqrt(np.array([4.0, 1.0]) + 1e-5) * [2.0, 1.0] + [0.0, 1.0]
    np.testing.assert_allclose(out, expected)
    np.testing.assert_array_equal(bn.running_mean, [1.0, -1.0])
    assert bn.num_batches_tracked == 0


def test_batch_norm_eval_accepts_a_single_sample():
    bn = BatchNorm(3).eval()
    np.testing.assert_allclose(bn(np.array([[1.0, 2.0, 3.0]])), np.array([[1.0, 2.0, 3.0]]) / np.sqrt(1 + 1e-5))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn.train()(np.array([[1.0, 2.0, 3.0]]))


def test_batch_norm_without_running_stats_uses_batch_stats_in_eval_mode_too():
    bn = BatchNorm(3, track_running_stats=False)
    assert bn.running_mean is None and bn.num_batches_tracked is None
    x = batches(2, (5, 3))[0]
    expected = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    np.testing.assert_allclose(bn(x), expected)
    np.testing.assert_allclose(bn.eval()(x), expected)


def test_batch_norm_works_on_any_rank():
    for shape in [(4, 3), (4, 3, 5), (2, 3, 4, 5), (2, 3, 2, 2, 2)]:
        x = np.random.default_rng(3).standard_normal(shape)
        axes = (0, *range(2, len(shape)))
        out = BatchNorm(3)(x)
        np.testing.assert_allclose(out.mean(axis=axes), 0.0, atol=1e-12)


def test_batch_norm_wrong_channel_count_raises():
    with pytest.raises(ValueError, match=r"BatchNorm\(3\): expected 3 channels on axis 1, got input of shape \(2, 4\)"):
        BatchNorm(3)(np.ones((2, 4)))


def test_reset_running_stats():
    bn = BatchNorm(2)
    bn(np.arange(8.0).reshape(4, 2))
    bn.reset_running_stats()
    np.testing.assert_array_equal(bn.running_mean, 0.0)
    np.testing.assert_array_equal(bn.running_var, 1.0)
    assert bn.num_batches_tracked == 0


def test_float32_module_keeps_float32():
    bn = BatchNorm(3, dtype=np.float32)
    out = bn(np.ones((4, 3), dtype=np.float32) * np.arange(4, dtype=np.float32)[:, None])
    assert out.dtype == np.float32 and bn.running_mean.dtype == np.float32


# --------------------------------------------------------------------------- the others


def test_layer_norm_module_parameters_are_per_element():
    ln = LayerNorm((4, 5))
    assert ln.weight.shape == (4, 5) and ln.num_parameters() == 40 and ln.buffers() == []
    assert LayerNorm(8, bias=False).num_parameters() == 8
    assert LayerNorm(8, elementwise_affine=False).parameters() == []


def test_layer_norm_module_behaves_the_same_in_train_and_eval():
    ln = LayerNorm(5)
    ln.weight[:] = np.arange(1.0, 6.0)
    x = np.random.default_rng(4).standard_normal((3, 5))
    expected = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5) * np.arange(1.0, 6.0)
    np.testing.assert_allclose(ln(x), expected)
    np.testing.assert_allclose(ln.eval()(x), expected)


def test_group_norm_module():
    gn = GroupNorm(2, 4)
    assert gn.num_parameters() == 8 and gn.buffers() == []
    x = np.random.default_rng(5).standard_normal((3, 4, 6))
    grouped = x.reshape(3, 2, 12)
    expected = ((grouped - grouped.mean(2, keepdims=True)) / np.sqrt(grouped.var(2, keepdims=True) + 1e-5)).reshape(x.shape)
    np.testing.assert_allclose(gn(x), expected)


def test_group_norm_module_rejects_indivisible_channels():
    with pytest.raises(ValueError, match=r"GroupNorm: num_channels \(6\) must be divisible by num_groups \(4\)"):
        GroupNorm(4, 6)


def test_instance_norm_defaults_have_no_parameters_and_no_running_stats():
    inorm = InstanceNorm(3)
    assert inorm.affine is False and inorm.track_running_stats is False
    assert inorm.parameters() == [] and inorm.buffers() == []
    x = np.random.default_rng(6).standard_normal((2, 3, 7))
    expected = (x - x.mean(2, keepdims=True)) / np.sqrt(x.var(2, keepdims=True) + 1e-5)
    np.testing.assert_allclose(inorm(x), expected)
    np.testing.assert_allclose(inorm.eval()(x), expected)  # still instance statistics in eval mode


def test_instance_norm_with_running_stats_averages_instances_and_uses_them_in_eval():
    xs = batches(7, (2, 3, 6))
    inorm = InstanceNorm(3, affine=True, track_running_stats=True)
    assert inorm.num_parameters() == 6 and inorm.num_buffer_values() == 7
    mean, var = 0.0, 1.0
    for x in xs:
        inorm(x)
        mean = 0.9 * mean + 0.1 * x.mean(axis=2).mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=2, ddof=1).mean(axis=0)
    np.testing.assert_allclose(inorm.running_mean, mean)
    np.testing.assert_allclose(inorm.running_var, var)
    assert inorm.num_batches_tracked == 0  # PyTorch never counts batches here
    x = xs[0]
    expected = (x - mean[None, :, None]) / np.sqrt(var[None, :, None] + 1e-5)
    np.testing.assert_allclose(inorm.eval()(x), expected)


def test_instance_norm_momentum_none_leaves_running_stats_alone():
    inorm = InstanceNorm(3, momentum=None, track_running_stats=True)
    inorm(batches(8, (2, 3, 6))[2])
    np.testing.assert_array_equal(inorm.running_mean, 0.0)
    np.testing.assert_array_equal(inorm.running_var, 1.0)


def test_instance_norm_channel_mismatch_warns_without_affine_and_raises_with_it():
    with pytest.warns(UserWarning, match="expected 3 channels"):
        InstanceNorm(3)(np.ones((2, 4, 5)) * np.arange(5))
    with pytest.raises(ValueError, match="expected 3 channels"):
        InstanceNorm(3, affine=True)(np.ones((2, 4, 5)))


def test_rms_norm_module_has_a_weight_and_no_bias():
    rms = RMSNorm(4)
    assert list(rms.named_parameters()) == ["weight"] and rms.num_parameters() == 4
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    eps = np.finfo(np.float64).eps
    np.testing.assert_allclose(rms(x), x / np.sqrt(7.5 + eps))
    assert RMSNorm(4, elementwise_affine=False).parameters() == []


# --------------------------------------------------------------------------- folding


def test_fold_batch_norm_into_a_linear_layer_gives_the_same_outputs():
    rng = np.random.default_rng(9)
    weight, bias = rng.standard_normal((4, 3)), rng.standard_normal(4)
    mean, var = rng.standard_normal(4), rng.random(4) + 0.5
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    x = rng.standard_normal((6, 3))
    z = x @ weight.T + bias
    bn_eval = gamma * (z - mean) / np.sqrt(var + 1e-5) + beta
    fused_w, fused_b = fold_batch_norm(weight, bias, mean, var, gamma, beta)
    np.testing.assert_allclose(x @ fused_w.T + fused_b, bn_eval)


def test_fold_batch_norm_by_hand_with_a_conv_weight_and_no_bias():
    # s = gamma / sqrt(var) = (2/2, 3/1) = (1, 3); fused bias = (0 - mean) * s + beta
    weight = np.ones((2, 1, 2, 2))
    fused_w, fused_b = fold_batch_norm(weight, None, np.array([1.0, 2.0]), np.array([4.0, 1.0]), np.array([2.0, 3.0]), np.array([0.5, 0.0]), eps=0.0)
    np.testing.assert_allclose(fused_w[0], 1.0)
    np.testing.assert_allclose(fused_w[1], 3.0)
    np.testing.assert_allclose(fused_b, [-1.0 + 0.5, -6.0])


def test_fold_batch_norm_without_affine():
    fused_w, fused_b = fold_batch_norm(np.ones((1, 2)), np.array([3.0]), np.array([1.0]), np.array([4.0]), None, None, eps=0.0)
    np.testing.assert_allclose(fused_w, [[0.5, 0.5]])
    np.testing.assert_allclose(fused_b, [1.0])


# --------------------------------------------------------------------------- the unified view


def test_reduction_axes_for_images():
    assert reduction_axes("batch", 4) == (0, 2, 3)
    assert reduction_axes("layer", 4) == (1, 2, 3)
    assert reduction_axes("instance", 4) == (2, 3)
    assert reduction_axes("group", 4) == (1, 2, 3)
    assert reduction_axes("batch", 2) == (0,)
    assert reduction_axes("instance", 3) == (2,)


def test_stat_count_for_each_method_by_hand():
    shape = (8, 16, 4, 4)
    assert stat_count(shape, "batch") == 8 * 4 * 4
    assert stat_count(shape, "layer") == 16 * 4 * 4
    assert stat_count(shape, "instance") == 4 * 4
    assert stat_count(shape, "group", num_groups=4) == 4 * 4 * 4
    assert stat_count((32, 10), "batch") == 32


def test_stat_count_errors():
    with pytest.raises(ValueError, match="needs num_groups"):
        stat_count((2, 4, 3), "group")
    with pytest.raises(ValueError, match=r"\(4\) must be divisible by num_groups \(3\)"):
        stat_count((2, 4, 3), "group", num_groups=3)
    with pytest.raises(ValueError, match="unknown method 'rms'"):
        reduction_axes("rms", 4)
    with pytest.raises(ValueError, match="at least 2 axes"):
        reduction_axes("batch", 1)


def test_module_reprs_name_the_class_and_its_settings():
    assert repr(BatchNorm(3)) == "BatchNorm(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    assert repr(InstanceNorm(4, momentum=None)) == (
        "InstanceNorm(4, eps=1e-05, momentum=None, affine=False, track_running_stats=False)"
    )
