"""How a check reads: the comparison's messages, the printed values, the plain-text report, and
that no text at all can make ``check`` raise."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quizapp.drills import DrillReport, check
from quizapp.drills.checking import compare
from quizapp.drills.report import show_named, show_value


def test_matching_values_within_the_tolerance_pass():
    expected = np.array([1.0, -2.0, 1e-8])
    assert compare("y", expected, expected + np.array([5e-6, -1e-5, 5e-7]), 1e-5, 1e-6) is None


def test_a_single_number_may_come_back_as_an_array_of_one():
    assert compare("loss", np.array(0.5), np.array([0.5]), 1e-5, 1e-6) is None
    assert compare("loss", np.array(0.5), np.array(0.6), 1e-5, 1e-6).text == "loss is off by 0.1"


def test_a_shape_mismatch_is_its_own_message():
    mismatch = compare("y", np.zeros((4, 3)), np.zeros(3), 1e-5, 1e-6)
    assert mismatch.shape and mismatch.text == "y has shape (3,), expected (4, 3)"


def test_the_worst_entry_and_the_count_are_named():
    got = np.array([[1.0, 2.0], [3.0, 4.5]])
    mismatch = compare("y", np.array([[1.0, 2.0], [3.25, 4.0]]), got, 1e-5, 1e-6)
    assert mismatch.text == "y is off at 2 of 4 entries, by up to 0.5 at [1, 1]"
    assert mismatch.max_error == 0.5


def test_nan_where_a_number_was_expected_is_said_plainly():
    mismatch = compare("y", np.array([1.0, 2.0]), np.array([1.0, np.nan]), 1e-5, 1e-6)
    assert mismatch.text == "y holds nan at [1] where 2 was expected"


def test_integer_outputs_are_compared_exactly():
    assert compare("box", np.array([2, 6, 2, 6]), np.array([2.0, 6.0, 2.0, 6.0]), 1e-5, 1e-6, exact=True) is None
    assert compare("box", np.array([2, 6, 2, 6]), np.array([2.0, 6.000001, 2.0, 6.0]), 1e-5, 1e-6, exact=True)


def test_values_print_as_a_person_writes_them():
    assert show_value(np.array([[1.0, 2.5], [-3.0, 0.125]])) == "[     1    2.5 ]\n[    -3  0.125 ]"
    assert show_value(1e-5, digits=4) == "1e-05" and show_value(1e-5) == "0.00001"
    assert show_value(True) == "True"
    assert show_value((3, 4)) == "(3, 4)"
    assert show_value(np.array([True, False])) == "[1, 0]  (bool: 1 is True)"
    assert show_value(np.array([0.5], dtype=np.float32)) == "[0.5]  (float32)"
    big = show_value(np.zeros((64, 16)))
    assert big.startswith("shape (64, 16), float64") and len(big.splitlines()) < 10
    assert show_named(("x", "eps"), (np.eye(2), 0.1)) == "x =\n  [ 1  0 ]\n  [ 0  1 ]\neps = 0.1"


def test_the_plain_report_lists_error_inputs_expected_got_hint_in_that_order():
    report = DrillReport(task="layer_norm", passed=False, message="Case 2 of 9 (eps = 0.1): y is off.",
                         case_label="eps = 0.1", failing_case="x = [1, 2]\neps = 0.1", expected="[-1, 1]",
                         got="[-0.9, 0.9]", hint="You left eps out.", printed="debug\n", seed=7)
    assert report.lines() == [
        "FAIL layer_norm: Case 2 of 9 (eps = 0.1): y is off.",
        "inputs of case: eps = 0.1",
        "  x = [1, 2]",
        "  eps = 0.1",
        "expected:",
        "  [-1, 1]",
        "got:",
        "  [-0.9, 0.9]",
        "hint: You left eps out.",
        "your code printed:",
        "  debug",
        "(cases drawn from seed 7)",
    ]


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_]),
                  shape=hnp.array_shapes(min_dims=0, max_dims=4, max_side=9)))
def test_any_array_prints(array):
    text = show_value(array)
    assert isinstance(text, str) and text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300) | st.sampled_from([
    "def batch_norm_train(:", "def batch_norm_train(x, gamma, beta, eps=1e-5):\n\treturn x\n  pass",
    "\0", "(" * 300, "batch_norm_train = lambda *a: None", "import numpy as np\nclass batch_norm_train: pass",
]))
def test_no_text_makes_check_raise(code):
    report = check("batch_norm_train", code, seed=0, timeout=2.0)
    assert isinstance(report, DrillReport) and not report.passed
    assert report.message and "\n" not in report.message
    assert report.lines()[0].startswith("FAIL batch_norm_train: ")
