"""What the user sees after answering: right or wrong, why, and how to get it right next time.

- the verdict in colour and the checker's message;
- the right answer; for exercises the user's answer beside it, wrong entries marked;
- a recognised misconception: the belief, the truth, and the cards that teach it;
- for exercises the worked steps; for drills the checker's report (or the model solution);
- the card's ``explain``, drawn as the browser's card detail draws it (tables, images, code);
- the grade given: the suggested one (right Good, wrong Again) preselected, each grade with the
  interval it gives; 1-4 changes it before moving on.
Enter or space moves on (keeping the grade); u takes the grade back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from quizapp.cardstate import format_interval
from quizapp.tui.widgets.card_markdown import CardMarkdown
from quizapp.tui.widgets.hint import Hint
from quizapp.tui.widgets.markdown_text import MarkdownText, inline_content
from quizapp.tui.widgets.pane import StudyPane
from quizapp.tui.widgets.steps import StepsTable
from quizapp.tui.widgets.text import array_content


def _inline(text: str) -> Content:
    return inline_content(" ".join(text.split()))


def verdict_content(outcome: Any) -> Content:
    message = (outcome.message or "").strip()
    if outcome.correct:
        head = ("✔ Right", "bold $text-success")
        rest = "" if message.lower().rstrip(".") in ("right", "correct", "") else f": {message}"
    elif outcome.misconception:  # the panel below names the belief and the truth
        head = ("✘ Wrong", "bold $text-error")
        rest = ": your answer is the one a common misconception gives"
    else:
        head = ("✘ Wrong", "bold $text-error")
        rest = "" if message.lower().rstrip(".") in ("wrong", "") else f": {message.removeprefix('Wrong: ')}"
    return Content.assemble(head, rest)


GRADE_WORDS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def grade_content(chosen: int, options: Mapping[Any, timedelta]) -> Content:
    """``Grade: 1 Again 1m  2 Hard 6m  [3 Good 10m]  4 Easy 8d``, the chosen grade highlighted."""
    parts: list[Any] = [("Grade: ", "bold")]
    for rating, word in GRADE_WORDS.items():
        interval = options.get(rating)  # keyed by fsrs.Rating, an IntEnum: 1 finds Again
        label = f" {rating} {word} {format_interval(interval)} " if interval is not None else f" {rating} {word} "
        parts.append((label, "bold reverse $text-accent") if rating == int(chosen) else (label, "dim"))
        parts.append(" ")
    return Content.assemble(*parts, ("1-4 changes it", "dim italic"))


def misconception_parts(name: str, library: Any) -> tuple[str, str, list[tuple[str, str]]]:
    """(belief, truth, [(card id, card question on one line)]) for a misconception name.  The
    question is whole (a card's title is cut at 120 characters, mid-word): the list's lines end
    in an ellipsis where the screen is too narrow."""
    from quizapp.engine.exercises.misconceptions import CATALOG

    known = CATALOG.get(name)
    belief = known.belief if known else f"This is the answer the misconception '{name}' gives."
    truth = known.truth if known else ""
    cards = [(cid, " ".join(card.question.split())) for cid, card in library.cards.items() if name in card.teaches]
    return belief, truth, cards


class FeedbackView(StudyPane):
    DEFAULT_CSS = """
    FeedbackView #verdict { text-style: bold; margin-top: 1; padding: 0 1; }
    FeedbackView.-right #verdict { background: $success 15%; }
    FeedbackView.-wrong #verdict { background: $error 15%; }
    FeedbackView .recap { color: $text-muted; padding: 0 1; }
    FeedbackView .section { text-style: bold; margin-top: 1; color: $text-accent; }
    FeedbackView .expected, FeedbackView #options, FeedbackView #drill-report { margin-top: 1; }
    FeedbackView .answers { height: auto; margin-top: 1; }
    FeedbackView .answer-box {
        width: auto;
        min-width: 24;
        max-width: 50%;
        height: auto;
        border: round $foreground 30%;
        padding: 0 1;
    }
    FeedbackView .answer-box > Static { width: auto; }
    FeedbackView .answer-box.yours { margin-right: 1; }
    FeedbackView .box-title { text-style: bold; color: $text-muted; }
    FeedbackView #misconception { height: auto; margin-top: 1; border: round $warning; padding: 0 1; }
    FeedbackView .teaching { text-wrap: nowrap; text-overflow: ellipsis; }  /* one line per card */
    FeedbackView #grade { margin-top: 1; padding: 0 1; }
    FeedbackView .refs { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("enter", "next", "Next card"),
        Binding("space", "next", "Next card", show=False),
        # the grade line shows these keys with their intervals; the footer stays short
        Binding("1", "regrade(1)", "Again", show=False, tooltip="Change the grade to Again: see it again in minutes"),
        Binding("2", "regrade(2)", "Hard", show=False, tooltip="Change the grade to Hard: recalled with effort"),
        Binding("3", "regrade(3)", "Good", show=False, tooltip="Change the grade to Good: recalled"),
        Binding("4", "regrade(4)", "Easy", show=False, tooltip="Change the grade to Easy: recalled at once"),
    ]

    class Next(Message):
        """The user has read the feedback."""

    class Regrade(Message):
        """The user changed the suggested grade."""

        def __init__(self, rating: int) -> None:
            super().__init__()
            self.rating = rating

    def __init__(
        self, outcome: Any, library: Any, shown: Any = None, grades: Mapping[Any, timedelta] | None = None, **kwargs: Any
    ) -> None:
        """``grades``: the interval each grade gives (Session.grade_options), for the grade line."""
        super().__init__(**kwargs)
        self.outcome = outcome
        self.library = library
        self.shown = shown
        self.grades = grades or {}
        self.set_class(bool(outcome.correct), "-right")
        self.set_class(not outcome.correct, "-wrong")

    def compose(self) -> ComposeResult:
        outcome = self.outcome
        card = outcome.card
        yield Static(verdict_content(outcome), id="verdict")
        exercise = outcome.presented.exercise
        if exercise is not None and exercise.asks:  # a noun phrase, kept as written ("dL/dx", not "DL/dx?")
            yield Static(Content.assemble(("Asked for: ", "bold"), _inline(exercise.asks)), classes="recap")
        else:
            yield Static(Content.assemble(("Q: ", "bold"), _inline(card.title)), classes="recap")
        kind = card.kind
        if kind == "exercise":
            yield from self._exercise()
        elif kind == "choice":
            yield from self._choice()
        elif kind == "truefalse":
            yield from self._truefalse()
        elif kind == "code":
            yield from self._code()
        else:
            yield Static(Content.assemble(("Answer: ", "bold"), outcome.expected), classes="expected")
        if outcome.misconception:
            yield from self._misconception(outcome.misconception)
        if card.explain and card.explain.strip():
            yield Static("Why", classes="section")
            yield CardMarkdown(card.explain.strip(), classes="explain")
        if card.refs:
            yield Static(Content("\n").join([Content.styled("Read more:", "bold"), *("  " + ref for ref in card.refs)]), classes="refs")
        yield Static(grade_content(outcome.rating, self.grades), id="grade")
        yield Hint("Enter or space: next card   1-4: change the grade   u: undo this grade   q: end the session")

    # -- per kind -------------------------------------------------------------------------------

    def _exercise(self) -> ComposeResult:
        outcome = self.outcome
        exercise = outcome.presented.exercise
        verdict = outcome.detail
        with Horizontal(classes="answers"):
            with Vertical(classes="answer-box yours"):
                yield Static("Your answer", classes="box-title")
                value = getattr(verdict, "value", None)
                if value is not None and value.shape == exercise.answer.shape:
                    yield Static(array_content(value, getattr(verdict, "wrong", ())), id="your-answer")
                elif value is not None:
                    yield Static(array_content(value, ()), id="your-answer")
                else:
                    yield Static(str(self.shown or ""), id="your-answer")
            with Vertical(classes="answer-box right"):
                yield Static("Right answer", classes="box-title")
                yield Static(array_content(exercise.answer), id="right-answer")
        if exercise.steps:
            yield Static("Worked steps", classes="section")
            yield StepsTable(tuple(exercise.steps), id="steps")

    def _choice(self) -> ComposeResult:
        presented = self.outcome.presented
        right = set(presented.correct_positions)
        picked = set(self.shown or ())
        lines = []
        for position, text in enumerate(presented.options):
            if position in right:
                mark = ("✔", "bold $text-success")
            elif position in picked:
                mark = ("✘", "bold $text-error")
            else:
                mark = (" ", "")
            you = ("  ← you", "dim") if position in picked else ""
            lines.append(Content.assemble(mark, f" {position + 1}  ", _inline(text), you))
        yield Static(Content("\n").join(lines), id="options")

    def _truefalse(self) -> ComposeResult:
        card = self.outcome.card
        said = "true" if self.shown else "false"
        yield Static(
            Content.assemble(
                ("The statement is ", ""),
                ("true" if card.answer else "false", "bold"),
                f"; you said {said}.",
            ),
            classes="expected",
        )

    def _code(self) -> ComposeResult:
        from quizapp.tui.widgets.code import report_content

        report = self.outcome.detail
        if report is not None and hasattr(report, "lines"):
            yield Static(report_content(report), id="drill-report")
        elif self.outcome.expected:  # the user gave up: the model solution
            yield Static("Model solution", classes="section")
            yield MarkdownText(f"```python\n{self.outcome.expected.rstrip()}\n```", id="solution")

    def _misconception(self, name: str) -> ComposeResult:
        belief, truth, cards = misconception_parts(name, self.library)
        with Vertical(id="misconception"):
            yield Static(Content.assemble(("Misconception: ", "bold $text-warning"), (name, "bold")), classes="box-title")
            yield Static(belief)
            if truth:
                yield Static(Content.assemble(("Truth: ", "bold"), truth))
            if cards:
                yield Static(Content.styled("Cards that teach it:", "bold"))
                for cid, question in cards[:5]:
                    yield Static(Content.assemble("  · ", (cid, "$text-accent"), ": ", _inline(question)), classes="teaching")

    def action_next(self) -> None:
        self.post_message(self.Next())

    def action_regrade(self, rating: int) -> None:
        if int(rating) != int(self.outcome.rating):
            self.post_message(self.Regrade(int(rating)))

    def show_grade(self, outcome: Any) -> None:
        """The grade now recorded (after a regrade)."""
        self.outcome = outcome
        self.query_one("#grade", Static).update(grade_content(outcome.rating, self.grades))
