"""Random Erasing (torchvision's get_params arithmetic and erase) and LoRA: hand-worked values."""

from __future__ import annotations

import numpy as np
import pytest

from quizapp.engine.augment import erase, random_erasing_size
from quizapp.engine.lora import lora_linear, lora_merge, lora_param_count, lora_scaling

# --------------------------------------------------------------------------- Random Erasing


def test_the_box_size_from_the_area_and_the_aspect_ratio():
    # 10 x 10, 20% of the area = 20; ratio h/w = 2: h = round(sqrt(40)) = 6, w = round(sqrt(10)) = 3
    assert random_erasing_size(10, 10, 0.2, 2.0) == (6, 3)
    assert random_erasing_size(10, 10, 0.2, 0.5) == (3, 6)


def test_halves_round_to_even_as_python_s_round_does():
    # 5 x 5, a quarter of the area = 6.25, square: sqrt = 2.5 -> 2 (not 3)
    assert random_erasing_size(5, 5, 0.25, 1.0) == (2, 2)


def test_a_box_as_tall_as_the_image_is_rejected():
    # 8 x 8, 16 pixels at ratio 4: h = round(sqrt(64)) = 8, not < 8
    assert random_erasing_size(8, 8, 0.25, 4.0) is None
    assert random_erasing_size(8, 8, 0.25, 1.0) == (4, 4)


def test_erase_writes_the_value_into_rows_i_and_columns_j():
    img = np.arange(12.0).reshape(1, 3, 4)
    got = erase(img, 1, 2, 2, 1, 0.5)
    expected = img.copy()
    expected[0, 1, 2] = expected[0, 2, 2] = 0.5
    np.testing.assert_array_equal(got, expected)
    assert img[0, 1, 2] == 6.0, "the input is not modified"


def test_erase_takes_a_value_per_channel():
    img = np.zeros((2, 2, 2))
    got = erase(img, 0, 0, 1, 2, np.array([1.0, 2.0]).reshape(2, 1, 1))
    np.testing.assert_array_equal(got[:, 0, :], [[1.0, 1.0], [2.0, 2.0]])
    np.testing.assert_array_equal(got[:, 1, :], 0.0)


@pytest.mark.parametrize("call", [
    lambda: erase(np.zeros((3, 3)), 2, 0, 2, 1, 0.0),
    lambda: random_erasing_size(4, 4, 1.5, 1.0),
    lambda: random_erasing_size(4, 4, 0.5, 0.0),
])
def test_erasing_arguments_are_checked(call):
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------- LoRA


def test_lora_trains_r_times_in_plus_out_parameters():
    assert lora_param_count(4096, 4096, 8) == 65_536  # not 4096 * 4096 = 16,777,216
    assert lora_param_count(768, 3072, 4) == 4 * (768 + 3072)
    with pytest.raises(ValueError, match="rank"):
        lora_param_count(10, 10, 0)


def test_lora_scaling_is_alpha_over_r():
    assert lora_scaling(16, 8) == 2.0
    assert lora_scaling(16, 4, use_rslora=True) == 8.0


def test_merged_weight_and_forward_by_hand():
    w = np.eye(2)
    a = np.array([[1.0, 2.0]])  # r = 1
    b = np.array([[1.0], [0.0]])
    # (alpha / r) * B @ A = 2 * [[1, 2], [0, 0]]
    np.testing.assert_array_equal(lora_merge(w, a, b, 2), [[3.0, 4.0], [0.0, 1.0]])
    # x = [1, 1]: x W^T = [1, 1]; x A^T = 3; times B^T = [3, 0]; times 2 -> [7, 1]
    np.testing.assert_array_equal(lora_linear(np.array([1.0, 1.0]), w, a, b, 2), [7.0, 1.0])
    np.testing.assert_array_equal(lora_linear(np.array([1.0, 1.0]), w, a, b, 2, bias=[1, -1]), [8.0, 0.0])


def test_a_zero_b_leaves_the_pretrained_layer_unchanged_and_shapes_are_checked():
    rng = np.random.default_rng(0)
    w, a, x = rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), rng.standard_normal((5, 4))
    np.testing.assert_array_equal(lora_linear(x, w, a, np.zeros((3, 2)), 16), x @ w.T)
    with pytest.raises(ValueError, match="lora_B"):
        lora_merge(w, a, np.zeros((2, 3)), 16)
