"""``quizapp exercise``: list the generators, or solve one exercise on stdin/stdout.

    quizapp exercise list
    quizapp exercise batch_norm.train_forward --seed 7 --level 2     # prompt, answer, verdict
    quizapp exercise batch_norm.train_forward --seed 7 --json        # for deck authors and tests

Exit codes: 0 right (or listed/printed), 1 wrong, 2 usage error (an unknown id lists close
matches; a topic, card or coding task names the command that takes it) or no readable answer.
An answer that cannot be read is never graded and reveals nothing: in a terminal the parse error
is shown and the answer asked again; from a pipe it is the one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from quizapp.cli.common import isatty, load_library
from quizapp.cli.ids import id_problem


def register(subparsers, common) -> None:
    parser = subparsers.add_parser(
        "exercise",
        parents=[common],
        help="solve a generated numeric exercise, or list the generators",
        description="Solve a generated numeric exercise in plain text: the prompt is printed, "
        "the answer is read from stdin (end with an empty line or EOF), then the verdict and the "
        "worked steps. `quizapp exercise list` lists the generators.",
    )
    parser.add_argument("id", metavar="ID", help="a generator id, or 'list'")
    parser.add_argument("--seed", type=int, help="the seed (default: a fresh one, printed)")
    parser.add_argument("--level", type=int, help="difficulty 1-3 (default: the lowest it has)")
    parser.add_argument("--json", action="store_true", help="print the exercise as JSON and exit")
    parser.set_defaults(func=run)


def _usage_error(message: str) -> int:
    print(f"quizapp exercise: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from quizapp.engine.exercises import REGISTRY, make

    if args.id == "list":
        print("\n".join(list_lines(REGISTRY)))
        return 0
    gen = REGISTRY.get(args.id)
    if gen is None:
        return _usage_error(id_problem(args.id, ("generator",), load_library(args)))
    level = gen.levels[0] if args.level is None else args.level
    if level not in gen.levels:
        return _usage_error(f"{args.id} has levels {', '.join(map(str, gen.levels))}, not {level}")
    import secrets

    seed = secrets.randbelow(2**31) if args.seed is None else args.seed
    if seed < 0:
        return _usage_error("--seed must be a non-negative integer")
    exercise = make(args.id, seed, level)
    if args.json:
        print(json.dumps(exercise_json(exercise), indent=2))
        return 0
    return solve(exercise, sys.stdin, sys.stdout)


def list_lines(registry: dict[str, Any]) -> list[str]:
    """One line per generator (id, levels, description), and under it one line per declared
    param (``params:`` in an exercise card) with what it accepts and its default."""
    width = max(len(gid) for gid in registry)
    lines = []
    for gid, gen in sorted(registry.items()):
        levels = ",".join(str(n) for n in gen.levels)
        lines.append(f"{gid:<{width}}  {'[' + levels + ']':<7}  {gen.description}")
        lines += [f"{'':<{width}}  {'':<7}    param {name}: {param}" for name, param in gen.params.items()]
    return lines


def _plain(value: Any) -> Any:
    """A value as JSON can hold it: arrays as nested lists, numpy scalars as Python numbers."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def exercise_json(exercise) -> dict[str, Any]:
    """Everything needed to reproduce and grade the exercise, as plain JSON types."""
    return {
        "id": exercise.generator,
        "seed": exercise.seed,
        "level": exercise.level,
        "asks": exercise.asks,
        "prompt": exercise.prompt,
        "inputs": {name: _plain(v) for name, v in exercise.inputs.items()},
        "answer": _plain(exercise.answer),
        "shape": list(exercise.answer.shape),
        "rtol": exercise.rtol,
        "atol": exercise.atol,
        "misconceptions": {v.name: _plain(v.answer) for v in exercise.variants},
        "steps": [{"label": s.label, "value": _plain(s.value)} for s in exercise.steps],
    }


def read_answer(stream) -> str:
    """Lines up to the first empty line (or EOF): a matrix can be typed one row per line.
    Empty lines before the answer are skipped, so "" means the input ended."""
    lines = []
    for line in stream:
        if not line.strip():
            if lines:
                break
            continue
        lines.append(line.rstrip("\n"))
    return "\n".join(lines)


def solve(exercise, stdin, stdout) -> int:
    """Print the prompt, read an answer, print the verdict and the steps; 0 if right, 1 if not,
    2 when no readable answer came (nothing is revealed then)."""
    from quizapp.engine.answers import check
    from quizapp.plaintext import verdict_lines

    print(f"Exercise {exercise.generator} (level {exercise.level}, seed {exercise.seed})", file=stdout)
    print(file=stdout)
    print(exercise.prompt, file=stdout)
    print(file=stdout)
    while True:
        print("Your answer (end with an empty line):", file=stdout, flush=True)
        text = read_answer(stdin)
        if not text.strip():
            return _usage_error("no answer was given; nothing is revealed (try again, or --json for the answer)")
        verdict = check(exercise, text)
        if not verdict.parse_error:
            break
        if not isatty(stdin):
            return _usage_error(f"{verdict.message}; nothing is revealed")
        print(f"{verdict.message[:1].upper()}{verdict.message[1:]}. Try again.", file=stdout)
    print(file=stdout)
    print("\n".join(verdict_lines(exercise, verdict)), file=stdout)
    return 0 if verdict.correct else 1
