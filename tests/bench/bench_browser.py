"""How long the card browser takes to search and redraw as a person types, on 10,000 cards.

Target: a keystroke's search and a full redraw of the screen well under 250 ms median
(about 20 ms measured on a busy 2-core machine; a DataTable took seconds for the same results).

Run: .venv/bin/python tests/bench/bench_browser.py [--cards N] [--rounds N]
This is a script, not a test: pytest does not collect tests/bench.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from textual.app import App

from quizapp.content.loader import Library
from quizapp.content.model import Flashcard, Topic
from quizapp.store import Store
from quizapp.tui.context import AppContext
from quizapp.tui.screens.browser import BrowserScreen

WORDS = "batch layer group norm dropout eval train variance mean momentum running axes".split()
TYPED = ["b", "ba", "bat", "batch", "batch n", "batch no", "batch nor", "batch norm"]
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def library(cards: int) -> Library:
    """Ten topics of flashcards whose texts mix the words above."""
    per_topic = cards // 10
    return Library([
        Topic(f"t{t}", f"Topic {t}", "", tuple(
            Flashcard(id=f"t{t}-{i}", topic=f"t{t}", explain=" ".join(WORDS[(i + k) % 12] for k in range(30)),
                      tags=(WORDS[i % 12],), front=f"{WORDS[i % 12]} {i}", back=WORDS[(i * 7) % 12])
            for i in range(per_topic)))
        for t in range(10)
    ], [])


class BrowserApp(App):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx

    def on_mount(self) -> None:
        self.push_screen(BrowserScreen(self.ctx))


async def measure(cards: int, rounds: int) -> list[float]:
    """Seconds for each keystroke's search plus a full redraw, over ``rounds`` typings of TYPED."""
    timings: list[float] = []
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "big.db") as store:
        app = BrowserApp(AppContext(library=library(cards), store=store, now=lambda: NOW))
        async with app.run_test(size=(100, 32)) as pilot:
            while getattr(app.screen, "index", None) is None:  # the index is built in a thread
                await pilot.pause()
            screen = app.screen
            for _ in range(rounds):
                for text in TYPED:
                    start = time.perf_counter()
                    screen.search(text)
                    screen._compositor.render_strips()
                    timings.append(time.perf_counter() - start)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    timings = asyncio.run(measure(args.cards, args.rounds))
    median_ms = statistics.median(timings) * 1e3
    print(f"search + redraw on {args.cards} cards: median {median_ms:.1f} ms, "
          f"max {max(timings) * 1e3:.1f} ms over {len(timings)} keystrokes (target < 250 ms median)")
    return 0 if median_ms < 250 else 1


if __name__ == "__main__":
    sys.exit(main())
