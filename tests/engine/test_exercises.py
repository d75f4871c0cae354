"""Every exercise generator, over many seeds, behaves as a person studying with it expects.

- the same seed gives the same exercise, another seed other numbers;
- the prompt shows the inputs and says what shape to type;
- the expected answer typed back in the usual formats is accepted;
- a perturbed answer is rejected and the message names the wrong entry;
- the worked steps end at the answer.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from quizapp.engine.answers import check, format_answer
from quizapp.engine.exercises import REGISTRY, UnknownGenerator, make
from quizapp.engine.exercises.text import fmt_num

SEEDS = range(40)
CASES = [(gid, level) for gid, gen in sorted(REGISTRY.items()) for level in gen.levels]

#: The generators the exercises issue asks for, by what they teach.
REQUIRED = {
    "batch_norm.train_forward", "batch_norm.eval_forward", "batch_norm.running_stats",
    "batch_norm.param_count", "batch_norm.backward", "layer_norm.forward", "group_norm.forward",
    "instance_norm.forward", "rms_norm.forward", "weight_norm.forward", "norms.stat_count",
    "dropout.inverted_forward", "dropout.original_forward", "dropout.expected_value",
    "drop_path.forward", "mc_dropout.predict", "label_smoothing.target",
    "label_smoothing.cross_entropy", "mixup.mix", "cutmix.lambda", "regularize.l1",
    "regularize.l2", "optim.sgd_weight_decay", "optim.adamw_step", "early_stopping.stop_epoch",
    "blocks.pre_post_ln",
}


def test_every_required_generator_is_registered():
    assert REQUIRED <= set(REGISTRY)


def test_every_level_three_generator_exists_where_promised():
    assert 3 in REGISTRY["batch_norm.backward"].levels


@pytest.mark.parametrize("gid,level", CASES)
def test_same_seed_same_exercise_other_seed_other_numbers(gid, level):
    a, b = make(gid, 11, level), make(gid, 11, level)
    assert a.prompt == b.prompt
    np.testing.assert_array_equal(a.answer, b.answer)
    prompts = {make(gid, seed, level).prompt for seed in range(12)}
    assert len(prompts) > 1, "fresh numbers at every review"


def _numbers_in(text: str) -> list[float]:
    return [float(t) for t in re.findall(r"-?\d+(?:\.\d+)?", text)]


@pytest.mark.parametrize("gid,level", CASES)
def test_prompt_shows_inputs_and_asks_for_a_shape(gid, level):
    for seed in SEEDS:
        ex = make(gid, seed, level)
        assert "Answer with" in ex.prompt
        shown = set(_numbers_in(ex.prompt))
        for name, value in ex.inputs.items():
            arr = np.asarray(value)
            if arr.dtype.kind not in "fiu":
                continue
            for v in np.unique(arr.ravel()):
                assert float(fmt_num(v)) in shown or -float(fmt_num(v)) in shown, (
                    f"{gid} seed {seed}: input {name} value {v} not in the prompt"
                )


def _stated_decimals(prompt: str) -> int:
    """How precisely the prompt asks for the answer: "to 3 decimals", or "whole numbers"."""
    if "whole numbers" in prompt:
        return 0
    return int(re.search(r"to (\d+) decimals", prompt).group(1))


def _typed_forms(answer: np.ndarray, decimals: int) -> list[str]:
    """The ways a person types an answer: brackets and semicolons, rows per line, spaces, and
    every entry rounded to the decimals the prompt asks for."""
    forms = [format_answer(answer), format_answer(np.round(answer, decimals))]
    if answer.ndim == 1:
        forms.append(" ".join(f"{v:.6g}" for v in answer))
        forms.append(", ".join(f"{v:.6g}" for v in answer))
    if answer.ndim == 2:
        forms.append("\n".join(" ".join(f"{v:.6g}" for v in row) for row in answer))
        forms.append("[" + ", ".join("[" + ", ".join(f"{v:.6g}" for v in row) + "]" for row in answer) + "]")
    return forms


@pytest.mark.parametrize("gid,level", CASES)
def test_expected_answer_typed_back_is_accepted(gid, level):
    for seed in SEEDS:
        ex = make(gid, seed, level)
        for text in _typed_forms(ex.answer, _stated_decimals(ex.prompt)):
            verdict = check(ex, text)
            assert verdict.correct, f"{gid} seed {seed}: {text!r} rejected: {verdict.message}"
            assert verdict.misconception is None


@pytest.mark.parametrize("gid,level", CASES)
def test_a_perturbed_entry_is_rejected_and_named(gid, level):
    for seed in SEEDS[:15]:
        ex = make(gid, seed, level)
        wrong = ex.answer.copy()
        index = (wrong.ndim and tuple(s - 1 for s in wrong.shape)) or ()
        wrong[index] = wrong[index] + 3 + abs(wrong[index])
        verdict = check(ex, format_answer(wrong))
        assert not verdict.correct
        assert verdict.wrong == (index,)
        if verdict.misconception is None and wrong.ndim:
            numbers = ",".join(str(i + 1) for i in index)
            assert numbers in verdict.message


@pytest.mark.parametrize("gid,level", CASES)
def test_worked_steps_end_at_the_answer(gid, level):
    for seed in SEEDS[:15]:
        ex = make(gid, seed, level)
        assert ex.steps
        final = ex.steps[-1].value
        np.testing.assert_allclose(np.asarray(final, dtype=float).reshape(ex.answer.shape), ex.answer, atol=1e-9)


def test_unknown_generator_and_param_are_clear_errors():
    with pytest.raises(UnknownGenerator):
        make("batch_norm.nope", 1)
    with pytest.raises(TypeError, match="unknown param"):
        make("batch_norm.train_forward", 1, colour="blue")
    with pytest.raises(ValueError, match="level 3 not in"):
        make("dropout.expected_value", 1, 3)


# -- known hand values: the worked examples every candidate sees --------------------------------


def test_batch_norm_level_one_is_plus_minus_one_per_feature():
    """With two samples per feature, BatchNorm (eps=0) maps the larger to +1, the smaller to -1."""
    for seed in SEEDS:
        ex = make("batch_norm.train_forward", seed, 1)
        x = np.asarray(ex.inputs["x"])
        expected = np.where(x == x.max(axis=0), 1.0, -1.0)
        np.testing.assert_allclose(ex.answer, expected, atol=1e-12)


def test_layer_norm_level_one_matches_the_hand_formula():
    """LayerNorm of a row: subtract its mean, divide by sqrt of the mean squared deviation."""
    for seed in SEEDS:
        ex = make("layer_norm.forward", seed, 1)
        x = np.asarray(ex.inputs["x"])
        for row, got in zip(x, ex.answer):
            mean = sum(row) / len(row)
            std = (sum((v - mean) ** 2 for v in row) / len(row)) ** 0.5
            np.testing.assert_allclose(got, [(v - mean) / std for v in row], atol=1e-12)


def test_dropout_inverted_by_hand():
    for seed in SEEDS:
        ex = make("dropout.inverted_forward", seed, 1)
        x, m, p = np.asarray(ex.inputs["x"]), np.asarray(ex.inputs["mask"]), ex.inputs["p"]
        np.testing.assert_allclose(ex.answer, [xi / (1 - p) if keep else 0.0 for xi, keep in zip(x, m)])


def test_label_smoothing_target_by_hand():
    ex = make("label_smoothing.target", 3, 1)
    k, eps, target = ex.inputs["num_classes"], ex.inputs["eps"], ex.inputs["target"]
    expected = [1 - eps + eps / k if i == target else eps / k for i in range(k)]
    np.testing.assert_allclose(ex.answer, expected)


def test_param_count_by_hand():
    for seed in SEEDS:
        ex = make("batch_norm.param_count", seed, 2)
        c = ex.inputs["num_features"]
        params = 2 * c if ex.inputs["affine"] else 0
        buffers = 2 * c + 1 if ex.inputs["track_running_stats"] else 0
        assert ex.answer.tolist() == [params, buffers]


def test_cutmix_lambda_is_corrected_to_the_clipped_area():
    for seed in SEEDS:
        ex = make("cutmix.lambda", seed, 2)
        lam, (cy, cx) = ex.inputs["lam"], ex.inputs["center"]
        half = int(10 * (1 - lam) ** 0.5) // 2
        rows = min(cy + half, 10) - max(cy - half, 0)
        cols = min(cx + half, 10) - max(cx - half, 0)
        assert ex.answer == pytest.approx(1 - rows * cols / 100)
        assert rows * cols < (2 * half) ** 2, "level 2 always clips the box"


def test_stop_epoch_by_hand():
    """Keras rule, re-derived: stop once `patience` epochs in a row fail loss + min_delta < best."""
    for seed in SEEDS:
        ex = make("early_stopping.stop_epoch", seed, 2)
        losses, patience, delta = ex.inputs["val_loss"], ex.inputs["patience"], ex.inputs["min_delta"]
        best, best_epoch, wait, stop = float("inf"), None, 0, None
        for epoch, loss in enumerate(losses):
            if delta and epoch:  # never exactly min_delta better than the best: a coin toss in floats
                assert round((best - loss) * 100) != round(delta * 100)
            if loss + delta < best:
                best, best_epoch, wait = loss, epoch, 0
            else:
                wait += 1
                if wait >= patience:
                    stop = epoch
                    break
        assert ex.answer.tolist() == [stop, best_epoch]
        assert stop < len(losses) - 1, "training stops before the last epoch shown"
