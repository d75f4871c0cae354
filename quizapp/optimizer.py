"""FSRS fitted to the user's own reviews, with ``fsrs-rs-python`` (the Rust FSRS core that Anki's
optimizer runs; no torch).  Its FSRS-6 defaults are the ``fsrs`` package's, so what it fits goes
straight into :class:`quizapp.scheduler.Scheduler`.

How the log becomes training data (as fsrs-rs's own examples do): each card's scheduled reviews
(mode ``review``; cram and mock reviews leave memory alone) in time order; every review that
comes on a later day than the card's previous one is a prediction to learn from, with the card's
history up to it; predictions are listed oldest first, since fsrs-rs weighs recent ones more.  Days are whole 24-hour spans since the previous review, which is how the
``fsrs`` package measures elapsed time when it schedules, so fitted parameters mean there what
they meant here.

The binding lacks wheels for macOS on Python 3.10 (it is a dependency everywhere else):
:func:`binding` says so in one line instead of an ImportError.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from quizapp.cardstate import RETENTION_RANGE, Settings
from quizapp.scheduler import DEFAULT_PARAMETERS, Scheduler
from quizapp.store import Review

__all__ = [
    "MIN_ITEMS",
    "Evaluation",
    "Fit",
    "NotEnoughReviews",
    "OptimizerMissing",
    "binding",
    "evaluate",
    "fit",
    "recommend_retention",
    "training_items",
]

#: fsrs-rs fits every parameter only from this many predictions left after it sets outliers
#: aside (fewer: only the first four, fewer than 8: none), so below it quizapp fits nothing.
MIN_ITEMS = 64
#: The retention ``recommend_retention`` may return: the band ``quizapp settings`` allows.
RETENTION_BOUNDS = RETENTION_RANGE
#: The simulated span over which a retention's cost is weighed (fsrs-rs's default).
LEARN_SPAN_DAYS = 365

#: One prediction: the card's reviews up to and including the predicted one, as (rating, days
#: since the review before; 0 for the first).
Item = tuple[tuple[int, int], ...]


class OptimizerMissing(RuntimeError):
    """fsrs-rs-python is not installed (no wheel for this platform)."""


class NotEnoughReviews(ValueError):
    def __init__(self, usable: int, reviews: int) -> None:
        super().__init__(
            f"FSRS needs at least {MIN_ITEMS} reviews to learn from to fit its parameters; your log has {usable} "
            f"(of {reviews} reviews: only those a day or more after the card's previous one count, and FSRS sets "
            "aside cards whose first rating and first wait few other cards share). Nothing was changed."
        )
        self.usable = usable
        self.reviews = reviews


class Evaluation(NamedTuple):
    """How well a parameter set predicts a log: log loss (lower is better) and RMSE(bins), the
    error of predicted against actual recall in bins of similar reviews (0.05 is 5 points)."""

    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]
    reviews: int  # scheduled reviews in the log
    items: int  # predictions in the log (those it was fitted to, outliers aside, and evaluated on)
    default: Evaluation  # FSRS's default parameters on the same log
    fitted: Evaluation


def binding() -> Any:
    """The ``fsrs_rs_python`` module, or :class:`OptimizerMissing` saying how to get it."""
    try:
        import fsrs_rs_python
    except ImportError:
        raise OptimizerMissing(
            "fitting FSRS needs the fsrs-rs-python package, which has no wheel for this platform "
            "(macOS with Python 3.10); use Python 3.11 or later, or `pip install fsrs-rs-python` with a Rust toolchain"
        ) from None
    return fsrs_rs_python


def histories(reviews: Iterable[Review]) -> dict[str, list[Review]]:
    """Each card's scheduled reviews, oldest first (by time, then log order)."""
    by_card: dict[str, list[Review]] = defaultdict(list)
    for review in reviews:
        if review.mode == "review":
            by_card[review.card_id].append(review)
    for rows in by_card.values():
        rows.sort(key=lambda r: (r.reviewed_at, r.id if r.id is not None else 0))
    return dict(by_card)


def training_items(reviews: Iterable[Review]) -> list[Item]:
    """The predictions the log holds (see the module docstring), oldest first: fsrs-rs weighs
    recent reviews more, by their place in the list."""
    dated: list[tuple[datetime, int, Item]] = []
    for rows in histories(reviews).values():
        steps: list[tuple[int, int]] = []
        previous = rows[0].reviewed_at
        for review in rows:
            days = max(0, (review.reviewed_at - previous) // timedelta(days=1))
            steps.append((int(review.rating), days))
            if days > 0:
                dated.append((review.reviewed_at, len(dated), tuple(steps)))
            previous = review.reviewed_at
    return [item for *_, item in sorted(dated)]


def _fsrs_items(items: Sequence[Item]) -> list[Any]:
    rs = binding()
    return [rs.FSRSItem([rs.FSRSReview(rating, days) for rating, days in item]) for item in items]


def usable_count(items: Sequence[Item]) -> int:
    """How many of ``items`` fsrs-rs trains on once it has set outliers aside (first reviews
    whose rating and wait too few other cards share)."""
    if not items:
        return 0
    fsrs_items = _fsrs_items(items)
    first_only = [item for item in fsrs_items if item.long_term_review_cnt() == 1]
    _, kept = binding().filter_outlier(first_only, fsrs_items)
    return len(kept)


def evaluate(parameters: Sequence[float], items: Sequence[Item]) -> Evaluation:
    """How well ``parameters`` predict ``items``."""
    result = binding().FSRS(list(parameters)).evaluate(_fsrs_items(items))
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def fit(reviews: Sequence[Review], settings: Settings | None = None) -> Fit:
    """FSRS parameters fitted to ``reviews``; :class:`NotEnoughReviews` below :data:`MIN_ITEMS`
    predictions.  The parameters are within the ``fsrs`` package's bounds (checked)."""
    settings = settings or Settings()
    items = training_items(reviews)
    scheduled = sum(len(rows) for rows in histories(reviews).values())
    usable = usable_count(items)
    if usable < MIN_ITEMS:
        raise NotEnoughReviews(usable, scheduled)
    fitted = binding().FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
        _fsrs_items(items), num_relearning_steps=len(settings.relearning_steps)
    )
    # float32 values to 4 places, as fsrs-rs shows them (0.00099999 is the bound 0.001 again)
    parameters = tuple(round(float(w), 4) for w in fitted)
    Scheduler(settings, parameters)  # raises ValueError if fsrs would refuse them
    return Fit(
        parameters=parameters,
        reviews=scheduled,
        items=len(items),
        default=evaluate(DEFAULT_PARAMETERS, items),
        fitted=evaluate(parameters, items),
    )


def recommend_retention(parameters: Sequence[float], settings: Settings, deck_size: int) -> float:
    """The desired retention that costs the least study time per card remembered, by fsrs-rs's
    simulator over a year of this deck under these limits and steps (within 0.70-0.99)."""
    rs = binding()
    config = rs.default_simulator_config()
    config.deck_size = max(1, deck_size)
    config.learn_span = LEARN_SPAN_DAYS
    config.learn_limit = settings.new_per_day
    config.review_limit = settings.reviews_per_day
    config.max_ivl = float(settings.maximum_interval)
    config.learning_step_count = len(settings.learning_steps)
    config.relearning_step_count = len(settings.relearning_steps)
    best = float(rs.optimal_retention(config, list(parameters)))
    low, high = RETENTION_BOUNDS
    return round(min(max(best, low), high), 2) if math.isfinite(best) else settings.desired_retention
