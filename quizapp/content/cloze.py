"""Cloze markup, as Anki writes it: ``{{c1::hidden text}}`` or ``{{c1::hidden text::a hint}}``.

A cloze card's ``text`` holds one or more such blanks; the deck reader makes one card per cloze
number (``c1``, ``c2``, ...), each hiding the blanks of its number and showing the others.  Blanks
sharing a number are hidden together, and their answer is their texts joined by ", " (as Anki's
typed cloze answer is).

How typed answers are matched (:func:`matches`) is lenient on what does not change the meaning of
a short answer: case, runs of spaces, punctuation around words (``.,;:!?"'`()[]{}*``) and a hyphen
between two letters (``pre-norm`` = ``pre norm``).  Signs, digits and symbols such as ``-1``,
``1/sqrt(d)`` or ``x^2`` keep their characters (only the brackets around them go).  Anything else
goes in the card's list of accepted answers.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

__all__ = ["Blank", "answer", "blanks", "markup_problems", "matches", "numbers", "question", "revealed"]

#: One blank: its number, the hidden text, an optional hint (Anki's own pattern).
_BLANK = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
#: The most cloze numbers one text may use.
MAX_NUMBER = 20


class Blank(NamedTuple):
    number: int
    hidden: str
    hint: str
    start: int
    end: int


def blanks(text: str) -> list[Blank]:
    return [
        Blank(int(m.group(1)), m.group(2).strip(), (m.group(3) or "").strip(), m.start(), m.end())
        for m in _BLANK.finditer(text)
    ]


def numbers(text: str) -> list[int]:
    """The cloze numbers used in ``text``, in order."""
    return sorted({blank.number for blank in blanks(text)})


def markup_problems(text: str) -> list[str]:
    """What is wrong with the blanks of ``text`` (empty when every blank is well formed)."""
    problems = []
    for blank in blanks(text):
        shown = text[blank.start : blank.end]
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        if not 1 <= blank.number <= MAX_NUMBER:
            problems.append(f"blank {shown!r}: cloze numbers run from c1 to c{MAX_NUMBER}")
        if not blank.hidden:
            problems.append(f"blank {shown!r} hides nothing")
        if "{{" in blank.hidden or "{{" in blank.hint:
            problems.append(f"blank {shown!r} holds another blank: blanks cannot nest")
    rest = _BLANK.sub("", text)
    stray = re.search(r"\{\{|\}\}", rest)
    if stray:
        near = rest[max(0, stray.start() - 12) : stray.start() + 14]
        problems.append(f"a broken blank near {near!r}: write {{{{c1::hidden text}}}}")
    elif not numbers(text):
        problems.append("has no blank: mark the hidden part as {{c1::hidden text}}")
    return problems


def question(text: str, number: int) -> str:
    """``text`` as asked for cloze ``number``: its blanks as ``[...]`` (or ``[hint]``), the
    other blanks' text shown."""

    def shown(m: re.Match[str]) -> str:
        if int(m.group(1)) != number:
            return m.group(2).strip()
        hint = (m.group(3) or "").strip()
        return f"[{hint}]" if hint else "[...]"

    return _BLANK.sub(shown, text)


def revealed(text: str, number: int) -> str:
    """``text`` with every blank filled in, those of ``number`` in bold (Markdown)."""
    return _BLANK.sub(lambda m: f"**{m.group(2).strip()}**" if int(m.group(1)) == number else m.group(2).strip(), text)


def answer(text: str, number: int) -> str:
    """The hidden text of cloze ``number``: its blanks' texts joined by ", "."""
    return ", ".join(blank.hidden for blank in blanks(text) if blank.number == number)


_AROUND = re.compile(r"[.,;:!?\"'`()\[\]{}*\u2018\u2019\u201c\u201d]")
_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def normalized(text: str) -> str:
    """``text`` as :func:`matches` compares it."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _HYPHEN.sub(" ", _AROUND.sub(" ", text))
    return " ".join(text.split())


def matches(typed: str, expected: str, accepted: tuple[str, ...] = ()) -> bool:
    """Whether ``typed`` is the hidden text (or one of the ``accepted`` answers), leniently."""
    mine = normalized(typed)
    if not mine:
        return False
    return any(mine == normalized(candidate) for candidate in (expected, *accepted))
