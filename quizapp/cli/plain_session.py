"""The plain-text study loop behind ``quizapp study --plain``: a Session over stdin and stdout.

For scripts, screen readers and tests: the same :class:`quizapp.session.Session` the TUI drives,
with the app's keys, each followed by Enter (``?`` lists them: :data:`KIND_KEYS`):

- flashcard: Enter shows the answer, then ``1 again (1m)  2 hard (6m)  3 good (10m)  4 easy (4d)``
  and a digit grades it (Enter: good, as in the app);
- choice: numbered options, type the number(s) (``2`` or ``1 3``);
- true/false: ``t`` or ``1`` for true, ``f`` or ``2`` for false;
- exercise: the prompt; type the answer (a matrix row by row, ending with an empty line); the
  verdict, the expected answer and the worked steps follow.  An answer that cannot be read is
  never graded: the parse error is shown and the answer asked again;
- after a checked answer the suggested grade (right Good, wrong Again) is saved and shown with each
  grade's interval: Enter keeps it, 1-4 changes it;
- at any prompt: ``u`` undoes the last grade, ``s`` skips, ``b`` or ``!`` buries until tomorrow,
  ``?`` help, ``q`` or end of input quits and prints the summary.

Every grade is committed before ``saved: ...`` is printed, so a killed process loses nothing that
was acknowledged.  An empty session says why (:func:`quizapp.why_empty.why_empty`) and what can be
done.  Kept apart from the commands' argument parsing so that ``quizapp`` (the TUI) starts
without importing the study loop.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import IO, Any

from quizapp.cli.common import isatty
from quizapp.drills import UnknownTask, get_task
from quizapp.grading import AnswerError
from quizapp.scheduler import Rating, format_interval
from quizapp.session import Outcome, Presented, Session, SessionError, Summary
from quizapp.why_empty import Emptiness, why_empty

#: What ``?`` says for each kind of card: the same keys as the app's (quizapp/tui/screens/study.py
#: and the card widgets), each followed by Enter.
KIND_KEYS = {
    "flashcard": "Enter shows the answer; then 1 again, 2 hard, 3 good (or Enter), 4 easy",
    "choice": "the option's number, or several for 'pick all that apply' (1 3)",
    "truefalse": "t or 1 for true, f or 2 for false",
    "exercise": "the answer (1.5, -1/3, sqrt(2)/2, [1, 2; 3, 4]); a matrix may be typed row by row",
    "cloze": "the hidden text",
    "code": "your function, then a line with only . to check it",
}
#: ... and once a checked answer is graded, before the next card.
GRADED_KEYS = "Enter keeps the suggested grade, 1-4 changes it (again, hard, good, easy)"
SESSION_KEYS = "u undoes the last grade or bury, s skips, b or ! buries until tomorrow, q quits (every answer is saved when given), ? lists the keys"

COMMANDS = {
    "q": "quit", "quit": "quit", "exit": "quit",
    "u": "undo", "undo": "undo",
    "s": "skip", "skip": "skip",
    "b": "bury", "!": "bury", "bury": "bury",
    "?": "help", "h": "help", "help": "help",
}

#: True/false answers by the app's keys: t or 1, f or 2 (the checker reads t/f, true/false, y/n).
TRUEFALSE_KEYS = {"1": "t", "2": "f"}

RATING_WORDS = {Rating.Again: "again", Rating.Hard: "hard", Rating.Good: "good", Rating.Easy: "easy"}
RATING_KEYS = {**{str(int(r)): r for r in Rating}, **{word: r for r, word in RATING_WORDS.items()}}
#: The commands that still mean something once a card is graded (skip and bury need a card shown).
AFTER_GRADE = ("quit", "undo", "help")


def rating_choices(preview: dict[Rating, Any], chosen: Rating | None = None) -> str:
    """``1 again (1m)  2 hard (6m)  [3 good (10m)]  4 easy (4d)``: each rating's next interval,
    the chosen one in brackets."""
    parts = []
    for r in Rating:  # no intervals when grades leave the schedule alone (cram, mock)
        text = f"{int(r)} {RATING_WORDS[r]}" + (f" ({format_interval(preview[r])})" if r in preview else "")
        parts.append(f"[{text}]" if r == chosen else text)
    return "  ".join(parts)

def _starter(card: Any) -> str:
    """A code card's starter (signature and docstring), when its task exists."""
    try:
        return get_task(getattr(card, "task", "")).starter
    except UnknownTask:
        return ""


