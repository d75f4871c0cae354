"""``quizapp study [TOPIC|CARD...]``: today's study session, in the app or as plain text.

In a terminal the session opens in the app (its home screen is one ``q`` away); with ``--plain``,
or when stdin or stdout is not a terminal, it runs on stdin/stdout (quizapp.cli.plain_session).
Topic ids study the topics' due and new cards, card ids exactly those cards (due or not);
``--tag``, ``--teaches`` and ``--limit`` narrow either.  An id of another kind (a coding task, an
exercise generator) names the command that takes it.

Exit codes: 0 when the session ends or you quit (also when there is nothing to study: it says
why), 1 for a database problem, 2 for a usage error (an unknown id or tag, a bad --limit).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import Any

from quizapp.cli.common import isatty, run_with_store
from quizapp.cli.ids import id_problem

PROG = "quizapp study"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def add_session_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose and show a study session (shared with the ``drill`` alias)."""
    parser.add_argument("--tag", action="append", default=[], metavar="TAG", help="only cards with this tag (repeatable: any of them)")
    parser.add_argument("--teaches", metavar="NAME", help="study the cards that correct a misconception (see `quizapp stats`)")
    parser.add_argument("--limit", type=_positive_int, metavar="N", help="at most N cards this session")
    parser.add_argument("--plain", action="store_true", help="plain text on stdin/stdout (in a terminal the session opens in the app unless --plain is given)")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "study",
        parents=[common],
        help="study today's due and new cards (in the app, or --plain text)",
        description="Study today's due and new cards: in the app when run in a terminal, else (or "
        "with --plain) as plain text on stdin/stdout (type ? while studying for the keys). Each "
        "grade is saved the moment it is given. Exit 0 when the session ends or you quit, 1 for a "
        "database problem, 2 for a usage error.",
    )
    parser.add_argument("targets", nargs="*", metavar="TOPIC|CARD", help="topic ids or card ids to study; default: every topic")
    add_session_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return run_with_store(args, PROG, lambda store, library: _study(args, store, library))


def _study(args: argparse.Namespace, store: Any, library: Any) -> int:
    try:
        topics, cards = _resolve_targets(library, args.targets)
        _check_tags(library, args.tag)
        if args.teaches:
            cards, topics = _teaching_cards(library, args.teaches, topics), []
    except _UsageError as problem:
        print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
    chosen: dict[str, Any] = {"topics": topics, "tags": args.tag, "cards": cards, "limit": args.limit}
    if not args.plain and isatty(sys.stdin) and isatty(sys.stdout):
        return run_in_tui(library, store, title=_title(library, topics, args.teaches), **chosen)
    return run_plain(library, store, **chosen)


class _UsageError(Exception):
    """A target, tag or misconception the decks do not have; ``str()`` is the one line to print."""


def _resolve_targets(library: Any, targets: list[str]) -> tuple[list[str], list[str] | None]:
    """Topic ids and card ids (None when no card was named)."""
    topic_ids = {topic.id for topic in library.topics}
    topics: list[str] = []
    cards: list[str] = []
    for target in targets:
        if target in topic_ids:
            topics.append(target)
        elif target in library.cards:
            cards.append(target)
        else:
            raise _UsageError(id_problem(target, ("topic", "card"), library))
    if topics and cards:
        raise _UsageError("give topic ids or card ids, not both")
    return topics, cards or None


def _check_tags(library: Any, tags: list[str]) -> None:
    """Every ``--tag`` must be a tag some card carries: a typo is not an empty session."""
    known = sorted({tag for card in library.cards.values() for tag in card.tags})
    for tag in tags:
        if tag in known:
            continue
        close = difflib.get_close_matches(tag, known, n=5, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}?" if close else f"tags: {', '.join(known[:30])}{', ...' if len(known) > 30 else ''}"
        raise _UsageError(f"no card has the tag {tag!r}; {hint}")


def _teaching_cards(library: Any, name: str, topics: list[str]) -> list[str]:
    """The ids of the cards whose ``teaches`` lists the misconception ``name`` (within ``topics``)."""
    from quizapp.engine.exercises.misconceptions import CATALOG

    if name not in CATALOG:
        close = difflib.get_close_matches(name, CATALOG, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise _UsageError(f"unknown misconception {name!r}{hint}")
    cards = [
        card.id
        for card in library.cards.values()
        if name in card.teaches and (not topics or card.topic in topics)
    ]
    if not cards:
        raise _UsageError(f"no card teaches {name!r}")
    return cards


def _title(library: Any, topics: list[str], teaches: str | None) -> str:
    if teaches:
        return f"Cards that correct {teaches}"
    return ", ".join(library.topic(t).title for t in topics)


def run_plain(library: Any, store: Any, **chosen: Any) -> int:
    from quizapp.cli.plain_session import PlainDrill
    from quizapp.study import open_session

    session = open_session(library, store, **chosen)
    return PlainDrill(session, sys.stdin, sys.stdout).run()


def run_in_tui(library: Any, store: Any, **start: Any) -> int:
    """In a terminal, the same session in the app (its home screen is one q away)."""
    from quizapp.tui.app import QuizApp
    from quizapp.tui.context import AppContext

    app = QuizApp(AppContext(library=library, store=store), start=start)
    app.run()
    return app.return_code or 0
