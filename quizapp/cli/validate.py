"""``quizapp validate [PATH...]``: check decks and print one line per problem.

It loads what the app would load with ``--content PATH``: the shipped decks first, then the given
files and folders, so an id that clashes with a shipped deck is reported.  Then it draws every
exercise card once (fixed seed) through the code a study session uses, so a card the session
would skip is reported with the session's own message, and so is every ``$...$`` formula the app
shows as written because it cannot be rendered.  The summary counts the given files (and
``--lint`` looks at them alone); with no PATH it checks the shipped decks and every ``--content``
folder.

Problems go to stdout (one ``path:line: message`` each, easy to grep or jump to from an editor);
the summary goes to stderr. Exit 0 when clean, 1 when there are problems, 2 on a usage error.
``--lint`` also prints warnings about answers that can be guessed from a card's form
(:mod:`quizapp.content.lint`); they never change the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizapp.content import Library, Problem, load_library
from quizapp.content.loader import collect
from quizapp.content.paths import display_path

if TYPE_CHECKING:
    from quizapp.content.model import Topic


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "validate",
        parents=[common],
        help="check decks and print one line per problem",
        description="Check deck files and folders (recursively, *.yaml and *.yml) together with "
        "the shipped decks, as the app would load them, and draw every exercise card once. With no "
        "PATH, check the shipped decks and every --content folder. Exit 0 when clean, 1 when there "
        "are problems, 2 on a usage error.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="a deck file or a folder of decks")
    parser.add_argument(
        "--lint",
        action="store_true",
        help="also warn about guessable answers (longest option right, mostly-false true/false); "
        "warnings do not change the exit code",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths = list(getattr(args, "paths", None) or [])
    content = list(getattr(args, "content", None) or [])
    missing = [p for p in paths + content if not os.path.lexists(p)]
    if missing:
        for path in missing:
            print(f"quizapp validate: no such file or folder: {path}", file=sys.stderr)
        return 2
    library = load_library(extra_dirs=paths + content)
    problems = library.problems + library.unrendered + exercise_problems(library)
    for problem in problems:
        print(problem)
    checked = _checked(library, paths + content if paths else [])
    summary = (
        f"{_count(len(checked.files), 'file')}, {_count(sum(len(t.cards) for t in checked.topics), 'card')}, "
        f"{_count(len(problems), 'problem')}"
    )
    if getattr(args, "lint", False):
        summary += f", {_count(_print_lint(checked.topics), 'warning')}"
    print(summary, file=sys.stderr)
    return 1 if problems else 0


def exercise_problems(library: Library) -> list[Problem]:
    """What a study session would report for each exercise card it could not draw."""
    # Imported here: NumPy and the engine take 150 ms to import, and every command would pay it
    # (the command line imports each command's module to build its parser).
    from quizapp.content.drawing import VALIDATE_SEED, DrawError, draw_exercise

    problems = []
    for card in library.cards.values():
        if card.kind == "exercise":
            try:
                draw_exercise(card, VALIDATE_SEED)
            except DrawError as err:
                problems.append(Problem.at(card.source, str(err)))
    return problems


@dataclass(frozen=True)
class _Checked:
    files: list[str]
    topics: list[Topic]


def _checked(library: Library, given: list[str]) -> _Checked:
    """The files and topics of the given paths (the shipped decks are loaded only to check ids
    against them), or all of them when no path was given."""
    files = [display_path(f) for f in collect(given)[0]] if given else list(library.files)
    shown = set(files)
    return _Checked(files, [t for t in library.topics if t.source in shown])


def _print_lint(topics: list[Topic]) -> int:
    """Print the --lint warnings for these topics; return how many there were."""
    # Imported on use: the lint module loads the card model, about 28 ms (python -X importtime)
    # that every other subcommand would otherwise pay at start-up.
    from quizapp.content.lint import lint

    warnings = lint(topics)
    for warning in warnings:
        print(warning)
    return len(warnings)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
