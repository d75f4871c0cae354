"""The tallies migration's derived data: the review log's tallies always equal a recount of the log, whatever
changes it (grades, undos, regrades, cram and mock reviews, card resets, ``Store.merge_log``'s
inserts and removals, a bulk insert, hand edits), and
the statistics read them instead of the log.  The recounts here are done in Python from the raw
rows, not with the store's SQL."""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.migrations import MIGRATIONS, TALLIES
from quizapp.scheduler import CardState, Rating, Scheduler
from quizapp.stats import compute
from quizapp.store import Review, Store, StoreError, Tombstone, to_ms

from .store_helpers import T0, flash_library

QUARTER = 15 * 60 * 1000
DAY = 86_400_000
CARDS = [f"alpha-{i:03d}" for i in range(5)]
MISCONCEPTIONS = [None, None, "no_eps", "biased_var"]
#: A review's result: a re-test of a misconception answered right (True) is not counted against it.
RESULTS = [None, False, True]


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def log_rows(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT reviewed_at, rating, mode, misconception, correct FROM review_log").fetchall()


def recount(rows: list[tuple]) -> tuple[dict, dict, dict]:
    """The three tallies worked out from the log's rows: per quarter-hour (reviews, not Again),
    per mode, per misconception (wrong answers that matched it, last time; a re-test answered
    right is not one)."""
    quarters: dict[int, list[int]] = {}
    modes: Counter[str] = Counter()
    seen: dict[str, list[int]] = {}
    for at, rating, mode, misconception, correct in rows:
        counts = quarters.setdefault(at // QUARTER, [0, 0])
        counts[0] += 1
        counts[1] += rating != 1
        modes[mode] += 1
        if misconception is not None and not correct:
            tally = seen.setdefault(misconception, [0, at])
            tally[0] += 1
            tally[1] = max(tally[1], at)
    return ({q: tuple(c) for q, c in quarters.items()}, dict(modes), {m: tuple(t) for m, t in seen.items()})


def tallies(conn: sqlite3.Connection) -> tuple[dict, dict, dict]:
    return (
        {q: (n, r) for q, n, r in conn.execute("SELECT quarter, reviewed, recalled FROM review_tally")},
        dict(conn.execute("SELECT mode, reviewed FROM review_total").fetchall()),
        {m: (n, t) for m, n, t in conn.execute("SELECT name, seen, last_seen FROM misconception_tally")},
    )


def assert_tallies_match_the_log(path: Path) -> None:
    with raw(path) as conn:
        assert tallies(conn) == recount(log_rows(conn))


# -- every change to the log ------------------------------------------------------------------

at_minutes = st.integers(-60 * 24 * 400, 60 * 24 * 2)  # a year back to two days ahead of T0
grade = st.tuples(st.just("grade"), st.sampled_from(CARDS), st.integers(1, 4), at_minutes,
                  st.sampled_from(["review", "review", "cram", "mock"]), st.sampled_from(MISCONCEPTIONS),
                  st.sampled_from(RESULTS))
undo = st.tuples(st.just("undo"))
regrade = st.tuples(st.just("regrade"), st.integers(1, 4))
reset = st.tuples(st.just("reset"), st.sampled_from(CARDS), at_minutes)
# another machine's log: reviews new here, and undo records of reviews here (picked by position)
merge = st.tuples(st.just("merge"), st.lists(st.tuples(st.sampled_from(CARDS), st.integers(1, 4), at_minutes,
                                                       st.sampled_from(["review", "cram", "mock"]),
                                                       st.sampled_from(MISCONCEPTIONS), st.sampled_from(RESULTS)),
                                             max_size=8),
                  st.lists(st.integers(0, 10**6), max_size=4))
bulk = st.tuples(st.just("bulk"), st.lists(st.tuples(st.sampled_from(CARDS), st.integers(1, 4), at_minutes,
                                                     st.sampled_from(["review", "cram"]),
                                                     st.sampled_from(MISCONCEPTIONS), st.sampled_from(RESULTS)),
                                           max_size=30))
edit = st.tuples(st.just("edit"), st.sampled_from(["rating", "misconception", "reviewed_at", "mode", "correct"]),
                 st.integers(0, 10**6), st.integers(0, 10**6))
delete = st.tuples(st.just("delete"), st.integers(0, 10**6))
replace_row = st.tuples(st.just("replace"), st.integers(0, 10**6), st.integers(1, 4), at_minutes)
OPERATIONS = st.lists(st.one_of(grade, undo, regrade, reset, merge, bulk, edit, delete, replace_row), max_size=25)


def run(path: Path, operations: list[tuple]) -> None:
    scheduler = Scheduler()
    graded: list[tuple[int, CardState]] = []
    with Store.open(path) as store:
        for card_id in CARDS:  # a cram review logs a card's review without writing its state
            store.put_state(CardState(card_id))
        for number, (kind, *args) in enumerate(operations):
            if kind == "grade":
                card_id, rating, minutes, mode, misconception, correct = args
                at = T0 + timedelta(minutes=minutes)
                before, _, review_id = store.apply_review(
                    card_id, lambda s: scheduler.review(s, Rating(rating), at),
                    Review(card_id, at, rating, "flashcard", correct=correct, misconception=misconception, mode=mode),
                )
                graded.append((review_id, before))
            elif kind == "undo" and graded:
                review_id, before = graded.pop()
                store.undo_review(review_id, before, T0)
            elif kind == "regrade" and graded:  # Session.regrade: the last grade logged again with another rating
                review_id, before = graded[-1]
                try:
                    _, new_id = store.regrade_review(review_id, before, args[0],
                                                     lambda s: scheduler.review(s, Rating(args[0]), T0), T0)
                    graded[-1] = (new_id, before)
                except StoreError:  # a hand edit or a merge took that review out of the log
                    pass
            elif kind == "reset":
                store.reset_card(args[0], T0 + timedelta(minutes=args[1]))
            elif kind == "merge":
                merge_in(store, number, *args)
            else:
                with raw(path) as conn:
                    change_by_hand(conn, kind, args, number)


def merge_in(store: Store, number: int, reviews: list[tuple], undone: list[int]) -> None:
    """What ``quizapp merge`` does to this log: adds the other machine's new reviews and removes
    the ones it undid (``Store.merge_log``)."""
    here = [review.uid for review in store.reviews()]
    store.merge_log(
        [Review(card_id, T0 + timedelta(minutes=minutes), rating, "flashcard", correct=correct, misconception=misconception,
                uid=f"merge-{number}-{i}", device="other", mode=mode)
         for i, (card_id, rating, minutes, mode, misconception, correct) in enumerate(reviews)],
        [Tombstone(here[pick % len(here)], T0, "other") for pick in undone if here],
        lambda card_id, _: store.state(card_id),
    )


def change_by_hand(conn: sqlite3.Connection, kind: str, args: list, number: int) -> None:
    """What another writer may do to the log: a merge's bulk insert, a hand edit, a REPLACE."""
    ids = [row[0] for row in conn.execute("SELECT id FROM review_log ORDER BY id")]
    if kind == "bulk":
        conn.executemany(
            "INSERT INTO review_log (card_id, reviewed_at, rating, kind, prev_state, uid, mode, misconception, correct) "
            "VALUES (?, ?, ?, 'flashcard', 0, ?, ?, ?, ?)",
            [(card_id, to_ms(T0 + timedelta(minutes=minutes)), rating, f"bulk-{number}-{i}", mode, misconception, correct)
             for i, (card_id, rating, minutes, mode, misconception, correct) in enumerate(args[0])],
        )
    elif kind == "edit" and ids:
        column, pick, value = args
        new = {"rating": 1 + value % 4, "misconception": MISCONCEPTIONS[value % 4], "correct": RESULTS[value % 3],
               "reviewed_at": to_ms(T0) - value * 60_000, "mode": ("review", "cram", "mock")[value % 3]}[column]
        conn.execute(f"UPDATE review_log SET {column} = ? WHERE id = ?", (new, ids[pick % len(ids)]))
    elif kind == "delete" and ids:
        conn.execute("DELETE FROM review_log WHERE id = ?", (ids[args[0] % len(ids)],))
    elif kind == "replace" and ids:
        pick, rating, minutes = args
        uid = conn.execute("SELECT uid FROM review_log WHERE id = ?", (ids[pick % len(ids)],)).fetchone()[0]
        conn.execute("PRAGMA recursive_triggers = ON")  # as the store's own connection has it
        conn.execute(
            "INSERT OR REPLACE INTO review_log (card_id, reviewed_at, rating, kind, prev_state, uid) "
            "VALUES (?, ?, ?, 'flashcard', 0, ?)",
            (CARDS[0], to_ms(T0 + timedelta(minutes=minutes)), rating, uid),
        )


@given(OPERATIONS)
def test_the_tallies_equal_a_recount_after_any_changes_to_the_log(operations):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.db"
        run(path, operations)
        assert_tallies_match_the_log(path)


@given(OPERATIONS)
def test_the_statistics_read_from_the_tallies_agree_with_the_log(operations):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.db"
        run(path, operations)
        with raw(path) as conn:
            rows = log_rows(conn)
        start = T0 - timedelta(days=29, hours=8)  # 04:00 UTC, 29 days before T0's study day
        expected_days = [[0, 0] for _ in range(30)]
        for at, rating, *_ in rows:
            day = (at - to_ms(start)) // DAY
            if 0 <= day < 30:
                expected_days[day][0] += 1
                expected_days[day][1] += rating != 1
        _, _, seen = recount(rows)
        expected_seen = sorted(((m, n, t) for m, (n, t) in seen.items()), key=lambda x: (-x[1], -x[2]))
        with Store.open(path) as store:
            assert store.daily_counts(start, 30) == [tuple(d) for d in expected_days]
            assert store.review_count() == len(rows)
            assert [(m.name, m.count, to_ms(m.last_seen)) for m in store.misconception_counts(10)] == expected_seen[:10]


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(hours=5, minutes=30), timedelta(hours=5, minutes=45),
                                    timedelta(hours=-3, minutes=-30), timedelta(minutes=7)])
