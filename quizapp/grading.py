"""Grading: is an answer to a card, as it was shown, right?

A *checker* reads what a person answered and says so: ``checker(shown, answer) -> Check``.  It
raises :class:`AnswerError` for an answer it cannot read (an option that does not exist, a number
that does not parse, code without the function asked for): the session then records nothing and
the person may try again.  An answer that can be read and is wrong is a :class:`Check` with
``correct=False``, never an exception.

The built-in checkers cover choice, true/false, exercise and cloze cards (:data:`BUILT_IN`).  Code cards
are checked by ``quizapp.drills.session_checker``, which implements the same :class:`Checker`
protocol; the session factory (:mod:`quizapp.study`) plugs it in.  Nothing here knows of the
session, the store or a UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from quizapp.content import cloze
from quizapp.content.model import Card, Choice, ClozeCard, TrueFalse
from quizapp.engine.answers import check as check_answer
from quizapp.engine.answers import format_answer

__all__ = [
    "AnswerError",
    "BUILT_IN",
    "Check",
    "Checker",
    "Shown",
    "check_choice",
    "check_cloze",
    "check_exercise",
    "check_truefalse",
]


class AnswerError(ValueError):
    """An answer that cannot be read (out-of-range choice, unparsable number): nothing is
    recorded; ``str()`` is a one-line hint for the user."""


@dataclass(frozen=True)
class Check:
    """What a checker says about an answer."""

    correct: bool
    message: str  # one line or a few: "Right.", "entries (1,2) are off", ...
    expected: str  # the right answer, as the user should read it
    answer_text: str  # what goes into the review log
    misconception: str | None = None  # name of the wrong belief the answer matched
    detail: Any = None  # the checker's own verdict object, for UIs that show more


@dataclass(frozen=True)
class Shown:
    """A card as drawn for one showing: everything a checker needs to grade an answer to it.

    ``seed`` drew the exercise's numbers (``exercise``), a choice card's option order
    (``option_order``: position i shows ``card.options[option_order[i]]``) or a code drill's hidden
    cases, so the review log can rebuild any showing exactly.
    """

    card: Card
    seed: int
    exercise: Any = None  # quizapp.engine.exercises.Exercise for an exercise card
    option_order: tuple[int, ...] = ()

    @property
    def kind(self) -> str:
        return self.card.kind

    @property
    def options(self) -> tuple[str, ...]:
        """A choice card's options in the order shown."""
        if not isinstance(self.card, Choice):
            return ()
        return tuple(self.card.options[i] for i in self.option_order)

    @property
    def correct_positions(self) -> tuple[int, ...]:
        """0-based positions (as shown) of a choice card's right options."""
        if not isinstance(self.card, Choice):
            return ()
        return tuple(pos for pos, original in enumerate(self.option_order) if original in self.card.answer)


class Checker(Protocol):
    """Grades one answer to one showing; raises :class:`AnswerError` for unreadable input."""

    def __call__(self, shown: Shown, answer: Any, /) -> Check: ...


def _as_positions(answer: Any, count: int) -> list[int]:
    """0-based positions from an int, an iterable of ints, or text like "2", "1 3", "1,3"."""
    if isinstance(answer, str):
        tokens = answer.replace(",", " ").split()
        if not tokens:
            raise AnswerError(f"type the number of an option, 1-{count}")
        try:
            picks = [int(token) - 1 for token in tokens]
        except ValueError:
            raise AnswerError(f"type option numbers 1-{count}, e.g. 2 or 1 3") from None
    elif isinstance(answer, bool):
        raise AnswerError("a choice is answered with option numbers")
    elif isinstance(answer, int):
        picks = [answer]
    else:
        try:
            picks = [int(item) for item in answer]
        except (TypeError, ValueError):
            raise AnswerError(f"type option numbers 1-{count}") from None
    for pick in picks:
        if not 0 <= pick < count:
            raise AnswerError(f"there is no option {pick + 1}; pick 1-{count}")
    return sorted(set(picks))


def check_choice(shown: Shown, answer: Any) -> Check:
    """``answer``: shown positions, 0-based (an int or several), or text of 1-based numbers."""
    card = shown.card
    assert isinstance(card, Choice)
    positions = _as_positions(answer, len(shown.option_order))
    chosen = {shown.option_order[pos] for pos in positions}
    right = set(card.answer)
    correct = chosen == right
    options = shown.options
    expected = "; ".join(f"{pos + 1}) {options[pos]}" for pos in shown.correct_positions)
    if correct:
        message = "Right."
    elif card.multiple and chosen & right:
        missed = len(right - chosen)
        extra = len(chosen - right)
        parts = []
        if missed:
            parts.append(f"missed {missed} right option{'s' if missed > 1 else ''}")
        if extra:
            parts.append(f"picked {extra} wrong one{'s' if extra > 1 else ''}")
        message = "Wrong: " + " and ".join(parts) + "."
    else:
        message = "Wrong."
    answer_text = ",".join(str(i) for i in sorted(chosen))  # content indices: stable across orders
    return Check(correct, message, expected, answer_text)


_TRUE_WORDS = {"t", "true", "y", "yes"}
_FALSE_WORDS = {"f", "false", "n", "no"}


def check_truefalse(shown: Shown, answer: Any) -> Check:
    """``answer``: a bool, or text t/f, true/false, y/n."""
    card = shown.card
    assert isinstance(card, TrueFalse)
    if isinstance(answer, str):
        word = answer.strip().lower()
        if word in _TRUE_WORDS:
            answer = True
        elif word in _FALSE_WORDS:
            answer = False
        else:
            raise AnswerError("answer t (true) or f (false)")
    if not isinstance(answer, bool):
        raise AnswerError("answer true or false")
    correct = answer == card.answer
    expected = "true" if card.answer else "false"
    return Check(correct, "Right." if correct else "Wrong.", expected, "true" if answer else "false")


def check_exercise(shown: Shown, answer: Any) -> Check:
    """``answer``: the text the user typed; the engine's answer checker reads and grades it."""
    if not isinstance(answer, str) or not answer.strip():
        raise AnswerError("type a number or a matrix, e.g. 1.5 or [1, 2; 3, 4]")
    verdict = check_answer(shown.exercise, answer)
    if verdict.parse_error:
        raise AnswerError(verdict.message)
    return Check(
        correct=bool(verdict.correct),
        message=verdict.message,
        expected=format_answer(shown.exercise.answer),
        answer_text=answer,
        misconception=verdict.misconception,
        detail=verdict,
    )


def check_cloze(shown: Shown, answer: Any) -> Check:
    """``answer``: the text typed for the blank, matched leniently (quizapp.content.cloze.matches)
    against the hidden text and the card's accepted answers."""
    card = shown.card
    assert isinstance(card, ClozeCard)
    if not isinstance(answer, str) or not answer.strip():
        raise AnswerError("type the hidden text")
    correct = cloze.matches(answer, card.answer, card.accept)
    return Check(correct, "Right." if correct else "Wrong.", card.answer, answer.strip())


#: The checkers every session has; code cards get theirs from the session factory.
BUILT_IN: dict[str, Checker] = {
    "choice": check_choice,
    "truefalse": check_truefalse,
    "exercise": check_exercise,
    "cloze": check_cloze,
}
