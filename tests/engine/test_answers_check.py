"""engine.answers.check: a typed answer is graded with the exercise's tolerance, and the verdict
says in one line what is wrong (the count, which entries, too coarse a rounding, or the
misconception that gives exactly this answer).

Exercises are built by hand here, so every expected answer and every variant is a known number.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.engine.answers import Verdict, check, grade, parse
from quizapp.engine.exercises.base import Exercise, Variant
from quizapp.engine.exercises.misconceptions import CATALOG

SQRT_1_5 = 1.2247448713915889  # sqrt(1.5), e.g. (3 - 1.5) / sqrt(1.5)


def exercise(answer, *, rtol=1e-3, atol=1e-2, variants=()):
    return Exercise(
        generator="test.hand_built",
        seed=0,
        level=1,
        asks="a test answer",
        prompt="",
        answer=np.asarray(answer, dtype=np.float64),
        steps=(),
        inputs={},
        rtol=rtol,
        atol=atol,
        variants=tuple(Variant(name, np.asarray(a, dtype=np.float64)) for name, a in variants),
    )


M23 = [[1, 2, 3], [4, 5, 6]]


# -- right answers in the formats people type ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2, 3; 4, 5, 6]",
        "[[1,2,3],[4,5,6]]",
        "1 2 3\n4 5 6",
        "1, 2, 3\n4, 5, 6",
        "[1 2 3]\n[4 5 6]",
        "1 2 3; 4 5 6",
        "1 2 3 4 5 6",  # a flat list, read row by row
        "1, 2, 3, 4, 5, 6",
        "1\n2\n3\n4\n5\n6",  # one number per line
        "[1, 2, 3, 4, 5, 6]",
        "[1.004, 2, 3; 4, 5, 6.01]",  # within the tolerance
    ],
)
def test_a_right_matrix_is_accepted_in_every_format(text):
    verdict = check(exercise(M23), text)
    assert verdict.correct, verdict.message
    assert verdict.message == "correct"
    assert verdict.wrong == ()
    assert verdict.misconception is None
    assert not verdict.parse_error
    assert verdict.value.shape == (2, 3)  # arranged like the answer, for the UI


@pytest.mark.parametrize("text", ["[1, 2, 3]", "1 2 3", "[1; 2; 3]", "1\n2\n3", "[[1, 2, 3]]", "[[1], [2], [3]]"])
def test_a_row_or_a_column_is_fine_for_a_vector(text):
    verdict = check(exercise([1, 2, 3]), text)
    assert verdict.correct, verdict.message
    assert verdict.value.shape == (3,)


@pytest.mark.parametrize("text", ["1.2247", "1.22", "-(-1.2247)", "sqrt(1.5)", "3/2/sqrt(1.5)", "[1.2247]", "[[1.2247]]"])
def test_a_right_number_is_accepted(text):
    verdict = check(exercise(SQRT_1_5), text)
    assert verdict.correct, verdict.message
    assert verdict.value.shape == ()


def test_tolerance_is_atol_plus_rtol_times_the_answer():
    ex = exercise(2.0)  # allowed: 0.01 + 0.001 * 2 = 0.012
    assert check(ex, "2.0115").correct
    assert check(ex, "1.9885").correct
    assert not check(ex, "2.0125").correct
    assert not check(ex, "1.9875").correct
    tight = exercise(100.0, rtol=0.0, atol=0.5)
    assert check(tight, "100.4").correct
    assert not check(tight, "100.6").correct
    relative = exercise(1000.0, rtol=0.01, atol=0.0)
    assert check(relative, "1009").correct
    assert not check(relative, "1011").correct


def test_inf_matches_only_inf_of_the_same_sign_and_nan_never_matches():
    assert check(exercise(np.inf), "inf").correct
    assert not check(exercise(np.inf), "-inf").correct
    assert not check(exercise(np.inf), "1e308").correct
    assert not check(exercise(1.0), "inf").correct
    assert not check(exercise(np.nan), "nan").correct
    assert not check(exercise([1.0, 2.0]), "1 nan").correct


def test_nan_says_it_is_not_a_number():
    verdict = check(exercise([1.0, 2.0, 3.0]), "1 nan 3")
    assert verdict.message == "entry 2: nan is not a number, so it never matches"
    assert verdict.wrong == ((1,),)


# -- the count is wrong ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, text, message",
    [
        (M23, "1 2 3", "expected 2x3 numbers, got 3"),
        (M23, "[1, 2; 3, 4]", "expected 2x3 numbers, got 2x2"),
        (M23, "[1, 4; 2, 5; 3, 6]", "expected 2x3 numbers, got 3x2 (rows and columns swapped?)"),
        ([1, 2, 3], "1 2", "expected 3 numbers, got 2"),
        ([1, 2, 3], "1", "expected 3 numbers, got 1"),
        (1.5, "1 2", "expected a single number, got 2"),
        (1.5, "1,5", "expected a single number, got 2 (a comma separates numbers: write 1.5, not 1,5)"),
        (2.0, "3 -1", "expected a single number, got 2 (a space before a minus starts a new number: "
                      "write 3 - 1 to subtract)"),
    ],
)
def test_a_wrong_count_says_what_was_expected(answer, text, message):
    verdict = check(exercise(answer), text)
    assert not verdict.correct
    assert verdict.message == message
    assert verdict.wrong == ()
    assert verdict.misconception is None
    assert not verdict.parse_error


# -- which entries are off --------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, text, message, wrong",
    [
        (M23, "1 9 3; 4 9 6", "entries (1,2) and (2,2) are off", ((0, 1), (1, 1))),
        (M23, "1 2 3; 4 5 7", "entry (2,3) is off", ((1, 2),)),
        (M23, "9 9 3; 9 9 6", "entries (1,1), (1,2), (2,1) and (2,2) are off",
         ((0, 0), (0, 1), (1, 0), (1, 1))),
        (M23, "9 9 9; 9 9 6", "entries (1,1), (1,2), (1,3), (2,1) and 1 more are off",
         ((0, 0), (0, 1), (0, 2), (1, 0), (1, 1))),
        ([1, 2, 3], "[1, 2, 9]", "entry 3 is off", ((2,),)),
        ([1, 2, 3], "[7, 2, 9]", "entries 1 and 3 are off", ((0,), (2,))),
        ([1, 2], "[7, 9]", "entries 1 and 2 are off", ((0,), (1,))),
        ([1, 2, 3], "[7, 8, 9]", "all 3 entries are off", ((0,), (1,), (2,))),
        (M23, "1 2 3 4 5 7", "entry (2,3) is off", ((1, 2),)),  # flat, then read row by row
    ],
)
def test_wrong_entries_are_named_from_1_and_returned_from_0(answer, text, message, wrong):
    verdict = check(exercise(answer), text)
    assert not verdict.correct
    assert verdict.message == message
    assert verdict.wrong == wrong


def test_a_wrong_number_says_how_far_and_which_way():
    assert check(exercise(SQRT_1_5), "1.5").message == "off by 0.28 (too high)"  # 1.5 - 1.2247
    assert check(exercise(SQRT_1_5), "1").message == "off by 0.22 (too low)"
    assert check(exercise(SQRT_1_5), "1").wrong == ((),)


def test_a_flipped_sign_is_named():
    assert check(exercise(SQRT_1_5), "-1.2247").message == "the sign is wrong"
    verdict = check(exercise([1, -2, 3]), "-1 2 -3")
    assert verdict.message == "all 3 entries are off; every entry has the wrong sign"


def test_a_constant_factor_is_named():
    assert (check(exercise([1, 2, 3]), "2 4 6").message
            == "all 3 entries are off; every entry is 2 times the right one")
    assert (check(exercise([1, 2, 4]), "0.5 1 2").message
            == "all 3 entries are off; every entry is 0.5 times the right one")


def test_infinite_answers_are_explained():
    assert check(exercise(1.0), "inf").message == "the answer is a finite number"
    assert check(exercise(np.inf), "5").message == "the answer is infinite"


# -- close but rounded too coarsely -----------------------------------------------------------


def test_close_scalar_says_how_to_round():
    # |1.2 - 1.22474| = 0.0247 > 0.01 + 0.001*1.22474 = 0.0112, but within ten times that.
    verdict = check(exercise(SQRT_1_5), "1.2")
    assert not verdict.correct
    assert verdict.message == "close: off by 0.025 where 0.011 is allowed; round to 2 decimals or better"
    assert verdict.wrong == ((),)


def test_close_matrix_names_the_entries():
    # (1,2): off by 0.05, allowed 0.012; (2,3): off by 0.05, allowed 0.016.
    verdict = check(exercise(M23), "1 2.05 3; 4 5 6.05")
    assert verdict.message == ("close: entries (1,2) and (2,3) are off by up to 0.05 "
                               "where 0.012 is allowed; round to 2 decimals or better")
    assert verdict.wrong == ((0, 1), (1, 2))


def test_a_tight_tolerance_asks_for_more_decimals():
    verdict = check(exercise(0.123456, rtol=0.0, atol=1e-4), "0.1232")  # off by 2.6e-4
    assert verdict.message.startswith("close: off by 0.00026 where 0.0001 is allowed")
    assert verdict.message.endswith("round to 4 decimals or better")


def test_ten_tolerances_away_is_not_close():
    assert not check(exercise(2.0), "2.2").message.startswith("close")  # 0.2 > 10 * 0.012


# -- misconceptions -----------------------------------------------------------------------------

# BatchNorm (eps=0) of the batch [1, 3] (hand-worked): mean 2, biased var 1, y = [-1, 1].
# With the unbiased variance (2): y = [-1, 1] / sqrt(2) = [-0.7071, 0.7071].
# The second variant is an arbitrary distinct answer, to check that variants are told apart.
BN_RIGHT = [-1.0, 1.0]
BN_UNBIASED = [-0.70710678, 0.70710678]


def bn_exercise():
    return exercise(BN_RIGHT, variants=[("unbiased_variance", BN_UNBIASED), ("keep_prob_as_drop_prob", [4.0, 4.0])])


@pytest.mark.parametrize("text", ["[-0.7071, 0.7071]", "-0.71 0.71", "[-1/sqrt(2); 1/sqrt(2)]", "[[-0.707, 0.707]]"])
def test_a_variant_answer_names_the_misconception(text):
    verdict = check(bn_exercise(), text)
    assert not verdict.correct
    assert verdict.misconception == "unbiased_variance"
    known = CATALOG["unbiased_variance"]
    assert verdict.message == f"{known.belief} {known.truth}"
    assert "\n" not in verdict.message
    assert verdict.wrong == ((0,), (1,))


def test_each_variant_is_told_apart():
    assert check(bn_exercise(), "4 4").misconception == "keep_prob_as_drop_prob"
    assert check(bn_exercise(), "4, 4.01").misconception == "keep_prob_as_drop_prob"  # within 0.014
    assert check(bn_exercise(), "4 4.2").misconception is None


def test_the_right_answer_never_gets_a_misconception():
    verdict = check(bn_exercise(), "-1 1")
    assert verdict.correct and verdict.misconception is None
    # Even when a variant coincides with the answer (make() leaves such a belief out; built by hand here).
    same = exercise(0.5, variants=[("no_eps", 0.5), ("std_for_var", 0.503)])
    for text in ("0.5", "0.503", "0.51"):
        verdict = check(same, text)
        assert verdict.correct and verdict.misconception is None


def test_an_unrelated_wrong_answer_gets_no_misconception():
    verdict = check(bn_exercise(), "-1 2")
    assert verdict.misconception is None
    assert verdict.message == "entry 2 is off"


def test_a_variant_of_another_shape_is_recognised():
    # Averaging over the wrong axis of a 2x3 input gives 3 numbers where 2 were asked for.
    ex = exercise([2.0, 5.0], variants=[("wrong_axes", [2.5, 3.5, 4.5])])
    verdict = check(ex, "2.5 3.5 4.5")
    assert verdict.misconception == "wrong_axes"
    assert verdict.wrong == ()
    assert check(ex, "1 2 3").message == "expected 2 numbers, got 3"


def test_a_variant_is_matched_in_a_forgiven_arrangement():
    ex = exercise(M23, variants=[("no_eps", [[1, 2, 3], [4, 5, 7]])])
    assert check(ex, "1 2 3 4 5 7").misconception == "no_eps"
    assert check(ex, "[1, 2, 3]\n[4, 5, 7]").misconception == "no_eps"


def test_a_variant_missing_from_the_catalog_is_still_named():
    verdict = check(exercise(1.0, variants=[("made_up_belief", 3.0)]), "3")
    assert verdict.misconception == "made_up_belief"
    assert "made_up_belief" in verdict.message


# -- unreadable input ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, where", [("1 + (", "col 6: expected a number after"), ("", "empty answer"), ("1 2\n3 $", "line 2, col 3"),
                                         ("__import__('os').system('echo hi')", "unknown name '__import__'")])
def test_unreadable_input_is_a_verdict_not_an_exception(text, where):
    verdict = check(exercise(M23), text)
    assert verdict.parse_error
    assert not verdict.correct
    assert verdict.value is None
    assert verdict.wrong == ()
    assert verdict.misconception is None
    assert verdict.message.startswith("could not read the answer: ")
    assert where in verdict.message


def test_a_verdict_is_frozen_and_comparable():
    verdict = check(exercise(1.0), "2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.correct = True  # type: ignore[misc]
    assert verdict == check(exercise(1.0), "2")
    assert isinstance(verdict, Verdict)


def test_grade_takes_an_already_parsed_value():
    verdict = grade([1.0, 2.0], parse("1 3"), rtol=0.0, atol=0.1)
    assert verdict.wrong == ((1,),)


# -- properties ----------------------------------------------------------------------------------


def _text(matrix: np.ndarray) -> str:
    """The test's own writer: one row per line, entries by repr (exact)."""
    return "\n".join(" ".join(repr(float(v)) for v in row) for row in matrix)


