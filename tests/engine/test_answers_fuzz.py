"""engine.answers.parse under open-ended input: anything typed is a value or a ParseError, and
arrays written in every style a person uses read back as the same numbers.

Reference values come from the test's own writers (``repr`` of each float, which Python reads
back exactly) or from arithmetic done alongside the generated text, never from the parser.
"""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.engine.answers import ParseError, check, format_answer, parse
from quizapp.engine.exercises.base import Exercise


def parse_or_error(text: str):
    """Call parse; anything but an ndarray or a ParseError fails the test."""
    try:
        value = parse(text)
    except ParseError as err:
        message = str(err)
        assert message and "\n" not in message
        return None
    assert isinstance(value, np.ndarray)
    assert value.dtype == np.float64
    assert value.size >= 1  # never an empty array: "[]" is an error
    return value


# -- anything typed: a value or a ParseError -----------------------------------------------------

#: The parser is where typed text meets code, and an example costs a fraction of a millisecond:
#: the three open-ended fuzz tests below run five times the profile's number of examples.
PARSER_FUZZ = settings(max_examples=5 * settings.default.max_examples)


@PARSER_FUZZ
@given(st.text())
def test_any_text_is_a_value_or_a_parse_error(text):
    parse_or_error(text)


GRAMMAR_CHARS = "0123456789.eE+-*/^()[],; \n\t\r_" "sqrtexplognaifπ√−×"


@PARSER_FUZZ
@given(st.text(alphabet=GRAMMAR_CHARS, max_size=40))
def test_text_from_the_grammars_alphabet_is_a_value_or_a_parse_error(text):
    parse_or_error(text)


TOKENS = [
    "1", "2", "0", "2.5", ".5", "1e-3", "1E+400", "-", "+", "*", "/", "^", "**", "(", ")", "[", "]",
    ",", ";", "\n", " ", "  ", "sqrt", "exp", "log", "ln", "pi", "inf", "nan", "e", "√", "π", "−",
    "__import__", "'os'", ".", "os", "system", "lambda", ":", "0x1", "1j",
]


@PARSER_FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=25))
def test_token_soup_is_a_value_or_a_parse_error(tokens):
    parse_or_error("".join(tokens))


@pytest.mark.parametrize("name", ["__import__", "os", "lambda", "system", "eval", "open", "e", "x"])
@given(prefix=st.sampled_from(["", "1 ", "[", "sqrt(", "2*"]), suffix=st.sampled_from(["", "('os')", ".x", "()"]))
def test_names_outside_the_grammar_never_read(name, prefix, suffix):
    with pytest.raises(ParseError):
        parse(prefix + name + suffix)


# -- arrays written in every style read back exactly ---------------------------------------------

FLOATS = st.floats(allow_nan=False, allow_infinity=True, width=64)


def num(x: float) -> str:
    return repr(float(x))  # '1.5', '-0.0', '1e-05', 'inf'; Python reads these back exactly


def styles_1d(v):
    n = [num(x) for x in v]
    yield "brackets+commas", "[" + ", ".join(n) + "]", True
    yield "brackets+spaces", "[" + " ".join(n) + "]", True
    yield "trailing comma", "[" + ",".join(n) + ",]", True
    yield "commas", ", ".join(n), False
    yield "spaces", " ".join(n), False
    yield "tabs", "\t".join(n), False


def styles_2d(m):
    rows = [[num(x) for x in row] for row in m]
    yield "semicolons in brackets", "[" + "; ".join(", ".join(r) for r in rows) + "]"
    yield "semicolons, spaces", "; ".join(" ".join(r) for r in rows)
    yield "newline rows, spaces", "\n".join(" ".join(r) for r in rows)
    yield "newline rows, commas", "\n".join(", ".join(r) for r in rows)
    yield "newline rows in brackets", "\n".join("[" + " ".join(r) + "]" for r in rows)
    yield "nested lists", "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"
    yield "nested lists over lines", "[" + ",\n ".join("[" + ", ".join(r) + "]" for r in rows) + "]"
    yield "newline rows inside brackets", "[" + "\n".join(" ".join(r) for r in rows) + "]"
    yield "windows line ends", "\r\n".join(" ".join(r) for r in rows) + "\r\n"


def same(value, expected):
    np.testing.assert_array_equal(value, expected)
    assert value.shape == expected.shape


