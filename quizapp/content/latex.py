"""One LaTeX formula as one line of Unicode math, by flatlatex, with the app's choices on top.

flatlatex (chosen over pylatexenc: it brackets fractions correctly, ``1/(1−p)`` not ``1/1-p``,
writes sub- and superscripts, and refuses broken LaTeX instead of guessing) does the converting.
What this module adds is what a terminal and a screen reader need, decided by listening to
eSpeak NG, the voice NVDA and Orca use by default (docs/content-format.md has the examples):

- no character that eSpeak reads as a code point ("letter 1D62"): sub- and superscripts are
  Unicode only for digits, signs and parentheses (``x₁``, ``σ²``, ``x⁻¹``), letters are written
  ``x[i]`` and ``W^T``; styled letters (``\\mathbb{E}``, ``\\mathbf{x}``) are plain letters;
  ``\\epsilon`` and ``\\varphi`` are the ordinary ε and φ;
- accents as words (``\\hat{m}`` is ``hat(m)``): a combining accent is not read at all;
- the minus sign U+2212, which is read "minus" where a hyphen is silent;
- spaces around relations and binary operators, none inside an index: ``y = (x − μ)/√(σ² + ε)``.

:func:`to_unicode` raises :class:`LatexError` with a reason an author can act on.
"""

from __future__ import annotations

import re

import flatlatex
from flatlatex import data as flat_data
from flatlatex.latexfuntypes import LatexSyntaxError

__all__ = ["LatexError", "MAX_LENGTH", "to_unicode"]

#: A longer formula is refused rather than converted: no deck needs one, and the cost is bounded.
MAX_LENGTH = 1000


class LatexError(ValueError):
    """A formula that cannot be rendered; the message says why, for ``quizapp validate``."""


# Characters flatlatex cannot produce from a command (its definitions are LaTeX, where these are
# syntax): such commands give a private-use placeholder, swapped for the character afterwards.
_LITERALS = {"\\{": "{", "\\}": "}", "\\$": "$", "\\%": "%", "\\#": "#", "\\&": "&"}
_PLACEHOLDERS = {cmd: chr(0xE000 + i) for i, cmd in enumerate(_LITERALS)}
_FROM_PLACEHOLDER = str.maketrans({_PLACEHOLDERS[cmd]: char for cmd, char in _LITERALS.items()})
# Around an operator name, a space that goes away next to a bracket: ``q log p`` but ``log(x)``.
_NAME_SPACE = "\ue010"
# In a \text{...} argument, what flatlatex would read as math (its definitions convert their
# argument twice): spaces it would drop, a hyphen that is no minus sign, an underscore that is no
# subscript.  Held as placeholders, put back at the end.
_TEXT_HELD = {" ": "\ue011", "-": "\ue012", "\\_": "\ue013"}
# The author's own square brackets (E[y], [0, 1]), told apart from those of an index, x[i].
_OPEN, _CLOSE = "\ue020", "\ue021"
_HOLD_BRACKETS = str.maketrans({"[": _OPEN, "]": _CLOSE})
_RESTORED = str.maketrans({"\ue011": " ", "\ue012": "-", "\ue013": "_", _OPEN: "[", _CLOSE: "]"})
_TEXT_ARGUMENT = re.compile(r"(\\(?:text|textrm|textit|mathrm|operatorname)\s*\{)([^{}]*)\}")
_RESERVED = re.compile("[\ue000-\ue0ff]")
_OPERATOR_NAMES = ("arg", "cos", "det", "exp", "inf", "lim", "ln", "log", "max", "min", "Pr", "sin", "sup", "tanh")
_NEW_COMMANDS = (
    # Text and upright names: the letters themselves.
    *(rf"\newcommand\{name}[1]{{#1}}" for name in ("text", "textrm", "mathrm", "operatorname", "textit")),
    # Styled letters (𝐱, 𝔼, ℝ) are read as code points: plain letters instead.
    *(rf"\newcommand\{name}[1]{{#1}}" for name in ("mathbf", "boldsymbol", "bm", "mathbb", "mathcal", "mathfrak", "mathit")),
    r"\newcommand\epsilon{ε}",  # flatlatex's ϵ (U+03F5) is read as a code point
    r"\newcommand\varphi{φ}",  # ϕ (U+03D5) likewise
    r"\newcommand\ell{l}",  # ℓ likewise
    r"\newcommand\top{T}",  # ⊺ is silent: W^\top is W^T
    r"\newcommand\intercal{T}",
    r"\newcommand\ne{≠}",
    r"\newcommand\le{≤}",
    r"\newcommand\ge{≥}",
    r"\newcommand\to{→}",
    r"\newcommand\gets{←}",
    r"\newcommand\ldots{…}",
    r"\newcommand\prime{'}",
    r"\newcommand\!{}",
    r"\newcommand\:{\,}",
    r"\newcommand\displaystyle{}",
    r"\newcommand\limits{}",
    r"\newcommand\left[1]{#1}",
    r"\newcommand\right[1]{#1}",
    *(rf"\newcommand\{size}[1]{{#1}}" for size in ("big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr")),
    *(rf"\newcommand\{name}[2]{{\frac{{#1}}{{#2}}}}" for name in ("dfrac", "tfrac", "cfrac")),
    *(rf"\newcommand\{name}{{{_NAME_SPACE}{name}{_NAME_SPACE}}}" for name in _OPERATOR_NAMES),
    *(rf"\newcommand{cmd}{{{placeholder}}}" for cmd, placeholder in _PLACEHOLDERS.items()),
)

