"""``$...$`` LaTeX in deck text: rendered to Unicode math, prices and code left alone.

Every expected string here is written by hand from the rules in quizapp/content/latex.py's
docstring (and docs/content-format.md): minus is U+2212, letter indices are ``x[i]``, digits
and signs are Unicode sub/superscripts, relations and binary operators are spaced.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.content.formulas import Rendered, Unrendered, render
from quizapp.content.latex import MAX_LENGTH, LatexError, to_unicode

# -- the formulas the decks need, against what a reader should see --------------------------------

KEY_FORMULAS = {
    "batch norm": (
        r"(x - \mu)/\sqrt{\sigma^2 + \epsilon} \cdot \gamma + \beta",
        "(x − μ)/√(σ² + ε)·γ + β",
    ),
    "batch norm as a fraction": (
        r"y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} \gamma + \beta",
        "y = (x − μ)/(√(σ² + ε))γ + β",
    ),
    "unified view, the mean": (
        r"\mu_i = \frac{1}{m} \sum_{k \in S_i} x_k",
        "μ[i] = 1/m ∑[k∈S[i]] x[k]",
    ),
    "unified view, the deviation": (
        r"\sigma_i = \sqrt{\frac{1}{m} \sum_{k \in S_i} (x_k - \mu_i)^2 + \epsilon}",
        "σ[i] = √(1/m ∑[k∈S[i]] (x[k] − μ[i])² + ε)",
    ),
    "RMSNorm": (
        r"y = x/\sqrt{\frac{1}{d} \sum_i x_i^2 + \epsilon} \cdot g",
        "y = x/√(1/d ∑[i] x[i]² + ε)·g",
    ),
    "weight norm": (r"w = g \, v/\|v\|", "w = g v/‖v‖"),
    "dropout's scaling": (r"\frac{1}{1-p}", "1/(1 − p)"),
    "dropout's variance": (r"\mathrm{Var}[y] = x^2 \cdot p/(1 - p)", "Var[y] = x²·p/(1 − p)"),
    "label smoothing": (
        r"q = (1 - \varepsilon) \cdot \mathrm{one\_hot}(y) + \varepsilon/K",
        "q = (1 − ε)·one_hot(y) + ε/K",
    ),
    "AdamW's decay": (
        r"\theta_t \leftarrow \theta_{t-1} - \gamma \lambda \theta_{t-1}",
        "θ[t] ← θ[t−1] − γλθ[t−1]",
    ),
    "AdamW's step": (
        r"\theta_t \leftarrow \theta_t - \gamma \cdot \hat{m}_t/(\sqrt{\hat{v}_t} + \epsilon)",
        "θ[t] ← θ[t] − γ·hat(m)[t]/(√(hat(v)[t]) + ε)",
    ),
    "CutMix's lambda": (
        r"\lambda = 1 - (x_2 - x_1)(y_2 - y_1)/(W H)",
        "λ = 1 − (x₂ − x₁)(y₂ − y₁)/(WH)",
    ),
    "MixUp": (
        r"\tilde{x} = \lambda x_i + (1 - \lambda) x_j",
        "tilde(x) = λx[i] + (1 − λ)x[j]",
    ),
    "spectral norm": (r"\sigma(W) = \max_{x \ne 0} \|W x\|/\|x\|", "σ(W) = max[x≠0]‖Wx‖/‖x‖"),
    "a Beta draw, with a comma": (r"\lambda \sim \mathrm{Beta}(\alpha, \alpha)", "λ ∼ Beta(α, α)"),
}


@pytest.mark.parametrize("latex, shown", KEY_FORMULAS.values(), ids=KEY_FORMULAS.keys())
def test_each_key_formula_reads_as_written_by_hand(latex, shown):
    assert to_unicode(latex) == shown


@pytest.mark.parametrize(
    "latex, shown",
    [
        (r"W^\top x", "W^T x"),  # ⊺ is silent, ᵀ is read as a code point: a plain T
        (r"x^{-1}", "x⁻¹"),  # digits and signs keep their superscripts
        (r"e^{-x}", "e^(−x)"),  # a letter does not
        (r"x^{n+1}", "x^(n+1)"),  # nothing is spaced inside an exponent
        (r"\mathbb{E}[y] = \mathbf{x}", "E[y] = x"),  # styled letters (𝔼, 𝐱) are plain
        (r"\log p_k", "log p[k]"),
        (r"-\sum_k q_k \log p_k", "−∑[k] q[k] log p[k]"),
        (r"\log(x)", "log(x)"),
        (r"x_{\log n}", "x[log n]"),
        (r"\{k : k_N = i_N\}", "{k : k[N] = i[N]}"),
        (r"\text{drawn from } \mathrm{one-hot}", "drawn from one-hot"),  # words keep spaces and hyphens
        (r"f_i(x)", "f[i] (x)"),  # f[i](x) would be a Markdown link
        (r"\sigma_{nc}^2", "σ[nc]²"),
        (r"a = -b", "a = −b"),
        (r"[x_1, x_2) \times [y_1, y_2)", "[x₁, x₂) × [y₁, y₂)"),
        (r"\$5", "$5"),
    ],
)
def test_rendering_rules(latex, shown):
    assert to_unicode(latex) == shown


@pytest.mark.parametrize(
    "latex, reason",
    [
        (r"\frac{a}{", "unbalanced braces: a { is never closed"),
        (r"a}", "unbalanced braces: a } closes no {"),
        (r"\foo{x} + \bar{y} + \baz", r"unknown commands \baz, \foo"),
        (r"x^", "a command, ^ or _ is missing what follows it"),
        (r"\frac{1}", "a command, ^ or _ is missing what follows it"),
        ("  ", "the formula is empty"),
        ("x" * (MAX_LENGTH + 1), f"longer than {MAX_LENGTH} characters"),
        ("x\ue000", "it holds a private-use character (U+E000 to U+E0FF), which the renderer reserves"),
    ],
)
def test_a_formula_that_cannot_be_rendered_says_why(latex, reason):
    with pytest.raises(LatexError) as err:
        to_unicode(latex)
    assert str(err.value) == reason


# -- what a screen reader can say -----------------------------------------------------------------

#: Characters eSpeak NG 1.51 reads as "letter <code point>" or not at all (heard with
#: ``espeak-ng -x``): modifier-letter and Latin-subscript letters, styled math letters, the
#: lunate epsilon and the variant phi, the transpose sign, the fraction slash.
UNSPEAKABLE_BLOCKS = [(0x1D00, 0x1DBF), (0x2C7C, 0x2C7D), (0x1D400, 0x1D7FF), (0x02B0, 0x02B2)]
UNSPEAKABLE = set("ϵϕℓℝ⊺⁄")

LATEX_PIECES = [
    r"\frac{a}{b}", r"\sqrt{x}", "x_i", "x_k", "y_j", "W^T", r"x^{ij}", "x^2", "x_1", r"\epsilon",
    r"\varphi", r"\ell", r"\mathbb{R}", r"\mathbf{x}", r"\mathcal{L}", r"\hat{m}", r"\bar{x}",
    r"\top", r"\frac{1}{2}", "-", "+", "=", r"\sum_{k}", r"\theta_{t-1}", r"\sigma^2", " ", "(", ")",
    r"\cdot", r"\alpha", r"\tilde{y}", r"\vec{v}", "a", "1", r"\log", r"\max_", "[", "]", r"\text{a-b c}",
    r"\{", r"\}", r"\$", ",", "/",
]


@given(st.lists(st.sampled_from(LATEX_PIECES), min_size=1, max_size=12))
def test_rendered_math_holds_only_characters_a_screen_reader_names(pieces):
    try:
        shown = to_unicode("".join(pieces))
    except LatexError:
        return
    for ch in shown:
        assert not any(low <= ord(ch) <= high for low, high in UNSPEAKABLE_BLOCKS), (shown, ch)
        assert ch not in UNSPEAKABLE, (shown, ch)
        assert not unicodedata.combining(ch), (shown, ch)  # a combining accent is not read at all
    if not any(piece.startswith("\\text") for piece in pieces):
        assert "-" not in shown, shown  # a hyphen for minus is silent; a word's hyphen is fine


@given(st.lists(st.sampled_from(list("\\{}^_$ abcxyz12+-=()[]|") + LATEX_PIECES), max_size=30).map("".join))
def test_any_formula_renders_or_says_why(latex):
    try:
        shown = to_unicode(latex)
    except LatexError as err:
        assert str(err)
    else:
        assert "\n" not in shown and shown == shown.strip()
        assert not any("\ue000" <= ch <= "\ue0ff" for ch in shown)  # no placeholder left behind


# -- finding formulas in text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("Scale by $\\frac{1}{1-p}$ in training.", "Scale by 1/(1 − p) in training."),
        ("$x^2$ and $y_1$", "x² and y₁"),
        ("display $$\\sigma^2$$ math", "display σ² math"),
        ("a formula over\ntwo lines: $a +\nb$", "a formula over\ntwo lines: a + b"),
    ],
)
def test_formulas_in_text_are_rendered_in_place(text, shown):
    assert render(text).text == shown
    assert render(text).unrendered == ()


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and $10.",  # a space before the second dollar: no formula
        "From $5-$10 a month.",  # a digit after the second dollar: no formula
        "$ x$ has a space after the opening dollar",
        "one $ alone",
        "two paragraphs $a\n\nb$ are not one formula",
        "empty display $$ $$",
        "`$x$` in inline code",
        "``a ` $x$ b`` in a double-backtick span",
        "```\nprint('$x$')\n```",
        "~~~python\ncost = '$5$'\n~~~",
        "An indented block:\n\n    echo $HOME $x$\n",
    ],
)
def test_prices_and_code_keep_their_dollars(text):
    assert render(text) == Rendered(text)


def test_an_escaped_dollar_is_a_dollar_outside_code_only():
    rendered = render(r"\$5 is $\$5$; `\$x` stays")
    assert rendered.text == r"$5 is $5; `\$x` stays"
    assert render(r"a \\$x$ b").text == r"a \\x b"  # an escaped backslash does not escape the dollar


def test_code_inside_a_fence_after_prose_is_untouched():
    text = "Before $\\alpha$.\n\n```python\nx = '$\\alpha$'\n```\n\nAfter $\\beta$."
    assert render(text).text == "Before α.\n\n```python\nx = '$\\alpha$'\n```\n\nAfter β."


def test_a_formula_that_cannot_be_rendered_is_kept_as_written_and_reported():
    text = "good $x^2$, bad $\\frac{a}{$, good $y$"
    rendered = render(text)
    assert rendered.text == "good x², bad $\\frac{a}{$, good y"
    assert rendered.unrendered == (
        Unrendered(text.index("$\\frac"), "$\\frac{a}{$", "unbalanced braces: a { is never closed"),
    )


MARKDOWN_PIECES = list("$\\`{}^_ \nax1~-") + ["```", "$$", "    ", "\u2028"]


@given(st.one_of(st.text(), st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=60).map("".join)))
def test_any_text_renders_without_raising(text):
    rendered = render(text)
    assert isinstance(rendered.text, str)
    for formula in rendered.unrendered:  # what could not be rendered is shown as written
        assert text[formula.offset :].startswith(formula.source)
        assert formula.source in rendered.text
    if "$" not in text:
        assert rendered.text == text


@given(st.text(alphabet=st.characters(blacklist_characters="`\n"), max_size=60))
def test_text_inside_backticks_on_one_line_is_never_touched(inner):
    text = f"a ``{inner}`` b"
    assert render(text).text == text


def test_backticks_without_a_partner_of_their_length_are_literal():
    assert render("`a `` b ``` $x$").text == "`a `` b ``` x"
    assert render("``a`` $x$ `b").text == "``a`` x `b"


def test_the_examples_in_the_deck_format_guide_are_what_is_shown():
    guide = (Path(__file__).parents[2] / "docs" / "content-format.md").read_text(encoding="utf-8")
    table = guide.split("| written | shown |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = [line.strip("|").split("|") for line in table.splitlines()]
    assert len(rows) >= 5
    for written, shown in rows:
        assert render(written.strip().strip("`")).text == shown.strip().strip("`")
