"""``quizapp code [TASK]``: the coding drills (write BatchNorm, dropout, AdamW, ... in NumPy).

    quizapp code                                # the tasks (as --list)
    quizapp code layer_norm                     # its card in the app's editor (--plain: as text)
    quizapp code layer_norm --starter > ln.py   # the signature and docstring to fill in
    quizapp code layer_norm --file ln.py        # checked on hidden cases; its card is graded
    quizapp code layer_norm --file ln.py --check-only

TASK is a task id or the id of a code card.  A topic, another card or an exercise generator names
the command that takes it.  Exit codes: 0 listed, printed or passed; 1 the check failed (or a
database problem); 2 a usage error (an unknown id, an unreadable file).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from quizapp.cli.common import isatty, load_library, run_with_store
from quizapp.cli.ids import id_problem

PROG = "quizapp code"


def add_task_options(parser: argparse.ArgumentParser) -> None:
    """What to do with a task instead of studying its card (shared with the ``drill`` alias)."""
    parser.add_argument("--list", action="store_true", help="list the coding tasks")
    parser.add_argument("--starter", action="store_true", help="print the TASK's starter (signature and docstring) and exit")
    parser.add_argument("--file", metavar="PY", help="check your implementation of TASK and grade its card")
    parser.add_argument("--check-only", action="store_true", help="with --file: report, but do not grade the card")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "code",
        parents=[common],
        help="write a technique in NumPy: list the tasks, print a starter, check a file",
        description="Coding drills: implement a technique in NumPy, checked on hidden cases. With "
        "no TASK, list them. `quizapp code TASK` opens its card in the app's editor (as plain text "
        "with --plain or without a terminal); `--starter`, then `--file my.py`, works from your own "
        "editor. Exit 0 listed/printed/passed, 1 the check failed or a database problem, 2 a usage "
        "error.",
    )
    parser.add_argument("task", nargs="?", metavar="TASK", help="a task id (see --list) or a code card's id")
    add_task_options(parser)
    parser.add_argument("--plain", action="store_true", help="study the task's card as plain text on stdin/stdout, even in a terminal")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.file:
        from quizapp.drills.process import warm_up

        warm_up()  # the checker process imports NumPy while the tasks load here
    if args.list or args.task is None:
        if args.starter or args.file or args.check_only:
            return _usage("give a task, e.g. `quizapp code batch_norm_train --starter` (see --list)")
        return _list_tasks()
    task = _task(args)
    if task is None:
        return 2
    if args.starter:
        print(task.starter, end="" if task.starter.endswith("\n") else "\n")
        return 0
    if args.check_only and not args.file:
        return _usage("--check-only goes with --file PY")
    if args.file:
        return _check_file(args, task)
    return _study_card(args, task)


def _usage(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _list_tasks() -> int:
    from quizapp.drills import TASKS

    width = max(len(task_id) for task_id in TASKS)
    for task_id, task in TASKS.items():
        print(f"{task_id:<{width}}  {task.title}")
    return 0


def _task(args: argparse.Namespace) -> Any:
    """The task named by ``args.task`` (a task id or a code card's id), or None after saying why."""
    from quizapp.drills import TASKS

    if args.task in TASKS:
        return TASKS[args.task]
    library = load_library(args)
    card = library.cards.get(args.task)
    if card is not None and card.kind == "code" and getattr(card, "task", "") in TASKS:
        return TASKS[card.task]
    _usage(id_problem(args.task, ("task",), library))
    return None


def _task_cards(library: Any, task: Any) -> list[str]:
    return [c.id for c in library.cards.values() if c.kind == "code" and getattr(c, "task", "") == task.id]


def _study_card(args: argparse.Namespace, task: Any) -> int:
    """The task's card, now, due or not: in the app's editor, or as text (a line of . ends it)."""
    from quizapp.cli.study import run_in_tui, run_plain

    def study(store: Any, library: Any) -> int:
        cards = _task_cards(library, task)
        if not cards:
            return _usage(f"no card uses the task {task.id!r}: write it from `{PROG} {task.id} --starter` and check it with --file")
        if not args.plain and isatty(sys.stdin) and isatty(sys.stdout):
            return run_in_tui(library, store, cards=cards[:1], title=task.title)
        return run_plain(library, store, cards=cards[:1])

    return run_with_store(args, PROG, study)


def _check_file(args: argparse.Namespace, task: Any) -> int:
    from quizapp.drills import check
    from quizapp.drills.checking import UnreadableFile, read_solution_file

    try:
        code = read_solution_file(args.file)
    except UnreadableFile as err:
        return _usage(str(err))
    if args.check_only:
        report = check(task.id, code)
        print("\n".join(report.lines()))
        return 0 if report.passed else 1
    return _grade_file(args, task, code)


def _grade_file(args: argparse.Namespace, task: Any, code: str) -> int:
    """Check the file as the answer to the task's code card, and record the grade."""
    from quizapp.cli.plain_session import RATING_WORDS
    from quizapp.drills import check
    from quizapp.grading import AnswerError
    from quizapp.scheduler import format_interval
    from quizapp.study import open_session

    def grade(store: Any, library: Any) -> int:
        cards = _task_cards(library, task)
        if not cards:
            print(f"{PROG}: no card uses the task {task.id!r}; checking without grading", file=sys.stderr)
            report = check(task.id, code)
            print("\n".join(report.lines()))
            return 0 if report.passed else 1
        session = open_session(library, store, cards=cards[:1])
        presented = session.next()
        try:
            outcome = session.submit(code)
        except AnswerError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 1
        report = outcome.detail
        print("\n".join(report.lines()) if hasattr(report, "lines") else outcome.message)
        due = format_interval(outcome.interval)
        print(f"saved: {presented.card.id} graded {RATING_WORDS[outcome.rating]}; next review in {due}")
        return 0 if outcome.correct else 1

    return run_with_store(args, PROG, grade)