def _names(indices, ndim):
    return [str(ix[0] + 1) if ndim == 1 else "(" + ",".join(str(i + 1) for i in ix) + ")" for ix in indices]


@given(
    shape=st.tuples(st.integers(2, 4), st.integers(1, 4)),
    data=st.data(),
)
def test_perturbed_entries_are_rejected_with_their_exact_indices(shape, data):
    size = shape[0] * shape[1]
    values = data.draw(st.lists(st.integers(-9, 9), min_size=size, max_size=size))
    expected = np.array(values, dtype=float).reshape(shape)
    flat = data.draw(st.sets(st.integers(0, size - 1), min_size=1, max_size=size))
    typed = expected.copy()
    for k in flat:
        typed.flat[k] += data.draw(st.sampled_from([-3.5, 1.25, 7.0]))
    verdict = check(exercise(expected), _text(typed))
    indices = tuple(sorted(np.unravel_index(k, shape) for k in flat))
    indices = tuple(tuple(int(i) for i in ix) for ix in indices)
    assert not verdict.correct
    assert verdict.wrong == indices
    names = _names(indices, 2)
    if len(indices) == size and size > 2:
        listing = f"all {size} entries are off"
    elif len(indices) == 1:
        listing = f"entry {names[0]} is off"
    elif len(indices) <= 4:
        listing = f"entries {', '.join(names[:-1])} and {names[-1]} are off"
    else:
        listing = f"entries {', '.join(names[:4])} and {len(indices) - 4} more are off"
    if len(indices) < size:
        assert verdict.message == listing
    else:  # every entry off: a hint (wrong sign, a constant factor) may follow
        assert verdict.message == listing or verdict.message.startswith(listing + "; every entry ")


