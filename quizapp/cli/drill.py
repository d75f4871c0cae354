"""``quizapp drill [TOPIC...] --plain``: today's study session as plain lines on stdin/stdout.

For scripts, screen readers and tests: the same :class:`quizapp.session.Session` the TUI drives.

- flashcard: Enter shows the answer, then ``1 again (1m)  2 hard (6m)  3 good (10m)  4 easy (4d)``
  and a digit grades it;
- choice: numbered options, type the number(s) (``2`` or ``1 3``);
- true/false: ``t`` or ``f``;
- exercise: the prompt; type the answer (a matrix row by row, ending with an empty line); the
  verdict, the expected answer and the worked steps follow;
- after a checked answer the suggested grade (right Good, wrong Again) is saved and shown with each
  grade's interval: Enter keeps it, 1-4 changes it;
- at any prompt: ``u`` undoes the last grade, ``s`` skips, ``b`` buries until tomorrow, ``?`` help,
  ``q`` or end of input quits and prints the summary.

Every grade is committed before ``saved: ...`` is printed, so a killed process loses nothing that
was acknowledged.  Without ``--plain``, in a terminal, the same session opens in the app instead.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from quizapp.cli.common import isatty, load_library, open_store

PROG = "quizapp drill"

def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "drill",
        parents=[common],
        help="study today's due and new cards in plain text",
        description="Study today's due and new cards on stdin/stdout (see `?` while studying). "
        "Each grade is saved the moment it is given. Exit 0 when the session ends or you quit, "
        "1 for a database problem, 2 for a usage error.",
    )
    parser.add_argument("targets", nargs="*", metavar="TOPIC", help="topic ids (or card ids, or one drill task) to study; default: all")
    parser.add_argument("--tag", action="append", default=[], metavar="TAG", help="only cards with this tag (repeatable: any of them)")
    parser.add_argument("--teaches", metavar="NAME", help="study the cards that correct a misconception (see `quizapp stats`)")
    parser.add_argument("--limit", type=_positive_int, metavar="N", help="at most N cards this session")
    parser.add_argument("--plain", action="store_true", help="plain text on stdin/stdout (in a terminal the session opens in the app unless --plain is given)")
    coding = parser.add_argument_group("coding drills", "`quizapp drill TASK --starter`, then `quizapp drill TASK --file my.py`")
    coding.add_argument("--list", action="store_true", help="list the coding drills")
    coding.add_argument("--starter", action="store_true", help="print the TASK's starter (signature and docstring) and exit")
    coding.add_argument("--file", metavar="PY", help="check your implementation of TASK and grade its card")
    coding.add_argument("--check-only", action="store_true", help="with --file: report, but do not grade the card")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list or args.starter or args.file:
        return run_task(args)
    from quizapp.cli.plain_session import PlainDrill
    from quizapp.store import StoreError
    from quizapp.study import open_session

    store = open_store(args, PROG)
    if store is None:
        return 1
    with store:
        library = load_library(args)
        topics, cards, problem = _resolve_targets(library, args.targets)
        if not problem and args.teaches:
            cards, problem = _teaching_cards(library, args.teaches, topics)
            topics = []
        if problem:
            print(f"{PROG}: {problem}", file=sys.stderr)
            return 2
        try:
            if not args.plain and isatty(sys.stdin) and isatty(sys.stdout):
                title = ", ".join(library.topic(t).title for t in topics) or (
                    f"Cards that correct {args.teaches}" if args.teaches else ""
                )
                return _run_in_tui(library, store, topics=topics, tags=args.tag, cards=cards, limit=args.limit, title=title)
            session = open_session(library, store, topics=topics, tags=args.tag, cards=cards, limit=args.limit)
            return PlainDrill(session, sys.stdin, sys.stdout).run()
        except StoreError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 1


def _run_in_tui(library: Any, store: Any, **start: Any) -> int:
    """In a terminal, the same session in the app (its home screen is one q away)."""
    from quizapp.tui.app import QuizApp
    from quizapp.tui.context import AppContext

    app = QuizApp(AppContext(library=library, store=store), start=start)
    app.run()
    return app.return_code or 0


def _resolve_targets(library: Any, targets: list[str]) -> tuple[list[str], list[str] | None, str | None]:
    """Topic ids and card ids (None when no card was named), or a problem."""
    topic_ids = [t.id for t in library.topics]
    topics: list[str] = []
    cards: list[str] = []
    for target in targets:
        if target in topic_ids:
            topics.append(target)
        elif target in library.cards:
            cards.append(target)
        else:
            import difflib

            close = difflib.get_close_matches(target, topic_ids + list(library.cards), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; topics: {', '.join(topic_ids) or '(none)'}"
            return [], [], f"unknown topic or card {target!r}{hint}"
    if topics and cards:
        return [], [], "give topic ids or card ids, not both"
    return topics, cards or None, None


def _teaching_cards(library: Any, name: str, topics: list[str]) -> tuple[list[str], str | None]:
    """The ids of the cards whose ``teaches`` lists the misconception ``name`` (within ``topics``)."""
    from quizapp.engine.exercises.misconceptions import CATALOG

    if name not in CATALOG:
        import difflib

        close = difflib.get_close_matches(name, CATALOG, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return [], f"unknown misconception {name!r}{hint}"
    cards = [
        card.id
        for card in library.cards.values()
        if name in card.teaches and (not topics or card.topic in topics)
    ]
    return cards, None if cards else f"no card teaches {name!r}"


# -- coding drills from a file ------------------------------------------------------------------


def run_task(args: argparse.Namespace) -> int:
    """``--list``, ``--starter`` and ``--file``: a coding drill without the interactive session."""
    if args.file:
        from quizapp.drills.process import warm_up

        warm_up()  # the checker process imports NumPy while the tasks load here
    from quizapp.drills import TASKS, UnknownTask, get_task

    if args.list:
        width = max(len(task_id) for task_id in TASKS)
        for task_id, task in TASKS.items():
            print(f"{task_id:<{width}}  {task.title}")
        return 0
    if len(args.targets) != 1:
        print(f"{PROG}: give one drill task, e.g. `{PROG} batch_norm_train --starter` (see --list)", file=sys.stderr)
        return 2
    try:
        task = get_task(args.targets[0])
    except UnknownTask as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2
    if args.starter:
        print(task.starter, end="" if task.starter.endswith("\n") else "\n")
        return 0
    from quizapp.drills.checking import UnreadableFile, read_solution_file

    try:
        code = read_solution_file(args.file)
    except UnreadableFile as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2
    if args.check_only:
        from quizapp.drills import check

        report = check(task.id, code)
        print("\n".join(report.lines()))
        return 0 if report.passed else 1
    return _grade_file(args, task, code)


def _grade_file(args: argparse.Namespace, task: Any, code: str) -> int:
    """Check the file as the answer to the task's code card, and record the grade."""
    from quizapp.cli.plain_session import RATING_WORDS
    from quizapp.grading import AnswerError
    from quizapp.scheduler import format_interval
    from quizapp.store import StoreError
    from quizapp.study import open_session

    store = open_store(args, PROG)
    if store is None:
        return 1
    with store:
        library = load_library(args)
        cards = [c.id for c in library.cards.values() if c.kind == "code" and getattr(c, "task", "") == task.id]
        if not cards:
            print(f"{PROG}: no card uses the drill {task.id!r}; checking without grading", file=sys.stderr)
            from quizapp.drills import check

            report = check(task.id, code)
            print("\n".join(report.lines()))
            return 0 if report.passed else 1
        try:
            session = open_session(library, store, cards=cards[:1])
            presented = session.next()
            outcome = session.submit(code)
        except (AnswerError, StoreError) as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 1
        report = outcome.detail
        print("\n".join(report.lines()) if hasattr(report, "lines") else outcome.message)
        due = format_interval(outcome.interval)
        print(f"saved: {presented.card.id} graded {RATING_WORDS[outcome.rating]}; next review in {due}")
        return 0 if outcome.correct else 1
