"""The misconception memories kept in the database (quizapp.interview.memory_cache) are always
those of a replay of the whole log, whatever changed it (grades, right re-tests, undos, regrades,
a merge of another machine's database, settings and fitted parameters); they replay only the
events added since when nothing else changed; and a kept value that is not theirs is rebuilt."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

import fsrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.cardstate import FittedParameters
from quizapp.interview import memory_cache
from quizapp.interview.memory_cache import kept_memories
from quizapp.interview.misconceptions import ACTIVE, FIXED, IMPROVING, memories
from quizapp.merge import merge
from quizapp.scheduler import DEFAULT_PARAMETERS, Rating, Scheduler, scheduler_for
from quizapp.store import Review, Store, StoreError

from ..store.store_helpers import T0

CARDS = ["ex-a", "ex-b", "ex-c"]
NAMES = ["difference", "bessel"]
DAY = timedelta(days=1)


def replayed(store: Store) -> dict:
    """The reference: every misconception event of the log replayed from the start."""
    return memories(store.misconception_events(), scheduler_for(store))


def log(store: Store, card_id: str, at, misconception: str | None = None, correct: bool = False, rating: int = 3):
    """One review, as a session logs it: a wrong answer matching ``misconception`` (``correct``
    False), or a right re-test of it (True); returns (review id, the card's state before)."""
    review = Review(card_id, at, rating, "exercise", correct=correct, misconception=misconception)
    before, _, review_id = store.apply_review(card_id, lambda s: Scheduler().review(s, Rating(rating), at), review)
    return review_id, before


# -- hand-worked cases --------------------------------------------------------------------------------


def test_memories_continued_event_by_event_are_fsrs_s_own_and_count_what_happened(tmp_path):
    """Read after every event (so each is replayed from the kept memories), the memory is the
    fsrs package's own card after the same ratings, and the counts are those of the events."""
    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = fsrs.Card(card_id=1)
    events = [(0, False, "ex-a"), (1.2, True, "ex-b"), (4.5, False, "ex-b"), (5, True, "ex-a"), (13, True, "ex-c")]
    with Store.open(tmp_path / "r.db") as store:
        store.save_settings(enable_fuzzing=False)
        for days, correct, card_id in events:
            at = T0 + days * DAY
            log(store, card_id, at, "difference", correct)
            card, _ = scheduler.review_card(card, fsrs.Rating.Good if correct else fsrs.Rating.Again, at)
            got = kept_memories(store)["difference"]
            assert (got.state.stability, got.state.difficulty, got.state.due) == (card.stability, card.difficulty, card.due)
        # by hand: shown on day 0 (ex-a) and 4.5 (ex-b); right on 1.2, 5 and 13: the run since
        # the last lapse is days 5 and 13, eight days apart, so it is fixed
        assert (got.shown, got.right_retests, got.last, got.run, got.run_start) == (2, 3, T0 + 13 * DAY, 2, T0 + 5 * DAY)
        assert got.shown_on == ("ex-a", "ex-b") and got.status == FIXED


def test_an_undone_lapse_and_a_merged_older_lapse_are_seen(tmp_path):
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    with Store.open(here) as store:
        log(store, "ex-a", T0, "difference")
        log(store, "ex-a", T0 + DAY, "difference", correct=True)
        review_id, before = log(store, "ex-b", T0 + 2 * DAY, "bessel")
        assert {n: m.status for n, m in kept_memories(store).items()} == {"difference": IMPROVING, "bessel": ACTIVE}
        store.undo_review(review_id, before, T0 + 2 * DAY)
        assert set(kept_memories(store)) == {"difference"}  # the undone lapse is gone
    with Store.open(there) as other:  # another machine saw 'difference' again, between the two events here
        log(other, "ex-c", T0 + DAY / 2, "difference")
    with Store.open(here) as store:
        merge(store, there)
        got = kept_memories(store)["difference"]
        # by hand: lapse (day 0), lapse (day 0.5, merged), right (day 1): improving, shown twice
        assert (got.status, got.shown, got.right_retests, got.shown_on) == (IMPROVING, 2, 1, ("ex-a", "ex-c"))
        assert got == replayed(store)["difference"]


# -- only what changed is replayed ----------------------------------------------------------------------


def test_only_events_added_after_the_kept_ones_are_replayed(tmp_path, monkeypatch):
    replays = []
    real = memory_cache.memories

    def counting(events, scheduler, after=None):
        events = list(events)
        replays.append((len(events), after is not None))
        return real(events, scheduler, after)

    monkeypatch.setattr(memory_cache, "memories", counting)
    with Store.open(tmp_path / "r.db") as store:
        for day in range(5):
            log(store, "ex-a", T0 + day * DAY, "difference", correct=day % 2 == 1)
        kept_memories(store)
        assert replays == [(5, False)]  # nothing kept yet: everything
        kept_memories(store)
        log(store, "f-1", T0 + 5 * DAY)  # a review without a misconception changes nothing of them
        kept_memories(store)
        assert replays == [(5, False)]  # kept: nothing replayed
        review_id, before = log(store, "ex-b", T0 + 6 * DAY, "bessel")
        log(store, "ex-a", T0 + 6 * DAY, "difference", correct=True)
        kept_memories(store)
        assert replays[-1] == (2, True)  # the two new events, from the kept memories
        store.save_settings(new_per_day=7)  # not something the replay depends on
        kept_memories(store)
        assert len(replays) == 2
        store.save_settings(desired_retention=0.85)
        kept_memories(store)
        assert replays[-1] == (7, False)  # the replay depends on the retention: everything again
        store.undo_review(review_id, before, T0 + 6 * DAY)  # not the last misconception row
        assert kept_memories(store) == replayed(store)
        assert replays[-1] == (6, False)


# -- any sequence of changes ----------------------------------------------------------------------------

at_hours = st.integers(-24 * 30, 24 * 60)
event = st.tuples(st.sampled_from(CARDS), at_hours, st.sampled_from([None, *NAMES]), st.booleans(), st.integers(1, 4))
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("grade"), event),
        st.tuples(st.just("undo")),
        st.tuples(st.just("regrade"), st.integers(1, 4)),
        # another machine: a copy of this log with its own events (older ones too) and undos of
        # the newest reviews it took over, merged back in
        st.tuples(st.just("merge"), st.lists(event, max_size=5), st.integers(0, 2)),
        st.tuples(st.just("retention"), st.sampled_from([0.8, 0.9, 0.95])),
        st.tuples(st.just("parameters"), st.sampled_from([None, 0.5, 2.0])),
    ),
    max_size=20,
)


