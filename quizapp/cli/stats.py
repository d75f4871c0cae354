"""``quizapp stats``: reviews per day, retention, cards by state, forecast, mastery, misconceptions.

The figures come from :func:`quizapp.stats.compute` (shared with the TUI's stats screen); this
module only prints them, as plain lines (or JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from quizapp.cli.common import run_with_store

if TYPE_CHECKING:
    from quizapp.interview.stats import InterviewStats
    from quizapp.stats import Stats


PROG = "quizapp stats"
BAR_WIDTH = 30


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "stats",
        parents=[common],
        help="print your review statistics",
        description="Reviews per day and retention over the last 30 days, cards by state, the due "
        "forecast for the next 14 days, mastery per topic and your most frequent misconceptions.",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported when the command runs: every command builds this parser, and the figures bring the
    # store and FSRS (python -X importtime: ~12 ms that `quizapp validate` need not pay).
    from quizapp.interview.stats import interview_stats
    from quizapp.interview.text import interview_lines
    from quizapp.stats import compute

    def body(store, library) -> int:
        stats = compute(library, store)
        interview = interview_stats(library, store, stats.now)
        if args.json:
            print(json.dumps(stats_json(stats) | {"interview": interview_json(interview)}, indent=2))
        else:
            print("\n".join(stats_lines(stats) + [""] + interview_lines(interview)))
        return 0

    return run_with_store(args, PROG, body)


def _bar(count: int, most: int) -> str:
    if count <= 0 or most <= 0:
        return ""
    return "#" * max(1, round(BAR_WIDTH * count / most))


def stats_lines(stats: Stats) -> list[str]:
    lines: list[str] = []
    retention = stats.retention_30d
    shown = f"{retention:.0%} ({stats.right_30d} of {stats.reviewed_30d} right)" if retention is not None else "no reviews yet"
    lines.append(f"Reviews in the last 30 days: {stats.reviewed_30d}; retention {shown}. All time: {stats.total_reviews}.")
    most = max((d.count for d in stats.reviews_per_day), default=0)
    for day in stats.reviews_per_day:
        lines.append(f"  {day.day:%a %Y-%m-%d}  {day.count:5d}  {_bar(day.count, most)}".rstrip())

    s = stats.by_state
    lines.append("")
    lines.append(
        f"Cards: {s['new']} new, {s['learning']} learning, {s['review']} review, {s['relearning']} relearning"
        + (f" ({s['suspended']} suspended)" if s.get("suspended") else "")
        + "."
    )

    lines.append("")
    lines.append("Due in the next 14 days (today includes overdue):")
    most = max((d.count for d in stats.forecast), default=0)
    for i, day in enumerate(stats.forecast):
        label = "today" if i == 0 else f"{day.day:%a %m-%d}"
        lines.append(f"  {label:<9}  {day.count:5d}  {_bar(day.count, most)}".rstrip())

    lines.append("")
    lines.append(
        f"Mastery by topic (cards in review you would recall now with {stats.mastery_target:.0%}+ chance):"
    )
    width = max((len(t.title) for t in stats.topics), default=5)
    for topic in stats.topics:
        lines.append(
            f"  {topic.title:<{width}}  {topic.mastered:4d}/{topic.cards:<4d} {topic.mastery:4.0%}  "
            f"{topic.due:3d} due  {topic.new:3d} new"
        )

    lines.append("")
    if stats.misconceptions:
        lines.append("Most frequent misconceptions in your answers:")
        for m in stats.misconceptions:
            teach = f"; review {', '.join(m.teaching_cards[:3])}" if m.teaching_cards else ""
            lines.append(f"  {m.name}: {m.count}x, last {m.last_seen.astimezone():%Y-%m-%d}{teach}")
        top = stats.misconceptions[0].name
        lines.append(f"Study the cards that correct one: quizapp study --teaches {top}")
    else:
        lines.append("No misconceptions recognised in your answers yet.")
    return lines


def stats_json(stats: Stats) -> dict[str, Any]:
    return {
        "now": stats.now.isoformat(),
        "reviews_per_day": [{"day": d.day.isoformat(), "count": d.count} for d in stats.reviews_per_day],
        "reviewed_30d": stats.reviewed_30d,
        "right_30d": stats.right_30d,
        "retention_30d": stats.retention_30d,
        "total_reviews": stats.total_reviews,
        "mastery_target": stats.mastery_target,
        "by_state": stats.by_state,
        "forecast": [{"day": d.day.isoformat(), "count": d.count} for d in stats.forecast],
        "topics": [
            {"id": t.topic_id, "title": t.title, "cards": t.cards, "new": t.new, "due": t.due,
             "mastered": t.mastered, "mastery": t.mastery}
            for t in stats.topics
        ],
        "misconceptions": [
            {"name": m.name, "count": m.count, "last_seen": m.last_seen.isoformat(),
             "teaching_cards": list(m.teaching_cards)}
            for m in stats.misconceptions
        ],
    }


def interview_json(stats: InterviewStats) -> dict[str, Any]:
    return {
        "cram_30d": stats.cram_30d,
        "mock_30d": stats.mock_30d,
        "mocks": [
            {"started": m.started.isoformat(), "minutes": m.minutes, "right": m.right, "answered": m.answered}
            for m in stats.mocks
        ],
        "misconceptions": [
            {"name": m.name, "status": m.status, "shown": m.shown, "right_retests": m.right_retests,
             "last": m.last.isoformat(), "due": m.due.isoformat() if m.due else None}
            for m in stats.misconceptions
        ],
    }
