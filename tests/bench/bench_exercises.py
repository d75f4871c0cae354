"""Benchmark: drawing an exercise and checking a typed answer, for every generator-level.

What a learner waits for between pressing a key and seeing the next exercise (draw) or the
verdict (check).  Goals (issue 19): median over all generator-levels <= 0.5 ms, every
generator-level's median <= 1 ms, worst seed <= 3 ms.  Run:

    .venv/bin/python tests/bench/bench_exercises.py [--seeds 200] [--repeat 3]

Each seed is timed ``--repeat`` times and its fastest run kept (the work is deterministic, so
anything slower is another process's noise); then per generator-level the median and the worst
seed are printed, with the most times any seed called the generator (1: make() draws once; the
suite checks that too, without a clock).  This is a script, not a test: nothing in the suite
decides by the clock.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

from quizapp.engine.answers import check, format_answer  # noqa: E402
from quizapp.engine.exercises import REGISTRY, make  # noqa: E402


@dataclasses.dataclass
class Row:
    gen_id: str
    level: int
    median_ms: float
    worst_ms: float
    worst_seed: int
    max_draws: int


def _counting(gen_id: str) -> list[int]:
    """Wrap the generator's function so every call is counted; returns the counter."""
    calls = [0]
    gen = REGISTRY[gen_id]

    def counted(*args, **kwargs):
        calls[0] += 1
        return gen.func(*args, **kwargs)

    REGISTRY[gen_id] = dataclasses.replace(gen, func=counted)
    return calls


def measure(gen_id: str, level: int, seeds: int, repeat: int) -> Row:
    answers = {seed: format_answer(make(gen_id, seed, level).answer) for seed in range(seeds)}
    times = []
    for seed in range(seeds):
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            check(make(gen_id, seed, level), answers[seed])
            best = min(best, time.perf_counter() - start)
        times.append(best * 1e3)
    original = REGISTRY[gen_id]
    calls = _counting(gen_id)
    max_draws = 0
    try:
        for seed in range(seeds):
            calls[0] = 0
            make(gen_id, seed, level)
            max_draws = max(max_draws, calls[0])
    finally:
        REGISTRY[gen_id] = original
    worst = max(range(seeds), key=times.__getitem__)
    return Row(gen_id, level, statistics.median(times), times[worst], worst, max_draws)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=200, help="seeds per generator-level")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per seed (fastest kept)")
    args = parser.parse_args()
    rows = [
        measure(gen_id, level, args.seeds, args.repeat)
        for gen_id, gen in sorted(REGISTRY.items())
        for level in gen.levels
    ]
    width = max(len(row.gen_id) for row in rows)
    print(f"{'generator':<{width}}  level  median (ms)  worst (ms)  worst seed  max draws")
    for row in rows:
        flag = "   <-- median over 1 ms" if row.median_ms > 1.0 else ""
        flag += "   <-- a seed over 3 ms" if row.worst_ms > 3.0 else ""
        print(
            f"{row.gen_id:<{width}}  {row.level:>5}  {row.median_ms:11.3f}  {row.worst_ms:10.3f}"
            f"  {row.worst_seed:>10}  {row.max_draws:>9}{flag}"
        )
    overall = statistics.median(row.median_ms for row in rows)
    over = sum(row.median_ms > 1.0 for row in rows)
    worst = max(rows, key=lambda row: row.worst_ms)
    print(
        f"\n{len(rows)} generator-levels, {args.seeds} seeds each (draw + check, fastest of {args.repeat}):"
        f"\n  median over generator-levels {overall:.3f} ms (goal <= 0.5)"
        f"\n  generator-levels with a median over 1 ms: {over} (goal 0)"
        f"\n  worst seed {worst.worst_ms:.3f} ms: {worst.gen_id} level {worst.level} seed {worst.worst_seed}"
        " (goal <= 3)"
        f"\n  most draws for one seed: {max(row.max_draws for row in rows)}"
    )


if __name__ == "__main__":
    main()