def apply(folder: Path, operations: list[tuple]) -> Path:
    """Run ``operations`` on a database in ``folder``; after each, the kept memories must be those
    of a replay of the whole log (so each is read from what the one before kept).  Returns the
    database's path."""
    path = folder / "here.db"
    Store.open(path).close()
    graded: list[tuple[int, object]] = []
    for number, (kind, *args) in enumerate(operations):
        other_path = folder / f"other-{number}.db"
        if kind == "merge":
            with Store.open(other_path) as other:
                merge(other, path)
                for card_id, hours, name, correct, rating in args[0]:
                    log(other, card_id, T0 + timedelta(hours=hours), name, correct, rating)
                for review in other.reviews(limit=args[1]):
                    other.undo_review(review.id, other.state(review.card_id), T0)
        with Store.open(path) as store:
            if kind == "grade":
                card_id, hours, name, correct, rating = args[0]
                graded.append(log(store, card_id, T0 + timedelta(hours=hours), name, correct, rating))
            elif kind == "undo" and graded:
                store.undo_review(*graded.pop(), T0)
            elif kind == "regrade" and graded:
                review_id, before = graded[-1]
                try:
                    _, new_id = store.regrade_review(review_id, before, args[0], lambda s: s, T0)
                    graded[-1] = (new_id, before)
                except StoreError:  # a merge took that review out of the log
                    pass
            elif kind == "merge":
                merge(store, other_path)
            elif kind == "retention":
                store.save_settings(desired_retention=args[0])
            elif kind == "parameters":
                scale = args[0]
                fitted = None if scale is None else FittedParameters(
                    (DEFAULT_PARAMETERS[0] * scale, *DEFAULT_PARAMETERS[1:]), T0, 10)
                store.save_fsrs_parameters(fitted)
            assert kept_memories(store) == replayed(store)
    return path