@given(
    values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12),
    rows=st.sampled_from([1, 2, 3]),
)
def test_an_exact_answer_in_any_arrangement_of_its_numbers_is_right(values, rows):
    expected = np.array(values)
    verdict = check(exercise(expected), ", ".join(repr(v) for v in values))
    assert verdict.correct, verdict.message
    if len(values) % rows == 0:
        matrix = expected.reshape(rows, -1)
        assert check(exercise(matrix), _text(matrix)).correct
        assert check(exercise(matrix), " ".join(repr(v) for v in values)).correct


@given(st.text(max_size=40))
def test_check_never_raises(text):
    verdict = check(exercise(M23, variants=[("no_eps", [[1, 2, 3], [4, 5, 7]])]), text)
    assert isinstance(verdict, Verdict)
    assert isinstance(verdict.message, str) and verdict.message and "\n" not in verdict.message


# -- a large typed answer ---------------------------------------------------------------------------


def test_a_4x4_answer_rounded_to_4_places_is_right():
    """Its speed (well under a millisecond) is measured by tests/bench/bench_answers.py."""
    ex = exercise(np.arange(16.0).reshape(4, 4) / 7)
    text = "[0, 0.1429, 0.2857, 0.4286; 0.5714, 0.7143, 0.8571, 1; 1.1429, 1.2857, 1.4286, 1.5714; 1.7143, 1.8571, 2, 2.1429]"
    assert check(ex, text).correct
