"""quizapp.sanitize: nothing from a deck, a solution or the database can drive the terminal."""

from __future__ import annotations

import io
import sys

from hypothesis import given, strategies as st

from quizapp.cli import main
from quizapp.sanitize import CleanStream, clean, short_repr


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


def test_every_command_s_output_is_cleaned_whatever_it_quotes(tmp_path, capsys):
    """A file name (or an imported note, a stored value) quoted by any command reaches the
    terminal escaped: the command's output stream is cleaned, not each message one by one."""
    hostile = tmp_path / "notes\x1b[2J\x1b]0;pwned\x07.csv"
    hostile.write_text("front,back\nWhat does BatchNorm average over?,N H W\n", encoding="utf-8")
    before = sys.stdout, sys.stderr
    assert main(["--db", str(tmp_path / "r.db"), "import", str(hostile), "--out", str(tmp_path / "decks")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "notes\\x1b[2J\\x1b]0;pwned\\x07.csv" in out
    assert main(["--db", str(tmp_path / "gone\x1b[31m" / "r.db"), "stats"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "gone\\x1b[31m" in err
    assert (sys.stdout, sys.stderr) == before  # the streams are the caller's again


@given(st.lists(st.text(), max_size=5))
def test_nothing_written_to_a_clean_stream_reaches_it_as_a_control_character(parts):
    sink = io.StringIO()
    stream = CleanStream(sink)
    for part in parts:
        assert stream.write(part) == len(part)
    unsafe = [ch for ch in sink.getvalue() if ch not in "\n\t" and (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F)]
    assert unsafe == []
    assert stream.isatty() is False and stream.getvalue() == sink.getvalue()  # the rest is the stream's
