"""How fast the TUI opens and answers, on years of history: 10,000 cards and 1,000,000 reviews.

Target (issues 7 and 19): process start -> home screen ready for input at most 1.3x a minimal
Textual app (Header, Static, Footer) measured the same way in the same run.  (A grade key -> the
next card drawn is bench_next_card.py's, on the same decks and database.)

How: the app is started as a user starts it (``python -m quizapp --db DB --content DECKS``) with
``QUIZAPP_EXIT_WHEN_READY=1``, which runs it headless and makes it print ``quizapp-ready <time>
<cpu>`` once the home screen is mounted and filled in, then exit.  The minimal app prints the same
marker from the same moment (after its first refresh).  Start-up is the marker's time minus the
moment just before the process was spawned, so the exit is not counted; ``<cpu>`` is the CPU
seconds the process used until then, which other processes on a busy machine disturb far less
than the clock.  The two run alternately and each pair gives a ratio; the median of the ratios
is the figure.  The deck cache (quizapp.content.cache) is warmed by one run first, as it is for a
user who has opened the app before; a cold start is reported too.

Run: .venv/bin/python tests/bench/bench_startup.py [--work DIR] [--runs N] [--cards N] [--reviews N]
(--work keeps the generated decks and database between runs; they take a minute to build.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_store import build_database  # noqa: E402

TOPICS = 20
START_RATIO_TARGET = 1.3
READY = "quizapp-ready"

MINIMAL_APP = f"""
import os, time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.ready)

    def ready(self):
        os.write(1, f"{READY} {{time.time():.6f}} {{time.process_time():.6f}}\\n".encode())
        self.exit()

Minimal().run(headless=True)
"""


TUI_ONLY = """
import sys
from quizapp.tui.app import QuizApp

QuizApp(db=sys.argv[1], content_dirs=[sys.argv[2]]).run(headless=True)
"""


# -- the synthetic decks and database ------------------------------------------------------------


def card_yaml(topic: int, i: int) -> str:
    """A card of a realistic mix: mostly flashcards, some choice and true/false, a few exercises."""
    cid = f"syn-{topic:02d}-{i:04d}"
    roll = i % 20
    if roll < 12:
        return (f"  - id: {cid}\n    kind: flashcard\n    front: Question {i} of topic {topic}, which axes?\n"
                f"    back: Answer {i}, the axes N, H and W.\n    explain: Because of reason {i}.\n"
                f"    tags: [t{i % 7}]\n")
    if roll < 16:
        return (f"  - id: {cid}\n    kind: choice\n    prompt: Pick the right one ({i})\n"
                f"    options: [first {i}, second {i}, third {i}]\n    answer: {1 + i % 3}\n"
                f"    explain: Option {1 + i % 3} is right.\n")
    if roll < 19:
        return (f"  - id: {cid}\n    kind: truefalse\n    statement: Statement {i} holds.\n"
                f"    answer: {'true' if i % 2 else 'false'}\n    explain: It {'does' if i % 2 else 'does not'}.\n")
    return (f"  - id: {cid}\n    kind: exercise\n    generator: batch_norm.train_forward\n"
            f"    explain: Mean, biased variance, normalize.\n")


def write_decks(folder: Path, cards: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    per_topic = cards // TOPICS
    for t in range(TOPICS):
        body = "".join(card_yaml(t, i) for i in range(per_topic))
        text = (f"topic: syn-{t:02d}\ntitle: Synthetic topic {t}\nsummary: >\n  Generated for the start-up "
                f"benchmark.\ncards:\n{body}")
        (folder / f"syn_{t:02d}.yaml").write_text(text, encoding="utf-8")


def prepare(work: Path, cards: int, reviews: int) -> tuple[Path, Path]:
    decks = work / f"decks-{cards}"
    db = work / f"reviews-{cards}-{reviews}.db"
    if not decks.exists():
        write_decks(decks, cards)
    if not db.exists():
        from quizapp.content import load_paths

        library = load_paths([decks])
        assert not library.problems, library.problems[:3]
        start = time.perf_counter()
        build_database(db, library, reviews, datetime.now(timezone.utc))
        print(f"built {db.name}: {len(library.cards):,} cards, {reviews:,} reviews, "
              f"{db.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - start:.1f} s")
    return decks, db


# -- start-up -------------------------------------------------------------------------------------------


def time_to_ready(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from just before spawning ``command`` to the ready marker it prints, and the CPU
    seconds it had used by then."""
    start = time.time()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    for line in proc.stdout.splitlines():
        if line.startswith(READY):
            _, at, cpu = line.split()
            return float(at) - start, float(cpu)
    raise RuntimeError(f"no ready marker from {command[:3]}: rc={proc.returncode}\n{proc.stderr[-2000:]}")


