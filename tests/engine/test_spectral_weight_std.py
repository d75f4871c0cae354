"""Spectral normalization and weight standardization: hand-worked values and invariants.

W = [[3, 0], [4, 5]] has W^T W = [[25, 20], [20, 25]], singular values 3*sqrt(5) and sqrt(5), and
Frobenius norm sqrt(50).  One power-iteration step from v = [1, 0] is worked by hand below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from quizapp.engine.norms import spectral_norm, weight_standardization

W = np.array([[3.0, 0.0], [4.0, 5.0]])


def test_one_training_step_updates_u_from_v_then_v_from_u():
    # u = normalize(W v) = normalize([3, 4]) = [0.6, 0.8]; the stored u = [0, 1] is never read.
    # v = normalize(W^T u) = normalize([5, 4]) = [5, 4] / sqrt(41); sigma = u . W v = sqrt(41).
    result = spectral_norm(W, u=np.array([0.0, 1.0]), v=np.array([1.0, 0.0]))
    np.testing.assert_allclose(result.u, [0.6, 0.8])
    np.testing.assert_allclose(result.v, np.array([5.0, 4.0]) / math.sqrt(41))
    assert float(result.sigma) == pytest.approx(math.sqrt(41))
    np.testing.assert_allclose(result.weight, W / math.sqrt(41))


def test_the_legacy_order_updates_v_first_and_gives_another_sigma():
    # v = normalize(W^T u) = normalize([4, 5]); u = normalize(W v) = normalize([12, 41]);
    # sigma = ||W v|| = sqrt(12^2 + 41^2) / sqrt(41).
    result = spectral_norm(W, u=np.array([0.0, 1.0]), v=np.array([1.0, 0.0]), legacy=True)
    np.testing.assert_allclose(result.v, np.array([4.0, 5.0]) / math.sqrt(41))
    np.testing.assert_allclose(result.u, np.array([12.0, 41.0]) / math.sqrt(1825))
    assert float(result.sigma) == pytest.approx(math.sqrt(1825 / 41))


def test_eval_mode_uses_the_stored_vectors_as_they_are():
    result = spectral_norm(W, u=np.array([0.6, 0.8]), v=np.array([1.0, 0.0]), training=False)
    assert float(result.sigma) == pytest.approx(5.0)  # [0.6, 0.8] . [3, 4]
    np.testing.assert_array_equal(result.u, [0.6, 0.8])
    np.testing.assert_allclose(result.weight, W / 5.0)


def test_many_iterations_converge_to_the_largest_singular_value_not_the_frobenius_norm():
    result = spectral_norm(W, u=np.array([1.0, 0.0]), v=np.array([1.0, 0.0]), n_power_iterations=60)
    assert float(result.sigma) == pytest.approx(3 * math.sqrt(5), rel=1e-9)
    assert float(result.sigma) != pytest.approx(math.sqrt(50), rel=1e-3)


def test_a_vector_weight_is_divided_by_its_norm():
    result = spectral_norm(np.array([3.0, 4.0]))
    np.testing.assert_allclose(result.weight, [0.6, 0.8])
    assert float(result.sigma) == 5.0 and result.u is None


def test_a_conv_weight_is_flattened_with_dim_first():
    # (2, 1, 1, 2) with dim=0 is the matrix [[3, 0], [4, 5]] again.
    conv = W.reshape(2, 1, 1, 2)
    result = spectral_norm(conv, u=np.array([0.0, 1.0]), v=np.array([1.0, 0.0]))
    np.testing.assert_allclose(result.weight, conv / math.sqrt(41))
    # dim=1 of a (2, 2) weight is its transpose: the same singular values
    moved = spectral_norm(W.T, u=np.array([1.0, 0.0]), v=np.array([0.0, 1.0]), dim=1, n_power_iterations=60)
    assert float(moved.sigma) == pytest.approx(3 * math.sqrt(5))


def test_float32_stays_float32():
    result = spectral_norm(W.astype(np.float32), np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert result.weight.dtype == np.float32 and result.u.dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"u": np.ones(3), "v": np.ones(2)}, r"u must have shape \(2,\)"),
        ({"v": np.ones(2)}, "give u"),
        ({"u": np.ones(2), "v": np.ones(2), "n_power_iterations": 0}, "positive integer"),
        ({"u": np.ones(2), "v": np.ones(2), "dim": 2}, "out of range"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        spectral_norm(W, **kwargs)


@given(arrays(np.float64, (3, 4), elements=st.floats(-5, 5)), st.integers(0, 2**32 - 1))
def test_the_estimate_never_exceeds_the_largest_singular_value(w, seed):
    """u^T W v with unit u, v is at most sigma_max: the normalized weight's norm is >= 1."""
    rng = np.random.default_rng(seed)
    if np.abs(w).max() < 1e-3:
        return
    u, v = rng.standard_normal(3), rng.standard_normal(4)
    result = spectral_norm(w, u / np.linalg.norm(u), v / np.linalg.norm(v))
    largest = np.linalg.svd(w, compute_uv=False)[0]
    assert abs(float(result.sigma)) <= largest * (1 + 1e-9)


# --------------------------------------------------------------------------- weight standardization


def test_weight_standardization_by_hand():
    # filter 0: [1, 3, 5, 7], mean 4, biased var (9 + 1 + 1 + 9) / 4 = 5
    # filter 1: [2, 2, 2, 4], mean 2.5, biased var (3 * 0.25 + 2.25) / 4 = 0.75
    w = np.array([[1.0, 3.0, 5.0, 7.0], [2.0, 2.0, 2.0, 4.0]]).reshape(2, 1, 2, 2)
    got = weight_standardization(w, eps=0.0).reshape(2, 4)
    np.testing.assert_allclose(got[0], np.array([-3, -1, 1, 3]) / math.sqrt(5))
    np.testing.assert_allclose(got[1], np.array([-0.5, -0.5, -0.5, 1.5]) / math.sqrt(0.75))


def test_eps_sits_inside_the_square_root():
    w = np.array([[1.0, 3.0, 5.0, 7.0]])
    got = weight_standardization(w, eps=4.0)
    np.testing.assert_allclose(got, [[-1.0, -1 / 3, 1 / 3, 1.0]])  # divide by sqrt(5 + 4) = 3


@given(arrays(np.float64, (3, 2, 3), elements=st.floats(-50, 50)))
def test_every_filter_has_mean_zero_and_variance_var_over_var_plus_eps(w):
    got = weight_standardization(w).reshape(3, -1)
    var = w.reshape(3, -1).var(axis=1)
    np.testing.assert_allclose(got.mean(axis=1), 0.0, atol=1e-9)
    np.testing.assert_allclose(got.var(axis=1), var / (var + 1e-6), atol=1e-9)


def test_a_filter_of_one_value_cannot_be_standardized():
    with pytest.raises(ValueError, match="more than 1 value"):
        weight_standardization(np.ones((4, 1)))
