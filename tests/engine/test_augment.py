"""Augmentation: label smoothing, MixUp, CutMix (box and corrected lambda), flips, crops, noise,
cutout.  Expected values are worked by hand; random choices are checked statistically."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.engine.augment import (
    Box,
    cutmix,
    cutmix_box,
    cutmix_lambda,
    cutout,
    gaussian_noise,
    hflip,
    mixup,
    random_crop,
    sample_lambda,
    smooth_labels,
)


def rng(seed=0):
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------- label smoothing


def test_smooth_labels_by_hand_k3_eps_point_1():
    on, off = 0.9 + 0.1 / 3, 0.1 / 3  # 0.9333..., 0.0333...
    np.testing.assert_allclose(
        smooth_labels(np.array([0, 2]), 3, 0.1), [[on, off, off], [off, off, on]]
    )


def test_smooth_labels_rows_sum_to_one_and_eps_zero_is_one_hot():
    out = smooth_labels(np.array([[1, 0], [3, 2]]), 4, 0.2)
    assert out.shape == (2, 2, 4)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(smooth_labels(np.array([1]), 3, 0.0), [[0.0, 1.0, 0.0]])
    np.testing.assert_allclose(smooth_labels(np.array([1]), 4, 1.0), [[0.25] * 4])


def test_smooth_labels_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="class index 3 is out of range for 3 classes"):
        smooth_labels(np.array([0, 3]), 3, 0.1)
    with pytest.raises(ValueError, match="eps must be between 0 and 1"):
        smooth_labels(np.array([0]), 3, -0.1)
    with pytest.raises(ValueError, match="class indices must be integers"):
        smooth_labels(np.array([0.5]), 3, 0.1)


def test_smoothed_target_gives_torch_label_smoothing_loss():
    torch = pytest.importorskip("torch")
    logits = rng(1).normal(size=(6, 5))
    target = np.array([0, 4, 2, 2, 1, 3])
    expected = torch.nn.functional.cross_entropy(
        torch.tensor(logits), torch.tensor(target), label_smoothing=0.15
    ).item()
    soft = torch.tensor(smooth_labels(target, 5, 0.15))
    got = torch.nn.functional.cross_entropy(torch.tensor(logits), soft).item()
    assert got == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- lambda


def test_sample_lambda_moments_match_beta():
    r = rng(2)
    for alpha in (0.2, 1.0, 4.0):
        draws = np.array([sample_lambda(alpha, rng=r) for _ in range(20_000)])
        assert ((draws >= 0) & (draws <= 1)).all()
        assert abs(draws.mean() - 0.5) < 0.01
        # Var Beta(a, a) = 1 / (4 (2a + 1))
        assert abs(draws.var() - 1 / (4 * (2 * alpha + 1))) < 0.005


def test_small_alpha_puts_lambda_near_the_ends():
    r = rng(3)
    draws = np.array([sample_lambda(0.2, rng=r) for _ in range(5000)])
    near_ends = ((draws < 0.1) | (draws > 0.9)).mean()
    assert near_ends > 0.5  # for alpha=1 (uniform) this would be 0.2


def test_sample_lambda_reproducible_and_validated():
    assert sample_lambda(0.4, rng=rng(5)) == sample_lambda(0.4, rng=rng(5))
    assert isinstance(sample_lambda(0.4, rng=rng(5)), float)
    with pytest.raises(ValueError, match="alpha must be positive"):
        sample_lambda(0.0, rng=rng())
    with pytest.raises(ValueError, match="rng="):
        sample_lambda(1.0, rng=None)


# --------------------------------------------------------------------------- mixup


def test_mixup_by_hand_with_timm_default_partner():
    x = np.array([[0.0, 0.0], [4.0, 8.0]])
    x_mixed, y_mixed = mixup(x, np.array([0, 1]), 0.75, num_classes=2)
    np.testing.assert_allclose(x_mixed, [[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(y_mixed, [[0.75, 0.25], [0.25, 0.75]])


def test_mixup_with_soft_labels_and_explicit_perm():
    x = np.array([[1.0], [2.0], [4.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    x_mixed, y_mixed = mixup(x, y, 0.5, np.array([1, 2, 0]))
    np.testing.assert_allclose(x_mixed, [[1.5], [3.0], [2.5]])
    np.testing.assert_allclose(y_mixed, [[0.5, 0.5], [0.25, 0.75], [0.75, 0.25]])


def test_mixup_lambda_one_is_identity_and_inputs_untouched():
    x = np.arange(6.0).reshape(3, 2)
    copy = x.copy()
    x_mixed, y_mixed = mixup(x, np.array([0, 1, 2]), 1.0, num_classes=3)
    np.testing.assert_array_equal(x_mixed, x)
    np.testing.assert_array_equal(y_mixed, np.eye(3))
    np.testing.assert_array_equal(x, copy)


def test_mixup_keeps_float32_images():
    x_mixed, _ = mixup(np.ones((2, 3), dtype=np.float32), np.array([0, 1]), 0.3, num_classes=2)
    assert x_mixed.dtype == np.float32


def test_mixup_errors():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="labels are class indices, so give num_classes="):
        mixup(x, np.array([0, 1]), 0.5)
    with pytest.raises(ValueError, match="lam must be between 0 and 1"):
        mixup(x, np.array([0, 1]), 1.5, num_classes=2)
    with pytest.raises(ValueError, match="perm must be 2 integer indices"):
        mixup(x, np.array([0, 1]), 0.5, np.array([0, 1, 0]), num_classes=2)
    with pytest.raises(ValueError, match=r"soft labels must have shape \(2, K\)"):
        mixup(x, np.ones((3, 2)), 0.5)


# --------------------------------------------------------------------------- cutmix


def test_cutmix_box_centred_has_the_area_lambda_asks_for():
    # lam = 0.64: ratio sqrt(0.36) = 0.6, cut = 6, half = 3 -> rows/cols 2:8, area 36
    box = cutmix_box(10, 10, 0.64, center=(5, 5))
    assert box == Box(2, 8, 2, 8)
    assert cutmix_lambda(box, 10, 10) == pytest.approx(0.64)


def test_cutmix_box_clipped_at_the_border_and_lambda_corrected_by_hand():
    # centre (1, 9): rows 1-3 .. 1+3 -> clip(-2)=0 .. 4; cols 9-3=6 .. clip(12)=10
    box = cutmix_box(10, 10, 0.64, center=(1, 9))
    assert box == Box(yl=0, yh=4, xl=6, xh=10)
    assert box.area == 16
    # the pasted area is 16 pixels, not 36: lam = 1 - 16/100 = 0.84, not 0.64
    assert cutmix_lambda(box, 10, 10) == pytest.approx(0.84)


def test_cutmix_box_odd_cut_loses_a_pixel_like_timm():
    # lam = 0.75: ratio 0.5, cut = 5, half = 2 -> rows 3:7 (4 rows, not 5)
    box = cutmix_box(10, 10, 0.75, center=(5, 5))
    assert box == Box(3, 7, 3, 7)
    assert cutmix_lambda(box, 10, 10) == pytest.approx(0.84)


def test_cutmix_box_on_a_non_square_image():
    # H=8, W=20, lam=0.75: cut_h = 4, cut_w = 10, halves 2 and 5
    assert cutmix_box(8, 20, 0.75, center=(4, 10)) == Box(2, 6, 5, 15)


@given(
    seed=st.integers(0, 2**32 - 1),
    height=st.integers(1, 40),
    width=st.integers(1, 40),
    lam=st.floats(0.0, 1.0),
)
def test_random_cutmix_box_fits_and_corrected_lambda_never_below_sampled(seed, height, width, lam):
    box = cutmix_box(height, width, lam, rng=np.random.default_rng(seed))
    assert 0 <= box.yl <= box.yh <= height and 0 <= box.xl <= box.xh <= width
    # clipping and integer sizes only ever shrink the box, so lam can only grow
    assert cutmix_lambda(box, height, width) >= lam - 1e-12


def test_cutmix_box_centre_is_uniform_over_pixels():
    # lam = 1 gives cut = 0, an empty box sitting exactly at the centre (cy, cy, cx, cx)
    r = rng(6)
    boxes = [cutmix_box(4, 4, 1.0, rng=r) for _ in range(8000)]
    assert all(b.yl == b.yh and b.xl == b.xh for b in boxes)
    counts = np.zeros((4, 4))
    np.add.at(counts, ([b.yl for b in boxes], [b.xl for b in boxes]), 1)
    np.testing.assert_allclose(counts / len(boxes), 1 / 16, atol=0.015)


def test_cutmix_box_reproducible_and_validated():
    assert cutmix_box(32, 32, 0.3, rng=rng(7)) == cutmix_box(32, 32, 0.3, rng=rng(7))
    with pytest.raises(ValueError, match=r"center \(10, 0\) is outside the 10x10 image"):
        cutmix_box(10, 10, 0.5, center=(10, 0))
    with pytest.raises(ValueError, match="lam must be between 0 and 1"):
        cutmix_box(10, 10, -0.5, rng=rng())
    with pytest.raises(ValueError, match=r"box \(0, 11, 0, 2\) does not fit a 10x10 image"):
        cutmix_lambda((0, 11, 0, 2), 10, 10)


def test_cutmix_by_hand_pastes_partner_pixels_and_mixes_labels_by_area():
    x = np.stack([np.zeros((1, 4, 4)), np.ones((1, 4, 4))])  # sample 0 black, sample 1 white
    original = x.copy()
    x_mixed, y_mixed, lam, box = cutmix(x, np.array([0, 1]), None, box=(0, 2, 0, 2), num_classes=2)
    assert lam == pytest.approx(0.75)  # 1 - 4/16
    assert box == Box(0, 2, 0, 2)
    np.testing.assert_array_equal(x_mixed[0, 0, :2, :2], 1.0)  # white patch on sample 0
    assert x_mixed[0].sum() == 4
    np.testing.assert_array_equal(x_mixed[1, 0, :2, :2], 0.0)  # black patch on sample 1
    assert x_mixed[1].sum() == 12
    np.testing.assert_allclose(y_mixed, [[0.75, 0.25], [0.25, 0.75]])
    np.testing.assert_array_equal(x, original)


def test_cutmix_random_box_matches_changed_pixels_and_label_weight():
    n, height, width = 4, 16, 16
    x = np.arange(n, dtype=np.float64)[:, None, None, None] * np.ones((n, 3, height, width))
    perm = np.array([1, 2, 3, 0])
    x_mixed, y_mixed, lam, box = cutmix(x, np.eye(n), 0.6, rng=rng(8), perm=perm)
    changed = (x_mixed[0, 0] != x[0, 0]).sum()
    assert changed == box.area
    assert lam == pytest.approx(1 - changed / (height * width))
    np.testing.assert_allclose(y_mixed[0], [lam, 1 - lam, 0, 0])


def test_cutmix_errors():
    with pytest.raises(ValueError, match="give lam"):
        cutmix(np.ones((2, 1, 4, 4)), np.eye(2), None, rng=rng())
    with pytest.raises(ValueError, match=r"x must be \(N, ..., H, W\)"):
        cutmix(np.ones((4, 4)), np.eye(4), 0.5, rng=rng())


# --------------------------------------------------------------------------- flips, crops, noise


def test_hflip_reverses_width_only():
    x = np.array([[[1, 2, 3], [4, 5, 6]]])
    np.testing.assert_array_equal(hflip(x), [[[3, 2, 1], [6, 5, 4]]])
    np.testing.assert_array_equal(hflip(hflip(x)), x)


def test_random_crop_with_padding_by_hand():
    x = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(
        random_crop(x, 3, padding=1, offset=(0, 0)), [[0, 0, 0], [0, 0, 1], [0, 3, 4]]
    )
    np.testing.assert_array_equal(random_crop(x, 3, padding=1, offset=(1, 1)), x)
    np.testing.assert_array_equal(
        random_crop(x, (2, 3), padding=(0, 1), offset=(2, 0)), [[3, 4, 5], [6, 7, 8]]
    )
    # (left, top, right, bottom): only a right margin of 2
    np.testing.assert_array_equal(
        random_crop(x, (1, 3), padding=(0, 0, 2, 0), offset=(0, 2)), [[2, 0, 0]]
    )


def test_random_crop_offsets_are_uniform_and_shared_by_all_channels():
    x = np.arange(1.0, 33.0).reshape(2, 4, 4)  # distinct non-zero values: each offset is unique
    fixed = {
        (i, j): random_crop(x, 4, padding=1, offset=(i, j)) for i in range(3) for j in range(3)
    }
    r = rng(10)
    counts = dict.fromkeys(fixed, 0)
    for _ in range(4500):
        out = random_crop(x, 4, padding=1, rng=r)
        matches = [key for key, crop in fixed.items() if np.array_equal(out, crop)]
        assert len(matches) == 1  # both channels were cut with one and the same window
        counts[matches[0]] += 1
    np.testing.assert_allclose(np.array(list(counts.values())) / 4500, 1 / 9, atol=0.02)


def test_random_crop_errors():
    x = np.ones((3, 3))
    with pytest.raises(ValueError, match="crop size 5x5 is larger than the padded image 3x3"):
        random_crop(x, 5, rng=rng())
    with pytest.raises(ValueError, match="puts the 3x3 crop outside"):
        random_crop(x, 3, padding=1, offset=(3, 0))
    with pytest.raises(ValueError, match="padding must be non-negative"):
        random_crop(x, 3, padding=-1, rng=rng())


def test_gaussian_noise_statistics_dtype_and_reproducibility():
    x = np.full(100_000, 2.0)
    out = gaussian_noise(x, 0.5, rng=rng(11))
    assert abs((out - x).mean()) < 0.01
    assert abs((out - x).std() - 0.5) < 0.01
    np.testing.assert_array_equal(out, gaussian_noise(x, 0.5, rng=rng(11)))
    assert gaussian_noise(np.ones(3, dtype=np.float32), 0.1, rng=rng()).dtype == np.float32
    np.testing.assert_array_equal(gaussian_noise(x[:5], 0.0, rng=rng()), x[:5])
    with pytest.raises(ValueError, match="std must be non-negative"):
        gaussian_noise(x, -1.0, rng=rng())


# --------------------------------------------------------------------------- cutout


def test_cutout_by_hand_inside_and_clipped():
    x = np.ones((2, 5, 5))
    out, box = cutout(x, 4, center=(2, 2), return_box=True)
    assert box == Box(0, 4, 0, 4)
    np.testing.assert_array_equal(out[:, :4, :4], 0.0)  # every channel, same square
    assert out.sum() == 2 * (25 - 16)
    corner = cutout(x, 4, center=(0, 4))  # rows -2..2 -> 0:2, cols 2..6 -> 2:5
    assert (corner[0] == 0).sum() == 2 * 3
    np.testing.assert_array_equal(corner[0, :2, 2:], 0.0)
    np.testing.assert_array_equal(x, 1.0)  # input untouched


def test_cutout_odd_size_uses_half_on_both_sides_like_the_paper_code():
    out = cutout(np.ones((5, 5)), 3, center=(2, 2))  # rows 1:3 -> a 2x2 square
    assert (out == 0).sum() == 4


def test_cutout_random_centre_reproducible_and_area_at_most_size_squared():
    r = rng(12)
    for _ in range(200):
        out = cutout(np.ones((1, 8, 8)), 4, rng=r)
        assert 0 < (out == 0).sum() <= 16
    a = cutout(np.ones((8, 8)), 4, rng=rng(13))
    np.testing.assert_array_equal(a, cutout(np.ones((8, 8)), 4, rng=rng(13)))
    with pytest.raises(ValueError, match="size must be a non-negative integer"):
        cutout(np.ones((4, 4)), -1, rng=rng())
