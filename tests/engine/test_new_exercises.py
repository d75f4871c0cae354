"""The new generators' answers re-derived by hand from their inputs, over many seeds.

Each check uses the textbook formula written out here, never the engine op the generator calls.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from quizapp.engine import norms
from quizapp.engine.exercises import make
from quizapp.engine.exercises.norms import UNIT_VECTORS, _distinct_singular_values, _telling_vectors

SEEDS = range(30)


def _unit(x):
    return x / math.sqrt(sum(v * v for v in x))


def test_spectral_norm_sigma_is_the_norm_of_w_transpose_u():
    """u = Wv / |Wv|, v' = W^T u / |W^T u|, sigma = u . W v' = |W^T u|."""
    for seed in SEEDS:
        ex = make("spectral_norm.power_step", seed, 1)
        w, v = np.asarray(ex.inputs["W"]), np.asarray(ex.inputs["v"])
        u = _unit(w @ v)
        assert float(ex.answer) == pytest.approx(math.sqrt(sum(c * c for c in w.T @ u)))


def test_weight_standardization_rows_have_mean_zero_and_unit_variance():
    for seed in SEEDS:
        ex = make("weight_standardization.forward", seed, 1)
        for row, got in zip(np.asarray(ex.inputs["W"]), ex.answer):
            mean = sum(row) / 4
            std = math.sqrt(sum((v - mean) ** 2 for v in row) / 4 + 1e-6)
            np.testing.assert_allclose(got, [(v - mean) / std for v in row])


def test_alpha_dropout_values_by_the_formula():
    alpha = 1.7580993408473766
    for seed in SEEDS:
        ex = make("alpha_dropout.forward", seed, 1)
        p = ex.inputs["p"]
        a = 1 / math.sqrt((alpha**2 * p + 1) * (1 - p))
        expected = [a * x + a * alpha * p if keep else -a * alpha * (1 - p)
                    for x, keep in zip(ex.inputs["x"], ex.inputs["mask"])]
        np.testing.assert_allclose(ex.answer, expected)


def test_drop_block_gamma_and_counts_by_hand():
    for seed in SEEDS:
        ex = make("drop_block.gamma", seed, 1)
        p, bs, n = ex.inputs["p"], ex.inputs["block_size"], ex.inputs["size"]
        assert float(ex.answer) == pytest.approx(p * n * n / (bs * bs * (n - bs + 1) ** 2))
        ex = make("drop_block.forward", seed, 2)
        dropped = set()
        for r, c in zip(*np.nonzero(np.asarray(ex.inputs["seeds"]))):
            dropped |= {(r + i, c + j) for i in range(3) for j in range(3)}
        assert ex.answer[0] == len(dropped)
        assert ex.answer[1] == pytest.approx(25 / (25 - len(dropped)))


def test_random_erasing_size_by_hand():
    for seed in SEEDS:
        ex = make("random_erasing.box", seed, 2)
        area = ex.inputs["size"] ** 2 * ex.inputs["fraction"]
        ratio = ex.inputs["ratio"]
        assert ex.answer.tolist() == [round(math.sqrt(area * ratio)), round(math.sqrt(area / ratio))]


def test_clip_grad_norm_by_hand():
    for seed in SEEDS:
        ex = make("optim.clip_grad_norm", seed, 1)
        g = np.concatenate([ex.inputs["g1"], ex.inputs["g2"]])
        total = math.sqrt(sum(v * v for v in g))
        factor = min(ex.inputs["max_norm"] / total, 1.0)
        np.testing.assert_allclose(ex.answer, g * factor, rtol=1e-5)


def test_weighted_cross_entropy_by_hand():
    for seed in SEEDS:
        ex = make("cross_entropy.weighted_ignore", seed, 2)
        z, y, w = (np.asarray(ex.inputs[k]) for k in ("logits", "target", "weight"))
        total = weights = 0.0
        for row, target in zip(z, y):
            if target == -100:
                continue
            log_p = row[target] - math.log(sum(math.exp(v) for v in row))
            total -= w[target] * log_p
            weights += w[target]
        assert float(ex.answer) == pytest.approx(total / weights)


def test_lora_counts_by_hand():
    for seed in SEEDS:
        ex = make("lora.param_count", seed, 1)
        r = ex.inputs["r"]
        assert float(ex.answer) == r * ex.inputs["in_features"] + ex.inputs["out_features"] * r
        ex = make("lora.param_count", seed, 2)
        assert float(ex.answer) == ex.inputs["layers"] * 2 * 2 * ex.inputs["d_model"] * ex.inputs["r"]


def test_lora_forward_by_hand():
    for seed in SEEDS:
        ex = make("lora.forward", seed, 2)
        x, w, a, b = (np.asarray(ex.inputs[k]) for k in ("x", "W", "A", "B"))
        merged = w + ex.inputs["lora_alpha"] / 2 * (b @ a)
        np.testing.assert_allclose(ex.answer, merged @ x)


def test_keras_start_from_epoch_answer_ignores_the_warm_up():
    """The restored epoch is never a warm-up epoch, and the stop comes after the warm-up."""
    for seed in SEEDS:
        ex = make("early_stopping.keras_options", seed, 1)
        stop, restored = ex.answer.tolist()
        losses, start = ex.inputs["val_loss"], ex.inputs["start_from_epoch"]
        assert start <= restored < stop
        assert losses[int(restored)] == min(losses[start:int(stop) + 1])


def test_every_weight_the_spectral_exercise_can_draw_leaves_vectors_that_tell_the_beliefs_apart():
    """All 1,648 weights the generator can draw (a != 0, |det| >= 2, two singular values): some
    (u, v) pairs are left, and on every one the engine's sigma, the legacy order's and the
    Frobenius norm differ by more than the exercise's tolerance."""
    drawable = [
        np.array(entries, dtype=float).reshape(2, 2)
        for entries in itertools.product(range(-2, 5), repeat=4)
        if entries[0] != 0 and _distinct_singular_values(list(entries))
    ]
    assert len(drawable) == 1648
    for w in drawable:
        singular = np.linalg.svd(w, compute_uv=False)
        assert abs(np.linalg.det(w)) >= 2 - 1e-9 and singular[0] - singular[1] > 1e-9
        pairs = _telling_vectors(w)
        assert len(pairs) >= 20
        for i, j in pairs[:: max(1, len(pairs) // 3)]:
            u, v = UNIT_VECTORS[i], UNIT_VECTORS[j]
            sigmas = [
                float(norms.spectral_norm(w, u, v).sigma),
                float(norms.spectral_norm(w, u, v, legacy=True).sigma),
                math.sqrt((w**2).sum()),
            ]
            for first, second in itertools.combinations(sigmas, 2):
                assert abs(first - second) > 5e-4 + 1e-3 * max(first, second)


def test_the_lora_exercise_low_rank_path_never_vanishes():
    """With x A^T B^T = 0 the scaling alpha / r would not matter and its belief could not be told."""
    for seed in range(200):
        ex = make("lora.forward", seed, 2)
        x, a, b = (np.asarray(ex.inputs[k]) for k in ("x", "A", "B"))
        assert np.abs(b @ (a @ x)).max() >= 1


def test_keras_options_stop_late_and_apart_from_the_belief():
    """Both runs stop; the answer's stop comes after epoch `patience`; the belief stops elsewhere."""
    for seed in range(200):
        for level in (1, 2):
            ex = make("early_stopping.keras_options", seed, level)
            stop, restored = ex.answer.tolist()
            assert stop > ex.inputs["patience"] and restored < stop
            (belief,) = ex.variants
            assert np.isfinite(belief.answer).all() and belief.answer[0] != stop
            if level == 2:  # nothing beats the baseline, so the wait is never reset
                assert min(ex.inputs["val_loss"]) > ex.inputs["baseline"]
