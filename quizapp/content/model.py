"""The cards and topics a deck is made of, as plain frozen dataclasses.

A card's ``id`` is its identity forever: the review history is keyed by it, so the text of a card
can be corrected without losing what the user has learned.  ``source`` ("content/bn.yaml:12") says
where the card was read from, for messages.

Kinds:

- :class:`Flashcard`  front and back, graded by the user (Again/Hard/Good/Easy)
- :class:`Choice`     a prompt and options; one or several correct (``answer`` holds 0-based indices)
- :class:`TrueFalse`  a statement (often a popular misconception) and whether it is true
- :class:`ExerciseCard`  an engine generator and its params: fresh numbers at every review
- :class:`CodeCard`   implement a function in NumPy, checked against the engine (``task`` id)
- :class:`ClozeCard`  one blank of a cloze text (``{{c1::hidden}}``): the learner types what it hides
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from quizapp.content import cloze

KINDS = ("flashcard", "choice", "truefalse", "exercise", "code", "cloze")
#: Kinds graded by the app (right -> Good, wrong -> Again) rather than by the user.
AUTO_GRADED = frozenset({"choice", "truefalse", "exercise", "code", "cloze"})


#: The longest a card's one-line title gets (lists, the browser, a recap).
TITLE_LENGTH = 120

@dataclass(frozen=True)
class Card:
    """What every card has. Subclasses add the fields of their kind."""

    kind: ClassVar[str] = ""

    id: str
    topic: str
    explain: str
    tags: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    level: int = 1
    teaches: tuple[str, ...] = ()  # names of misconceptions this card corrects
    concept: str = ""  # cards sharing a concept form a mock interview's chain of follow-ups
    source: str = ""  # "path:line" where the card starts

    @property
    def auto_graded(self) -> bool:
        return self.kind in AUTO_GRADED

    @property
    def title(self) -> str:
        """A one-line summary, for lists and the browser: the question on one line, cut after a
        whole word with an ellipsis when it is longer than :data:`TITLE_LENGTH`."""
        line = " ".join(self.question.split())
        if len(line) <= TITLE_LENGTH:
            return line
        cut = line[: TITLE_LENGTH - 1]
        if line[TITLE_LENGTH - 1] != " " and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        return cut.rstrip(" ,;:") + "…"

    @property
    def question(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Flashcard(Card):
    kind: ClassVar[str] = "flashcard"

    front: str = ""
    back: str = ""

    @property
    def question(self) -> str:
        return self.front


@dataclass(frozen=True)
class Choice(Card):
    kind: ClassVar[str] = "choice"

    prompt: str = ""
    options: tuple[str, ...] = ()
    answer: frozenset[int] = frozenset()  # 0-based indices of the correct options

    @property
    def question(self) -> str:
        return self.prompt

    @property
    def multiple(self) -> bool:
        return len(self.answer) > 1


@dataclass(frozen=True)
class TrueFalse(Card):
    kind: ClassVar[str] = "truefalse"

    statement: str = ""
    answer: bool = True

    @property
    def question(self) -> str:
        return self.statement


@dataclass(frozen=True)
class ExerciseCard(Card):
    kind: ClassVar[str] = "exercise"

    generator: str = ""
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    intro: str = ""  # optional line shown above the generated prompt

    @property
    def question(self) -> str:
        return self.intro or f"Exercise: {self.generator}"


@dataclass(frozen=True)
class CodeCard(Card):
    kind: ClassVar[str] = "code"

    task: str = ""
    prompt: str = ""

    @property
    def question(self) -> str:
        return self.prompt or f"Implement: {self.task}"


@dataclass(frozen=True)
class ClozeCard(Card):
    """Cloze ``number`` of a deck's cloze ``text``.  One deck entry (id ``note``) gives a card per
    cloze number, with the id ``<note>-c<number>`` (quizapp.content.cloze has the markup)."""

    kind: ClassVar[str] = "cloze"

    text: str = ""
    number: int = 1
    accept: tuple[str, ...] = ()  # other answers taken as right for this blank
    note: str = ""  # the id of the deck entry

    @property
    def question(self) -> str:
        return cloze.question(self.text, self.number)

    @property
    def answer(self) -> str:
        return cloze.answer(self.text, self.number)


CARD_CLASSES: dict[str, type[Card]] = {
    cls.kind: cls for cls in (Flashcard, Choice, TrueFalse, ExerciseCard, CodeCard, ClozeCard)
}


@dataclass(frozen=True)
class Topic:
    """One deck file: a topic with its cards."""

    id: str
    title: str
    summary: str
    cards: tuple[Card, ...]
    refs: tuple[str, ...] = ()
    source: str = ""
    order: int | None = None  # where the topic is listed; topics without one come last
