"""``quizapp optimize [--retention] [--reschedule] [--reset]``: fit FSRS to your own reviews.

Prints how well FSRS's default parameters and the fitted ones predict this database's review log
(log loss, RMSE(bins)), and stores the fitted ones with the date and review count when they
predict it better than the parameters in use; the scheduler uses them from the next review on.
Cards keep their due dates until then, unless ``--reschedule`` replays every card's log with them
now.  ``--retention`` also recommends a desired retention.  Too few reviews: says how many are
needed and changes nothing (exit 1).
"""

from __future__ import annotations

import argparse

PROG = "quizapp optimize"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "optimize",
        parents=[common],
        help="fit FSRS's parameters to your own reviews",
        description="Fit FSRS's parameters to this database's review log (fsrs-rs-python), print how well "
        "the default and the fitted parameters predict it, and keep the fitted ones when they predict it "
        "better. Exit 1 when there are too few reviews (nothing changes) or for a database problem.",
    )
    parser.add_argument("--retention", action="store_true", help="also recommend a desired retention")
    parser.add_argument("--reschedule", action="store_true", help="recompute every card's due date now by replaying its reviews")
    parser.add_argument("--reset", action="store_true", help="go back to FSRS's default parameters")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Here, not at the top: every command's module is imported to build the parser, and fitting
    # brings fsrs, the store and the optimizer (python -X importtime: ~100 ms on other commands).
    from quizapp.cli.fitting import optimize

    return optimize(args, PROG)
