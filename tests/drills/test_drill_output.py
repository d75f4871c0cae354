"""What a solution prints or raises reaches the report escaped: shown, never obeyed by the terminal.

``\\x1b[2J`` would clear the screen, ``\\x1b[31m`` recolour what follows, and ``\\r`` let a later
write hide the FAIL line.  Every text in a report passes through :func:`quizapp.sanitize.clean`.
"""

from __future__ import annotations

import pytest

from quizapp.drills import check

from support import GENEROUS, HEAD, RIGHT_BODY, run

HOSTILE = "\x1b[2J\x1b[31mPASS\rall good\x07"
SHOWN = "\\x1b[2J\\x1b[31mPASS\\x0dall good\\x07"
#: In a source file a raw carriage return ends the line, so raw characters in code leave it out.
RAW = "\x1b[2J\x1b[31mPASS\x07"
RAW_SHOWN = "\\x1b[2J\\x1b[31mPASS\\x07"


def no_control_characters(lines: list[str]) -> bool:
    return not any(ch in line for line in lines for ch in "\x1b\r\x07\x00")


def test_prints_are_shown_escaped():
    report = run(f"    print({HOSTILE!r})\n" + RIGHT_BODY, timeout=GENEROUS)
    assert report.passed
    report = run(f"    print({HOSTILE!r})\n    return x\n", timeout=GENEROUS)
    assert not report.passed
    assert no_control_characters(report.lines())
    assert f"  {SHOWN}" in report.lines()


def test_an_exception_message_is_shown_escaped():
    report = run(f"    raise ValueError({HOSTILE!r})\n", timeout=GENEROUS)
    assert no_control_characters(report.lines())
    assert report.error.startswith(f"ValueError: {SHOWN} (line 5")


def test_an_exception_class_name_is_shown_escaped():
    top = "Odd = type('\\x1b[31mOdd\\r', (Exception,), {})\n"
    report = run("    raise Odd('x')\n", head=top + HEAD, timeout=GENEROUS)
    assert no_control_characters(report.lines())
    assert report.message.startswith("Case 1 of 11 (a small batch) raised \\x1b[31mOdd\\x0d at line")


def test_a_source_line_with_raw_control_characters_is_shown_escaped():
    report = run(f"    raise ValueError('{RAW}')\n", timeout=GENEROUS)  # the characters themselves, in the file
    assert no_control_characters(report.lines())
    assert f"(line 5: raise ValueError('{RAW_SHOWN}'))" in report.error


@pytest.mark.parametrize("where", ["top", "name"])
def test_names_found_in_the_file_are_shown_escaped(where):
    code = "batch_norm_train = 3\n\ndef helper\x1b[2J():\n    pass\n" if where == "name" else f"print({HOSTILE!r})\nraise SystemExit\n"
    report = check("batch_norm_train", code, seed=0, timeout=GENEROUS)
    assert no_control_characters(report.lines())


def test_a_syntax_error_s_text_is_shown_escaped():
    report = check("batch_norm_train", HEAD + f"    return '{RAW}' +\n", seed=0)
    assert report.message.startswith("Syntax error at line 5")
    assert no_control_characters(report.lines()) and RAW_SHOWN in report.error
