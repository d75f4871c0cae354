"""The statistics on years of history: ``stats.compute`` at 10k, 100k and 1M reviews, and the
``quizapp stats`` command at 1M reviews against an empty database.

Targets (issue 19): ``stats.compute`` <= 40 ms at 1,000,000 reviews and flat in the log's length
(the exponent of time against reviews, from 10k to 1M, near 0); ``quizapp stats`` at 1M reviews
<= 1.3x the same command on an empty database (both with the same 10,000-card decks), as the
median of ratios taken pair by pair (A, B, A, B, ...), so a drift in the machine's speed during
the run moves both sides of a pair alike.

The databases are bench_store.py's synthetic ones (10,000 cards; the log spread over three years,
so more reviews means a denser log, not a longer one) and bench_startup.py's decks and database
for the command.  --work keeps them between runs (building the 1M one takes about 30 s).

Run: .venv/bin/python tests/bench/bench_stats.py [--work DIR] [--runs N] [--pairs N]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_startup import compile_bytecode, prepare  # noqa: E402
from bench_store import build_database, synthetic_library, timed  # noqa: E402

from quizapp.stats import compute  # noqa: E402
from quizapp.store import Store  # noqa: E402

COMPUTE_TARGET_MS = 40.0
COMMAND_RATIO_TARGET = 1.3
SIZES = (10_000, 100_000, 1_000_000)


def bench_compute(work: Path, runs: int) -> bool:
    library = synthetic_library(10_000)
    medians = []
    for reviews in SIZES:
        path = work / f"stats-10000-{reviews}.db"
        if not path.exists():
            build_database(path, library, reviews, datetime.now(timezone.utc))
        with Store.open(path) as store:
            compute(library, store)  # warm: the page cache, the statements
            samples = timed(lambda: compute(library, store), runs)
        medians.append(statistics.median(samples))
        print(f"stats.compute at {reviews:>9,} reviews   median {medians[-1]:7.1f} ms   "
              f"min {min(samples):6.1f}   n={runs}")
    exponent = math.log(medians[-1] / medians[0]) / math.log(SIZES[-1] / SIZES[0])
    ok = medians[-1] <= COMPUTE_TARGET_MS
    print(f"{'':<34} exponent {exponent:5.2f} (time ~ reviews^exponent; 0 is flat)   "
          f"(target <= {COMPUTE_TARGET_MS:g} ms at 1M: {'ok' if ok else 'OVER'})")
    return ok


def run_seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def bench_command(work: Path, pairs: int) -> bool:
    decks, db = prepare(work, 10_000, 1_000_000)
    empty = work / "empty.db"
    env = {**os.environ, "QUIZAPP_CACHE_DIR": str(work / "cache")}
    quizapp = [sys.executable, "-m", "quizapp", "--content", str(decks)]
    full, blank = [*quizapp, "--db", str(db), "stats"], [*quizapp, "--db", str(empty), "stats"]
    run_seconds(blank, env)  # creates the empty database, fills the deck cache
    run_seconds(full, env)  # a migration's one-off work is not the figure
    ratios, a, b = [], [], []
    for _ in range(pairs):
        a.append(run_seconds(full, env))
        b.append(run_seconds(blank, env))
        ratios.append(a[-1] / b[-1])
    ratio = statistics.median(ratios)
    ok = ratio <= COMMAND_RATIO_TARGET
    print(f"{'quizapp stats, 1M reviews':<34} median {statistics.median(a) * 1000:7.0f} ms   n={pairs}")
    print(f"{'quizapp stats, empty database':<34} median {statistics.median(b) * 1000:7.0f} ms   n={pairs}")
    print(f"{'ratio (median of pairs)':<34} {ratio:7.2f}x  (target <= {COMMAND_RATIO_TARGET}: {'ok' if ok else 'OVER'})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the generated decks and databases here")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of stats.compute per size")
    parser.add_argument("--pairs", type=int, default=9, help="paired runs of the command")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        compile_bytecode()
        ok = bench_compute(work, args.runs)
        ok &= bench_command(work, args.pairs)
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
