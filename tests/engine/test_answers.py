"""engine.answers.parse: what a person types is read as the number, vector or matrix they meant.

Expected values here are worked by hand (or are the typed literals themselves), never computed
with the parser under test.
"""

from __future__ import annotations

import ast
import builtins
import math
from pathlib import Path

import numpy as np
import pytest

import quizapp.engine.answers as answers
from quizapp.engine.answers import MAX_LENGTH, ParseError, format_answer, parse

# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.5", 1.5),
        ("-1.2247", -1.2247),
        ("2e-3", 0.002),
        ("1E+6", 1_000_000.0),
        (".5", 0.5),
        ("2.", 2.0),
        ("+2", 2.0),
        ("  7  ", 7.0),
        ("0", 0.0),
        ("inf", math.inf),
        ("-inf", -math.inf),
        ("Inf", math.inf),
        ("\u22122", -2.0),  # a Unicode minus sign, as pasted from a formatted page
    ],
)
def test_single_numbers_are_scalars(text, expected):
    value = parse(text)
    assert value.shape == ()
    assert value.dtype == np.float64
    assert float(value) == expected


def test_nan_is_read_as_nan():
    assert math.isnan(float(parse("nan")))
    assert math.isnan(float(parse("NaN")))


# -- arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-1/3", -0.3333333333),
        ("sqrt(2)/2", 0.7071067812),
        ("1/sqrt(3)", 0.5773502692),
        ("3/2*sqrt(2)", 2.1213203436),
        ("2^3", 8.0),
        ("2**3", 8.0),
        ("2^3^2", 512.0),  # right-associative: 2^(3^2)
        ("-2^2", -4.0),  # power binds tighter than the minus sign
        ("2^-1", 0.5),
        ("(-2)^2", 4.0),
        ("1 + 2*3", 7.0),
        ("(1 + 2)*3", 9.0),
        ("1 - 2 - 3", -4.0),  # left-associative
        ("8/4/2", 1.0),
        ("1 - -2", 3.0),
        ("2 * -3", -6.0),
        ("--2", 2.0),
        ("exp(0)", 1.0),
        ("exp(1)", 2.7182818285),
        ("log(1)", 0.0),
        ("ln(exp(2))", 2.0),
        ("SQRT(4)", 2.0),
        ("sqrt (4)", 2.0),
        ("pi", 3.1415926536),
        ("pi/2", 1.5707963268),
        ("\u03c0", 3.1415926536),
        ("\u221a2/2", 0.7071067812),
        ("2\u00d73", 6.0),
        ("2\u00b73", 6.0),
        ("6\u00f74", 1.5),
        ("1/(1 - 0.5)", 2.0),
        ("(1 +\n 2)", 3.0),  # inside parentheses a line break is just space
    ],
)
def test_arithmetic_by_hand(text, expected):
    value = parse(text)
    assert value.shape == ()
    assert float(value) == pytest.approx(expected, abs=1e-9)


# -- spaces, minus signs and commas ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 - 2", -1.0),  # spaces on both sides: subtraction
        ("1-2", -1.0),
        ("1- 2", -1.0),
        ("(1 -2)", -1.0),  # inside parentheses spaces never split
        ("sqrt(5 -1)", 2.0),
        ("1 -2", [1.0, -2.0]),  # a space before and none after: a new entry, as in MATLAB
        ("1 +2", [1.0, 2.0]),
        ("1 --2", [1.0, 2.0]),
        ("1 2 3", [1.0, 2.0, 3.0]),
        ("1, 2, 3", [1.0, 2.0, 3.0]),
        ("1,2,3", [1.0, 2.0, 3.0]),
        ("1,5", [1.0, 5.0]),  # a comma separates numbers; it is never a decimal mark
        ("1 (2)", [1.0, 2.0]),
        ("2 pi", [2.0, math.pi]),
        ("sqrt(4) -1", [2.0, -1.0]),
        ("[1 -2, 3]", [1.0, -2.0, 3.0]),
        ("[1 - 2, 3]", [-1.0, 3.0]),
    ],
)
def test_space_and_minus_rule(text, expected):
    assert parse(text).tolist() == pytest.approx(expected)


# -- vectors and matrices --------------------------------------------------------------------

