"""Cross-entropy with label smoothing, L1/L2, optimizer steps, early stopping: hand-worked values,
finite differences, and torch.optim after several steps when torch is present."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from quizapp.engine.regularize import (
    AdamState,
    EarlyStopping,
    SGDState,
    adam_step,
    adamw_step,
    cross_entropy,
    l1_grad,
    l1_penalty,
    l2_grad,
    l2_penalty,
    sgd_step,
)

LN2 = math.log(2.0)
# logits whose softmax is [1/4, 1/4, 1/2]
Z = np.log(np.array([[1.0, 1.0, 2.0], [1.0, 1.0, 2.0]]))


# --------------------------------------------------------------------------- cross-entropy


def test_cross_entropy_plain_by_hand():
    # -log p_2 = ln 2, -log p_0 = ln 4
    np.testing.assert_allclose(cross_entropy(Z, np.array([2, 0]), reduction="none"), [LN2, 2 * LN2])
    assert cross_entropy(Z, np.array([2, 0])) == pytest.approx(1.5 * LN2)
    assert cross_entropy(Z, np.array([2, 0]), reduction="sum") == pytest.approx(3 * LN2)


def test_cross_entropy_label_smoothing_by_hand_k3_eps_point_1():
    # l = 0.9 * (-log p_y) + 0.1 * mean_k(-log p_k); mean_k(-log p_k) = (ln4 + ln4 + ln2)/3 = 5 ln2 / 3
    uniform_part = 5 * LN2 / 3
    expected = [0.9 * LN2 + 0.1 * uniform_part, 0.9 * 2 * LN2 + 0.1 * uniform_part]
    got = cross_entropy(Z, np.array([2, 0]), label_smoothing=0.1, reduction="none")
    np.testing.assert_allclose(got, expected)
    assert cross_entropy(Z, np.array([2, 0]), label_smoothing=0.1) == pytest.approx(np.mean(expected))


def test_cross_entropy_full_smoothing_ignores_the_target():
    a = cross_entropy(Z, np.array([0, 0]), label_smoothing=1.0, reduction="none")
    np.testing.assert_allclose(a, 5 * LN2 / 3)


def test_cross_entropy_probability_targets_by_hand():
    q = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(cross_entropy(Z, q, reduction="none"), [2 * LN2, LN2])
    # smoothing a probability target: q' = 0.7 q + 0.1
    smoothed = cross_entropy(Z[1:], q[1:], label_smoothing=0.3, reduction="none")
    np.testing.assert_allclose(smoothed, [0.1 * 2 * LN2 + 0.1 * 2 * LN2 + 0.8 * LN2])


def test_cross_entropy_is_stable_for_huge_logits():
    z = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        losses = cross_entropy(z, np.array([0, 0]), reduction="none")
    np.testing.assert_allclose(losses, [0.0, 1000.0], atol=1e-12)


def test_cross_entropy_unbatched_and_spatial_and_dtype():
    assert cross_entropy(Z[0], np.array(2)) == pytest.approx(LN2)
    spatial = np.broadcast_to(Z[0][None, :, None], (1, 3, 2))  # (N, K, d1), class axis 1
    np.testing.assert_allclose(
        cross_entropy(spatial, np.array([[2, 0]]), reduction="none"), [[LN2, 2 * LN2]]
    )
    out32 = cross_entropy(Z.astype(np.float32), np.array([2, 0]))
    assert out32.dtype == np.float32
    assert cross_entropy(Z, np.array([2, 0])).dtype == np.float64


@given(
    z=arrays(np.float64, (4, 5), elements=st.floats(-30, 30)),
    shift=st.floats(-100, 100),
    eps=st.floats(0.0, 1.0),
)
def test_cross_entropy_invariant_to_shifting_logits_and_non_negative(z, shift, eps):
    target = np.array([0, 1, 4, 2])
    a = cross_entropy(z, target, label_smoothing=eps, reduction="none")
    b = cross_entropy(z + shift, target, label_smoothing=eps, reduction="none")
    np.testing.assert_allclose(a, b, atol=1e-9)
    assert (a >= -1e-12).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(reduction="avg"), "reduction must be one of"),
        (dict(label_smoothing=1.5), "label_smoothing must be between 0.0 and 1.0"),
    ],
)
def test_cross_entropy_rejects_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy(Z, np.array([0, 1]), **kwargs)


def test_cross_entropy_rejects_bad_targets():
    with pytest.raises(ValueError, match="target 3 is out of bounds for 3 classes"):
        cross_entropy(Z, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"must have shape \(2,\)"):
        cross_entropy(Z, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="probability target must have the input's shape"):
        cross_entropy(Z, np.ones((2, 4)) / 4)


def test_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    r = np.random.default_rng(0)
    z = r.normal(size=(7, 5)) * 3
    t = r.integers(0, 5, 7)
    q = r.dirichlet(np.ones(5), 7)
    for eps in (0.0, 0.1, 0.35, 1.0):
        for reduction in ("mean", "sum", "none"):
            ours = cross_entropy(z, t, label_smoothing=eps, reduction=reduction)
            theirs = F.cross_entropy(
                torch.tensor(z), torch.tensor(t), label_smoothing=eps, reduction=reduction
            ).numpy()
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
            ours_q = cross_entropy(z, q, label_smoothing=eps, reduction=reduction)
            theirs_q = F.cross_entropy(
                torch.tensor(z), torch.tensor(q), label_smoothing=eps, reduction=reduction
            ).numpy()
            np.testing.assert_allclose(ours_q, theirs_q, rtol=1e-12, atol=1e-12)
    z4 = r.normal(size=(2, 5, 3, 2))
    t4 = r.integers(0, 5, (2, 3, 2))
    assert cross_entropy(z4, t4, label_smoothing=0.2) == pytest.approx(
        F.cross_entropy(torch.tensor(z4), torch.tensor(t4), label_smoothing=0.2).item(), rel=1e-12
    )


# --------------------------------------------------------------------------- L1 / L2


def test_l1_l2_by_hand():
    w = np.array([-2.0, 0.0, 3.0])
    assert l1_penalty(w, 0.5) == pytest.approx(2.5)
    np.testing.assert_array_equal(l1_grad(w, 0.5), [-0.5, 0.0, 0.5])  # subgradient 0 at 0
    assert l2_penalty(w, 0.5) == pytest.approx(6.5)
    np.testing.assert_array_equal(l2_grad(w, 0.5), [-2.0, 0.0, 3.0])


@given(
    w=arrays(np.float64, 4, elements=st.floats(-5, 5).filter(lambda v: abs(v) > 1e-3)),
    lam=st.floats(0.01, 3.0),
)
def test_penalty_gradients_match_finite_differences(w, lam):
    h = 1e-7
    for penalty, grad in ((l1_penalty, l1_grad), (l2_penalty, l2_grad)):
        numeric = np.array(
            [(penalty(w + h * e, lam) - penalty(w - h * e, lam)) / (2 * h) for e in np.eye(4)]
        )
        np.testing.assert_allclose(grad(w, lam), numeric, rtol=1e-5, atol=1e-6)


def test_l2_penalty_is_sgd_weight_decay_with_lam_half_of_wd():
    w = np.array([1.0, -3.0, 0.5])
    g = np.array([0.2, 0.1, -0.4])
    wd = 0.2
    with_decay, _ = sgd_step(w, g, None, lr=0.1, weight_decay=wd)
    with_penalty, _ = sgd_step(w, g + l2_grad(w, wd / 2), None, lr=0.1)
    np.testing.assert_allclose(with_decay, with_penalty)


# --------------------------------------------------------------------------- SGD


def test_sgd_one_step_by_hand_with_weight_decay():
    w = np.array([1.0, -2.0])
    g = np.array([0.5, 0.5])
    new, state = sgd_step(w, g, None, lr=0.1, weight_decay=0.1)
    # g' = g + 0.1 w = [0.6, 0.3]; w - 0.1 g'
    np.testing.assert_allclose(new, [0.94, -2.03])
    assert state.step == 1 and state.momentum_buffer is None


def test_sgd_momentum_two_steps_by_hand():
    w = np.array([1.0, -2.0])
    g = np.array([0.5, 0.5])
    w1, s1 = sgd_step(w, g, None, lr=0.1, momentum=0.9, weight_decay=0.1)
    np.testing.assert_allclose(s1.momentum_buffer, [0.6, 0.3])  # first step: buffer = g'
    np.testing.assert_allclose(w1, [0.94, -2.03])
    w2, s2 = sgd_step(w1, g, s1, lr=0.1, momentum=0.9, weight_decay=0.1)
    # g' = [0.5 + 0.094, 0.5 - 0.203] = [0.594, 0.297]; buf = 0.9 [0.6, 0.3] + g' = [1.134, 0.567]
    np.testing.assert_allclose(s2.momentum_buffer, [1.134, 0.567])
    np.testing.assert_allclose(w2, [0.94 - 0.1134, -2.03 - 0.0567])


def test_sgd_nesterov_and_dampening_by_hand():
    w = np.array([1.0])
    g = np.array([1.0])
    w1, s1 = sgd_step(w, g, None, lr=0.1, momentum=0.5, nesterov=True)
    np.testing.assert_allclose(w1, [1.0 - 0.1 * (1.0 + 0.5 * 1.0)])  # g + mu * buf
    _, s2 = sgd_step(w, g, SGDState(1, np.array([1.0])), lr=0.1, momentum=0.5, dampening=0.5)
    np.testing.assert_allclose(s2.momentum_buffer, [0.5 * 1.0 + 0.5 * 1.0])


def test_sgd_does_not_modify_the_callers_arrays():
    w = np.array([1.0, 2.0])
    g = np.array([1.0, 1.0])
    _, s1 = sgd_step(w, g, None, lr=0.1, momentum=0.9)
    buffer_before = s1.momentum_buffer.copy()
    new, _ = sgd_step(w, g, s1, lr=0.1, momentum=0.9)
    np.testing.assert_array_equal(w, [1.0, 2.0])
    np.testing.assert_array_equal(s1.momentum_buffer, buffer_before)
    assert new is not w


def test_sgd_errors():
    w = np.ones(2)
    with pytest.raises(ValueError, match="Nesterov momentum needs momentum > 0 and dampening = 0"):
        sgd_step(w, w, None, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="lr \\(learning rate\\) must be non-negative"):
        sgd_step(w, w, None, lr=-0.1)
    with pytest.raises(ValueError, match=r"grad has shape \(3,\), param has \(2,\)"):
        sgd_step(w, np.ones(3), None, lr=0.1)


# --------------------------------------------------------------------------- Adam / AdamW


def test_adam_first_step_is_lr_times_sign_of_gradient():
    w = np.array([1.0, -1.0])
    g = np.array([0.2, -0.4])
    new, state = adam_step(w, g, None, lr=0.1)
    # m_hat = g, v_hat = g^2: step = lr * g / (|g| + eps)
    np.testing.assert_allclose(new, [0.9, -0.9], rtol=1e-6)
    assert state.step == 1
    np.testing.assert_allclose(state.exp_avg, 0.1 * g)
    np.testing.assert_allclose(state.exp_avg_sq, 0.001 * g**2)


def test_adam_two_steps_by_hand():
    g1, g2, lr = 0.2, 0.4, 0.1
    m = 0.1 * g1
    v = 0.001 * g1**2
    m = 0.9 * m + 0.1 * g2  # 0.058
    v = 0.999 * v + 0.001 * g2**2  # 1.9996e-4
    step = lr / (1 - 0.9**2) * m / (math.sqrt(v) / math.sqrt(1 - 0.999**2) + 1e-8)
    assert step == pytest.approx(0.0965, abs=1e-4)  # the hand value: 0.1 * 0.30526 / 0.31628
    w1, s1 = adam_step(np.array([1.0]), np.array([g1]), None, lr=lr)
    w2, _ = adam_step(w1, np.array([g2]), s1, lr=lr)
    np.testing.assert_allclose(w2, [1.0 - lr - step], rtol=1e-7)


def test_adam_coupled_vs_adamw_decoupled_decay_one_step_by_hand():
    w = np.array([1.0, -1.0])
    g = np.array([0.2, 0.4])
    # Adam: g' = g + 0.5 w = [0.7, -0.1], the step is lr * sign(g'): the decay is normalized away
    coupled, _ = adam_step(w, g, None, lr=0.1, weight_decay=0.5)
    np.testing.assert_allclose(coupled, [0.9, -0.9], rtol=1e-6)
    # AdamW: w * (1 - 0.1 * 0.5) = [0.95, -0.95], then lr * sign(g)
    decoupled, _ = adamw_step(w, g, None, lr=0.1, weight_decay=0.5)
    np.testing.assert_allclose(decoupled, [0.85, -1.05], rtol=1e-6)


def test_adamw_default_decay_and_adam_zero_decay_differ():
    w, g = np.array([10.0]), np.array([1.0])
    a, _ = adam_step(w, g, None)
    b, _ = adamw_step(w, g, None)
    assert b[0] == pytest.approx(a[0] - 1e-3 * 1e-2 * 10.0)


def test_adam_state_is_not_mutated_and_param_is_new():
    w = np.array([1.0, 2.0])
    g = np.array([0.1, -0.1])
    _, s1 = adam_step(w, g, None)
    saved = (s1.exp_avg.copy(), s1.exp_avg_sq.copy())
    adam_step(w, g, s1)
    np.testing.assert_array_equal(s1.exp_avg, saved[0])
    np.testing.assert_array_equal(s1.exp_avg_sq, saved[1])
    np.testing.assert_array_equal(w, [1.0, 2.0])
    assert isinstance(s1, AdamState) and s1.step == 1


def test_adam_keeps_float32():
    new, state = adamw_step(np.ones(3, dtype=np.float32), np.ones(3, dtype=np.float32), None)
    assert new.dtype == np.float32 and state.exp_avg.dtype == np.float32


def test_adam_errors():
    w = np.ones(2)
    with pytest.raises(ValueError, match=r"betas\[1\] must be in \[0, 1\)"):
        adam_step(w, w, None, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="weight_decay must be non-negative"):
        adamw_step(w, w, None, weight_decay=-0.1)


# --------------------------------------------------------------------------- against torch.optim


def _run_both(torch, optimizer, step, w0, grads, dtype=np.float64, **kwargs):
    param = torch.tensor(w0.astype(dtype), requires_grad=True)
    opt = optimizer([param], **kwargs)
    ours, state = w0.astype(dtype), None
    for g in grads:
        param.grad = torch.tensor(g.astype(dtype))
        opt.step()
        ours, state = step(ours, g.astype(dtype), state, **kwargs)
    return ours, param.detach().numpy()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(lr=0.1),
        dict(lr=0.1, weight_decay=0.05),
        dict(lr=0.05, momentum=0.9),
        dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
        dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    ],
)
def test_sgd_matches_torch_after_five_steps(kwargs):
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(1)
    w0, grads = r.normal(size=(3, 4)), [r.normal(size=(3, 4)) for _ in range(5)]
    ours, theirs = _run_both(torch, torch.optim.SGD, sgd_step, w0, grads, **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("adam", dict(lr=0.01)),
        ("adam", dict(lr=0.1, weight_decay=0.1, betas=(0.8, 0.99), eps=1e-6)),
        ("adamw", dict(lr=0.01)),
        ("adamw", dict(lr=0.1, weight_decay=0.3, betas=(0.5, 0.9))),
    ],
)
def test_adam_and_adamw_match_torch_after_five_steps(name, kwargs):
    torch = pytest.importorskip("torch")
    optimizer, step = {
        "adam": (torch.optim.Adam, adam_step),
        "adamw": (torch.optim.AdamW, adamw_step),
    }[name]
    r = np.random.default_rng(2)
    w0, grads = r.normal(size=(5,)), [r.normal(size=(5,)) for _ in range(5)]
    ours, theirs = _run_both(torch, optimizer, step, w0, grads, **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
    ours32, theirs32 = _run_both(torch, optimizer, step, w0, grads, np.float32, **kwargs)
    assert ours32.dtype == np.float32
    np.testing.assert_allclose(ours32, theirs32, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------- early stopping


def _run(stopper, metrics):
    return [stopper.step(m) for m in metrics]


def test_early_stopping_basic_min():
    s = EarlyStopping(patience=2)
    assert _run(s, [1.0, 0.9, 0.95, 0.92]) == [False, False, False, True]
    assert (s.best_epoch, s.best_score, s.stopped_epoch) == (1, 0.9, 3)


def test_early_stopping_counter_resets_on_improvement():
    s = EarlyStopping(patience=2)
    assert _run(s, [1.0, 2.0, 0.5, 3.0, 3.0]) == [False, False, False, False, True]
    assert (s.best_epoch, s.stopped_epoch) == (2, 4)


def test_gain_of_exactly_min_delta_does_not_improve():
    s = EarlyStopping(patience=1, min_delta=0.25)
    # epoch 1: 0.5 < 1.0 - 0.25 improves; epoch 2: 0.25 < 0.5 - 0.25 is a tie, not an improvement
    assert _run(s, [1.0, 0.5, 0.25]) == [False, False, True]
    assert (s.best_epoch, s.best_score, s.stopped_epoch) == (1, 0.5, 2)


def test_mode_max_with_ties_and_min_delta():
    s = EarlyStopping(patience=2, mode="max")
    assert _run(s, [0.5, 0.6, 0.6, 0.7, 0.7, 0.7]) == [False] * 5 + [True]
    assert (s.best_epoch, s.best_score, s.stopped_epoch) == (3, 0.7, 5)
    t = EarlyStopping(patience=1, min_delta=0.25, mode="max")
    assert _run(t, [0.0, 0.25]) == [False, True]  # 0.25 > 0.0 + 0.25 is false
    assert (t.best_epoch, t.stopped_epoch) == (0, 1)


def test_patience_zero_stops_at_the_first_non_improvement():
    s = EarlyStopping(patience=0)
    assert _run(s, [3.0, 2.0, 2.0]) == [False, False, True]
    assert s.stopped_epoch == 2


def test_never_stops_while_improving_and_calls_after_stop_change_nothing():
    s = EarlyStopping(patience=1)
    assert not any(_run(s, [5.0, 4.0, 3.0, 2.0]))
    assert s.stopped_epoch is None and s.best_epoch == 3
    assert s.step(9.0) is True and s.stopped_epoch == 4
    assert s.step(0.0) is True
    assert (s.best_epoch, s.best_score, s.stopped_epoch) == (3, 2.0, 4)


def test_nan_never_improves():
    s = EarlyStopping(patience=1)
    assert _run(s, [1.0, float("nan")]) == [False, True]
    assert s.best_score == 1.0


def test_nan_counts_towards_patience_and_never_becomes_the_best():
    s = EarlyStopping(patience=2, mode="max")
    assert _run(s, [0.5, float("nan"), 0.6, float("nan"), float("nan")]) == [False, False, False, False, True]
    assert (s.best_epoch, s.best_score, s.stopped_epoch) == (2, 0.6, 4)


def test_epoch_zero_never_stops_but_a_nan_first_epoch_becomes_a_best_nothing_beats():
    # Keras 3 starts with no best (best = None), so the first monitored value is the best even when
    # it is NaN; it checks `wait >= patience and epoch > 0`, so epoch 0 itself never stops training.
    s = EarlyStopping(patience=0)
    assert _run(s, [float("nan"), 2.0, 2.0]) == [False, True, True]
    assert (s.best_epoch, s.stopped_epoch) == (0, 1) and math.isnan(s.best_score)
    t = EarlyStopping(patience=0)
    assert _run(t, [float("inf")]) == [False]  # even +inf is the best after one epoch, in mode min
    assert (t.best_epoch, t.best_score) == (0, float("inf"))


def test_an_improvement_of_exactly_min_delta_is_decided_as_keras_decides_it():
    # Keras (mode min) tests current + min_delta < best.  In float64 0.95 + 0.1 rounds to exactly
    # 1.05, so [1.05, 0.95] with min_delta 0.1 is no improvement ...
    assert 0.95 + 0.1 == 1.05 and 1.05 - 0.1 > 0.95  # ... while best - min_delta would say it is
    s = EarlyStopping(patience=1, min_delta=0.1)
    assert _run(s, [1.05, 0.95]) == [False, True]
    assert (s.best_epoch, s.best_score, s.stopped_epoch) == (0, 1.05, 1)
    # mode max tests current - min_delta > best: 1.05 - 0.1 is 0.9500000000000001 in float64, but
    # Keras compares in float32 (keras.ops.greater makes float32 tensors), where both are 0.95
    assert 1.05 - 0.1 > 0.95 and np.float32(1.05 - 0.1) == np.float32(0.95)
    t = EarlyStopping(patience=1, min_delta=0.1, mode="max")
    assert _run(t, [0.95, 1.05]) == [False, True]
    assert (t.best_epoch, t.stopped_epoch) == (0, 1)
    # and a gain just over min_delta in float32 does count: 0.94 + 0.1 = 1.04 < 1.05
    u = EarlyStopping(patience=1, min_delta=0.1)
    assert _run(u, [1.05, 0.94]) == [False, False] and u.best_epoch == 1


def test_a_gain_of_min_delta_hidden_by_float64_rounding_is_a_tie_as_in_keras():
    # 0.7 + 0.1 is 0.7999999999999999 < 0.8 in float64; Keras's float32 comparison sees 0.8 == 0.8
    assert 0.7 + 0.1 < 0.8
    s = EarlyStopping(patience=0, min_delta=0.1, start_from_epoch=1)
    assert _run(s, [0.5, 0.8, 0.7]) == [False, False, True]
    assert (s.best_epoch, s.best_score, s.stopped_epoch) == (1, 0.8, 2)


def test_early_stopping_errors():
    with pytest.raises(ValueError, match="mode must be 'min' or 'max', got 'minimum'"):
        EarlyStopping(2, mode="minimum")
    with pytest.raises(ValueError, match="patience must be a non-negative integer"):
        EarlyStopping(-1)
    with pytest.raises(ValueError, match="min_delta must be non-negative"):
        EarlyStopping(2, min_delta=-0.1)
