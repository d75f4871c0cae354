"""Grade key -> next card drawn, in the TUI, on years of history: 10,000 cards, 1,000,000 reviews.

Target (issue 19): median <= 12 ms, p90 <= 16 ms.

How: the app runs in-process under Textual's Pilot on a copy of the synthetic database of
bench_startup.py (mixed decks: flashcards, choice, true/false, exercises), studying TODAY's queue
(learning cards, due reviews and new cards: the "Study all due" session) restricted to the
flashcards (their tags), so every step is a grade key.  Each step reveals the answer (space, not
timed), then posts a rating key (1-4 in turn, so cards go back to learning and come round again)
and times until the first screen update drawn after the next card is in place (``App._display``,
which a terminal app writes out; headless, it is called and writes nothing).  It prints the wall
time and, beside it, the process's CPU time over the same span: on a machine shared with other
work the wall time includes waits for a processor, which the CPU time leaves out (the wall time
also includes the grade's fsync, which the CPU time does not).

Run: .venv/bin/python tests/bench/bench_next_card.py [--work DIR] [--grades N] [--profile FILE]
(--work shares bench_startup.py's generated decks and database; --profile writes a cProfile of the
timed steps, for ``python -m pstats FILE``.)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_startup import prepare  # noqa: E402

MEDIAN_TARGET_MS = 12.0
P90_TARGET_MS = 16.0
RATING_KEYS = ("1", "3", "3", "4", "2", "3")
THINK_S = 0.05


async def grade_latency(
    decks: Path, db: Path, count: int, profiler: cProfile.Profile | None
) -> tuple[list[float], list[float]]:
    """Milliseconds from posting a rating key on a revealed flashcard to the first frame drawn
    with the next card in place, for ``count`` grades of today's queue: wall time, and the
    process's CPU time (which a busy machine's waits for a processor leave out)."""
    from textual import events

    from quizapp.content import load_paths
    from quizapp.store import Store
    from quizapp.tui.app import QuizApp
    from quizapp.tui.context import AppContext
    from quizapp.tui.screens import study

    library = load_paths([decks])
    tags = sorted({tag for card in library.cards.values() for tag in card.tags})
    store = Store.open(db)
    app = QuizApp(AppContext(library=library, store=store, rng=random.Random(1)))

    placed = False
    drawn = asyncio.Event()
    show_card = study.StudyScreen.show_card

    async def show_and_mark(self, presented):  # the next card is in its widgets
        nonlocal placed
        await show_card(self, presented)
        placed = True

    display = app._display

    def display_and_mark(screen, renderable):  # the first frame drawn after that
        display(screen, renderable)
        if renderable is not None and placed:
            drawn.set()

    study.StudyScreen.show_card = show_and_mark
    app._display = display_and_mark  # type: ignore[method-assign]
    samples: list[float] = []
    cpu: list[float] = []
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert app.start_session(tags=tags, title="bench"), "nothing due in the synthetic database"
            await pilot.pause()
            for number in range(count):
                screen = app.screen
                if not isinstance(screen, study.StudyScreen):
                    break  # today's queue is done
                await pilot.press("space")
                await pilot.pause(THINK_S)
                placed = False
                drawn.clear()
                char = RATING_KEYS[number % len(RATING_KEYS)]
                key = events.Key(char, char)
                key.set_sender(app)
                if profiler is not None:
                    profiler.enable()
                start, start_cpu = time.perf_counter(), time.process_time()
                app._driver.send_message(key)
                await drawn.wait()
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                if profiler is not None:
                    profiler.disable()
                await pilot.pause()
    finally:
        study.StudyScreen.show_card = show_card
        store.close()
    return samples, cpu


def report(what: str, samples: list[float]) -> bool:
    median = statistics.median(samples)
    p90 = sorted(samples)[max(0, int(len(samples) * 0.9) - 1)]
    ok = median <= MEDIAN_TARGET_MS and p90 <= P90_TARGET_MS
    print(f"{what:<36} median {median:6.1f} ms   p90 {p90:6.1f} ms   "
          f"max {max(samples):6.1f}   n={len(samples)}   (target median <= {MEDIAN_TARGET_MS:g}, "
          f"p90 <= {P90_TARGET_MS:g}: {'ok' if ok else 'OVER'})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the generated decks and database here")
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--grades", type=int, default=200, help="grades timed")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the timed steps here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        decks, db = prepare(work, args.cards, args.reviews)
        copy = Path(scratch) / "next-card.db"  # each run starts from the same history
        shutil.copyfile(db, copy)
        if hasattr(os, "sync"):
            os.sync()  # grades are fsync-bound: do not time the copy's writeback
        profiler = cProfile.Profile() if args.profile else None
        samples, cpu = asyncio.run(grade_latency(decks, copy, args.grades, profiler))
        if profiler is not None:
            profiler.dump_stats(args.profile)
    ok = report("grade key -> next card drawn", samples)
    report("  the same, CPU time of the process", cpu)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
