"""Study-loop speed on years of history: 10,000 cards and 1,000,000 review-log rows.

Targets (issue 6): opening the database <= 20 ms, building today's queue <= 50 ms, grading a card
and getting the next <= 5 ms median.  The benchmark makes its own synthetic database (executemany
in one transaction) in a temporary folder; with --db PATH it is built once there and each run
measures a fresh copy, so earlier runs' grades do not change the figures.

Run: .venv/bin/python tests/bench/bench_store.py [--db PATH] [--cards N] [--reviews N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from quizapp.content.loader import Library
from quizapp.content.model import Flashcard, Topic
from quizapp.scheduler import LEARNING, RELEARNING, REVIEW, Rating
from quizapp.session import Session
from quizapp.figures import home_figures
from quizapp.stats import compute
from quizapp.store import Store, to_ms

TOPICS = 20
DAY_MS = 86_400_000
TARGETS_MS = {"open": 20.0, "queue": 50.0, "grade+next": 5.0}


def synthetic_library(cards: int) -> Library:
    per_topic = cards // TOPICS
    topics = []
    for t in range(TOPICS):
        tid = f"topic-{t:02d}"
        topic_cards = tuple(
            Flashcard(id=f"{tid}-card-{i:05d}", topic=tid, explain="why", tags=(f"tag{i % 7}",),
                      front=f"question {i}", back=f"answer {i}")
            for i in range(per_topic)
        )
        topics.append(Topic(id=tid, title=f"Topic {t}", summary="s", cards=topic_cards))
    return Library(topics, [])


def build_database(path: Path, library: Library, reviews: int, now: datetime, seed: int = 0) -> None:
    """85% of the cards started (mostly in review, due from 10 days ago to 200 days ahead),
    the rest new; the log spread over three years, in time order, ~100 reviews today, 6% of the
    reviews with a misconception."""
    rng = random.Random(seed)
    ids = list(library.cards)
    started = ids[: int(len(ids) * 0.85)]
    now_ms = to_ms(now)
    states = []
    for cid in started:
        roll = rng.random()
        if roll < 0.03:
            state, step, due = LEARNING, 1, now_ms + rng.randint(-600_000, 600_000)
        elif roll < 0.05:
            state, step, due = RELEARNING, 0, now_ms + rng.randint(-600_000, 600_000)
        else:
            state, step, due = REVIEW, None, now_ms + rng.randint(-10 * DAY_MS, 200 * DAY_MS)
        stability = rng.uniform(1, 300)
        states.append((cid, state, step, stability, rng.uniform(1, 10), due,
                       due - int(stability * DAY_MS), rng.randint(1, 200), rng.randint(0, 9), None, 0))
    three_years = 3 * 365 * DAY_MS
    times = sorted(now_ms - rng.randint(DAY_MS, three_years) for _ in range(reviews - 100))
    times += sorted(now_ms - rng.randint(0, 3_600_000) for _ in range(100))
    log = []
    for number, t in enumerate(times):
        rating = rng.choice((1, 3, 3, 3, 4))
        # a wrong answer matched one of 40 misconceptions now and then, as exercises' answers do
        misconception = f"misconception-{rng.randrange(40):02d}" if rating == 1 and rng.random() < 0.3 else None
        log.append((rng.choice(started), t, rating, rng.randint(2_000, 30_000), "flashcard",
                    rng.choice((1, 2, 2, 2)), None, None, None, None, misconception, f"{number:032x}"))
    with Store.open(path) as store:
        conn = store._conn  # bulk load: one transaction, executemany
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO card_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", states)
        conn.executemany(
            "INSERT INTO review_log (card_id, reviewed_at, rating, duration_ms, kind, prev_state, correct,"
            " answer, seed, verdict, misconception, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            log,
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def settle_disk(folder: Path, limit_s: float = 20.0) -> tuple[float, float]:
    """Wait (up to ``limit_s``) until a durable one-row commit is quick again after the setup's
    100+ MB of writes, and return (seconds waited, median commit ms).  Grades are fsync-bound, so
    measuring them while the kernel still writes back the copied database would time the setup."""
    scratch = folder / "fsync-probe.db"
    conn = sqlite3.connect(scratch, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
    start = time.perf_counter()
    while True:
        samples = []
        for i in range(20):
            t = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t VALUES (?)", (i,))
            conn.execute("COMMIT")
            samples.append((time.perf_counter() - t) * 1000)
        median = statistics.median(samples)
        waited = time.perf_counter() - start
        if median < 1.0 or waited > limit_s:
            conn.close()
            return waited, median
        time.sleep(0.5)


def timed(func, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, samples: list[float], target: float | None = None) -> bool:
    median = statistics.median(samples)
    p90 = sorted(samples)[int(len(samples) * 0.9) - 1] if len(samples) >= 10 else max(samples)
    verdict = ""
    ok = True
    if target is not None:
        ok = median <= target
        verdict = f"  (target <= {target:g} ms: {'ok' if ok else 'OVER'})"
    print(f"{name:<28} median {median:8.2f} ms   p90 {p90:8.2f} ms   n={len(samples)}{verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="build (or reuse) the synthetic database here")
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    args = parser.parse_args()

    now = datetime.now(timezone.utc)
    library = synthetic_library(args.cards)
    with tempfile.TemporaryDirectory() as folder:
        template = args.db or Path(folder) / "template.db"
        if not template.exists():
            start = time.perf_counter()
            build_database(template, library, args.reviews, now)
            print(f"built {template.name}: {len(library.cards):,} cards, {args.reviews:,} reviews, "
                  f"{template.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - start:.1f} s")
        path = Path(folder) / "bench.db"
        shutil.copyfile(template, path)
        # Flush the 100+ MB just written: otherwise the first fsyncs of the grades wait for that
        # writeback, which a user's long-lived database never does.
        if hasattr(os, "sync"):
            os.sync()
        waited, commit_ms = settle_disk(Path(folder))
        print(f"{'one fsync-ed commit':<28} median {commit_ms:8.2f} ms   (disk baseline; waited {waited:.1f} s "
              "for the setup's writeback)")
        ok = True

        def open_close() -> None:
            Store.open(path).close()

        ok &= report("open the database", timed(open_close, 30), TARGETS_MS["open"])

        store = Store.open(path)
        try:
            sessions: list[Session] = []

            def build() -> None:
                sessions.append(Session(library, store, rng=random.Random(1)))

            ok &= report("build today's queue", timed(build, 20), TARGETS_MS["queue"])
            session = sessions[-1]
            left = session.remaining()
            print(f"{'':<28} queue: {left.new} new, {left.learning} learning, {left.review} review")

            session.next()
            ratings = [Rating.Again, Rating.Good, Rating.Good, Rating.Easy]
            step = iter(range(10**9))

            def grade_and_next() -> None:
                session.grade(ratings[next(step) % 4])
                session.next()

            ok &= report("grade a card + next", timed(grade_and_next, 300), TARGETS_MS["grade+next"])
            report("preview the 4 intervals", timed(session.preview, 300))
            report("undo + regrade", timed(lambda: (session.undo(), session.grade(Rating.Good), session.next()), 50))
            report("home: figures", timed(lambda: home_figures(library.topics, store, datetime.now(timezone.utc)), 5))
            report("stats screen: compute", timed(lambda: compute(library, store), 5))
        finally:
            store.close()
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