def bench_startup(decks: Path, db: Path, work: Path, runs: int) -> bool:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["QUIZAPP_EXIT_WHEN_READY"] = "1"
    cache = work / "cache"
    env["QUIZAPP_CACHE_DIR"] = str(cache)
    quizapp = [sys.executable, "-m", "quizapp", "--db", str(db), "--content", str(decks)]
    minimal = [sys.executable, "-c", MINIMAL_APP]
    # The same app without the command line in front (argparse and every subcommand's imports):
    # tells the TUI's own cost from the CLI's.
    tui_only = [sys.executable, "-c", TUI_ONLY, str(db), str(decks)]

    shutil.rmtree(cache, ignore_errors=True)
    cold = time_to_ready(quizapp, env)  # also fills the deck cache
    time_to_ready(minimal, env)  # both interpreters' files now in the page cache
    ours, theirs, direct = [], [], []
    for _ in range(runs):
        ours.append(time_to_ready(quizapp, env))
        theirs.append(time_to_ready(minimal, env))
        direct.append(time_to_ready(tui_only, env))

    def median_ms(samples: list[tuple[float, float]], which: int) -> float:
        return statistics.median(sample[which] for sample in samples) * 1000

    def paired(a: list[tuple[float, float]], which: int) -> float:
        return statistics.median(x[which] / y[which] for x, y in zip(a, theirs))

    ratio, cpu_ratio = paired(ours, 0), paired(ours, 1)
    ok = ratio <= START_RATIO_TARGET
    for label, samples in (("start -> home ready (quizapp)", ours), ("start -> ready (minimal Textual)", theirs),
                           ("  the TUI without the CLI in front", direct)):
        print(f"{label:<34} median {median_ms(samples, 0):7.0f} ms   min {min(s[0] for s in samples) * 1000:5.0f}"
              f"   cpu {median_ms(samples, 1):5.0f} ms   n={runs}")
    print(f"{'ratio (median of pairs)':<34} {ratio:7.2f}x   cpu {cpu_ratio:.2f}x   (the TUI alone: {paired(direct, 0):.2f}x, "
          f"cpu {paired(direct, 1):.2f}x)   (target <= {START_RATIO_TARGET}: {'ok' if ok else 'OVER'})")
    print(f"{'cold start (empty deck cache)':<34} {cold[0] * 1000:7.0f} ms")
    return ok


def compile_bytecode() -> None:
    """Compile the app's modules as ``pip install`` does, so neither app pays for compiling.

    Textual's modules were compiled when it was installed; an editable checkout compiles ours on
    first import, unless PYTHONDONTWRITEBYTECODE is set (as it is on some machines), in which case
    every start would compile them from source (about 40 ms here) and the comparison is unfair.
    """
    import compileall

    root = Path(__file__).resolve().parents[2]
    compileall.compile_dir(root / "quizapp", quiet=1)  # quizapp/engine links to engine/


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the generated decks and database here")
    parser.add_argument("--runs", type=int, default=9, help="start-up runs of each app")
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        decks, db = prepare(work, args.cards, args.reviews)
        compile_bytecode()
        ok = bench_startup(decks, db, work, args.runs)
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
