"""Whatever a user does (grades, wrong answers, undo, skip, bury, suspend, pauses), the database
and the session agree: one log row per grade still standing, each card's state written with its
row, and each undo taking back exactly the last grade, bury or suspend."""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

from hypothesis import given, strategies as st

from quizapp.scheduler import Rating, day_start
from quizapp.session import Session
from quizapp.store import Store

from .store_helpers import Clock, flash, library, topic, truefalse

LIB = library(
    topic("alpha", [flash("a1", tags=("x",)), flash("a2", tags=("x",)), truefalse("a3"), flash("a4")]),
    topic("beta", [truefalse("b1", "beta", answer=False), flash("b2", "beta")]),
)

actions = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.integers(1, 4)),
        st.tuples(st.just("undo"), st.just(0)),
        st.tuples(st.just("skip"), st.just(0)),
        st.tuples(st.just("bury"), st.just(0)),
        st.tuples(st.just("suspend"), st.just(0)),
        st.tuples(st.just("wait"), st.integers(0, 3 * 3600)),
    ),
    max_size=40,
)


@given(actions)
def test_store_and_session_agree_after_any_sequence(steps):
    with tempfile.TemporaryDirectory() as folder:
        clock = Clock()
        with Store.open(Path(folder) / "q.db") as store:
            session = Session(LIB, store, now=clock, tz=timezone.utc, rng=random.Random(0))
            # The model: each card's bury and suspend flags, and what each undo must put back.
            flags = {card_id: (None, False) for card_id in LIB.cards}  # (buried_until, suspended)
            undo: list[tuple[str, tuple]] = []
            for action, value in steps:
                p = session.next()
                if action == "wait":
                    clock.advance(seconds=value)
                elif action == "undo":
                    if session.undo() is not None:
                        card_id, before = undo.pop()
                        flags[card_id] = before
                elif p is None:
                    continue
                elif action == "skip":
                    session.skip()
                elif action in ("bury", "suspend"):
                    undo.append((p.card.id, flags[p.card.id]))
                    buried_until, suspended = flags[p.card.id]
                    if action == "bury":
                        session.bury()
                        buried_until = day_start(clock(), 4, timezone.utc) + timedelta(days=1)
                    else:
                        session.suspend()
                        suspended = True
                    flags[p.card.id] = (buried_until, suspended)
                else:
                    undo.append((p.card.id, flags[p.card.id]))
                    if p.self_graded:
                        session.grade(Rating(value))
                    else:
                        session.submit(value % 2 == 0)
                    flags[p.card.id] = (None, flags[p.card.id][1])  # a grade ends a bury

                shown = session.current
                assert shown is None or flags[shown.card.id] == (None, False)  # never a hidden card
                for card_id, (buried_until, suspended) in flags.items():
                    stored = store.state(card_id)
                    assert (stored.buried_until, stored.suspended) == (buried_until, suspended), card_id

                history = session.history
                rows = list(reversed(store.reviews()))
                assert [(r.card_id, r.rating) for r in rows] == [(o.card.id, int(o.rating)) for o in history]
                per_card = Counter(r.card_id for r in rows)
                for card_id in LIB.cards:
                    assert store.state(card_id).reps == per_card.get(card_id, 0)
                if history:  # the store holds the last grade's state (later flags aside)
                    last = history[-1]
                    buried_until, suspended = flags[last.card.id]
                    expected = replace(last.state, buried_until=buried_until, suspended=suspended)
                    assert store.state(last.card.id) == expected
            summary = session.summary()
            assert summary.reviewed == len(session.history) == store.review_count()
            assert summary.right + summary.wrong == summary.reviewed