M22 = [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize(
    "text, expected, shape",
    [
        ("[1, 2, 3]", [1, 2, 3], (3,)),
        ("[1 2 3]", [1, 2, 3], (3,)),
        ("[1, 2, 3,]", [1, 2, 3], (3,)),  # a trailing comma, as Python allows
        ("[5]", [5], (1,)),
        ("[1, 2; 3, 4]", M22, (2, 2)),
        ("[[1,2],[3,4]]", M22, (2, 2)),
        ("[[1, 2], [3, 4]]", M22, (2, 2)),
        ("[1,2],[3,4]", M22, (2, 2)),
        ("[1,2] [3,4]", M22, (2, 2)),
        ("[1,2][3,4]", M22, (2, 2)),  # a forgotten comma between lists is forgiven
        ("1 2; 3 4", M22, (2, 2)),
        ("1, 2; 3, 4", M22, (2, 2)),
        ("1 2\n3 4", M22, (2, 2)),
        ("1, 2\n3, 4", M22, (2, 2)),
        ("1 2\r\n3 4", M22, (2, 2)),
        ("\n1 2\n\n3 4\n", M22, (2, 2)),  # blank lines are ignored
        ("1 2;\n3 4", M22, (2, 2)),
        ("[1, 2]\n[3, 4]", M22, (2, 2)),
        ("[1 2\n 3 4]", M22, (2, 2)),
        ("[[1, 2],\n [3, 4]]", M22, (2, 2)),
        ("[[1,2];[3,4]]", M22, (2, 2)),
        ("[ 1  2 ]\n[ 3  4 ]", M22, (2, 2)),  # how prompts print a matrix
        ("[1, 2; 3, 4;]", M22, (2, 2)),
        ("[[1, 2, 3]]", [[1, 2, 3]], (1, 3)),
        ("[1; 2; 3]", [[1], [2], [3]], (3, 1)),
        ("1\n2\n3", [[1], [2], [3]], (3, 1)),
        ("[sqrt(4), 1/2; -1, 2^2]", [[2, 0.5], [-1, 4]], (2, 2)),
        ("[[[1,2],[3,4]],[[5,6],[7,8]]]", [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], (2, 2, 2)),
    ],
)
def test_vectors_and_matrices(text, expected, shape):
    value = parse(text)
    assert value.shape == shape
    assert value.dtype == np.float64
    np.testing.assert_array_equal(value, np.array(expected, dtype=float))


# -- errors say where and what ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty answer"),
        ("   \n\t ", "empty answer"),
        ("foo", "col 1: unknown name 'foo'"),
        ("1 + foo", "col 5: unknown name 'foo'"),
        ("2e", "col 2: unknown name 'e'"),
        ("2 E", "col 3: unknown name 'E' (write 1e-3 for powers of ten, exp(1) for e)"),
        ("2(3)", "col 2: unexpected '(' (use * to multiply)"),
        ("2pi", "col 2: unexpected 'pi' (use * to multiply)"),
        ("sqrt(2)(3)", "col 8: unexpected '('"),
        ("1 + (2", "col 5: '(' is never closed"),
        ("[1, 2", "col 1: '[' is never closed"),
        ("1)", "col 2: unexpected ')'"),
        ("1]", "col 2: unexpected ']'"),
        ("1 +", "col 4: expected a number after '+'"),
        ("1,,2", "col 3: expected a number after ','"),
        ("1 ? 2", "col 3: unexpected '?'"),
        ("1.5.2", "col 4: unexpected '.2'"),
        ("[]", "col 1: empty brackets"),
        ("[1, 2] 3", "col 8: a row cannot mix numbers and [lists]"),
        ("sqrt 2", "col 1: sqrt needs parentheses"),
        ("1/0", "col 2: division by zero"),
        ("1/(2-2)", "col 2: division by zero"),
        ("sqrt(-1)", "col 1: sqrt of a negative number"),
        ("log(0)", "col 1: log of a number that is not positive"),
        ("(-8)^(1/3)", "col 5: a negative number to a fractional power"),
        ("0^-1", "col 2: 0 to a negative power"),
        ("10^400", "col 3: result too large"),
        ("exp(1000)", "col 1: result too large"),
        ("[1, 2; 3, 4, 5]", "col 8: row 2 has 3 numbers, row 1 has 2"),
        ("[[1, 2], [3]]", "col 10: row 2 has 1 number, row 1 has 2"),
        ("1 2\n3 4 5", "line 2, col 1: row 2 has 3 numbers, row 1 has 2"),
        ("1 2\n3 $", "line 2, col 3: unexpected '$'"),
        ("1 2\n3 +", "line 2, col 4: expected a number after '+'"),
        ("1 +\n2", "line 1, col 4: expected a number after '+'"),
    ],
)
def test_errors_say_where_and_what(text, message):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)  # one line a person can read


