"""``quizapp drill``: the old name of two commands, kept so that scripts and habits keep working.

``drill`` meant both a study session and a coding task; they are now ``quizapp study`` and
``quizapp code``.  ``drill`` runs ``code`` when given a coding option (``--list``, ``--starter``,
``--file``, ``--check-only``) or one id that is a coding task and not a topic or card
(``quizapp drill layer_norm``), else ``study``; either way one line on stderr says which ran.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from quizapp.cli import code, study
from quizapp.cli.ids import kind_of


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "drill",
        parents=[common],
        help="the old name of `study` and `code` (runs the one that fits, and says which)",
        description="The old name of two commands: `quizapp study` (a study session) and "
        "`quizapp code` (a coding task). It runs `code` with --list, --starter, --file or "
        "--check-only, or for one id that is a coding task; otherwise `study`. One line on "
        "stderr says which it ran; the exit codes are that command's.",
    )
    parser.add_argument("targets", nargs="*", metavar="ID", help="topic or card ids (study), or one coding task (code)")
    study.add_session_options(parser)
    code.add_task_options(parser.add_argument_group("coding tasks (quizapp code)"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if _wants_code(args):
        if len(args.targets) > 1:
            print(f"{code.PROG}: give one coding task, e.g. `{code.PROG} batch_norm_train --starter` (see --list)", file=sys.stderr)
            return 2
        args.task = args.targets[0] if args.targets else None
        name, command = "code", code.run
    else:
        name, command = "study", study.run
    print(f"quizapp drill: running `quizapp {name}{_spelled(args.targets)}` (drill is now `study` and `code`)", file=sys.stderr)
    return command(args)


def _wants_code(args: argparse.Namespace) -> bool:
    if args.list or args.starter or args.file or args.check_only:
        return True
    if len(args.targets) != 1:
        return False
    from quizapp.content import load_library

    library = load_library(extra_dirs=list(args.content))  # its problems are printed by the command
    return kind_of(args.targets[0], library, ("topic", "card", "task")) == "task"


def _spelled(targets: list[str]) -> str:
    return "".join(" " + shlex.quote(target) for target in targets)
