"""``$...$`` LaTeX in deck text, rendered to Unicode math once, when a deck is read.

The rules for what is a formula are pandoc's (``tex_math_dollars``), so a price is not one:

- ``$...$`` is inline math when the opening ``$`` has a non-space character right after it, the
  next unescaped ``$`` has a non-space character right before it and no digit right after it,
  and no blank line lies between them: ``$5 and $10`` stays as written;
- ``$$...$$`` is accepted too and rendered the same way, in place (a terminal line has no
  display math): put it on a line of its own to show it on a line of its own;
- ``\\$`` is a literal dollar, shown as ``$``;
- nothing inside Markdown code is touched: inline ``code`` spans, fenced blocks and indented
  blocks keep every ``$`` and backslash.

A formula that cannot be rendered (:mod:`quizapp.content.latex` says why) is kept as written,
dollars included, and reported in :attr:`Rendered.unrendered`; :func:`render` never raises.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from quizapp.content.latex import LatexError, to_unicode

__all__ = ["Rendered", "Unrendered", "render"]


@dataclass(frozen=True)
class Unrendered:
    """A formula shown as written: where it starts in the text, its source and why."""

    offset: int
    source: str  # as written, with its dollars
    reason: str


@dataclass(frozen=True)
class Rendered:
    """Deck text with its formulas rendered, and the ones that could not be."""

    text: str
    unrendered: tuple[Unrendered, ...] = ()


def render(text: str) -> Rendered:
    """``text`` with every formula outside code rendered and every ``\\$`` made ``$``."""
    if "$" not in text:  # the common case: nothing to do
        return Rendered(text)
    pieces: list[str] = []
    unrendered: list[Unrendered] = []
    for start, end, is_code in _regions(text):
        pieces.append(text[start:end] if is_code else _render_prose(text, start, end, unrendered))
    return Rendered("".join(pieces), tuple(unrendered))


# -- where the code is ----------------------------------------------------------------------------

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_INDENTED = re.compile(r"(?: {4}|\t)")
_BACKTICKS = re.compile(r"`+")
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")  # Markdown's lines end at "\n" only (not at U+2028)


def _regions(text: str) -> list[tuple[int, int, bool]]:
    """``text`` cut into (start, end, is_code) pieces, in order."""
    regions: list[tuple[int, int, bool]] = []
    for start, end, is_code in _block_regions(text):
        if is_code:
            regions.append((start, end, True))
        else:
            regions.extend(_inline_regions(text, start, end))
    return regions


def _block_regions(text: str) -> list[tuple[int, int, bool]]:
    """Runs of lines that are, or are not, in a fenced or indented code block."""
    regions: list[tuple[int, int, bool]] = []
    fence = ""  # the open fence's marker, while inside a fenced block
    indented = False  # inside an indented block
    after_blank = True  # the previous line was blank (or this is the first line)
    pos = 0
    for line in _LINE.findall(text):
        blank = not line.strip()
        if fence:
            is_code = True
            stripped = line.strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = ""
        elif match := _FENCE.match(line):
            fence, is_code = match.group(1), True
        else:
            indented = (indented and blank) or (bool(_INDENTED.match(line)) and not blank and (after_blank or indented))
            is_code = indented
        after_blank = blank
        if regions and regions[-1][2] == is_code:
            regions[-1] = (regions[-1][0], pos + len(line), is_code)
        else:
            regions.append((pos, pos + len(line), is_code))
        pos += len(line)
    return regions


def _inline_regions(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Prose and inline code spans: a run of backticks up to the next run of the same length.

    A run with no partner is literal backticks.  Each run is looked at once (runs are indexed by
    length), so a text full of unmatched backticks costs no more than any other.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text, start, end)]
    by_length: dict[int, list[int]] = defaultdict(list)  # length -> indices into runs, in order
    for index, (a, b) in enumerate(runs):
        by_length[b - a].append(index)
    regions: list[tuple[int, int, bool]] = []
    pos = start
    index = 0
    while index < len(runs):
        a, b = runs[index]
        same = by_length[b - a]
        partner = bisect.bisect_right(same, index)
        if partner == len(same):
            index += 1
            continue
        close = runs[same[partner]][1]
        if a > pos:
            regions.append((pos, a, False))
        regions.append((a, close, True))
        pos = close
        index = same[partner] + 1
    if pos < end:
        regions.append((pos, end, False))
    return regions


# -- the formulas in prose --------------------------------------------------------------------

_TOKEN = re.compile(r"\\[\\$]|\$\$|\$")
_NEXT_DOLLAR = re.compile(r"\\.|\$", re.DOTALL)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _render_prose(text: str, start: int, end: int, unrendered: list[Unrendered]) -> str:
    out: list[str] = []
    pos = start
    for token in _TOKEN.finditer(text, start, end):
        if token.start() < pos:  # inside a formula already handled
            continue
        out.append(text[pos : token.start()])
        pos = token.end()
        kind = token.group()
        if kind == "\\\\":
            out.append(kind)
        elif kind == "\\$":
            out.append("$")
        else:
            close = _closing(text, token, end)
            if close is None:
                out.append(kind)
                continue
            source = text[token.start() : close]
            latex = source[len(kind) : -len(kind)]
            try:
                out.append(to_unicode(latex))
            except LatexError as err:
                out.append(source)
                unrendered.append(Unrendered(token.start(), source, str(err)))
            pos = close
    out.append(text[pos:end])
    return "".join(out)


def _closing(text: str, opening: re.Match[str], end: int) -> int | None:
    """Where the formula that ``opening`` starts ends (after its closing dollars), or None when
    these dollars open no formula."""
    after = opening.end()
    if opening.group() == "$$":
        close = _next_unescaped(text, after, end, "$$")
        valid = close is not None and text[after:close].strip() != ""
    else:
        close = _next_unescaped(text, after, end, "$")
        valid = (
            close is not None
            and close > after
            and not text[after].isspace()
            and not text[close - 1].isspace()
            and not text[close + 1 : close + 2].isdigit()
        )
    if not valid or _BLANK_LINE.search(text, after, close):
        return None
    return close + len(opening.group())


def _next_unescaped(text: str, start: int, end: int, dollars: str) -> int | None:
    """The position of the next ``$`` (or ``$$``) not escaped by a backslash, before ``end``."""
    for match in _NEXT_DOLLAR.finditer(text, start, end):
        if match.group() == "$":
            if dollars == "$" or text.startswith("$$", match.start()):
                return match.start()
    return None
