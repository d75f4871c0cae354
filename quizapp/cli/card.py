"""``quizapp card ID [ACTION]``: one card's schedule, and the changes Anki's browser offers.

    quizapp card bn-momentum-none              # its state: new/learning/review, due, reviews, lapses
    quizapp card bn-momentum-none suspend      # out of every session until unsuspended
    quizapp card bn-momentum-none unsuspend
    quizapp card bn-momentum-none unbury       # buried until tomorrow: back today
    quizapp card bn-momentum-none reset        # back to new, after a confirmation (or --yes)

Each change is one transaction through a named Store method and prints one line.  A reset forgets
the card's schedule, reps and lapses; the review log keeps every row.  Exit codes: 0 done (or
nothing to change), 1 a database problem or a reset declined, 2 a usage error (an unknown id,
a reset without a terminal and without --yes).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import Any

from quizapp.cli.common import isatty, run_with_store
from quizapp.cli.ids import id_problem

PROG = "quizapp card"
ACTIONS = ("show", "suspend", "unsuspend", "unbury", "reset")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "card",
        parents=[common],
        help="show a card's schedule, or suspend, unsuspend, unbury or reset it",
        description="Show one card's schedule, or change it: suspend (out of every session), "
        "unsuspend, unbury (back today) or reset (back to new; its reviews stay in the log; asks "
        "first, or give --yes). Exit 0 done, 1 a database problem or a reset declined, 2 a usage "
        "error.",
    )
    parser.add_argument("card", metavar="ID", help="a card id")
    parser.add_argument("action", nargs="?", default="show", choices=ACTIONS, help="what to do (default: show)")
    parser.add_argument("--yes", action="store_true", help="reset without asking")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return run_with_store(args, PROG, lambda store, library: _act(args, store, library))


def _act(args: argparse.Namespace, store: Any, library: Any) -> int:
    card_id, action = args.card, args.action
    if card_id not in library.cards:
        print(f"{PROG}: {id_problem(card_id, ('card',), library)}", file=sys.stderr)
        return 2
    now = datetime.now(timezone.utc)
    if action == "show":
        print(f"{card_id}: {describe(store.state(card_id), now, len(store.reviews(card_id)))}")
    elif action == "suspend":
        before = store.set_suspended(card_id, True)
        print(f"{card_id} was already suspended." if before.suspended else
              f"Suspended {card_id}: no session shows it until `{PROG} {card_id} unsuspend`.")
    elif action == "unsuspend":
        before = store.set_suspended(card_id, False)
        print(f"Unsuspended {card_id}: it is back in the queue." if before.suspended else f"{card_id} was not suspended.")
    elif action == "unbury":
        before = store.bury(card_id, None)
        print(f"Unburied {card_id}: it can be studied today." if before.is_buried(now) else f"{card_id} was not buried.")
    else:
        return _reset(store, args, now)
    return 0


def _reset(store: Any, args: argparse.Namespace, now: datetime) -> int:
    card_id = args.card
    state = store.state(card_id)
    if state.is_new:
        print(f"{card_id} is new already: nothing to reset.")
        return 0
    reviews = len(store.reviews(card_id))
    if not args.yes:
        if not (isatty(sys.stdin) and isatty(sys.stdout)):
            print(f"{PROG}: reset asks for a confirmation; without a terminal, add --yes", file=sys.stderr)
            return 2
        print(f"{card_id}: {describe(state, now, reviews)}")
        try:
            answer = input(f"Reset {card_id} to new, forgetting its schedule (its reviews stay in the log)? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing changed.")
            return 1
    store.reset_card(card_id, now)
    print(f"Reset {card_id} to new; its {reviews} review{'s stay' if reviews != 1 else ' stays'} in the log.")
    return 0


def describe(state: Any, now: datetime, reviews: int) -> str:
    """One line: the card's state, when it is due, its reviews and lapses, and whether hidden."""
    from quizapp.scheduler import format_interval

    parts = [state.state_name]
    if state.due is not None:
        wait = state.due - now
        when = "now" if wait.total_seconds() <= 0 else f"in {format_interval(wait)}"
        parts.append(f"due {when} ({state.due.astimezone():%Y-%m-%d %H:%M})")
    parts.append(f"{reviews} review{'s' if reviews != 1 else ''} logged, {state.lapses} lapse{'s' if state.lapses != 1 else ''}")
    if state.suspended:
        parts.append("suspended")
    if state.is_buried(now):
        parts.append(f"buried until {state.buried_until.astimezone():%Y-%m-%d %H:%M}")
    return "; ".join(parts)
