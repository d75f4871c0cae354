"""Schema v3, resets: a database made by the v2 schema comes through the upgrade with every review
and state (backed up first); ``Store.reset_card`` puts a card back to new in one transaction and
records it, and a replay of the log (``quizapp optimize --reschedule``) starts after the reset
instead of bringing the old schedule back."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import pytest

from quizapp.cli.fitting import reschedule
from quizapp.migrations import V1, V2, V3
from quizapp.replay import after_resets, replay_card
from quizapp.scheduler import NEW, CardState, Rating, Scheduler
from quizapp.store import Review, Store, StoreError

from .store_helpers import T0

CARDS = [f"card-{i}" for i in range(6)]


def _grade(store: Store, card_id: str, rating: Rating, at) -> None:
    scheduler = Scheduler()
    review = Review(card_id=card_id, reviewed_at=at, rating=int(rating), kind="flashcard")
    store.apply_review(card_id, lambda s: scheduler.review(s, rating, at), review)


def make_v2_database(path) -> None:
    """A database as quizapp with schema v2 made it: reviews of six cards over a month, one card
    buried and one suspended."""
    with Store.open(path, migrations=(V1, V2)) as store:
        for day in range(30):
            for i, card in enumerate(CARDS):
                if (day + i) % 4 == 0:
                    rating = Rating.Again if day % 3 == 0 else Rating.Good
                    _grade(store, card, rating, T0 + timedelta(days=day, hours=i))
        store.bury(CARDS[0], T0 + timedelta(days=40))
        store.set_suspended(CARDS[1], True)


def test_a_v2_database_is_upgraded_with_every_review_and_state(tmp_path):
    path = tmp_path / "reviews.db"
    make_v2_database(path)
    with Store.open(path, migrations=(V1, V2)) as old:
        reviews = sorted(old.reviews(), key=lambda r: r.id)
        states = {card: old.state(card) for card in CARDS}
    notices: list[str] = []
    with Store.open(path, migrations=(V1, V2, V3), notice=notices.append) as store:
        assert store.schema_version() == 3
        assert sorted(store.reviews(), key=lambda r: r.id) == reviews
        assert {card: store.state(card) for card in CARDS} == states
        assert store.resets() == {}
    assert len(reviews) > 30
    [backup] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"reviews-schema-v2-\d{8}T\d{6}Z\.db", backup.name)
    assert notices == [f"backed up {path} (schema v2) to {backup} before upgrading it"]


def test_a_reset_card_is_new_keeps_its_reviews_and_its_flags(tmp_path):
    path = tmp_path / "reviews.db"
    make_v2_database(path)
    with Store.open(path, notice=lambda line: None) as store:
        kept = store.reviews(CARDS[0])
        before = store.reset_card(CARDS[0], T0 + timedelta(days=31))
        after = store.state(CARDS[0])
        assert before.reps == len(kept) and before.state != NEW
        assert after.state == NEW and after.reps == after.lapses == 0 and after.due is None and after.stability is None
        assert after.buried_until == before.buried_until  # still buried as it was
        assert store.reviews(CARDS[0]) == kept
        assert store.resets() == {CARDS[0]: T0 + timedelta(days=31)}


def test_a_replay_starts_after_the_last_reset(tmp_path):
    path = tmp_path / "reviews.db"
    make_v2_database(path)
    reset_at = T0 + timedelta(days=31)
    later = reset_at + timedelta(hours=2)
    with Store.open(path, notice=lambda line: None) as store:
        untouched = store.state(CARDS[2])
        store.reset_card(CARDS[3], reset_at - timedelta(days=5))  # an earlier reset: the last one counts
        store.reset_card(CARDS[3], reset_at)
        store.reset_card(CARDS[4], reset_at)
        _grade(store, CARDS[4], Rating.Good, later)  # studied again after its reset
        counted = after_resets(store.reviews(), store.resets())
        assert {r.card_id for r in counted if r.reviewed_at <= reset_at} == set(CARDS) - {CARDS[3], CARDS[4]}
        reschedule(store)
        assert store.state(CARDS[3]).state == NEW  # reset, not studied since: stays new
        assert store.state(CARDS[4]) == Scheduler().review(CardState(CARDS[4]), Rating.Good, later)  # as if new
        assert store.state(CARDS[2]) == replay_card(CARDS[2], store.reviews(CARDS[2]), Scheduler())
        assert store.state(CARDS[2]).reps == untouched.reps


def test_an_unreadable_reset_row_is_named(tmp_path):
    path = tmp_path / "reviews.db"
    with Store.open(path) as store:
        store.reset_card("c", T0)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE card_reset SET reset_at = 'yesterday'")
    with Store.open(path) as store, pytest.raises(StoreError, match=r"the reset of card 'c' holds 'yesterday', not a time"):
        store.resets()
