"""quizapp.sanitize: nothing from a deck, a solution or the database can drive the terminal."""

from __future__ import annotations

from hypothesis import given, strategies as st

from quizapp.sanitize import clean, short_repr


def test_escape_sequences_are_shown_not_obeyed():
    assert clean("\x1b[2J\x1b[31mFAIL") == "\\x1b[2J\\x1b[31mFAIL"
    assert clean("ok\rFAIL") == "ok\\x0dFAIL"
    assert clean("a\x08b\x07") == "a\\x08b\\x07"
    assert clean("\x9b31m") == "\\x9b31m"  # the one-byte C1 CSI
    assert clean("abc\u202edcba") == "abc\\u202edcba"  # a bidi override


def test_ordinary_text_is_unchanged():
    text = "Batch norm: μ = mean over (N, H, W)\n\tσ² → 1 · 特征重用"
    assert clean(text) == text
    assert clean("line one\r\nline two") == "line one\nline two"


@given(st.text())
def test_cleaned_text_holds_no_control_character_but_newline_and_tab(text):
    out = clean(text)
    for ch in out:
        code = ord(ch)
        assert ch in "\n\t" or not (code < 0x20 or 0x7F <= code <= 0x9F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069)


def test_short_repr_cuts_and_summarises():
    assert short_repr("sideways") == "'sideways'"
    assert len(short_repr("x" * 10_000)) < 80
    assert short_repr([1, 2, 3]) == "a list of 3 items"
    nested: list = []
    nested.append(nested)  # a structure whose repr would recurse
    assert short_repr(nested) == "a list of 1 item"
    assert short_repr(10**5000) == "a number too long to print"
    assert short_repr("\x1b[2J") == "'\\x1b[2J'"