@given(FLOATS)
def test_a_scalar_reads_back(x):
    for text in (num(x), f"  {num(x)}\n", f"({num(x)})", f"+{num(x)}"):
        same(parse(text), np.array(x))


@given(st.lists(FLOATS, min_size=1, max_size=8))
def test_a_vector_reads_back_in_every_style(values):
    v = np.array(values)
    for style, text, bracketed in styles_1d(values):
        expected = v if bracketed or len(values) > 1 else v.reshape(())
        value = parse(text)
        assert value.shape == expected.shape, style
        np.testing.assert_array_equal(value, expected, err_msg=style)


@given(st.integers(2, 5), st.integers(1, 5), st.data())
def test_a_matrix_reads_back_in_every_style(rows, cols, data):
    m = np.array(data.draw(st.lists(FLOATS, min_size=rows * cols, max_size=rows * cols))).reshape(rows, cols)
    for style, text in styles_2d(m):
        value = parse(text)
        assert value.shape == m.shape, style
        np.testing.assert_array_equal(value, m, err_msg=style)


@given(st.integers(1, 4), st.data())
def test_a_single_row_matrix_reads_back_as_nested_lists(cols, data):
    m = np.array([data.draw(st.lists(FLOATS, min_size=cols, max_size=cols))])
    same(parse("[[" + ", ".join(num(x) for x in m[0]) + "]]"), m)


FRIENDLY = st.integers(-40, 40).map(lambda k: k / 4)  # numbers as prompts print them


@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_what_a_prompt_prints_can_be_typed_back(rows, cols, data):
    """A person may copy an input matrix straight from the prompt (engine.exercises.text)."""
    from quizapp.engine.exercises.text import fmt_array

    m = np.array(data.draw(st.lists(FRIENDLY, min_size=rows * cols, max_size=rows * cols))).reshape(rows, cols)
    value = parse(fmt_array(m))
    np.testing.assert_array_equal(value.reshape(m.shape), m)


# -- format_answer round-trips within any exercise's tolerance ------------------------------------

ANSWER_FLOATS = st.floats(-1e9, 1e9, allow_nan=False)
ANSWERS = st.one_of(
    ANSWER_FLOATS.map(np.array),
    st.lists(ANSWER_FLOATS, min_size=1, max_size=6).map(np.array),
    st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
        lambda s: st.lists(ANSWER_FLOATS, min_size=s[0] * s[1], max_size=s[0] * s[1]).map(
            lambda v: np.array(v).reshape(s)
        )
    ),
)


@given(ANSWERS)
def test_format_answer_round_trips(answer):
    back = parse(format_answer(answer))
    assert back.shape == answer.shape
    np.testing.assert_allclose(back, answer, rtol=5e-5, atol=0)
    ex = Exercise("test", 0, 1, "", "", answer, (), {}, 1e-3, 1e-2)
    assert check(ex, format_answer(answer)).correct


# -- arithmetic, generated with its value ---------------------------------------------------------

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
SPACE = st.sampled_from(["", " ", "  ", "\n"])  # inside parentheses even a line break is space


@st.composite
def expressions(draw, depth=0):
    """(text, value) for a fully parenthesized expression with random spacing inside."""
    if depth >= 3 or draw(st.booleans()):
        k = draw(st.integers(0, 9))
        return str(k), float(k)
    left_text, left = draw(expressions(depth + 1))
    right_text, right = draw(expressions(depth + 1))
    op = draw(st.sampled_from(sorted(OPS)))
    assume(not (op == "/" and right == 0))
    a, b, c, d = (draw(SPACE) for _ in range(4))
    return f"({a}{left_text}{b}{op}{c}{right_text}{d})", OPS[op](left, right)


@given(expressions())
def test_parenthesized_arithmetic_matches_its_value(expr):
    text, value = expr
    assert float(parse(text)) == pytest.approx(value, rel=1e-12, abs=1e-12)


@given(st.lists(st.integers(-9, 9), min_size=2, max_size=6))
def test_space_minus_number_is_a_new_entry_and_spaced_minus_subtracts(ints):
    # "1 -2 3" is three entries; "1 - 2 - 3" is one number.
    entries = " ".join(str(k) for k in ints)
    assert parse(entries).tolist() == [float(k) for k in ints]
    chain = " - ".join(str(abs(k)) for k in ints)
    expected = abs(ints[0]) - sum(abs(k) for k in ints[1:])
    assert float(parse(chain)) == expected
    assert math.isfinite(float(parse(chain)))
