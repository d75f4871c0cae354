"""A statistic over a single value: x - mean is exactly 0, in float32 as in float64 (issue 17).

LayerNorm over one element and GroupNorm with one value per group normalize to exactly 0 before
the affine, so the output is exactly the bias, and LayerNorm's gradient is exactly 0.  GroupNorm
raises, as PyTorch does, when N * (C/G) * spatial == 1.  The expected values are worked by hand
(the mean of one value is that value); PyTorch 2.13 is checked where it is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.engine.norms import group_norm, group_norm_backward, layer_norm, layer_norm_backward

VALUES = [-2000.3, 5.1, 0.7, 123.456, 1e30, -3.4e38]
floats32 = st.floats(width=32, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layer_norm_over_one_element_is_exactly_the_bias(dtype):
    x = np.array(VALUES, dtype=dtype).reshape(-1, 1)
    np.testing.assert_array_equal(layer_norm(x, 1), np.zeros_like(x))
    out = layer_norm(x, 1, np.array([3.0], dtype), np.array([0.25], dtype))
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, np.full_like(x, 0.25))  # was off by up to 0.06 at -2000.3


@settings(max_examples=100, deadline=None)
@given(value=floats32, weight=st.floats(-8, 8, width=32), bias=st.floats(-8, 8, width=32))
def test_layer_norm_of_any_float32_value_is_exactly_the_bias(value, weight, bias):
    x = np.array([[[value]]], dtype=np.float32)
    out = layer_norm(x, (1, 1), np.array([[weight]], np.float32), np.array([[bias]], np.float32))
    assert out.dtype == np.float32 and out.item() == np.float32(bias)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layer_norm_backward_over_one_element_is_exactly_zero(dtype):
    x = np.array(VALUES, dtype=dtype).reshape(-1, 1)
    dy = np.arange(1.0, len(VALUES) + 1).reshape(-1, 1).astype(dtype)
    grad_input, grad_weight, grad_bias = layer_norm_backward(dy, x, 1, np.array([3.0], dtype))
    np.testing.assert_array_equal(grad_input, 0.0)
    assert grad_input.dtype == dtype
    assert grad_weight.item() == 0.0  # sum(dy * x_hat) with x_hat = 0
    assert grad_bias.item() == dy.sum()  # sum(dy): 1 + 2 + ... + 6 = 21


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_group_norm_with_one_value_per_group_is_exactly_the_bias(dtype):
    x = np.array([[-2000.3, 5.1], [0.7, 123.456]], dtype=dtype)  # N=2, C=G=2: one value per group
    np.testing.assert_array_equal(group_norm(x, 2), np.zeros_like(x))
    out = group_norm(x, 2, np.array([2.0, 3.0], dtype), np.array([5.0, -1.0], dtype))
    np.testing.assert_array_equal(out, np.array([[5.0, -1.0], [5.0, -1.0]], dtype))
    grad_input, _, _ = group_norm_backward(np.ones_like(x), x, 2, np.array([2.0, 3.0], dtype))
    np.testing.assert_array_equal(grad_input, 0.0)


@pytest.mark.parametrize("shape,groups", [((1, 1), 1), ((1, 2), 2), ((1, 4, 1), 4), ((1, 3, 1, 1), 3)])
def test_group_norm_raises_like_pytorch_when_n_times_group_size_times_spatial_is_one(shape, groups):
    message = rf"Expected more than 1 value per channel when training, got input of shape \{shape}"
    with pytest.raises(ValueError, match=message.replace(")", r"\)")):
        group_norm(np.ones(shape), groups)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        group_norm_backward(np.ones(shape), np.ones(shape), groups)


def test_group_norm_with_one_value_per_group_but_two_samples_is_allowed():
    np.testing.assert_array_equal(group_norm(np.array([[1.0], [7.0]]), 1), [[0.0], [0.0]])


# --------------------------------------------------------------------------- PyTorch 2.13


def test_single_value_statistics_against_pytorch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = np.array(VALUES[:4], dtype=np.float32)
    t = torch.from_numpy(x)
    # LayerNorm over one element: PyTorch gives exactly 0, and exactly the bias with an affine.
    np.testing.assert_array_equal(layer_norm(x.reshape(4, 1), 1), F.layer_norm(t.reshape(4, 1), (1,)).numpy())
    w, b = np.array([3.0], np.float32), np.array([0.5], np.float32)
    theirs = F.layer_norm(t.reshape(4, 1), (1,), torch.from_numpy(w), torch.from_numpy(b)).numpy()
    np.testing.assert_array_equal(layer_norm(x.reshape(4, 1), 1, w, b), theirs)
    # Its gradient is exactly 0 in PyTorch too.
    tx = t.reshape(4, 1).clone().requires_grad_(True)
    F.layer_norm(tx, (1,), torch.from_numpy(w), torch.from_numpy(b)).backward(torch.ones(4, 1))
    np.testing.assert_array_equal(layer_norm_backward(np.ones((4, 1)), x.reshape(4, 1), 1, w)[0], tx.grad.numpy())
    # GroupNorm with one value per group, no affine: exactly 0 in both.
    np.testing.assert_array_equal(group_norm(x.reshape(2, 2), 2), F.group_norm(t.reshape(2, 2), 2).numpy())
    # PyTorch raises on N * (C/G) * spatial == 1; so does the engine (checked above).
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.group_norm(torch.ones(1, 2), 2)