def test_a_study_day_in_any_time_zone_counts_the_reviews_it_holds(store, offset):
    """Study days start on a quarter-hour in every real time zone (India +5:30, Nepal +5:45,
    Newfoundland -3:30), so they are sums of whole tally rows; an odd offset (+0:07) is counted
    in the log instead.  Either way, the reviews either side of each day's first minute."""
    tz = timezone(offset)
    local_start = datetime(2026, 3, 9, 4, 0, tzinfo=tz)  # day_starts_at 4, local
    for card_id in CARDS:
        store.put_state(CardState(card_id))
    first_minute = [local_start - timedelta(minutes=1), local_start, local_start + timedelta(days=1, minutes=-1),
                    local_start + timedelta(days=1), local_start + timedelta(days=1, minutes=14)]
    for at, rating in zip(first_minute, (3, 1, 4, 1, 3)):
        store.apply_review(CARDS[0], lambda s: s, Review(CARDS[0], at, rating, "flashcard"))
    assert store.daily_counts(local_start, 2) == [(2, 1), (2, 1)]  # each day: one Again, one not
    assert store.daily_counts(local_start - timedelta(days=1), 1) == [(1, 1)]


def test_rebuild_mends_tallies_changed_by_hand(db_path):
    run(db_path, [("grade", CARDS[0], 3, 0, "review", "no_eps", False), ("grade", CARDS[1], 1, -30, "cram", None, None)])
    with raw(db_path) as conn:
        conn.execute("DELETE FROM review_tally")
        conn.execute("UPDATE misconception_tally SET seen = 40")
    with Store.open(db_path) as store:
        store.rebuild_tallies()
    assert_tallies_match_the_log(db_path)


