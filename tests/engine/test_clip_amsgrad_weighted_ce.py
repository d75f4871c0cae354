"""clip_grad_norm, AMSGrad, cross-entropy with weight= and ignore_index=, and Keras's
EarlyStopping with baseline and start_from_epoch: hand-worked values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from quizapp.engine.regularize import (
    AMSGradState,
    adam_step,
    adamw_step,
    clip_grad_norm,
    cross_entropy_weighted,
    keras_early_stopping,
)

LN2 = math.log(2.0)
# logits whose softmax is [1/4, 1/4, 1/2]
Z = np.log(np.array([[1.0, 1.0, 2.0]] * 3))

# --------------------------------------------------------------------------- cross-entropy


def test_ignored_targets_leave_the_mean_and_weights_make_it_a_weighted_mean():
    y = np.array([2, 0, -100])
    # -log p: ln 2 for class 2, ln 4 for class 0; the third target is ignored
    np.testing.assert_allclose(cross_entropy_weighted(Z, y, reduction="none"), [LN2, 2 * LN2, 0.0])
    assert cross_entropy_weighted(Z, y) == pytest.approx(1.5 * LN2)  # over 2 targets, not 3
    w = np.array([1.0, 3.0, 2.0])
    # weighted: (2 * ln 2 + 1 * 2 ln 2) / (2 + 1)
    assert cross_entropy_weighted(Z, y, w) == pytest.approx(4 * LN2 / 3)
    assert cross_entropy_weighted(Z, y, w, reduction="sum") == pytest.approx(4 * LN2)


def test_label_smoothing_with_weights_weights_every_class_term():
    # smooth_i = -sum_k w_k log p_k = 1 * ln 4 + 3 * ln 4 + 2 * ln 2 = 10 ln 2 per counted target
    # mean = 0.7 * (4 ln 2 / 3) + (0.3 / 3) * (20 ln 2 / 3) = 1.6 ln 2
    w = np.array([1.0, 3.0, 2.0])
    got = cross_entropy_weighted(Z, np.array([2, 0, -100]), w, label_smoothing=0.3)
    assert got == pytest.approx(1.6 * LN2)


def test_a_real_class_can_be_the_ignored_one():
    y = np.array([2, 0, 1])
    assert cross_entropy_weighted(Z, y, ignore_index=0) == pytest.approx((LN2 + 2 * LN2) / 2)


def test_all_ignored_gives_nan_as_pytorch_does():
    assert math.isnan(cross_entropy_weighted(Z[:1], np.array([-100])))
    assert cross_entropy_weighted(Z[:1], np.array([-100]), reduction="sum") == 0.0


def test_class_axis_one_for_sequences_and_unbatched_input():
    z = np.stack([Z[:2].T, Z[:2].T])  # (N=2, K=3, L=2)
    y = np.array([[2, -100], [0, 0]])
    assert cross_entropy_weighted(z, y) == pytest.approx((LN2 + 2 * LN2 + 2 * LN2) / 3)
    assert cross_entropy_weighted(Z[0], np.array(2)) == pytest.approx(LN2)


@pytest.mark.parametrize(
    "target, weight, message",
    [
        (np.array([3, 0, 1]), None, "out of bounds"),
        (np.array([0.0, 1.0, 2.0]), None, "integer class indices"),
        (np.array([0, 1]), None, r"shape \(3,\)"),
        (np.array([0, 1, 2]), np.ones(2), "one value per class"),
    ],
)
def test_bad_targets_and_weights_say_what_is_wrong(target, weight, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy_weighted(Z, target, weight)


# --------------------------------------------------------------------------- clip_grad_norm


def test_clipping_by_the_total_norm_by_hand():
    # norms 5 and 12, total sqrt(25 + 144) = 13; max_norm 6.5 halves both
    result = clip_grad_norm([np.array([3.0, 4.0]), np.array([12.0])], 6.5)
    assert result.total_norm == pytest.approx(13.0)
    assert result.clip_coef == pytest.approx(0.5, rel=1e-6)
    np.testing.assert_allclose(result.grads[0], [1.5, 2.0], rtol=1e-6)
    np.testing.assert_allclose(result.grads[1], [6.0], rtol=1e-6)


def test_gradients_below_max_norm_are_not_scaled_up():
    result = clip_grad_norm([np.array([3.0, 4.0])], 20.0)
    assert result.clip_coef == 1.0
    np.testing.assert_array_equal(result.grads[0], [3.0, 4.0])


def test_other_norms_and_zero_gradients():
    grads = [np.array([3.0, -4.0]), np.array([[1.0, -12.0]])]
    assert clip_grad_norm(grads, 1.0, norm_type=math.inf).total_norm == 12.0
    assert clip_grad_norm(grads, 1.0, norm_type=1).total_norm == 20.0
    zero = clip_grad_norm(np.zeros(3), 1.0)
    assert zero.total_norm == 0.0 and zero.clip_coef == 1.0
    np.testing.assert_array_equal(zero.grads[0], np.zeros(3))
    assert clip_grad_norm([], 1.0).total_norm == 0.0


def test_a_nonfinite_norm_raises_only_when_asked():
    grads = [np.array([np.inf, 1.0])]
    with pytest.raises(ValueError, match="total norm"):
        clip_grad_norm(grads, 1.0, error_if_nonfinite=True)
    assert math.isinf(clip_grad_norm(grads, 1.0).total_norm)


@given(arrays(np.float64, 5, elements=st.floats(-100, 100)), st.floats(0.1, 50))
def test_clipping_never_exceeds_max_norm_and_keeps_the_direction(g, max_norm):
    result = clip_grad_norm([g[:2], g[2:]], max_norm)
    clipped = np.concatenate(result.grads)
    assert np.linalg.norm(clipped) <= max_norm * (1 + 1e-9) or result.clip_coef == 1.0
    np.testing.assert_allclose(clipped, g * result.clip_coef)


# --------------------------------------------------------------------------- AMSGrad


def test_amsgrad_keeps_the_largest_raw_second_moment_by_hand():
    """betas (0.5, 0.5), lr 1, eps 0, gradients 1 then 0.

    step 1: m = v = v_max = 0.5; corrections 0.5 and 0.5: p = 0 - (0.5/0.5) / sqrt(0.5/0.5) = -1
    step 2: m = 0.25, v = 0.25, v_max = 0.5; corrections 0.75: step = (0.25/0.75) / sqrt(0.5/0.75)
    """
    kw = dict(lr=1.0, betas=(0.5, 0.5), eps=0.0, amsgrad=True)
    p, state = adam_step(np.array([0.0]), np.array([1.0]), None, **kw)
    np.testing.assert_allclose(p, [-1.0])
    p, state = adam_step(p, np.array([0.0]), state, **kw)
    np.testing.assert_allclose(state.exp_avg_sq, [0.25])
    np.testing.assert_allclose(state.max_exp_avg_sq, [0.5])
    np.testing.assert_allclose(p, [-1.0 - (1 / 3) / math.sqrt(2 / 3)])
    assert state.step == 2


def test_weight_decay_coupled_and_decoupled_by_hand():
    # t = 1, lr 0.1, wd 0.5, p = 2, g = 1, eps 0: Adam adds wd*p = 1 to g (step lr * sign = 0.1);
    # AdamW first shrinks p to 2 * (1 - 0.05) = 1.9, then steps by 0.1
    kw = dict(lr=0.1, eps=0.0, weight_decay=0.5, amsgrad=True)
    coupled, _ = adam_step(np.array([2.0]), np.array([1.0]), None, **kw)
    decoupled, _ = adamw_step(np.array([2.0]), np.array([1.0]), None, **kw)
    np.testing.assert_allclose(coupled, [1.9])
    np.testing.assert_allclose(decoupled, [1.8])


def test_amsgrad_state_and_errors():
    state = AMSGradState(step=0, exp_avg=np.zeros(2), exp_avg_sq=np.zeros(2), max_exp_avg_sq=np.zeros(2))
    p, after = adam_step(np.ones(2, np.float32), np.ones(2), state, amsgrad=True)
    assert p.dtype == np.float32 and isinstance(after, AMSGradState)
    with pytest.raises(ValueError, match="betas"):
        adam_step(np.ones(2), np.ones(2), None, betas=(1.0, 0.9), amsgrad=True)
    with pytest.raises(ValueError, match="grad has shape"):
        adam_step(np.ones(2), np.ones(3), None, amsgrad=True)


# --------------------------------------------------------------------------- Keras EarlyStopping


def test_start_from_epoch_ignores_the_warm_up_epochs():
    losses = [5.0, 1.0, 4.0, 3.0, 3.5]
    # epochs 0 and 1 are skipped (even the low 1.0); 4.0 and 3.0 improve; 3.5 stops with patience 1
    assert keras_early_stopping(losses, patience=1, start_from_epoch=2) == (4, 3, 3.0)
    assert keras_early_stopping(losses, patience=1) == (2, 1, 1.0)


def test_baseline_resets_the_wait_only_when_beaten():
    losses = [0.9, 0.8, 0.7, 0.75, 0.6]
    # wait climbs 1, 2, 3 while improving above the baseline 0.5; epoch 3 does not improve: 4 >= 2
    assert keras_early_stopping(losses, patience=2, baseline=0.5) == (3, 2, 0.7)
    assert keras_early_stopping(losses, patience=2) == (None, 4, 0.6)
    beaten = [0.9, 0.4, 0.45, 0.42, 0.41]
    assert keras_early_stopping(beaten, patience=2, baseline=0.5) == (3, 1, 0.4)


def test_an_improvement_of_exactly_min_delta_does_not_count():
    assert keras_early_stopping([1.05, 0.95], patience=0, min_delta=0.1) == (1, 0, 1.05)
    assert keras_early_stopping([1.05, 0.94], patience=0, min_delta=0.1) == (None, 1, 0.94)
    assert keras_early_stopping([0.5, 0.7, 0.6], patience=1, mode="max") == (2, 1, 0.7)


def test_nan_never_improves_but_a_nan_first_value_blocks_every_later_one():
    first, best_epoch, best = keras_early_stopping([1.0, float("nan"), 0.9], patience=2)
    assert (first, best_epoch, best) == (None, 2, 0.9)
    stopped, best_epoch, best = keras_early_stopping([float("nan"), 0.5, 0.4], patience=2)
    assert stopped == 2 and best_epoch == 0 and math.isnan(best)


def test_early_stopping_arguments_are_checked():
    with pytest.raises(ValueError, match="mode"):
        keras_early_stopping([1.0], mode="auto")
    with pytest.raises(ValueError, match="start_from_epoch"):
        keras_early_stopping([1.0], start_from_epoch=-1)
    assert keras_early_stopping([1.0, 2.0], start_from_epoch=5) == (None, None, None)
