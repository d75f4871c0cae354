"""Card text and numbers as the study screens draw them: a little Markdown, arrays as on paper."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from quizapp.tui.widgets.markdown_text import markdown_content
from quizapp.tui.widgets.text import array_content, duration_words, shape_words


def styled(content, style_part: str) -> list[str]:
    return [content.plain[s.start : s.end] for s in content.spans if style_part in str(s.style)]


def test_paragraph_lines_join_and_blank_lines_separate():
    content = markdown_content("one line\nstill the same paragraph\n\nanother one")
    assert content.plain == "one line still the same paragraph\n\nanother one"


def test_inline_code_bold_and_italic_but_not_snake_case_or_products():
    content = markdown_content("Use `running_var`, **not** *this*, keep snake_case and C * H * W as they are")
    assert content.plain == "Use running_var, not this, keep snake_case and C * H * W as they are"
    assert styled(content, "text-accent") == ["running_var"]
    assert styled(content, "bold") == ["not"]
    assert styled(content, "italic") == ["this"]


def test_fences_keep_their_lines_and_alignment():
    text = "The batch:\n\n```\n[ 8  0  1 ]\n[ 2  1  8 ]\n```\n\nWhat is y?"
    lines = markdown_content(text).plain.splitlines()
    assert lines == ["The batch:", "", "  [ 8  0  1 ]", "  [ 2  1  8 ]", "", "What is y?"]


def test_text_after_a_closing_fence_is_not_lost():
    text = "Before:\n```python\nm.eval()\n``` After it, more words."
    plain = markdown_content(text).plain
    assert "  m.eval()" in plain and plain.endswith("After it, more words.")


def test_lists_and_links():
    plain = markdown_content("- first\n- second [docs](https://x.org)").plain
    assert plain == "• first\n• second docs (https://x.org)"


@given(st.text(max_size=300))
def test_any_text_renders_and_keeps_its_words(text):
    plain = markdown_content(text).plain
    for word in text.replace("`", " ").replace("*", " ").replace("_", " ").split():
        if word.strip("#-+[]().!~") and word.isalnum():
            assert word in plain


def test_array_marks_exactly_the_wrong_entries():
    content = array_content(np.array([[1.0, -2.5], [3.0, 4.25]]), wrong=[(0, 1), (1, 0)])
    assert content.plain.splitlines() == ["[    1  -2.5 ]", "[    3  4.25 ]"]
    assert [s.strip() for s in styled(content, "error")] == ["-2.5", "3"]


def test_vector_and_scalar_marks():
    assert styled(array_content(np.array([1.0, 2.0, 3.0]), wrong=[(2,)]), "error") == ["3"]
    assert styled(array_content(np.float64(0.5), wrong=[()]), "error") == ["0.5"]


def test_words_for_shapes_and_durations():
    assert shape_words(()) == "a single number"
    assert shape_words((3,)) == "a vector of 3 numbers"
    assert shape_words((2, 3)) == "a 2x3 matrix"
    assert duration_words(42) == "42s" and duration_words(185) == "3m 05s" and duration_words(3720) == "1h 02m"
