"""Benchmark: generating an exercise and checking a typed answer, per generator.

Target (issue 4): under 1 ms median for generate + check.  Run:

    python tests/bench/bench_exercises.py
"""

from __future__ import annotations

import statistics
import time

from quizapp.engine.answers import check, format_answer
from quizapp.engine.exercises import REGISTRY, make

RUNS = 200


def median_ms(func, runs: int = RUNS) -> float:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        func(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    rows = []
    for gid, gen in sorted(REGISTRY.items()):
        level = gen.levels[-1]
        answers = {seed: format_answer(make(gid, seed, level).answer) for seed in range(RUNS)}
        generate = median_ms(lambda seed: make(gid, seed, level))
        both = median_ms(lambda seed: check(make(gid, seed, level), answers[seed]))
        rows.append((gid, level, generate, both))
    width = max(len(r[0]) for r in rows)
    print(f"{'generator':<{width}}  level  make (ms)  make+check (ms)")
    for gid, level, generate, both in rows:
        flag = "" if both < 1.0 else "   <-- over 1 ms"
        print(f"{gid:<{width}}  {level:>5}  {generate:9.3f}  {both:15.3f}{flag}")
    overall = statistics.median(r[3] for r in rows)
    worst = max(rows, key=lambda r: r[3])
    print(f"\nmedian over generators: {overall:.3f} ms; slowest: {worst[0]} {worst[3]:.3f} ms (target < 1 ms)")


if __name__ == "__main__":
    main()
