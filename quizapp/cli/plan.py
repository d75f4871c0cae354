"""``quizapp plan``: set the interview date and print the plan to be ready for it.

- ``quizapp plan --interview 2026-03-24 [--target 0.90]`` stores the date (and the target
  readiness) and prints the plan; ``quizapp plan`` prints it for the stored date;
- ``--clear`` forgets the date; ``--apply`` raises ``new_per_day`` to what the plan needs (the
  change is printed before it is made).

A date that is not YYYY-MM-DD or has passed, or a target outside 0.50-0.99: exit 2 with one line
(the message ``quizapp settings`` gives: both are settings), nothing changed.  The figures come
from :mod:`quizapp.interview.plan`.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from quizapp.cli.common import load_library, open_store

if TYPE_CHECKING:
    from quizapp.interview.plan import Plan

PROG = "quizapp plan"
WIDTH = 100


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "plan",
        parents=[common],
        help="set your interview date and see the plan to be ready for it",
        description="Readiness per topic at your interview date (the recall FSRS predicts for that "
        "morning), the new cards a day that introduce every card 3 days early, and the reviews to "
        "expect each day. Exit 2 for a date that is not YYYY-MM-DD or has passed.",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--interview", metavar="YYYY-MM-DD", help="set the interview date, then print the plan")
    when.add_argument("--clear", action="store_true", help="forget the interview date")
    parser.add_argument("--target", metavar="R", help="the readiness each topic should reach, 0.50-0.99 (default 0.90)")
    parser.add_argument("--apply", action="store_true", help="raise new_per_day to what the plan needs")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, now: datetime | None = None) -> int:
    # Imported when the command runs: the plan brings FSRS and the store (every command builds
    # this parser, and `quizapp validate` need not pay for them).
    from quizapp.history import local_date
    from quizapp.interview.dates import upcoming
    from quizapp.interview.plan import make_plan
    from quizapp.settings_text import SettingError, check_setting
    from quizapp.store import StoreError

    now = now or datetime.now(timezone.utc)
    store = open_store(args, PROG)
    if store is None:
        return 1
    with store:
        try:
            if args.clear:
                store.save_settings(interview_date=None)
                print("Interview date cleared.")
                return 0
            typed = {"interview_date": args.interview, "interview_target": args.target}
            settings = store.settings()
            try:  # every value a user types goes through the settings' one check
                for key, text in typed.items():
                    if text is not None:
                        settings = check_setting(settings, key, text, local_date(now, None))
            except SettingError as exc:
                print(f"{PROG}: {exc}", file=sys.stderr)
                return 2
            changes = {key: getattr(settings, key) for key, text in typed.items() if text is not None}
            if changes:
                store.save_settings(**changes)
            interview = upcoming(settings, now)
            if interview is None:
                print("\n".join(no_date_lines(settings.interview_date)))
                return 0
            library = load_library(args)
            plan = make_plan(library.topics, store, now, interview)
            print("\n".join(plan_lines(plan)))
            if args.apply:
                print("\n".join(apply_lines(plan)))
                if plan.too_low:
                    store.save_settings(new_per_day=plan.needed_per_day)
        except StoreError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 1
    return 0


def no_date_lines(stored: object) -> list[str]:
    if stored is None:
        return ["No interview date set. Set one: quizapp plan --interview YYYY-MM-DD"]
    return [f"Your interview date {stored} has passed. Set the next one: quizapp plan --interview YYYY-MM-DD"]


def apply_lines(plan: Plan) -> list[str]:
    if not plan.too_low:
        return ["", f"new_per_day ({plan.new_per_day}) is already enough for the date; nothing changed."]
    return ["", f"Setting new_per_day from {plan.new_per_day} to {plan.needed_per_day}."]


def _percent(value: float) -> str:
    return f"{value:.0%}"


def plan_lines(plan: Plan) -> list[str]:
    """The plan as ``quizapp plan`` prints it."""
    days = "today" if plan.days_left == 0 else f"in {plan.days_left} day{'s' if plan.days_left != 1 else ''}"
    lines = [
        f"Interview on {plan.interview:%a %Y-%m-%d} ({days}); target readiness {_percent(plan.target)}.",
        "",
        "Readiness at the interview: the recall FSRS predicts for that morning (not studied: 0%),",
        "as the cards are now, with the plan, and at your current pace (least ready first).",
    ]
    pace = f"at {plan.new_per_day}/day"
    width = max([len(t.title) for t in plan.now.topics] + [7])
    lines.append(f"  {'':<{width}}  {'now':>5}  {'plan':>5}  {pace:>10}")
    with_plan = {t.topic_id: t for t in plan.with_plan.topics}
    at_pace = {t.topic_id: t for t in plan.at_pace.topics}
    for topic in sorted(plan.now.topics, key=lambda t: (at_pace[t.topic_id].ready, t.ready)):
        predicted = at_pace[topic.topic_id].ready
        flag = "  below target" if predicted < plan.target else ""
        lines.append(
            f"  {topic.title:<{width}}  {_percent(topic.ready):>5}  {_percent(with_plan[topic.topic_id].ready):>5}"
            f"  {_percent(predicted):>10}{flag}"
        )
    lines.append(
        f"  {'Overall':<{width}}  {_percent(plan.now.overall):>5}  {_percent(plan.with_plan.overall):>5}"
        f"  {_percent(plan.at_pace.overall):>10}"
    )
    lines.append("")
    lines += _new_card_lines(plan)
    if plan.days:
        lines += ["", "Day by day (expected reviews, the new cards' learning steps included):"]
        for i, day in enumerate(plan.days):
            label = f"{day.day:%a %m-%d}" + (" today" if i == 0 else "")
            over = "  over your reviews_per_day" if day.reviews > plan.reviews_per_day else ""
            lines.append(f"  {label:<15} {day.new:4d} new  {day.reviews:6.0f} reviews{over}")
    return lines


def _new_card_lines(plan: Plan) -> list[str]:
    if plan.unseen == 0:
        return ["Every card has been introduced: keep up with the reviews."]
    if plan.too_late:
        return [f"{plan.unseen} cards are not studied yet and fewer than 3 days are left:",
                "cram the weakest instead (quizapp cram)."]
    last = next((d.day for d in reversed(plan.days) if d.new), plan.interview)
    lines = [
        f"{plan.unseen} cards not studied yet; to introduce each at least 3 days early (by {last:%a %m-%d}),",
        f"study {plan.needed_per_day} new cards a day.",
    ]
    if plan.too_low:
        lines.append(f"Your new_per_day, {plan.new_per_day}, is too low for the date: "
                     f"`quizapp plan --apply` sets it to {plan.needed_per_day}.")
    below = plan.below_target()
    if below:
        names = ", ".join(f"{t.title} {_percent(t.ready)}" for t in below)
        stay = "topics stay" if len(below) > 1 else "topic stays"
        lines += textwrap.wrap(f"At your current pace {len(below)} {stay} below {_percent(plan.target)}: {names}.",
                               width=WIDTH, subsequent_indent="  ")
    return lines
