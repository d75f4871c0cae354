"""``quizapp merge OTHER.db``: take in another machine's reviews (quizapp.merge).

Prints what was added and which cards were replayed, and says when the two databases' settings
differ (the states follow this database's).  Exit 0 when merged (or nothing was new), 1 when the
other file cannot be merged: a line says why, and nothing was changed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from quizapp.cli.common import open_store

PROG = "quizapp merge"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "merge",
        parents=[common],
        help="take in the reviews of another machine's database",
        description="Merge another quizapp database (say your laptop's, copied over by a sync tool) "
        "into this one: both review logs and both sets of undone reviews, then every card touched "
        "is replayed with this database's settings. The other file is only read. Merging again "
        "changes nothing. Exit 0 when merged, 1 when the file cannot be merged.",
    )
    parser.add_argument("other", metavar="OTHER.db", help="the other machine's database (a copy of it)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizapp.merge import merge
    from quizapp.store import StoreError

    store = open_store(args, PROG)
    if store is None:
        return 1
    with store:
        try:
            report = merge(store, Path(args.other).expanduser())
        except StoreError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 1
        print(*report_lines(report, store.path), sep="\n")
    return 0


def report_lines(report, here: Path) -> list[str]:
    if not report.changed:
        lines = [f"nothing new in {report.other}: {here} already has all its reviews"]
    else:
        modes = Counter(review.mode for review in report.added)
        kinds = ", ".join(f"{n} {mode}" for mode, n in sorted(modes.items()) if mode != "review")
        lines = [
            f"merged {report.other} into {here}: {len(report.added)} reviews added"
            + (f" ({kinds})" if kinds else "")
            + f", {report.removed} removed (undone there), {report.tombstones} undo records taken over"
            + (f", {report.resets} card resets taken over" if report.resets else "")
            + (f", {report.mock_rounds} mock rounds taken over" if report.mock_rounds else ""),
            f"{len(report.cards)} cards replayed with this database's settings",
        ]
    for key, mine, theirs in report.settings_differ:
        lines.append(f"note: setting {key} is {mine!r} here and {theirs!r} there; card states follow this database's")
    if report.settings_problem:
        lines.append(f"note: the other database's settings could not be read ({report.settings_problem})")
    return lines
