"""Normalization backward passes checked by central finite differences (float64).

The loss is L = sum(y * r) for a fixed random r, so dL/dy = r is the grad_output, and every
analytic gradient (input, weight, bias) is compared with (L(p + h) - L(p - h)) / 2h.
"""

from __future__ import annotations

import numpy as np
import pytest

from quizapp.engine.norms import (
    batch_norm,
    batch_norm_backward,
    group_norm,
    group_norm_backward,
    instance_norm,
    instance_norm_backward,
    layer_norm,
    layer_norm_backward,
    rms_norm,
    rms_norm_backward,
    weight_norm,
    weight_norm_backward,
)

H = 1e-6


def numeric_grad(loss, p):
    """Central differences of the scalar ``loss()`` with respect to every entry of ``p`` (changed in place)."""
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        old = p[i]
        p[i] = old + H
        up = loss()
        p[i] = old - H
        down = loss()
        p[i] = old
        grad[i] = (up - down) / (2 * H)
    return grad


def case(seed, shape, channels_shape, shift=0.5):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 1.7 + shift
    r = rng.standard_normal(shape)
    w = rng.standard_normal(channels_shape) + 1.0
    b = rng.standard_normal(channels_shape)
    return x, r, w, b


def check(forward, backward_result, x, r, w, b, with_bias=True, rtol=1e-6, atol=1e-8):
    """Compare the analytic (grad_input, grad_weight[, grad_bias]) with finite differences."""

    def loss():
        return float(np.sum(forward(x, w, b) * r))

    expected = [numeric_grad(loss, x), numeric_grad(loss, w)]
    if with_bias:
        expected.append(numeric_grad(loss, b))
    assert len(backward_result) == len(expected)
    for got, want in zip(backward_result, expected):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 5), (3, 2, 3, 2)])
@pytest.mark.parametrize("shift", [0.5, 30.0])
def test_batch_norm_backward(shape, shift):
    x, r, w, b = case(0, shape, shape[1], shift)
    result = batch_norm_backward(r, x, w)
    check(lambda x, w, b: batch_norm(x, None, None, w, b, training=True), result, x, r, w, b)


@pytest.mark.parametrize("shape,normalized", [((4, 5), (5,)), ((3, 2, 4), (2, 4)), ((2, 3, 4), (4,))])
@pytest.mark.parametrize("shift", [0.5, 30.0])
def test_layer_norm_backward(shape, normalized, shift):
    x, r, w, b = case(1, shape, normalized, shift)
    result = layer_norm_backward(r, x, normalized, w)
    check(lambda x, w, b: layer_norm(x, normalized, w, b), result, x, r, w, b)


@pytest.mark.parametrize("shape,groups", [((2, 4, 3), 2), ((3, 6, 2, 2), 3), ((2, 4, 5), 1), ((2, 4, 5), 4)])
def test_group_norm_backward(shape, groups):
    x, r, w, b = case(2, shape, shape[1])
    result = group_norm_backward(r, x, groups, w)
    check(lambda x, w, b: group_norm(x, groups, w, b), result, x, r, w, b)


@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 2, 2, 3)])
@pytest.mark.parametrize("shift", [0.5, 30.0])
def test_instance_norm_backward(shape, shift):
    x, r, w, b = case(3, shape, shape[1], shift)
    result = instance_norm_backward(r, x, w)
    check(lambda x, w, b: instance_norm(x, weight=w, bias=b), result, x, r, w, b)


@pytest.mark.parametrize("shape,normalized", [((4, 5), (5,)), ((3, 2, 4), (2, 4))])
@pytest.mark.parametrize("eps", [None, 0.1])
def test_rms_norm_backward(shape, normalized, eps):
    x, r, w, _ = case(4, shape, normalized)
    result = rms_norm_backward(r, x, normalized, w, eps=eps)
    check(lambda x, w, b: rms_norm(x, normalized, w, eps=eps), result, x, r, w, None, with_bias=False)


@pytest.mark.parametrize("shape,dim", [((3, 4), 0), ((3, 4), 1), ((2, 3, 2), 0), ((2, 3, 2), None), ((3, 4), -1)])
def test_weight_norm_backward(shape, dim):
    rng = np.random.default_rng(5)
    v, r = rng.standard_normal(shape), rng.standard_normal(shape)
    g_shape = () if dim in (None, -1) else (shape[dim],)
    g = rng.standard_normal(g_shape) + 2.0
    grad_v, grad_g = weight_norm_backward(r, v, g, dim=dim)
    g_work = np.array(g, dtype=float)

    def loss():
        return float(np.sum(weight_norm(v, g_work, dim=dim) * r))

    np.testing.assert_allclose(grad_v, numeric_grad(loss, v), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad_g, numeric_grad(loss, g_work), rtol=1e-6, atol=1e-8)
    # grad_v is orthogonal to v within each slice: the length is g's job
    axes = tuple(range(len(shape))) if dim in (None, -1) else tuple(a for a in range(len(shape)) if a != dim % len(shape))
    np.testing.assert_allclose((grad_v * v).sum(axis=axes), 0.0, atol=1e-12)