@given(OPERATIONS)
def test_the_kept_memories_equal_a_replay_of_the_whole_log_after_any_changes(operations):
    with tempfile.TemporaryDirectory() as folder:
        path = apply(Path(folder), operations)
        with Store.open(path) as store:
            assert kept_memories(store) == replayed(store)
            assert kept_memories(store) == replayed(store)  # and read back as kept


# -- a kept value that is not theirs --------------------------------------------------------------------


def kept_value(tmp_path: Path) -> tuple[Path, dict]:
    """A database with two misconceptions' memories kept, and the kept value."""
    path = tmp_path / "r.db"
    with Store.open(path) as store:
        log(store, "ex-a", T0, "difference")
        log(store, "ex-b", T0 + DAY, "bessel")
        log(store, "ex-a", T0 + 2 * DAY, "difference", correct=True)
        kept_memories(store)
        return path, json.loads(store.misconception_cache())


def changed(value: dict, path: tuple, new: object) -> str:
    """``value`` (left as it is) as JSON, with the item at ``path`` replaced by ``new``."""
    *inner, last = path
    value = json.loads(json.dumps(value))
    target = value
    for step in inner:
        target = target[step]
    target[last] = new
    return json.dumps(value)


GARBLED = {
    "not JSON": lambda v: "{'format': 1",
    "JSON nested too deep": lambda v: "[" * 100_000,
    "a list": lambda v: "[]",
    "another format": lambda v: changed(v, ("format",), 2),
    "another scheduler": lambda v: changed(v, ("replay", "desired_retention"), 0.8),
    "a name that is not text": lambda v: changed(v, ("memories", 0, 0), 5),
    "a card that is not text": lambda v: changed(v, ("memories", 0, 7), [None]),
    "a count that is text": lambda v: changed(v, ("memories", 0, 2), "1"),
    "a count below zero": lambda v: changed(v, ("memories", 0, 3), -1),
    "a stability that is not a number": lambda v: changed(v, ("memories", 0, 1, 2), "x"),
    "an infinite stability": lambda v: changed(v, ("memories", 0, 1, 2), 1e400),
    "an unknown state": lambda v: changed(v, ("memories", 0, 1, 0), 9),
    "a time out of range": lambda v: changed(v, ("memories", 0, 1, 4), 10**20),
    "a time that is a fraction": lambda v: changed(v, ("memories", 0, 4), 1.5),
    "counts that disagree with the reviews": lambda v: changed(v, ("memories", 0, 2), 7),
    "a row too short": lambda v: changed(v, ("memories", 0), ["difference"]),
    "the same name twice": lambda v: changed(v, ("memories", 1, 0), "difference"),
    "a cover that is not a list": lambda v: changed(v, ("cover",), "all"),
    "memories that are a mapping": lambda v: changed(v, ("memories",), {}),
}


@pytest.mark.parametrize("garble", GARBLED.values(), ids=GARBLED.keys())
def test_a_kept_value_that_is_not_theirs_is_ignored_and_rebuilt(tmp_path, garble):
    path, value = kept_value(tmp_path)
    with Store.open(path) as store:
        store.save_misconception_cache(garble(value))
        assert kept_memories(store) == replayed(store)
        assert json.loads(store.misconception_cache()) == value  # rebuilt as it was


def test_a_kept_value_stored_as_a_blob_or_a_number_is_rebuilt(tmp_path):
    path, value = kept_value(tmp_path)
    for stored in (json.dumps(value).encode(), 12):
        with sqlite3.connect(path, isolation_level=None) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (stored, Store.MISCONCEPTION_CACHE_KEY))
        with Store.open(path) as store:
            assert kept_memories(store) == replayed(store)
            assert json.loads(store.misconception_cache()) == value


def test_memories_kept_in_another_database_are_not_taken_for_these(tmp_path):
    (tmp_path / "a").mkdir()
    _, value = kept_value(tmp_path / "a")
    with Store.open(tmp_path / "b.db") as store:
        log(store, "ex-c", T0, "difference", correct=True)
        store.save_misconception_cache(json.dumps(value))
        got = kept_memories(store)
        assert got == replayed(store) and set(got) == {"difference"} and got["difference"].status == IMPROVING
        assert (got["difference"].shown, got["difference"].right_retests) == (0, 1)
