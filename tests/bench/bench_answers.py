"""How long reading and checking a typed answer takes (target: well under 1 ms median).

Run: .venv/bin/python tests/bench/bench_answers.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from quizapp.engine.answers import check, format_answer, parse
from quizapp.engine.exercises.base import Exercise, Variant

ANSWER = np.arange(16.0).reshape(4, 4) / 7
EXERCISE = Exercise(
    generator="bench", seed=0, level=1, asks="", prompt="", answer=ANSWER, steps=(), inputs={},
    rtol=1e-3, atol=1e-2,
    variants=(Variant("unbiased_variance", ANSWER * 1.1), Variant("no_eps", ANSWER + 1)),
)
CASES = {
    "4x4 right, brackets": format_answer(ANSWER),
    "4x4 right, rows on lines": "\n".join(" ".join(f"{v:.4f}" for v in row) for row in ANSWER),
    "4x4 misconception": format_answer(ANSWER * 1.1),
    "4x4 one entry off": format_answer(ANSWER + np.eye(4)[0, 0]),
    "scalar sqrt(2)/2": "sqrt(2)/2",
}


def median_us(func, runs: int = 2000) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    for name, text in CASES.items():
        parse_us = median_us(lambda: parse(text))
        check_us = median_us(lambda: check(EXERCISE, text))
        print(f"{name:28s} parse {parse_us:7.1f} us   parse+check {check_us:7.1f} us (median)")


if __name__ == "__main__":
    main()