class _Quit(Exception):
    """End of input or ``q``: leave the session (every grade is already saved)."""


class PlainDrill:
    """Drives a :class:`Session` over text streams."""

    def __init__(self, session: Session, inp: IO[str], out: IO[str]) -> None:
        self.session = session
        self.inp = inp
        self.out = out
        # Piped input is not echoed by a terminal; echo it so a transcript reads like a dialogue.
        self.echo = not isatty(inp)

    # -- io --------------------------------------------------------------------------------

    def say(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.out)
        self.out.flush()

    def read(self, prompt: str = "> ") -> str:
        """One line without its newline; raises _Quit at end of input."""
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        if not line:
            self.say("")
            raise _Quit
        line = line.rstrip("\r\n")
        if self.echo:
            self.say(line)
        return line

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> int:
        if self.session.next() is None:
            self.say("Nothing to study now.", *empty_lines(why_empty(self.session)))
        else:
            self.study_all()
            self.say(*summary_lines(self.session.summary(), self.session.now()))
        for problem in self.session.problems:
            print(problem, file=sys.stderr)
        return 0

    def study_all(self) -> None:
        """Card after card until the queue is empty, ``q`` or the end of input."""
        left = self.session.remaining()
        self.say(
            f"Studying {left.new} new, {left.learning} learning, {left.review} to review. "
            "Type ? for keys; q quits (every answer is saved when given)."
        )
        try:
            while (presented := self.session.next()) is not None:
                self.study(presented)
        except _Quit:
            return
        self.say("", "No more cards for now.", *why_empty(self.session).limit_reasons())

    def study(self, p: Presented) -> None:
        """Show one card and take its answer (or a command)."""
        self.say("", self.header(p))
        if p.kind == "flashcard":
            self.study_flashcard(p)
        elif p.kind == "choice":
            self.study_choice(p)
        elif p.kind == "truefalse":
            self.study_truefalse(p)
        elif p.kind == "exercise":
            self.study_exercise(p)
        elif p.kind == "cloze":
            self.study_cloze(p)
        else:
            self.study_text(p)

    def header(self, p: Presented) -> str:
        left = self.session.remaining()
        topic = p.topic.title if p.topic else p.card.topic
        flags = [topic, p.kind]
        if p.is_new:
            flags.append("new")
        if p.leech:
            flags.append("LEECH: failed often, consider rewriting it")
        return (
            f"[{p.number}] {', '.join(flags)} ({p.card.id}). "
            f"Left: {left.new} new, {left.learning} learning, {left.review} to review."
        )

    def command(self, line: str) -> bool:
        """Run the command ``line`` (u, s, b, ?, q); True if the session moved to another card."""
        action = COMMANDS[line.strip().lower()]
        if action == "quit":
            raise _Quit
        if action == "help":
            current = self.session.current
            keys = KIND_KEYS.get(current.kind, "") if current is not None else GRADED_KEYS
            self.say(*([f"keys: {keys}"] if keys else []), f"at any prompt: {SESSION_KEYS}")
            return False
        if action == "undo":
            try:
                again = self.session.undo()
            except SessionError as exc:
                self.say(f"Undo failed: {exc}")
                return False
            self.say("Undone: the last card comes back." if again else "Nothing to undo yet.")
            return again is not None
        if action == "skip":
            self.session.skip()
            self.say("Skipped; it comes back at the end.")
        else:
            self.session.bury()
            self.say("Buried until tomorrow.")
        return True

    # -- kinds -------------------------------------------------------------------------------

    def study_flashcard(self, p: Presented) -> None:
        self.say(f"Q: {p.card.question}", "(Enter shows the answer)")
        while True:
            line = self.read()
            if COMMANDS.get(line.strip().lower()):
                if self.command(line):
                    return
                continue
            break  # Enter, or whatever the user typed as their recall
        back = getattr(p.card, "back", "")
        self.say(f"A: {back}")
        if p.card.explain and p.card.explain.strip() != back.strip():
            self.say(f"Why: {p.card.explain.strip()}")
        choices = rating_choices(self.session.preview())
        self.say(f"{choices}  (Enter: good)")
        while True:
            line = self.read()
            word = line.strip().lower()
            if COMMANDS.get(word):
                if self.command(line):
                    return
                continue
            rating = RATING_KEYS.get(word) if word else Rating.Good
            if rating is None:
                self.say(f"Type 1-4 to rate it ({choices}), u to undo, q to quit.")
                continue
            self.saved(self.session.grade(rating))
            return

    def study_choice(self, p: Presented) -> None:
        card: Any = p.card
        hint = "pick all that apply, e.g. 1 3" if card.multiple else "type its number"
        self.say(f"Q: {card.prompt}")
        for i, option in enumerate(p.options, start=1):
            self.say(f"  {i}) {option}")
        self.say(f"({hint})")
        self.answer_loop(lambda: self.read())

    def study_truefalse(self, p: Presented) -> None:
        self.say(f"True or false: {p.card.question}", "(t or 1 for true, f or 2 for false)")
        self.answer_loop(self.read_truefalse)

    def read_truefalse(self) -> str:
        line = self.read()
        return TRUEFALSE_KEYS.get(line.strip(), line)

    def study_cloze(self, p: Presented) -> None:
        self.say(f"Fill in the blank: {p.card.question}", "(type the hidden text)")
        self.answer_loop(lambda: self.read())

    def study_exercise(self, p: Presented) -> None:
        intro = getattr(p.card, "intro", "")
        if intro:
            self.say(f"Q: {intro}")
        exercise = p.exercise
        self.say(exercise.prompt.strip())
        shape = tuple(exercise.answer.shape)
        if len(shape) == 2:
            self.say(f"(type the matrix as [1, 2; 3, 4] on one line, or its {shape[0]} rows one per line)")
        elif len(shape) > 2:
            self.say("(type the rows one per line and an empty line to finish)")
        self.answer_loop(lambda: self.read_exercise(shape))

    def study_text(self, p: Presented) -> None:
        """A code card (when a checker is plugged in): lines up to one holding only '.'."""
        self.say(f"Q: {p.card.question}")
        starter = _starter(p.card)
        if starter:
            self.say("Starter:", starter.rstrip())
        self.say("(type your code; a line with only . finishes)")

        def read_code() -> str:
            lines = []
            while True:
                line = self.read("" if lines else "> ")
                if not lines and COMMANDS.get(line.strip().lower()):
                    return line
                if line.strip() == ".":
                    return "\n".join(lines)
                lines.append(line)

        self.answer_loop(read_code)

    def read_exercise(self, shape: tuple[int, ...]) -> str:
        """One line for a number or a vector; for a matrix, either one bracketed line or its rows
        on separate lines (ending by itself after the last row, or at an empty line)."""
        first = self.read()
        if len(shape) < 2 or not first.strip() or COMMANDS.get(first.strip().lower()):
            return first
        if ";" in first or (first.lstrip().startswith("[") and first.count("[") == first.count("]")):
            return first
        rows = shape[0] if len(shape) == 2 else None
        lines = [first]
        while rows is None or len(lines) < rows:
            line = self.read("  ")
            if not line.strip():
                break
            lines.append(line)
        return "\n".join(lines)

    def answer_loop(self, read_answer) -> None:
        while True:
            line = read_answer()
            if COMMANDS.get(line.strip().lower()):
                if self.command(line):
                    return
                continue
            if not line.strip():
                self.say("Type an answer (or ? for keys, q to quit).")
                continue
            try:
                outcome = self.session.submit(line)
            except AnswerError as exc:
                self.say(f"Could not use that: {exc}. Try again.")
                continue
            self.show_outcome(outcome)
            self.saved(outcome)
            if self.session.reschedules:  # a cram grade changes no schedule: nothing to adjust
                self.offer_regrade(outcome)
            return

    def offer_regrade(self, outcome: Outcome) -> None:
        """The suggested grade is saved; Enter keeps it, 1-4 changes it (before the next card)."""
        word = RATING_WORDS[outcome.rating]
        self.say(f"Grade: {rating_choices(self.session.grade_options(), outcome.rating)} - Enter keeps {word}, 1-4 changes it")
        while True:
            line = self.read()
            key = line.strip().lower()
            if not key:
                return
            if COMMANDS.get(key) in AFTER_GRADE:
                if self.command(line):
                    return
                continue
            rating = RATING_KEYS.get(key)
            if rating is None:
                self.say(f"Enter keeps {word}; 1-4 changes the grade; u undoes it, q quits.")
                continue
            if rating != outcome.rating:
                self.saved(self.session.regrade(rating))
            return

    # -- after the answer --------------------------------------------------------------------

    def show_outcome(self, outcome: Outcome) -> None:
        p = outcome.presented
        if p.kind == "exercise" and outcome.detail is not None:
            from quizapp.plaintext import verdict_lines

            teaching = self.session.teaching_cards(outcome.misconception) if outcome.misconception else ()
            self.say(*verdict_lines(p.exercise, outcome.detail, teaching))
        elif callable(getattr(outcome.detail, "lines", None)):  # a code drill's full report
            self.say(*outcome.detail.lines())
        else:
            self.say(outcome.message or ("Right." if outcome.correct else "Wrong."))
            if not outcome.correct and outcome.expected:
                self.say(f"Answer: {outcome.expected}")
        if p.card.explain:
            self.say(f"Why: {p.card.explain.strip()}")

    def saved(self, outcome: Outcome) -> None:
        """The acknowledgement: printed only after the grade is committed."""
        lapses = self.session.settings.leech_lapses
        extra = f" This card is a leech (failed {lapses}+ times)." if outcome.leech else ""
        if not self.session.reschedules:
            self.say(f"saved: {outcome.card.id} {RATING_WORDS[outcome.rating]}, as a {self.session.mode} review "
                     "(its schedule is unchanged).")
            return
        self.say(
            f"saved: {outcome.card.id} {RATING_WORDS[outcome.rating]}, "
            f"next in {format_interval(outcome.interval)}.{extra}"
        )


