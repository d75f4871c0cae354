"""``quizapp mock [--minutes 30]``: a timed mock interview in plain text.

Questions across the topics, weakest first, following up on one concept at a time
(:mod:`quizapp.interview.mock`).  Nothing is said about an answer until the end: then a report
per topic (right, wrong, time, misconceptions) and each question with its answer and why.  The
round is saved; ``quizapp stats`` shows the trend across rounds.  Answers are logged as mock
reviews and leave the schedule alone.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timezone
from typing import Any, Callable

from quizapp.cli.common import run_with_store
from quizapp.cli.study import _positive_int

PROG = "quizapp mock"
MAX_MINUTES = 240


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "mock",
        parents=[common],
        help="a timed mock interview (plain text)",
        description="Questions across the topics, weighted toward your weakest, with follow-ups on "
        "one concept the way an interviewer asks them. No verdicts or hints until the end; then a "
        "report per topic. Answers are logged as mock reviews and leave the schedule alone.",
    )
    parser.add_argument("--minutes", type=_positive_int, default=30, metavar="N", help=f"length of the round (default 30, at most {MAX_MINUTES})")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, now: Callable[[], datetime] | None = None, rng: random.Random | None = None) -> int:
    if args.minutes > MAX_MINUTES:
        print(f"{PROG}: --minutes {args.minutes}: a round lasts at most {MAX_MINUTES} minutes", file=sys.stderr)
        return 2
    clock = now or (lambda: datetime.now(timezone.utc))
    return run_with_store(args, PROG, lambda store, library: _mock(args.minutes, store, library, clock, rng or random.Random()))


def _mock(minutes: int, store: Any, library: Any, now: Callable[[], datetime], rng: random.Random) -> int:
    # Imported when the command runs (every command builds this parser): the study loop.
    from quizapp.cli.plain_mock import MockDrill
    from quizapp.interview.mock import MockRound

    mock = MockRound(library, store, minutes, now, rng)
    if not mock.questions:
        print("No questions to ask: the decks have no choice, true/false, exercise or code cards.")
        return 0
    return MockDrill(mock, sys.stdin, sys.stdout).run()
