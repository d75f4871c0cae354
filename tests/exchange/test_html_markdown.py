"""Anki's HTML fields as Markdown: worked by hand, and never a crash on any input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quizapp.exchange.html_markdown import to_markdown


def test_fields_by_hand():
    assert to_markdown("What is <b>p</b> in <code>nn.Dropout(p)</code>?").markdown == "What is **p** in `nn.Dropout(p)`?"
    assert to_markdown("<div>one</div><div>two&nbsp;words<br>three</div>").markdown == "one\n\ntwo words\n\nthree"
    assert to_markdown("<ol><li>x</li><li>y <i>z</i></li></ol>").markdown == "1. x\n2. y *z*"
    assert to_markdown('<a href="https://arxiv.org">paper</a> <a href="javascript:alert(1)">js</a>').markdown == "[paper](https://arxiv.org) [js]"
    assert to_markdown("{{c1::<b>N</b>, H and W}}").markdown == "{{c1::**N**, H and W}}"
    assert to_markdown("<b></b>a<i> </i>b").markdown == "a b"
    converted = to_markdown('x<img src="a.png"><script>alert(1)</script> [sound:s.mp3]y<style>p {}</style>')
    assert converted == ("x y", ("a.png", "s.mp3"))


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abib&;#x{}:[]divscript")), max_size=200))
def test_any_input_gives_text_and_never_a_crash(html):
    markdown, media = to_markdown(html)
    assert isinstance(markdown, str) and all(isinstance(m, str) for m in media)
    assert markdown == markdown.strip()
