"""What ``quizapp optimize`` does (quizapp.cli.optimize parses its options): fit, compare, keep
the better parameters, recommend a retention, reschedule."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timezone

from quizapp.cardstate import RECOMMENDED_RETENTION, FittedParameters
from quizapp.cli.common import load_library, open_store
from quizapp.optimizer import (
    Evaluation,
    NotEnoughReviews,
    OptimizerMissing,
    evaluate,
    fit,
    recommend_retention,
    training_items,
)
from quizapp.replay import after_resets, replay_card
from quizapp.scheduler import scheduler_for
from quizapp.store import Review, Store


def optimize(args: argparse.Namespace, prog: str) -> int:
    store = open_store(args, prog)
    if store is None:
        return 1
    with store:
        try:
            if args.reset:
                store.save_fsrs_parameters(None)
                print("FSRS parameters: back to the defaults.")
            elif not refit(store):
                return 1
            if args.retention:
                cheapest = recommend_retention(scheduler_for(store).parameters, store.settings(), deck_size(args))
                print(retention_advice(cheapest, store.settings().desired_retention))
            if args.reschedule:
                count = reschedule(store)
                print(f"Rescheduled {count} cards from their reviews.")
        except (OptimizerMissing, NotEnoughReviews) as exc:
            print(f"{prog}: {exc}", file=sys.stderr)
            return 1
    return 0


def refit(store: Store) -> bool:
    """Fit, print the comparison, keep the fitted parameters if they predict the log better than
    those in use.  False (after saying why) when that could not be done."""
    reviews = after_resets(store.reviews(), store.resets())
    result = fit(reviews, store.settings())
    in_use = store.fsrs_parameters()
    rows = [("FSRS defaults", result.default)]
    current = result.default
    if in_use is not None:
        current = evaluate(in_use.parameters, training_items(reviews))
        rows.append((f"fitted {in_use.fitted_at.astimezone():%Y-%m-%d} (in use)", current))
    rows.append(("fitted now", result.fitted))
    print(f"Fitted FSRS to {result.items} predictions from your {result.reviews} reviews:")
    print(*evaluation_table(rows), sep="\n")
    if result.fitted.log_loss >= current.log_loss:
        print("The parameters in use predict your reviews as well already: kept them.")
        return True
    store.save_fsrs_parameters(FittedParameters(result.parameters, datetime.now(timezone.utc), len(reviews)))
    print(
        "Saved: the scheduler uses the fitted parameters from your next review on. Cards keep their "
        "due dates until then (--reschedule recomputes them now)."
    )
    return True


def retention_advice(cheapest: float, now: float) -> str:
    """The retention to set: the simulator's cheapest, brought into FSRS's recommended band."""
    low, high = RECOMMENDED_RETENTION
    advised = min(max(cheapest, low), high)
    why = (
        "the least study time per card remembered, by FSRS's simulator"
        if advised == cheapest
        else f"FSRS's simulator finds {cheapest:.2f} cheapest per card remembered, outside FSRS's recommended {low:.2f}-{high:.2f}"
    )
    return f"Recommended desired retention: {advised:.2f} (now {now:.2f}): {why}; set it with `quizapp settings desired_retention {advised:.2f}`."


def evaluation_table(rows: Sequence[tuple[str, Evaluation]]) -> list[str]:
    width = max(len(name) for name, _ in rows)
    lines = [f"  {'parameters':<{width}}  log loss  RMSE(bins)"]
    lines += [f"  {name:<{width}}  {e.log_loss:8.4f}  {e.rmse_bins:9.2%}" for name, e in rows]
    return lines


def deck_size(args: argparse.Namespace) -> int:
    library = load_library(args)
    return len({card.id for topic in library.topics for card in topic.cards})


def reschedule(store: Store) -> int:
    """Replay every reviewed card's log with the scheduler in use, in one transaction; buried and
    suspended flags stay as they are."""
    scheduler = scheduler_for(store)
    by_card: dict[str, list[Review]] = {}
    for review in after_resets(store.reviews(), store.resets()):
        by_card.setdefault(review.card_id, []).append(review)
    states = []
    for card_id, reviews in by_card.items():
        current = store.state(card_id)
        replayed = replay_card(card_id, reviews, scheduler)
        states.append(replace(replayed, buried_until=current.buried_until, suspended=current.suspended))
    store.put_states(states)
    return len(states)