def empty_lines(empty: Emptiness) -> list[str]:
    """Why there is nothing to study, then what can be done about it, as commands."""
    offers = []
    if not empty.cards:
        offers.append(("quizapp study", "study every topic"))
    if empty.new_waiting:
        offers.append(("quizapp settings new_per_day N", "change the daily limit of new cards"))
    if empty.reviews_waiting:
        offers.append(("quizapp settings reviews_per_day N", "change the daily limit of reviews"))
    if empty.buried:
        offers.append(("quizapp card CARD unbury", "bring a buried card back today"))
    if empty.suspended:
        offers.append(("quizapp card CARD unsuspend", "put a suspended card back in the queue"))
    if empty.cards:
        offers.append(("quizapp study CARD...", "study chosen cards now, due or not"))
    offers.append(("quizapp exercise ID", "practise a fresh exercise, not scheduled (quizapp exercise list)"))
    width = max(len(command) for command, _ in offers)
    return [*empty.reasons(), "You can:", *(f"  {command:<{width}}  {what}" for command, what in offers)]


def summary_lines(summary: Summary, now: datetime) -> list[str]:
    minutes, seconds = divmod(int(summary.time_spent.total_seconds()), 60)
    spent = f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"
    lines = [
        "",
        f"Session: {summary.reviewed} reviewed ({summary.right} right, {summary.wrong} wrong), "
        f"{summary.new_cards} new, {spent}.",
    ]
    if summary.next_due is not None:
        wait = summary.next_due - now
        when = "now" if wait.total_seconds() <= 0 else f"in {format_interval(wait)}"
        lines.append(f"Next due: {when} ({summary.next_due.astimezone():%Y-%m-%d %H:%M}).")
    if summary.leeches:
        lines.append(f"Leeches (failed {summary.leech_lapses}+ times): " + ", ".join(summary.leeches))
    return lines
