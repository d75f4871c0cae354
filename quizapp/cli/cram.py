"""``quizapp cram [TOPIC...] [--limit N] [--reschedule]``: the cards weakest at your interview first.

The order is :func:`quizapp.interview.cram.cram_order`.  Answers are logged as cram reviews and
leave the schedule alone (``--reschedule``: they count as normal reviews).  In a terminal the
session opens in the app, as ``quizapp study`` does; ``--plain`` (or a pipe) keeps it to plain
lines on stdin/stdout.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import Any

from quizapp.cli.common import isatty, run_with_store
from quizapp.cli.study import _positive_int, _resolve_targets, _UsageError, run_in_tui

PROG = "quizapp cram"
INTRO = {
    "cram": "Cramming the cards you are least likely to recall at your interview first. "
    "Answers are logged as cram reviews: the schedule stays as it is.",
    "review": "Cramming the cards you are least likely to recall at your interview first. "
    "With --reschedule each answer counts as a normal review.",
}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "cram",
        parents=[common],
        help="cram the cards you are least likely to recall at your interview",
        description="Serve the cards with the lowest recall FSRS predicts for your interview date "
        "(now, without a date) first. Answers are logged as cram reviews and leave the schedule "
        "alone, like an Anki filtered deck with rescheduling off.",
    )
    parser.add_argument("targets", nargs="*", metavar="TOPIC", help="topic ids to cram; default: all")
    parser.add_argument("--limit", type=_positive_int, metavar="N", help="at most N cards")
    parser.add_argument("--reschedule", action="store_true", help="count the answers as normal reviews (they change the schedule)")
    parser.add_argument("--plain", action="store_true", help="plain text on stdin/stdout even in a terminal")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, now: datetime | None = None) -> int:
    return run_with_store(args, PROG, lambda store, library: _cram(args, store, library, now))


def _cram(args: argparse.Namespace, store: Any, library: Any, now: datetime | None) -> int:
    # Imported when the command runs (every command builds this parser): the study loop.
    from quizapp.cli.plain_session import PlainDrill
    from quizapp.interview.cram import cram_order
    from quizapp.study import open_session

    try:
        topics, cards = _resolve_targets(library, args.targets)
    except _UsageError as problem:
        print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
    if cards:
        print(f"{PROG}: cram takes topic ids, not card ids (quizapp study CARD studies one card)", file=sys.stderr)
        return 2
    mode = "review" if args.reschedule else "cram"
    order = cram_order([library.topic(t) for t in topics] or library.topics, store, now or datetime.now(timezone.utc))
    if not args.plain and isatty(sys.stdin) and isatty(sys.stdout):
        return run_in_tui(library, store, cards=order, limit=args.limit, mode=mode, title="Cram")
    session = open_session(library, store, cards=order, limit=args.limit, mode=mode, now=(lambda: now) if now else None)
    print(INTRO[mode])
    return PlainDrill(session, sys.stdin, sys.stdout).run()
