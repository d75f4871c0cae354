"""How long a learner waits for a code check of a correct solution (issue 19).

Targets:

- CLI: ``quizapp code batch_norm_train --file F --check-only`` takes at most 2x the reference, the
  time of ``quizapp --help`` plus the time of ``python -I -c "import numpy"``: a new process must
  at least start the app and import NumPy once.  Runs are paired (check, reference, check, ...)
  and the ratio is taken pair by pair, so a machine whose speed drifts does not skew it.
- TUI: ctrl+r on a code card -> the full report on screen within 0.3 s (median), once the
  session's checker is warm (the first check of a session may pay the checker's start; it is
  reported too).

The TUI figure is measured in-process with Textual's Pilot on a one-card deck written here: press
ctrl+r, then wait until the report shows PASS.  ``check()`` alone (warm) is printed beside it.

Run: .venv/bin/python tests/bench/bench_drill_check.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

CLI_RATIO_TARGET = 2.0
TUI_TARGET_S = 0.3

SOLUTION = """import numpy as np


def batch_norm_train(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta
"""

DECK = """topic: bench-drill
title: Drill bench
summary: One code card, for the drill check bench.
cards:
  - id: bench-code
    kind: code
    task: batch_norm_train
    prompt: Implement BatchNorm's training-mode forward pass for an (N, D) batch.
    explain: Mean and biased variance over axis 0, eps inside the square root, then scale and shift.
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def bench_cli(work: Path, runs: int) -> None:
    quizapp = str(Path(sys.executable).with_name("quizapp"))
    solution = work / "bn.py"
    solution.write_text(SOLUTION)
    env = {**os.environ, "QUIZAPP_DB": str(work / "cli.db"), "QUIZAPP_CACHE_DIR": str(work / "cache")}
    check = [quizapp, "code", "batch_norm_train", "--file", str(solution), "--check-only"]
    checks, references, ratios = [], [], []
    timed(check, env)  # warm the file system cache, as for a user who ran it before
    for _ in range(runs):
        took = timed(check, env)
        reference = timed([quizapp, "--help"], env) + timed([sys.executable, "-I", "-c", "import numpy"], env)
        checks.append(took)
        references.append(reference)
        ratios.append(took / reference)
    ratio = statistics.median(ratios)
    print(f"CLI --file --check-only: median {statistics.median(checks):.3f} s; reference (quizapp --help + "
          f"python -I -c 'import numpy') {statistics.median(references):.3f} s")
    print(f"  ratio, pair by pair: median {ratio:.2f}x (min {min(ratios):.2f}, max {max(ratios):.2f}); "
          f"target <= {CLI_RATIO_TARGET}x: {'met' if ratio <= CLI_RATIO_TARGET else 'NOT met'}")


async def _tui_runs(work: Path, runs: int) -> list[float]:
    from textual.widgets import Static, TextArea

    from quizapp.content import load_paths
    from quizapp.store import Store
    from quizapp.tui.app import QuizApp
    from quizapp.tui.context import AppContext

    decks = work / "decks"
    decks.mkdir()
    (decks / "bench.yaml").write_text(DECK)
    library = load_paths([decks])
    store = Store.open(work / "tui.db")
    now = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
    app = QuizApp(AppContext(library=library, store=store, now=lambda: now, rng=random.Random(7)))
    times = []
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.start_session(cards=["bench-code"]), library.problems
        await pilot.pause()
        app.screen.query_one("#editor", TextArea).text = SOLUTION
        for _ in range(runs + 1):
            report = app.screen.view.query_one("#report-text", Static)  # the text inside the report pane
            report.update("")
            started = time.perf_counter()
            await pilot.press("ctrl+r")
            while not str(report.render()).startswith("PASS"):
                await asyncio.sleep(0.002)
            times.append(time.perf_counter() - started)
    store.close()
    return times


def bench_tui(work: Path, runs: int) -> None:
    first, *warm = asyncio.run(_tui_runs(work, runs))
    median = statistics.median(warm)
    print(f"TUI ctrl+r -> full report: first of the session {first:.3f} s (starts the checker); then median "
          f"{median:.3f} s (max {max(warm):.3f}); target <= {TUI_TARGET_S} s: "
          f"{'met' if median <= TUI_TARGET_S else 'NOT met'}")


def bench_check(runs: int) -> None:
    from quizapp.drills import check

    check("batch_norm_train", SOLUTION, seed=0)  # the checker starts
    times = []
    for seed in range(runs):
        started = time.perf_counter()
        assert check("batch_norm_train", SOLUTION, seed=seed).passed
        times.append(time.perf_counter() - started)
    print(f"check() alone, warm checker: median {statistics.median(times) * 1000:.1f} ms "
          f"(max {max(times) * 1000:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    os.environ.setdefault("TZ", "UTC")
    with open("/proc/loadavg") if os.path.exists("/proc/loadavg") else open(os.devnull) as f:
        print(f"{os.cpu_count()} cores, load {f.read().split(' ')[0] or '?'}; {args.runs} runs each")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["QUIZAPP_CACHE_DIR"] = str(work / "cache")
        bench_cli(work, args.runs)
        bench_tui(work, args.runs)
        bench_check(args.runs)


if __name__ == "__main__":
    main()