# -- the upgrade ------------------------------------------------------------------------------------

BEFORE_TALLIES = MIGRATIONS[: MIGRATIONS.index(TALLIES)]


def test_a_database_of_the_previous_schema_is_upgraded_with_every_review_tallied(db_path):
    scheduler = Scheduler()
    with Store.open(db_path, migrations=BEFORE_TALLIES) as old:
        for card_id in CARDS:
            old.put_state(CardState(card_id))
        for i in range(200):
            card_id, at = CARDS[i % 5], T0 - timedelta(hours=7 * i)
            old.apply_review(card_id, lambda s: scheduler.review(s, Rating.Good, at),
                             Review(card_id, at, 1 + i % 4, "flashcard", misconception=MISCONCEPTIONS[i % 4],
                                    mode=("review", "cram", "mock")[i % 3]))
        reviews = old.reviews()
    notices: list[str] = []
    with Store.open(db_path, notice=notices.append) as store:
        assert store.schema_version() == TALLIES.version
        assert store.reviews() == reviews
        assert store.review_count() == 200
    assert len(notices) == 1 and f"(schema v{TALLIES.version - 1})" in notices[0]  # backed up first
    [backup] = (db_path.parent / "backups").iterdir()
    with raw(backup) as conn:  # the file as it was: the previous schema, every review
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == TALLIES.version - 1
        assert conn.execute("SELECT count(*) FROM review_log").fetchone()[0] == 200
    assert_tallies_match_the_log(db_path)


