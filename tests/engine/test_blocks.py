"""Residual blocks and Pre-LN vs Post-LN sublayers, worked by hand on tiny inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from quizapp.engine.blocks import (
    FeedForward,
    Linear,
    post_ln_stack,
    post_ln_sublayer,
    pre_ln_stack,
    pre_ln_sublayer,
    relu,
    residual,
    residual_jacobian,
    residual_stack_jacobian,
)

S = math.sqrt(1.5)  # LayerNorm of [1, 2, 3] with eps=0: [-1, 0, 1] / sqrt(2/3) = [-S, 0, S]


def assert_close(actual, desired, rtol=1e-7, atol=1e-12):
    """allclose with an absolute floor: hand values of 0 come out as ~1e-16 in floating point."""
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)


def double(x):
    return 2 * x


# --------------------------------------------------------------------------- sublayers


def test_linear_uses_torch_layout_and_bias():
    f = Linear(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]]), np.array([0.0, 1.0, -1.0]))
    assert_close(f(np.array([3.0, 4.0])), [3.0, 8.0, 7.0])
    assert (f.in_features, f.out_features) == (2, 3)
    assert_close(f(np.array([[3.0, 4.0], [0.0, 0.0]]))[1], [0.0, 1.0, -1.0])


def test_feed_forward_by_hand():
    ff = FeedForward(
        w1=np.array([[1.0, -1.0], [1.0, 1.0]]), b1=np.zeros(2),
        w2=np.array([[1.0, 0.0], [0.0, 2.0]]), b2=np.array([0.5, 0.0]),
    )
    # hidden = relu([1 - 3, 1 + 3]) = [0, 4]; out = [0 + 0.5, 8]
    assert_close(ff(np.array([1.0, 3.0])), [0.5, 8.0])
    np.testing.assert_array_equal(relu(np.array([-1.0, 2.0])), [0.0, 2.0])


def test_sublayer_shape_errors():
    with pytest.raises(ValueError, match="input's last axis must have 2 features"):
        Linear(np.eye(2))(np.ones(3))
    with pytest.raises(ValueError, match="w2 takes 3 features but w1 gives 2"):
        FeedForward(np.eye(2), None, np.ones((2, 3)), None)
    with pytest.raises(ValueError, match="needs F to keep the shape"):
        residual(np.ones(3), lambda x: x[:2])


def test_linear_keeps_float32():
    out = Linear(np.eye(2))(np.ones(2, dtype=np.float32))
    assert out.dtype == np.float32


# --------------------------------------------------------------------------- residual, Pre/Post-LN


def test_residual_adds_the_input():
    assert_close(residual(np.array([1.0, -2.0]), double), [3.0, -6.0])


def test_pre_ln_sublayer_by_hand():
    x = np.array([[1.0, 2.0, 3.0]])
    # x + 2 * LN(x) = [1 - 2S, 2, 3 + 2S]
    assert_close(pre_ln_sublayer(x, double, 3, eps=0.0), [[1 - 2 * S, 2.0, 3 + 2 * S]])


def test_post_ln_sublayer_by_hand():
    x = np.array([[1.0, 2.0, 3.0]])
    # LN(x + 2x) = LN([3, 6, 9]) = [-S, 0, S]
    assert_close(post_ln_sublayer(x, double, 3, eps=0.0), [[-S, 0.0, S]])


def test_post_ln_output_is_normalized_pre_ln_stream_is_not():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 5.0, -1.0]])
    post = post_ln_sublayer(x, double, 3)
    assert_close(post.mean(axis=-1), 0.0, atol=1e-12)
    assert_close(post.var(axis=-1), 1.0, atol=1e-4)
    pre = pre_ln_sublayer(x, double, 3)
    assert np.abs(pre.mean(axis=-1) - x.mean(axis=-1)).max() < 1e-12  # stream keeps x's mean


def test_pre_and_post_ln_use_the_layer_norm_affine():
    x = np.array([[1.0, 2.0, 3.0]])
    weight, bias = np.array([1.0, 2.0, 0.5]), np.array([0.0, 1.0, 0.0])
    assert_close(
        post_ln_sublayer(x, double, 3, weight, bias, eps=0.0), [[-S, 1.0, 0.5 * S]]
    )
    # LN(x) with affine = [-S, 1, 0.5 S]; doubled and added to x
    assert_close(
        pre_ln_sublayer(x, double, 3, weight, bias, eps=0.0), [[1 - 2 * S, 4.0, 3 + S]]
    )


def test_pre_ln_stack_by_hand_with_and_without_final_norm():
    x = np.array([[1.0, 2.0, 3.0]])
    # each step adds 2 * [-S, 0, S] (LN of a row with equal gaps is always [-S, 0, S])
    two_steps = np.array([[1 - 4 * S, 2.0, 3 + 4 * S]])
    assert_close(
        pre_ln_stack(x, [double, double], 3, final_norm=False, eps=0.0), two_steps
    )
    assert_close(pre_ln_stack(x, [double, double], 3, eps=0.0), [[-S, 0.0, S]])


def test_post_ln_stack_by_hand():
    x = np.array([[1.0, 2.0, 3.0]])
    # first: LN(3x) = [-S, 0, S]; second: LN(3 * [-S, 0, S]) = [-S, 0, S]
    assert_close(post_ln_stack(x, [double, double], 3, eps=0.0), [[-S, 0.0, S]])


def test_stacks_take_one_norm_param_pair_per_layer_norm():
    x = np.array([[1.0, 2.0, 3.0]])
    scale_two = (np.full(3, 2.0), np.zeros(3))
    assert_close(
        pre_ln_stack(x, [double], 3, eps=0.0, norm_params=[(None, None), scale_two]),
        [[-2 * S, 0.0, 2 * S]],
    )
    assert_close(
        post_ln_stack(x, [double], 3, eps=0.0, norm_params=[scale_two]), [[-2 * S, 0.0, 2 * S]]
    )
    with pytest.raises(ValueError, match=r"norm_params needs 2 \(weight, bias\) pairs, got 1"):
        pre_ln_stack(x, [double], 3, norm_params=[scale_two])


def test_blocks_keep_float32():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    f = Linear(np.eye(3))  # float64 weights must not promote a float32 stream
    for out in (residual(x, f), pre_ln_sublayer(x, f, 3), post_ln_sublayer(x, f, 3),
                pre_ln_stack(x, [f, f], 3), post_ln_stack(x, [f], 3)):
        assert out.dtype == np.float32


def test_pre_ln_stream_grows_with_depth_but_final_norm_rescales():
    rng = np.random.default_rng(0)
    d = 8
    layers = [Linear(rng.normal(size=(d, d)) / math.sqrt(d)) for _ in range(12)]
    x = rng.normal(size=(4, d))
    stream = pre_ln_stack(x, layers, d, final_norm=False)
    assert stream.std() > 2 * x.std()
    out = pre_ln_stack(x, layers, d)
    assert_close(out.var(axis=-1), 1.0, atol=1e-3)


# --------------------------------------------------------------------------- the gradient fact


def test_residual_jacobian_by_hand():
    np.testing.assert_array_equal(
        residual_jacobian(np.array([[0.0, 1.0], [2.0, 3.0]])), [[1.0, 1.0], [2.0, 4.0]]
    )
    np.testing.assert_array_equal(residual_jacobian(np.zeros((3, 3))), np.eye(3))


def _numeric_jacobian(fn, x, h=1e-6):
    return np.stack([(fn(x + h * e) - fn(x - h * e)) / (2 * h) for e in np.eye(len(x))], axis=1)


@given(
    w=arrays(np.float64, (3, 3), elements=st.floats(-2, 2)),
    x=arrays(np.float64, 3, elements=st.floats(-2, 2)),
)
def test_residual_jacobian_matches_finite_differences(w, x):
    f = Linear(w, np.array([0.1, -0.2, 0.3]))
    numeric = _numeric_jacobian(lambda v: residual(v, f), x)
    assert_close(residual_jacobian(w), numeric, atol=1e-6)


def test_residual_stack_jacobian_order_and_finite_differences():
    w1 = np.array([[0.0, 1.0], [0.0, 0.0]])
    w2 = np.array([[0.0, 0.0], [1.0, 0.0]])
    # (I + W2)(I + W1) = [[1, 0], [1, 1]] @ [[1, 1], [0, 1]] = [[1, 1], [1, 2]]
    np.testing.assert_array_equal(residual_stack_jacobian([w1, w2]), [[1.0, 1.0], [1.0, 2.0]])
    layers = [Linear(w1), Linear(w2)]

    def stack(v):
        for layer in layers:
            v = residual(v, layer)
        return v

    numeric = _numeric_jacobian(stack, np.array([0.3, -0.7]))
    assert_close(residual_stack_jacobian([w1, w2]), numeric, atol=1e-8)


def test_residual_jacobian_errors():
    with pytest.raises(ValueError, match=r"needs a square weight, got \(2, 3\)"):
        residual_jacobian(np.ones((2, 3)))
    with pytest.raises(ValueError, match="at least one weight matrix"):
        residual_stack_jacobian([])


# --------------------------------------------------------------------------- against torch


def test_pre_and_post_ln_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    d = 6
    w = rng.normal(size=(d, d))
    b = rng.normal(size=d)
    gamma, beta = rng.normal(size=d), rng.normal(size=d)
    x = rng.normal(size=(2, 4, d))
    lin = torch.nn.Linear(d, d).double()
    ln = torch.nn.LayerNorm(d).double()
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(w))
        lin.bias.copy_(torch.tensor(b))
        ln.weight.copy_(torch.tensor(gamma))
        ln.bias.copy_(torch.tensor(beta))
        tx = torch.tensor(x)
        pre = (tx + lin(ln(tx))).numpy()
        post = ln(tx + lin(tx)).numpy()
    f = Linear(w, b)
    assert_close(pre_ln_sublayer(x, f, d, gamma, beta), pre, rtol=1e-10, atol=1e-12)
    assert_close(post_ln_sublayer(x, f, d, gamma, beta), post, rtol=1e-10, atol=1e-12)