#: Every command a formula may use: flatlatex's and ours.
KNOWN_COMMANDS = frozenset(
    [*flat_data.symbols, *flat_data.combinings, *flat_data.transliterators, r"\frac", r"\sqrt"]
    + [re.match(r"\\newcommand(\\(?:[A-Za-z]+|.))", nc).group(1) for nc in flat_data.newcommands + _NEW_COMMANDS]
)
# A command as flatlatex's parser reads one: a backslash and a run of letters, or one other character.
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)", re.DOTALL)


def _converter() -> flatlatex.converter:
    # allow_zw=False: no fraction slash (¹⁄₂ is silent); allow_combinings=False: hat(x), not x̂.
    converter = flatlatex.converter(allow_zw=False, allow_combinings=False)
    for definition in _NEW_COMMANDS:
        converter.add_newcommand(definition)
    return converter


_CONVERTER = _converter()


def to_unicode(latex: str) -> str:
    """The formula ``latex`` (without its dollars) as one line of Unicode math.

    Raises :class:`LatexError` for a formula that cannot be rendered: broken LaTeX, an unknown
    command, or one longer than :data:`MAX_LENGTH` characters.
    """
    if len(latex) > MAX_LENGTH:
        raise LatexError(f"longer than {MAX_LENGTH} characters")
    if not latex.strip():
        raise LatexError("the formula is empty")
    if _RESERVED.search(latex):
        raise LatexError("it holds a private-use character (U+E000 to U+E0FF), which the renderer reserves")
    unknown = sorted({cmd for cmd in _COMMAND.findall(latex) if cmd not in KNOWN_COMMANDS})
    if unknown:
        raise LatexError(f"unknown command{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    braces = _unbalanced(latex)
    if braces:
        raise LatexError(braces)
    try:
        flat = _CONVERTER.convert(_TEXT_ARGUMENT.sub(_hold_text, latex).translate(_HOLD_BRACKETS))
    except LatexSyntaxError:
        raise LatexError("a command, ^ or _ is missing what follows it") from None
    except Exception as err:  # a converter bug on odd input (a backslash in \text{}) is a problem
        raise LatexError(f"the converter failed on it ({type(err).__name__})") from None
    return _spaced(_spoken(flat.translate(_FROM_PLACEHOLDER))).translate(_RESTORED)


def _hold_text(match: re.Match[str]) -> str:
    argument = match.group(2)
    for held, placeholder in _TEXT_HELD.items():
        argument = argument.replace(held, placeholder)
    return match.group(1) + argument + "}"


def _unbalanced(latex: str) -> str:
    """Why the braces of ``latex`` do not pair up, or an empty string."""
    depth = 0
    for token in re.finditer(r"\\.|[{}]", latex, re.DOTALL):
        if token.group() == "{":
            depth += 1
        elif token.group() == "}":
            depth -= 1
            if depth < 0:
                return "unbalanced braces: a } closes no {"
    return "unbalanced braces: a { is never closed" if depth else ""


# -- what a screen reader can say --------------------------------------------------------------

#: The sub- and superscript characters kept: digits, signs and parentheses, which eSpeak reads.
_SPOKEN_SCRIPTS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUBSCRIPT_OF = {sub: plain for plain, sub in flat_data.subscript.items()}
_SUPERSCRIPT_OF = {sup: plain for plain, sup in flat_data.superscript.items()}
_SCRIPT_RUN = re.compile(f"[{''.join(_SUBSCRIPT_OF)}]+|[{''.join(_SUPERSCRIPT_OF)}]+")


# flatlatex brackets a base of more than one character before an index or exponent, (x₁)² and
# (max)[i], and a fraction's numerator or denominator that is a root or a call, a/(√(b + c)):
# x₁², max[i], hat(v)[t] and a/√(b + c) read as well (a denominator followed by a factor keeps them).
_INDEXED_BASE = re.compile(r"\((\w)(\[[^\[\]()]*\]|[₀-₉]+)\)(?=[⁰¹²³⁴-⁹⁺⁻⁽^])")
_NAME_BASE = re.compile(f"\\(({_NAME_SPACE}\\w+){_NAME_SPACE}\\)(?=[\\[₀-₉^⁰¹²³⁴-⁹])")
_CALL = r"(?:√|[^\W\d]\w*)\([^()]*\)|√\w"
_REDUNDANT = re.compile(rf"(?<=/)\(({_CALL})\)(?![\w(√])|\(({_CALL})\)(?=[/\[₀-₉])")


def _spoken(flat: str) -> str:
    """flatlatex's output with only characters a screen reader names (see the module docstring),
    and without brackets it adds where none are needed."""
    flat = _SCRIPT_RUN.sub(_plain_script, flat)
    flat = _INDEXED_BASE.sub(r"\1\2", _NAME_BASE.sub(r"\1", flat))
    flat = _REDUNDANT.sub(lambda m: m.group(1) or m.group(2), flat)
    return flat.replace("-", "−")


def _plain_script(run: re.Match[str]) -> str:
    """A run of sub- or superscript letters as ``[i]`` or ``^T``, as flatlatex writes the ones it
    has no Unicode form for; digits and signs alone stay as they are."""
    text = run.group()
    if _SPOKEN_SCRIPTS.issuperset(text):
        return text
    if text[0] in _SUBSCRIPT_OF:
        return "[" + "".join(_SUBSCRIPT_OF[ch] for ch in text) + "]"
    plain = "".join(_SUPERSCRIPT_OF[ch] for ch in text)
    return f"^{plain}" if len(plain) == 1 else f"^({plain})"


# -- spacing ---------------------------------------------------------------------------------------

_RELATIONS = frozenset("=≈≠≤≥←→⇒⇐↦∝≡≃∼<>:")
_BINARY = frozenset("+−±∓×")
_LARGE = frozenset("∑∏∫")
_OPERAND_END = frozenset(f")]}}{_CLOSE}|‖!'′∞…")


def _spaced(flat: str) -> str:
    """Spaces around relations and binary operators, after commas, before ∑, around operator
    names, and after an index or a ``^T`` before an operand; none inside ``[...]`` or ``^(...)``."""
    out: list[str] = []

    def gap() -> None:
        if out and out[-1] != " ":
            out.append(" ")

    prev = ""  # the last character written that is not a space
    tight: list[bool] = []  # for each open bracket: whether it holds an index or an exponent
    space_next = False  # after x[i] or W^T, before an operand
    for i, ch in enumerate(flat):
        operand = prev.isalnum() or prev in _OPERAND_END
        if ch in "([{" + _OPEN:
            tight.append(ch == "[" or (ch == "(" and prev == "^") or bool(tight and tight[-1]))
        elif ch in ")]}" + _CLOSE and tight:
            tight.pop()
        inside = bool(tight and tight[-1])
        if ch == _NAME_SPACE:
            if operand and flat[i + 1 : i + 2] not in ("", "(", "[", ")", "]"):
                gap()
            continue
        if inside and ch != "[":
            out.append(ch)
        elif ch in _RELATIONS or (ch in _BINARY and operand):
            while out and out[-1] == " ":
                out.pop()
            out += [" ", ch, " "]
        elif space_next and (ch.isalpha() or ch.isdecimal() or ch in "(√"):
            gap()
            out.append(ch)
        elif (ch in _LARGE and operand) or (ch == "(" and prev in "]" + _CLOSE):  # [i](t) would be a Markdown link
            gap()
            out.append(ch)
        elif ch == " ":
            gap()
        else:
            out.append(ch)
            if ch == ",":
                out.append(" ")
        space_next = not inside and (ch in "]" + _CLOSE or (prev == "^" and ch.isalpha()))
        if ch != " ":
            prev = ch
    return "".join(out).strip()
