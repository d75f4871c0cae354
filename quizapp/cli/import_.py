"""``quizapp import FILE.apkg|FILE.csv|FILE.tsv --out DIR``: cards from Anki or a table, as decks.

An Anki package gives its Basic-like and Cloze notes (quizapp.exchange.anki_import); a CSV or TSV
file its front/back rows (quizapp.exchange.table_import).  The decks are written to DIR, one YAML
file per topic, and pass ``quizapp validate``; study them with ``quizapp --content DIR``.  The
report says what was converted, what was left out and why, and which media files the cards named
(media are not imported).  The input is treated as hostile (quizapp.exchange.apkg): a file that
cannot be imported is one line and exit 1, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROG = "quizapp import"
SUFFIXES = (".apkg", ".csv", ".tsv")
#: How many left-out notes the report names one by one.
SHOWN_SKIPS = 10


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import",
        parents=[common],
        help="turn an Anki package or a CSV/TSV table into decks",
        description="Convert an Anki package (.apkg: Basic and Cloze notes) or a table of "
        "front/back rows (.csv, .tsv; the first row names the columns) into YAML decks in DIR that "
        "pass quizapp validate. Exit 0 when written, 1 when the file cannot be imported (nothing "
        "is written), 2 on a usage error.",
    )
    parser.add_argument("file", metavar="FILE.apkg|FILE.csv|FILE.tsv")
    parser.add_argument("--out", required=True, metavar="DIR", help="the folder to write the decks to")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from quizapp.exchange.anki_import import import_apkg
    from quizapp.exchange.deck_writer import build_decks, write_decks
    from quizapp.exchange.files import ExchangeError
    from quizapp.exchange.table_import import import_table

    source = Path(args.file).expanduser()
    out = Path(args.out).expanduser()
    suffix = source.suffix.lower()
    if suffix not in SUFFIXES:
        print(f"{PROG}: {source}: give an .apkg, .csv or .tsv file", file=sys.stderr)
        return 2
    try:
        imported = import_apkg(source) if suffix == ".apkg" else import_table(source)
        files, dropped = build_decks(imported.decks)
        if files:
            write_decks(files, out)
    except ExchangeError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    entries = sum(f.entries for f in files)
    cards = sum(f.cards for f in files)
    print(f"converted {entries} notes ({cards} cards) from {source} into {len(files)} deck file(s) in {out}")
    for deck_file in files:
        print(f"  {out / deck_file.name}: {deck_file.entries} notes")
    skipped = imported.skipped + dropped
    if skipped:
        print(f"left out {len(skipped)}:")
        for line in skipped[:SHOWN_SKIPS]:
            print(f"  {line}")
        if len(skipped) > SHOWN_SKIPS:
            print(f"  ... and {len(skipped) - SHOWN_SKIPS} more")
    if imported.media:
        names = sorted(imported.media)
        shown = ", ".join(names[:5]) + (f", ... ({len(names)} in all)" if len(names) > 5 else "")
        print(f"media not supported (not imported; the text around them was kept): {shown}")
    if files:
        print(f"study them with: quizapp --content {out}")
    return 0