# --------------------------------------------------------------------------- without weight, and properties


def test_backward_without_weight_returns_none_for_parameter_grads():
    x, r, _, _ = case(6, (4, 3, 2), 3)
    for result in (
        batch_norm_backward(r, x),
        instance_norm_backward(r, x),
        group_norm_backward(r, x, 3),
        layer_norm_backward(r, x, (3, 2)),
    ):
        assert result[1] is None and result[2] is None
    assert rms_norm_backward(r, x, 2)[1] is None


@pytest.mark.parametrize(
    "forward,backward",
    [
        (lambda x: batch_norm(x, None, None, training=True), lambda r, x: batch_norm_backward(r, x)[0]),
        (lambda x: layer_norm(x, (3, 2)), lambda r, x: layer_norm_backward(r, x, (3, 2))[0]),
        (lambda x: group_norm(x, 3), lambda r, x: group_norm_backward(r, x, 3)[0]),
        (lambda x: instance_norm(x), lambda r, x: instance_norm_backward(r, x)[0]),
        (lambda x: rms_norm(x, 2), lambda r, x: rms_norm_backward(r, x, 2)[0]),
    ],
)
def test_grad_input_without_weight_matches_finite_differences(forward, backward):
    x, r, _, _ = case(7, (4, 3, 2), 3)
    np.testing.assert_allclose(backward(r, x), numeric_grad(lambda: float(np.sum(forward(x) * r)), x), rtol=1e-6, atol=1e-8)


def test_batch_norm_grad_input_sums_to_zero_per_channel_and_is_orthogonal_to_x_hat():
    # exact with eps = 0: with eps > 0, mean(x_hat^2) = var / (var + eps) is slightly below 1
    x, r, w, _ = case(8, (6, 3, 4), 3)
    grad_input = batch_norm_backward(r, x, w, eps=0.0)[0]
    axes = (0, 2)
    np.testing.assert_allclose(grad_input.sum(axis=axes), 0.0, atol=1e-12)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True))
    np.testing.assert_allclose((grad_input * x_hat).sum(axis=axes), 0.0, atol=1e-10)


def test_batch_norm_grad_bias_is_the_sum_of_grad_output_per_channel():
    x, r, w, _ = case(9, (5, 3, 2), 3)
    np.testing.assert_allclose(batch_norm_backward(r, x, w)[2], r.sum(axis=(0, 2)))


@pytest.mark.parametrize(
    "backward",
    [
        lambda r, x: batch_norm_backward(r, x, np.ones(x.shape[1], np.float32)),
        lambda r, x: layer_norm_backward(r, x, x.shape[-1:], np.ones(x.shape[-1], np.float32)),
        lambda r, x: group_norm_backward(r, x, 2, np.ones(x.shape[1], np.float32)),
        lambda r, x: instance_norm_backward(r, x, np.ones(x.shape[1], np.float32)),
        lambda r, x: rms_norm_backward(r, x, x.shape[-1:], np.ones(x.shape[-1], np.float32)),
    ],
)
@pytest.mark.parametrize("shift", [0.0, 20.0])
def test_float32_backward_stays_float32_and_close_to_float64(backward, shift):
    rng = np.random.default_rng(10)
    x = (rng.standard_normal((8, 4, 16, 20)) + shift).astype(np.float32)
    r = rng.standard_normal(x.shape).astype(np.float32)
    got = backward(r, x)
    want = backward(r.astype(np.float64), x.astype(np.float64))
    for g32, g64 in zip(got, want):
        if g32 is None:
            continue
        assert g32.dtype == np.float32
        np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-5 * np.abs(g64).max())


def test_grad_output_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r"batch_norm_backward: grad_output has shape \(2, 2\) but input has shape \(2, 3\)"):
        batch_norm_backward(np.ones((2, 2)), np.ones((2, 3)))


def test_backward_refuses_what_the_forward_refuses():
    with pytest.raises(ValueError, match=r"more than 1 value per channel when training, got input of shape \(1, 3\)"):
        batch_norm_backward(np.ones((1, 3)), np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"more than 1 spatial element when training, got input of shape \(2, 3, 1\)"):
        instance_norm_backward(np.ones((2, 3, 1)), np.ones((2, 3, 1)))


def test_group_norm_backward_checks_divisibility():
    with pytest.raises(ValueError, match=r"\(6\) must be divisible by num_groups \(4\)"):
        group_norm_backward(np.ones((2, 6, 3)), np.ones((2, 6, 3)), 4)