# -- the figures do not read the history --------------------------------------------------------


def vm_steps(store: Store, work) -> int:
    """How many SQLite virtual-machine instructions ``work`` runs (counted in hundreds): a
    measure of how much it reads that does not depend on the machine's speed."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store._conn.set_progress_handler(count, 100)
    try:
        work()
    finally:
        store._conn.set_progress_handler(None, 100)
    return steps


def test_the_statistics_do_not_read_the_log_row_by_row(db_path):
    lib = flash_library(50)
    card_ids = [card.id for card in lib.topics[0].cards]
    recent = [(card_ids[i % 50], to_ms(T0) - i * 2 * QUARTER, 1 + i % 4, MISCONCEPTIONS[i % 4]) for i in range(300)]

    def statistics(store):
        return compute(lib, store, T0, tz=timezone.utc)

    with Store.open(db_path) as store:
        for card_id in card_ids:
            store.put_state(CardState(card_id))
        for card_id, at, rating, misconception in recent:  # the last week, one review a half hour
            store.apply_review(card_id, lambda s: s, Review(card_id, datetime.fromtimestamp(at / 1000, timezone.utc),
                                                            rating, "flashcard", misconception=misconception))
        before = vm_steps(store, lambda: statistics(store))
        with raw(db_path) as conn:  # ten times as many reviews: in the same quarter-hours, and older
            conn.executemany(
                "INSERT INTO review_log (card_id, reviewed_at, rating, kind, prev_state, uid, misconception) "
                "VALUES (?, ?, ?, 'flashcard', 2, ?, ?)",
                [(card_id, at - (i % 2) * 40 * DAY + 1000 + i, rating, f"more-{n}-{i}", misconception)
                 for n, (card_id, at, rating, misconception) in enumerate(recent) for i in range(10)],
            )
        after = vm_steps(store, lambda: statistics(store))
        stats = statistics(store)
    assert stats.total_reviews == 3300 and stats.reviewed_30d == 1800
    # Reading the 3,000 new rows one by one would take thousands of hundreds of instructions.
    assert after - before <= 5, (before, after)
