"""``quizapp export anki FILE.apkg [--topic T...]`` and ``quizapp export reviews FILE.csv|.jsonl``.

The Anki package holds the decks (quizapp.exchange.anki_export); the review export holds the
review log (quizapp.exchange.reviews_export; docs/export.md lists its columns).  A file is written
whole or not at all.  Exit 0 when written, 1 when it could not be, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizapp.cli.common import load_library, open_store

PROG = "quizapp export"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="write the decks as an Anki package, or the review log as CSV or JSON Lines",
        description="Export the decks to Anki (flashcards, choice, true/false and cloze cards; one "
        "Anki deck per topic) or your review log for analysis (docs/export.md).",
    )
    what = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    anki = what.add_parser("anki", parents=[common], help="the decks as an Anki package (.apkg)")
    anki.add_argument("file", metavar="FILE.apkg")
    anki.add_argument("--topic", action="append", metavar="T", help="only this topic (repeatable)")
    anki.set_defaults(func=run_anki)
    reviews = what.add_parser("reviews", parents=[common], help="the review log as .csv or .jsonl")
    reviews.add_argument("file", metavar="FILE.csv|FILE.jsonl")
    reviews.set_defaults(func=run_reviews)


def _fail(message: str, code: int = 1) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def run_anki(args: argparse.Namespace) -> int:
    from quizapp.content.messages import did_you_mean
    from quizapp.exchange.anki_export import LEFT_OUT_WHY, export_anki
    from quizapp.exchange.files import ExchangeError

    library = load_library(args)
    topics = list(library.topics)
    if args.topic:
        known = {topic.id for topic in topics}
        unknown = [t for t in args.topic if t not in known]
        if unknown:
            hint = did_you_mean(unknown[0], sorted(known)) or f" (topics: {', '.join(sorted(known))})"
            return _fail(f"unknown topic {unknown[0]!r}{hint}", 2)
        topics = [topic for topic in topics if topic.id in args.topic]
    target = Path(args.file).expanduser()
    try:
        report = export_anki(topics, target)
    except ExchangeError as exc:
        return _fail(str(exc))
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(report.notes.items()))
    print(f"wrote {sum(report.notes.values())} notes ({kinds}) in {report.decks} deck{'s' if report.decks != 1 else ''} to {target}")
    if report.left_out:
        left = " and ".join(f"{n} {'code drill' if kind == 'code' else kind}{'s' if n != 1 else ''}"
                            for kind, n in sorted(report.left_out.items()))
        print(f"left out {left}: {LEFT_OUT_WHY}")
    return 0


def run_reviews(args: argparse.Namespace) -> int:
    from quizapp.exchange.files import ExchangeError
    from quizapp.exchange.reviews_export import FORMATS, export_reviews

    target = Path(args.file).expanduser()
    if target.suffix.lower() not in FORMATS:
        return _fail(f"{target}: name the file .csv or .jsonl to choose the format", 2)
    store = open_store(args, PROG)
    if store is None:
        return 1
    with store:
        try:
            written = export_reviews(store.reviews(), target)
        except ExchangeError as exc:
            return _fail(str(exc))
    print(f"wrote {written} reviews to {target}")
    return 0