def test_parse_error_is_a_value_error_with_its_location():
    with pytest.raises(ValueError) as info:
        parse("1 2\n3 (")
    err = info.value
    assert isinstance(err, ParseError)
    assert (err.line, err.col) == (2, 4)
    assert err.reason == "expected a number after '('"


def test_a_single_line_with_trailing_newline_reports_only_the_column():
    with pytest.raises(ParseError, match=r"^col 3: unexpected '\$'"):
        parse("1 $\n")


def test_the_first_problem_in_reading_order_is_reported():
    # The name comes before the quote character, so the name is what the person hears about.
    with pytest.raises(ParseError, match=r"^col 1: unknown name '__import__'"):
        parse("__import__('os').system('echo hi')")


# -- no code ever runs -----------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('echo hi')",
    "__import__",
    "os.system",
    "os.system('echo hi')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 0",
    "(lambda: 0)()",
    "open('/etc/passwd').read()",
    "exec('1')",
    "eval('1')",
    "globals()",
    "[x for x in (1,)]",
    "1 if 1 else 2",
    "'1'",
    '"1"',
    "b'1'",
    "{1: 2}",
    "1j",
    "0x10",
    "1_000",
    "x = 1",
    "sqrt.__class__",
    "sqrt(2).real",
    "pi.__class__",
    "\\x41",
    "%s",
    "$(echo hi)",
    "`echo hi`",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_code_is_not_an_answer(text):
    with pytest.raises(ParseError):
        parse(text)


def test_parsing_never_calls_eval_exec_or_compile(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("parse must not evaluate code")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    monkeypatch.setattr(ast, "literal_eval", forbidden)
    assert float(parse("sqrt(2)/2")) == pytest.approx(0.70710678)
    assert parse("[1, 2; 3, 4]").tolist() == M22
    with pytest.raises(ParseError):
        parse("__import__('os')")


def test_the_package_source_calls_no_evaluator():
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in Path(answers.__file__).parent.glob("*.py")]
    assert len(trees) >= 3  # __init__, parsing, checking
    names, attributes = set(), set()
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            attributes.add(node.attr)
    # (``re.compile`` builds the tokenizer's regex; a bare ``compile`` would compile code.)
    assert not names & {"eval", "exec", "compile", "__import__", "getattr", "builtins"}
    assert not attributes & {"literal_eval", "import_module", "eval", "exec"}


def test_very_long_input_is_refused_quickly():
    with pytest.raises(ParseError, match="too long"):
        parse("1 " * (MAX_LENGTH // 2 + 1))


@pytest.mark.parametrize(
    "text",
    ["(" * 500 + "1" + ")" * 500, "[" * 500 + "1" + "]" * 500, "2^" * 500 + "2", "\u221a" * 500 + "4"],
)
def test_deep_nesting_is_a_parse_error_not_a_crash(text):
    with pytest.raises(ParseError, match="too deeply nested"):
        parse(text)


def test_many_signs_in_a_row_are_fine():
    assert float(parse("-" * 2000 + "3")) == 3.0


def test_parse_wants_text():
    with pytest.raises(TypeError):
        parse(1.5)  # type: ignore[arg-type]


# -- format_answer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (1.2247448713915889, "1.2247"),  # sqrt(1.5)
        (2.0, "2"),
        (-0.0, "0"),
        (1 / 3, "0.33333"),
        (-0.000123456, "-0.00012346"),
        (1.5e-7, "1.5e-07"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        ([1, 2, 3], "[1, 2, 3]"),
        ([0.5], "[0.5]"),
        ([[1, 2], [3, 4]], "[1, 2; 3, 4]"),
        ([[1, 2, 3]], "[[1, 2, 3]]"),
        ([[1], [2]], "[1; 2]"),
        ([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], "[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]"),
    ],
)
def test_format_answer_writes_what_a_person_would_type(value, text):
    assert format_answer(np.array(value, dtype=float)) == text


@pytest.mark.parametrize(
    "value",
    [1.2247448713915889, -1 / 3, 1e-9, 123456.789, 6.02e23, [1, 2, 3], [[0.1, 0.2], [0.3, 0.4]],
     [[1, 2, 3]], [[1], [2]], [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]],
)
def test_format_answer_reads_back_with_its_shape(value):
    a = np.array(value, dtype=float)
    back = parse(format_answer(a))
    assert back.shape == a.shape
    np.testing.assert_allclose(back, a, rtol=5e-5, atol=0)
