"""The session keeps today's queue in memory and changes it in place after each grade, skip, bury
and undo, instead of rebuilding it from the store (that is what makes the next card quick).  Here a
model draws every next card from a from-scratch build instead: which cards are left and when each
learning card is due come from ``todays_queue`` over the store's rows at that moment, and only the
order policy is modelled (the session's first order, a skipped card to the back, learning cards
due now first, a failed card's siblings avoided).  After any sequence of actions, the session
shows the card the model draws."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from quizapp.scheduler import LEARNING, RELEARNING, REVIEW, CardState, Rating, day_start
from quizapp.store import Store
from quizapp.study import open_session
from quizapp.study_queue import StudyQueue, todays_queue

from .store_helpers import T0, UTC, Clock, flash, library, topic

CARDS = [flash(f"alpha-{i:02d}", tags=(("even", "odd")[i % 2],)) for i in range(10)]
LIBRARY = library(topic("alpha", CARDS))
IDS = [card.id for card in CARDS]
TAG = {card.id: card.tags[0] for card in CARDS}

# What a card holds before the session: new, a review due (long ago, this morning, this evening,
# tomorrow), a learning or relearning card due soon, or suspended.
start_states = st.lists(st.sampled_from(["new", "overdue", "due", "later", "tomorrow", "learning", "relearning",
                                          "suspended"]), min_size=len(IDS), max_size=len(IDS))
grade = st.tuples(st.just("grade"), st.sampled_from(list(Rating)))
actions = st.lists(
    st.one_of(  # mostly grades and short waits, as a study session goes
        grade, grade, grade,
        st.tuples(st.just("wait"), st.integers(1, 20)),  # 40 waits stay within the study day
        st.tuples(st.just("regrade"), st.sampled_from(list(Rating))),
        st.tuples(st.just("skip")),
        st.tuples(st.just("bury")),
        st.tuples(st.just("undo")),
    ),
    min_size=5,
    max_size=40,
)


def stored(card_id: str, kind: str) -> CardState | None:
    review = CardState(card_id, state=REVIEW, stability=5.0, difficulty=5.0, last_review=T0 - timedelta(days=5))
    return {
        "new": None,
        "overdue": replace(review, due=T0 - timedelta(days=3)),
        "due": replace(review, due=T0 - timedelta(hours=4)),
        "later": replace(review, due=T0 + timedelta(hours=8)),  # before the next study day (04:00)
        "tomorrow": replace(review, due=T0 + timedelta(days=1, hours=2)),
        "learning": CardState(card_id, state=LEARNING, step=1, stability=1.0, difficulty=5.0,
                              due=T0 + timedelta(minutes=7), last_review=T0 - timedelta(minutes=3)),
        "relearning": replace(review, state=RELEARNING, step=0, due=T0 + timedelta(minutes=2), lapses=1),
        "suspended": replace(review, due=T0 - timedelta(days=1), suspended=True),
    }[kind]


def build(store: Store, now: datetime, day_starts_at: int) -> StudyQueue:
    """Today's queue from scratch: every card's stored state and today's reviews, read now."""
    today = day_start(now, day_starts_at, UTC)
    queue, _ = todays_queue(store.state_rows(), store.done_since(today), IDS, now=now, today=today,
                            new_limit=len(IDS), review_limit=len(IDS))
    return queue


@dataclass
class Model:
    """The order policy: the first order of today's reviews and new cards, the cards skipped to
    its back, the card shown, the cards to avoid after a grade; membership is asked of the store."""

    order: list[str]
    moved: list[str] = field(default_factory=list)  # skipped cards, in the order skipped
    shown: str | None = None
    avoid: frozenset[str] = frozenset()
    undo: list[tuple[list[str], list[str], str | None, frozenset[str]]] = field(default_factory=list)

    def snapshot(self) -> None:
        self.undo.append((list(self.order), list(self.moved), self.shown, self.avoid))

    def next(self, store: Store, clock: Clock, learn_ahead: timedelta, day_starts_at: int) -> str | None:
        if self.shown is not None:
            return self.shown
        now = clock()
        fresh = build(store, now, day_starts_at)
        main = set(fresh.main) | (set(self.moved) & (set(fresh.main) | set(fresh.learning)))
        learning = sorted((due, cid) for cid, due in fresh.learning.items() if cid not in self.moved)
        ordered = [cid for cid in self.order if cid in main and cid not in self.moved]
        ordered += [cid for cid in self.moved if cid in main]
        candidates = [cid for due, cid in learning if due <= now] + ordered
        candidates += [cid for due, cid in learning if now < due <= now + learn_ahead]
        if not candidates:
            return None
        chosen = next((cid for cid in candidates if cid not in self.avoid), candidates[0])
        self.shown = chosen
        return chosen


def run(folder: Path, kinds: list[str], steps: list[tuple]) -> None:
    clock = Clock()
    with Store.open(folder / "r.db") as store:
        store.put_states(state for cid, kind in zip(IDS, kinds) if (state := stored(cid, kind)) is not None)
        settings = store.settings()
        assert settings.new_per_day >= len(IDS) and settings.reviews_per_day >= len(IDS)  # limits never bind
        session = open_session(LIBRARY, store, now=clock, tz=UTC, rng=random.Random(7))
        model = Model(order=list(build(store, clock(), settings.day_starts_at).main))
        for number, (action, *args) in enumerate(steps):
            expected = model.next(store, clock, settings.learn_ahead, settings.day_starts_at)
            shown = session.next()
            assert (shown.card.id if shown else None) == expected, f"step {number}: {steps[:number + 1]}"
            if action == "wait":
                clock.advance(minutes=args[0])
            elif action == "undo":
                if not model.undo:
                    assert session.undo() is None  # nothing to take back
                    continue
                undone = session.undo()
                model.order, model.moved, model.shown, model.avoid = model.undo.pop()
                assert undone is not None and undone.card.id == model.shown  # shown again
            elif shown is None:
                continue
            elif action == "grade":
                model.snapshot()
                session.grade(args[0])
                model.moved = [cid for cid in model.moved if cid != shown.card.id]
                model.avoid = (frozenset(cid for cid in IDS if TAG[cid] == TAG[shown.card.id])
                               if args[0] == Rating.Again else frozenset({shown.card.id}))
                model.shown = None
                if steps[number + 1:number + 2] and steps[number + 1][0] == "regrade":
                    rating = steps[number + 1][1]
                    session.regrade(rating)
                    if rating == Rating.Again:
                        model.avoid = frozenset(cid for cid in IDS if TAG[cid] == TAG[shown.card.id])
                    elif args[0] == Rating.Again:
                        model.avoid = frozenset({shown.card.id})
            elif action == "skip":
                session.skip()
                model.moved = [cid for cid in model.moved if cid != shown.card.id] + [shown.card.id]
                model.avoid, model.shown = frozenset({shown.card.id}), None
            elif action == "bury":
                model.snapshot()
                session.bury()
                model.shown = None
            clock.advance(seconds=20)  # the time a look at the card takes


@given(start_states, actions)
def test_the_next_card_is_the_one_a_queue_built_from_scratch_gives(kinds, steps):
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), kinds, steps)
