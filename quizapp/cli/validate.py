"""``quizapp validate [PATH...]``: check decks and print one line per problem.

With no PATH it checks what the app would load: the shipped decks and every ``--content`` folder.
Problems go to stdout (one ``path:line: message`` each, easy to grep or jump to from an editor);
the summary goes to stderr. Exit 0 when clean, 1 when there are problems, 2 on a usage error.
``--lint`` also prints warnings about answers that can be guessed from a card's form
(:mod:`quizapp.content.lint`); they never change the exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path




def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "validate",
        parents=[common],
        help="check decks and print one line per problem",
        description="Check deck files and folders (recursively, *.yaml and *.yml). With no PATH, "
        "check the shipped decks and every --content folder. Exit 0 when clean, 1 when there "
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
    from quizapp.content import load_library, load_paths

    paths = list(getattr(args, "paths", None) or [])
    content = list(getattr(args, "content", None) or [])
    missing = [p for p in paths + content if not Path(p).exists()]
    if missing:
        for path in missing:
            print(f"quizapp validate: no such file or folder: {path}", file=sys.stderr)
        return 2
    library = load_paths(paths + content) if paths else load_library(extra_dirs=content)
    for problem in library.problems:
        print(problem)
    summary = (
        f"{_count(len(library.files), 'file')}, {_count(len(library.cards), 'card')}, "
        f"{_count(len(library.problems), 'problem')}"
    )
    if getattr(args, "lint", False):
        summary += f", {_count(_print_lint(library), 'warning')}"
    print(summary, file=sys.stderr)
    return 1 if library.problems else 0


def _print_lint(library) -> int:
    """Print the --lint warnings for a loaded ``Library``; return how many there were."""
    # Imported on use: the lint module loads the card model, about 28 ms (python -X importtime)
    # that every other subcommand would otherwise pay at start-up.
    from quizapp.content.lint import lint

    warnings = lint(library.topics)
    for warning in warnings:
        print(warning)
    return len(warnings)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
