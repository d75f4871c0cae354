"""Two machines that merge (quizapp.merge): misconception memories are replayed from the merged
log, cram and mock answers from the other machine leave every card's FSRS state alone, and mock
rounds are carried over by uid so the trend across mocks covers both machines."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest

from quizapp.cli import main
from quizapp.interview.misconceptions import ACTIVE, FIXED, IMPROVING, memories
from quizapp.interview.stats import interview_stats
from quizapp.merge import merge
from quizapp.scheduler import scheduler_for
from quizapp.store import Store

from ..store.store_helpers import T0, choice, flash, library, topic
from .history import grade

DAY = timedelta(days=1)
LIB = library(topic("alpha", [flash("f-a"), flash("f-b"), choice("c-a", answer=(1,))]))


@pytest.fixture
def machines(tmp_path):
    """A laptop with one day of study, and a desktop that started as a copy of its file."""
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    with Store.open(laptop) as store:
        grade(store, "f-a", 3, T0)
        grade(store, "f-b", 3, T0 + timedelta(minutes=1))
        grade(store, "c-a", 1, T0 + timedelta(minutes=2), misconception="difference", correct=False)
        grade(store, "c-a", 1, T0 + timedelta(minutes=3), misconception="bessel", correct=False)
    shutil.copyfile(laptop, desktop)
    return laptop, desktop


def statuses(path) -> dict[str, str]:
    with Store.open(path) as store:
        return {name: m.status for name, m in memories(store.misconception_events(), scheduler_for(store)).items()}


def test_misconception_memories_after_a_merge_are_those_of_the_union_log(machines, tmp_path):
    laptop, desktop = machines
    with Store.open(laptop) as a:  # "difference" re-tested right twice, a week apart: fixed here
        grade(a, "c-a", 3, T0 + 2 * DAY, misconception="difference", correct=True)
        grade(a, "c-a", 3, T0 + 9 * DAY, misconception="difference", correct=True)
    with Store.open(desktop) as b:  # "bessel" re-tested right once; "difference" shown again later
        grade(b, "c-a", 3, T0 + 3 * DAY, misconception="bessel", correct=True)
        grade(b, "c-a", 1, T0 + 10 * DAY, misconception="difference", correct=False)
    assert statuses(laptop) == {"difference": FIXED, "bessel": ACTIVE}
    assert statuses(desktop) == {"difference": ACTIVE, "bessel": IMPROVING}
    with Store.open(laptop) as a, Store.open(desktop) as b:
        union = {r.uid: r for r in a.reviews() + b.reviews()}

    with Store.open(laptop) as a:
        merge(a, desktop)
    with Store.open(desktop) as b:
        merge(b, laptop)

    # by hand: difference's last event is the desktop's lapse on day 10; bessel's a right re-test
    assert statuses(laptop) == statuses(desktop) == {"difference": ACTIVE, "bessel": IMPROVING}
    # and the memories are exactly those of one machine that logged the union of both logs
    with Store.open(tmp_path / "one.db") as one:
        for review in sorted(union.values(), key=lambda r: r.reviewed_at):
            one.apply_review(review.card_id, lambda s: s, replace(review, id=None))
        expected = memories(one.misconception_events(), scheduler_for(one))
    for path in (laptop, desktop):
        with Store.open(path) as store:
            assert memories(store.misconception_events(), scheduler_for(store)) == expected
    assert expected["difference"].due > T0 + 10 * DAY  # the lapse on day 10 brings a re-test after it


def test_cram_and_mock_answers_from_the_other_machine_leave_the_schedule_alone(machines):
    laptop, desktop = machines
    with Store.open(laptop) as a:
        before = {cid: a.state(cid) for cid in ("f-a", "f-b", "c-a")}
    with Store.open(desktop) as b:
        grade(b, "f-a", 1, T0 + DAY, mode="cram")
        grade(b, "f-b", 1, T0 + DAY + timedelta(minutes=1), mode="mock")
        grade(b, "c-a", 4, T0 + DAY + timedelta(minutes=2), mode="cram")
    with Store.open(laptop) as a:
        report = merge(a, desktop)
        assert sorted(r.mode for r in report.added) == ["cram", "cram", "mock"]
        assert {cid: a.state(cid) for cid in before} == before
        assert sorted(r.mode for r in a.reviews() if r.reviewed_at > T0 + DAY / 2) == ["cram", "cram", "mock"]


def test_mock_rounds_are_taken_over_by_uid_with_their_answers(machines, capsys):
    laptop, desktop = machines
    start = T0 + 2 * DAY
    with Store.open(desktop) as b:
        for i, (card_id, rating) in enumerate((("f-a", 3), ("c-a", 1), ("f-b", 3))):
            grade(b, card_id, rating, start + timedelta(minutes=i + 1), mode="mock", correct=rating > 1)
        round_there = b.save_mock_round(start, start + timedelta(minutes=5), 5)
        answers_there = [r.uid for r in b.mock_reviews(round_there)]
    assert main(["--db", str(laptop), "merge", str(desktop)]) == 0
    assert ", 1 mock rounds taken over" in capsys.readouterr().out
    with Store.open(laptop) as a:
        assert a.mock_rounds() == [round_there]
        assert [r.uid for r in a.mock_reviews(round_there)] == answers_there and len(answers_there) == 3
        trend = interview_stats(LIB, a, start + DAY).mocks
        assert [(m.started, m.minutes, m.right, m.answered) for m in trend] == [(start, 5, 2, 3)]
        again = merge(a, desktop)
        assert again.mock_rounds == 0 and not again.changed and len(a.mock_rounds()) == 1


@pytest.mark.parametrize("column, value, means", [
    ("started_at", "'soon'", "a time"),
    ("minutes", "2.5", "a length in minutes"),
    ("uid", "X'07'", "a round id"),
])
def test_an_odd_mock_round_is_one_line_here_and_in_the_other_file(machines, tmp_path, capsys, column, value, means):
    laptop, desktop = machines
    with Store.open(desktop) as b:
        saved = b.save_mock_round(T0, T0 + timedelta(minutes=30), 30)
    conn = sqlite3.connect(desktop, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"UPDATE mock_round SET {column} = {value}")
    conn.close()
    named = f"mock round {'' if column == 'uid' else repr(saved.uid) + ':'}"
    assert main(["--db", str(laptop), "merge", str(desktop)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and f"column {column!r} holds" in err and err.endswith(f"not {means}\n")
    with Store.open(laptop) as a:
        assert a.mock_rounds() == [] and len(a.reviews()) == 4  # nothing was merged
    assert main(["--db", str(desktop), "stats"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and f"column {column!r} holds" in err
