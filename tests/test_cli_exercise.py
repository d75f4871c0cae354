"""`quizapp exercise list`: every generator, and under it the params a deck may set (issue 12)."""

from __future__ import annotations

from quizapp.cli import main
from quizapp.engine.exercises import REGISTRY


def test_list_shows_every_generator_and_its_declared_params(capsys):
    assert main(["exercise", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert ids == sorted(REGISTRY)
    below = lines[lines.index(next(line for line in lines if line.startswith("blocks.pre_post_ln "))) + 1]
    assert below.split() == ["param", "placement:", "one", "of", "'pre',", "'post'", "(default:", "drawn", "at", "random)"]
    method = next(line for line in lines if "param method:" in line)
    assert "one of 'batch', 'layer', 'instance', 'group'" in method
    assert sum("param " in line for line in lines) == sum(len(gen.params) for gen in REGISTRY.values())
