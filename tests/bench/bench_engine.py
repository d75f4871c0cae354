"""Time the engine's ops at the sizes a learner meets, and print a table.

    .venv/bin/python tests/bench/bench_engine.py [--repeat 2000]

The engine is written as textbook formulas, with no faster path: the largest array an exercise
or a drill case passes has about a thousand values, so every op costs microseconds beside the
exercise bench's budget (tests/bench/bench_exercises.py: draw + check <= 0.5 ms median).  This
bench shows that: each op on an (N, C, H, W) = (4, 4, 8, 8) float64 input, 1,024 values, the
median of ``--repeat`` calls.  If a row ever grows to a sizeable share of that budget, that is the
place to look, and any faster path must stay exact.  A script, not a test: pytest does not collect
tests/bench.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

from quizapp.engine import augment, dropout, norms  # noqa: E402

SHAPE = (4, 4, 8, 8)  # 1,024 values: the largest a drill case or an exercise passes


def rows() -> dict[str, Callable[[], Any]]:
    """Every benchmarked op, as a call with its inputs already built."""
    rng = np.random.default_rng(0)
    n, c, h, w = SHAPE
    x = rng.standard_normal(SHAPE) * 2 + 0.5
    dy = rng.standard_normal(SHAPE)
    weight, bias = rng.standard_normal(c), rng.standard_normal(c)
    ln_weight, ln_bias = rng.standard_normal(w), rng.standard_normal(w)
    mean, var = np.zeros(c), np.ones(c)
    mask = rng.random(SHAPE) < 0.5
    labels = np.arange(n) % 3
    return {
        "batch_norm train": lambda: norms.batch_norm(x, mean, var, weight, bias, training=True),
        "batch_norm eval": lambda: norms.batch_norm(x, mean, var, weight, bias, training=False),
        "layer_norm (W)": lambda: norms.layer_norm(x, w, ln_weight, ln_bias),
        "group_norm G=2": lambda: norms.group_norm(x, 2, weight, bias),
        "instance_norm": lambda: norms.instance_norm(x, weight=weight, bias=bias),
        "rms_norm (W)": lambda: norms.rms_norm(x, w, ln_weight),
        "weight_norm dim=0": lambda: norms.weight_norm(x, np.ones(n), dim=0),
        "batch_norm backward": lambda: norms.batch_norm_backward(dy, x, weight),
        "layer_norm backward": lambda: norms.layer_norm_backward(dy, x, w, ln_weight),
        "group_norm backward": lambda: norms.group_norm_backward(dy, x, 2, weight),
        "rms_norm backward": lambda: norms.rms_norm_backward(dy, x, w, ln_weight),
        "dropout (given mask)": lambda: dropout.dropout(x, 0.5, mask=mask),
        "drop_path": lambda: dropout.drop_path(x, 0.2, True, rng=rng),
        "cutout": lambda: augment.cutout(x, 4, center=(3, 3)),
        "random_crop pad=1": lambda: augment.random_crop(x, h, 1, offset=(0, 2)),
        "mixup": lambda: augment.mixup(x, labels, 0.3, num_classes=3),
    }


def median_us(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000, help="timed calls per op (median reported)")
    args = parser.parse_args(argv)
    print(f"input {SHAPE} float64 ({np.prod(SHAPE)} values), numpy {np.__version__}, median of {args.repeat} calls")
    for name, fn in rows().items():
        print(f"{name:<22} {median_us(fn, args.repeat):8.1f} us", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
