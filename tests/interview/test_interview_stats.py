"""The stats' interview figures: cram and mock answers, the mock trend, each misconception's status."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

from quizapp.cli import main
from quizapp.interview.mock import MockRound
from quizapp.interview.stats import interview_stats

from ..store.store_helpers import T0, choice, library, topic, truefalse
from .history import grade

UTC = timezone.utc
LIB = library(topic("alpha", [choice("a-choice", answer=(1,)), truefalse("a-tf", answer=True),
                              choice("a-two", answer=(0,))]))


def play(store, clock, right: int) -> None:
    """A 5-minute round answering the first ``right`` questions right and the rest wrong."""
    mock = MockRound(LIB, store, minutes=5, now=clock, rng=random.Random(1), tz=UTC)
    given = 0
    while (p := mock.next()) is not None:
        clock.advance(seconds=20)
        if p.kind == "choice":
            positions = p.correct_positions if given < right else [i for i in range(len(p.options)) if i not in p.correct_positions][:1]
            mock.answer(" ".join(str(i + 1) for i in positions))
        else:
            mock.answer("t" if given < right else "f")
        given += 1
    mock.end()


def test_cram_and_mock_answers_the_mock_trend_and_misconception_status(store, clock):
    grade(store, "a-tf", 3, T0 - timedelta(days=40), mode="cram")  # too old to count
    grade(store, "a-tf", 3, T0 - timedelta(days=3), mode="cram")
    grade(store, "a-choice", 1, T0 - timedelta(days=20), misconception="old_belief", correct=False)
    for days in (-19, -10):
        grade(store, "a-choice", 3, T0 + timedelta(days=days), misconception="old_belief", correct=True)
    grade(store, "a-two", 1, T0 - timedelta(days=2), misconception="new_belief", correct=False)
    play(store, clock, right=1)
    clock.advance(days=2)
    play(store, clock, right=3)

    stats = interview_stats(LIB, store, clock(), tz=UTC)
    assert (stats.cram_30d, stats.mock_30d) == (1, 6)
    assert [(m.started, m.right, m.answered) for m in stats.mocks] == [
        (T0, 1, 3), (T0 + timedelta(days=2, seconds=60), 3, 3)
    ]
    assert [(m.name, m.status, m.shown, m.right_retests) for m in stats.misconceptions] == [
        ("new_belief", "active", 1, 0), ("old_belief", "fixed", 1, 2),
    ]
    assert stats.misconceptions[0].due == T0 - timedelta(days=1)  # shown two days ago, due the day after


def test_quizapp_stats_prints_and_exports_them(db_path, capsys):
    from quizapp.store import Store

    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)  # the command counts the last 30 days from now
    with Store.open(db_path) as store:
        grade(store, "do-p-meaning", 1, an_hour_ago, misconception="keep_prob_as_drop_prob", correct=False)
        grade(store, "do-p-meaning", 3, an_hour_ago, mode="cram")
    assert main(["stats", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Interview practice in the last 30 days: 1 cram and 0 mock answers (they leave the schedule alone)." in out
    assert any(line.startswith("  keep_prob_as_drop_prob  active     shown 1x, right 0x, next re-test") for line in out)
    assert main(["stats", "--json", "--db", str(db_path)]) == 0
    data = json.loads(capsys.readouterr().out)["interview"]
    assert (data["cram_30d"], data["mocks"]) == (1, [])
    assert [(m["name"], m["status"]) for m in data["misconceptions"]] == [("keep_prob_as_drop_prob", "active")]
