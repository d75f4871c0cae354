"""Time loading and validating decks against a bare ``yaml.load(..., Loader=CSafeLoader)``.

    .venv/bin/python tests/bench/bench_content.py [--rounds 15] [--cards 10000]

Two workloads: every shipped deck, and one generated deck of ``--cards`` cards of all kinds (written
to a temporary folder). For each, in interleaved rounds:

- ``bare``: read each file and ``yaml.load`` it with ``yaml.CSafeLoader`` (plain dicts, no checks);
- ``compose``: read and ``yaml.compose`` (the node tree the loader walks; for reference);
- ``load+validate``: ``quizapp.content.load_paths`` (read, compose, check every field, build the
  cards, check ids across files).

Printed: the median time of each and the median per-round ratio of load+validate to bare.
Target (issue 5): validation adds at most 50% over the bare parse, i.e. a ratio <= 1.5.
This is a script, not a test: pytest does not collect tests/bench.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

import yaml  # noqa: E402

from quizapp.engine.exercises.base import REGISTRY, Draft, generator  # noqa: E402
from quizapp.content import deck_files, load_paths, references, shipped_content_dir  # noqa: E402

TARGET = 1.5
BENCH_GENERATOR = "bench.mean"
BENCH_TASK = "bench_task"


def bare(files: list[Path]) -> None:
    for file in files:
        yaml.load(file.read_bytes(), Loader=yaml.CSafeLoader)


def compose(files: list[Path]) -> None:
    for file in files:
        yaml.compose(file.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)


def load_and_validate(files: list[Path]) -> None:
    load_paths(files)


def measure(files: list[Path], rounds: int) -> dict[str, list[float]]:
    runs: dict[str, Callable[[list[Path]], None]] = {
        "bare": bare,
        "compose": compose,
        "load+validate": load_and_validate,
    }
    for run in runs.values():  # warm up: imports, file cache, registries
        run(files)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            run(files)
            times[name].append(time.perf_counter() - start)
    return times


def report(title: str, files: list[Path], rounds: int) -> float:
    library = load_paths(files)
    times = measure(files, rounds)
    ratio = statistics.median(v / b for v, b in zip(times["load+validate"], times["bare"]))
    print(f"\n{title}: {len(files)} files, {sum(f.stat().st_size for f in files) / 1024:.0f} KiB, "
          f"{len(library.cards)} cards served, {len(library.problems)} problems")
    for name, values in times.items():
        print(f"  {name:<14} {statistics.median(values) * 1000:9.2f} ms  (min {min(values) * 1000:.2f})")
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(f"  load+validate / bare = {ratio:.2f}  (target <= {TARGET}: {verdict})")
    return ratio


CARD_TEMPLATES = {
    "flashcard": """\
  - id: gen-{i}
    kind: flashcard
    front: For an (N, C, H, W) input, which axes does BatchNorm2d average over? ({i})
    back: N, H and W - one mean and one variance per channel.
    explain: |
      BatchNorm normalizes each channel with statistics shared by every sample and position,
      so it keeps C separate and reduces over the rest.
    tags: [axes, batch-norm]
    level: 1
""",
    "choice": """\
  - id: gen-{i}
    kind: choice
    prompt: In eval mode, what does nn.BatchNorm2d normalize with? ({i})
    options:
      - The statistics of the current batch
      - The running mean and running variance collected in training
      - Nothing; BatchNorm is switched off in eval mode
    answer: 2
    explain: |
      model.eval() switches BatchNorm to its running estimates, so the output of a sample no
      longer depends on the rest of the batch.
    refs: [https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html]
""",
    "truefalse": """\
  - id: gen-{i}
    kind: truefalse
    statement: BatchNorm's running_var is updated with the biased batch variance. ({i})
    answer: false
    teaches: [biased_running_var]
    explain: |
      PyTorch normalizes with the biased variance but updates running_var with the unbiased one.
""",
    "exercise": """\
  - id: gen-{i}
    kind: exercise
    generator: bench.mean
    params: {{n: 4, scale: 0.5}}
    level: 2
    intro: Work it by hand, eps = 0.
    explain: |
      Per feature: subtract the batch mean, divide by the biased standard deviation.
""",
    "code": """\
  - id: gen-{i}
    kind: code
    task: bench_task
    prompt: Implement BatchNorm's training-mode forward pass for an (N, D) input. ({i})
    explain: |
      Mean and biased variance over axis 0, eps inside the square root, then scale and shift.
""",
}


def write_generated_deck(folder: Path, n_cards: int) -> Path:
    kinds = list(CARD_TEMPLATES)
    header = textwrap.dedent("""\
        topic: generated
        title: A generated deck
        summary: Many cards of every kind, for timing the loader.
        refs: [https://arxiv.org/abs/1502.03167]
        cards:
        """)
    body = "".join(CARD_TEMPLATES[kinds[i % len(kinds)]].format(i=i) for i in range(n_cards))
    path = folder / "generated.yaml"
    path.write_text(header + body, encoding="utf-8")
    return path


def register_bench_references() -> None:
    """A generator and a drill task for the generated deck, so it validates clean."""

    def bench_mean(rng, level=1, n=3, scale=1.0):
        return Draft(asks="the mean", prompt="", answer=0.0, steps=[])

    if BENCH_GENERATOR not in REGISTRY:
        generator(BENCH_GENERATOR, "bench only", levels=(1, 2))(bench_mean)
    real_tasks = references.tasks
    references.tasks = lambda: {**real_tasks(), BENCH_TASK: object()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--cards", type=int, default=10_000)
    args = parser.parse_args()
    if not yaml.__with_libyaml__:
        print("PyYAML has no libyaml here: the comparison with CSafeLoader is meaningless.")
        return 2
    register_bench_references()
    print(f"PyYAML {yaml.__version__} with libyaml; {args.rounds} rounds; medians")

    ratios = []
    shipped = deck_files(shipped_content_dir())
    if shipped:
        ratios.append(report(f"shipped decks ({shipped_content_dir()})", shipped, args.rounds))
    else:
        print("\nno shipped decks found")
    with tempfile.TemporaryDirectory() as tmp:
        deck = write_generated_deck(Path(tmp), args.cards)
        ratios.append(report(f"generated deck ({args.cards} cards)", [deck], max(3, args.rounds // 3)))
    return 0 if all(r <= TARGET for r in ratios) else 1


if __name__ == "__main__":
    sys.exit(main())
