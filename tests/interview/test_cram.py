"""Cramming: the weakest cards at the interview first; answers logged as cram reviews that leave
every card's FSRS state as it was (unless --reschedule)."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta, timezone

import pytest

from quizapp.cli import main
from quizapp.content import load_library
from quizapp.interview.cram import cram_order
from quizapp.scheduler import CardState
from quizapp.store import Store
from quizapp.study import open_session

from ..store.store_helpers import T0, choice, flash, library, topic, truefalse
from .history import grade

UTC = timezone.utc
LIB = library(
    topic("alpha", [flash("a-old"), flash("a-new"), choice("a-choice", answer=(1,)), truefalse("a-tf", answer=True)]),
    topic("beta", [flash("b-recent", "beta"), flash("b-new", "beta"), choice("b-choice", "beta", answer=(0,))]),
)


def history(store: Store) -> None:
    """a-old: learned long ago and reviewed well (high stability); b-recent: learned yesterday
    (low stability); a-choice and b-choice: learned a week ago."""
    for days, rating in ((-60, 3), (-60, 3), (-50, 3), (-30, 3)):
        grade(store, "a-old", rating, T0 + timedelta(days=days, minutes=len(store.reviews("a-old")) * 10))
    for card_id in ("a-choice", "b-choice"):
        grade(store, card_id, 3, T0 - timedelta(days=7))
        grade(store, card_id, 3, T0 - timedelta(days=7, minutes=-10))
    grade(store, "b-recent", 3, T0 - timedelta(days=1))
    grade(store, "b-recent", 3, T0 - timedelta(days=1, minutes=-10))


def test_the_order_is_lowest_recall_at_the_interview_first_new_cards_first_in_content_order(store):
    history(store)
    store.set_suspended("a-tf", True)
    now_order = cram_order(LIB.topics, store, T0, UTC)
    assert now_order[:2] == ["a-new", "b-new"]  # never studied: 0, in content order
    assert "a-tf" not in now_order
    assert now_order[2:] == ["a-choice", "b-choice", "a-old", "b-recent"]  # b-recent was seen yesterday
    store.save_settings(interview_date=date(2026, 4, 30))  # seven weeks on, yesterday's card fades most
    at_the_interview = cram_order(LIB.topics, store, T0, UTC)
    assert at_the_interview[:2] == ["a-new", "b-new"]
    assert at_the_interview.index("b-recent") < at_the_interview.index("a-old")


def answer_everything(session, rng: random.Random) -> int:
    answered = 0
    while (p := session.next()) is not None:
        if p.self_graded:
            session.grade(rng.choice([1, 3]))
        elif p.kind == "choice":
            session.submit(str(rng.randint(1, len(p.options))))
        else:
            session.submit(rng.choice(["t", "f"]))
        answered += 1
    return answered


def test_cram_answers_leave_every_cards_fsrs_state_unchanged_and_are_in_the_log(store, clock):
    history(store)
    cards = [card.id for t in LIB.topics for card in t.cards]
    before = {cid: store.state(cid) for cid in cards}
    logged = len(store.reviews())
    clock.advance(days=3)
    session = open_session(LIB, store, cards=cram_order(LIB.topics, store, clock()), mode="cram", now=clock,
                           rng=random.Random(5), tz=UTC)
    assert answer_everything(session, random.Random(9)) == len(cards)
    after = {cid: store.state(cid) for cid in cards}
    assert {cid: s for cid, s in after.items() if s != before[cid]} == {}
    assert all(before[cid] == CardState(cid) for cid in ("a-new", "b-new"))  # still new
    crammed = store.reviews()[: len(store.reviews()) - logged]
    assert sorted(r.card_id for r in crammed) == sorted(cards) and {r.mode for r in crammed} == {"cram"}
    assert store.done_since(clock() - timedelta(hours=8)) == {}  # cramming uses none of today's limits
    assert store.mode_counts(clock() - timedelta(hours=1)) == {"cram": len(cards)}


def test_reschedule_counts_them_as_normal_reviews(store, clock):
    session = open_session(LIB, store, cards=["a-new"], mode="review", now=clock, rng=random.Random(5), tz=UTC)
    session.next()
    session.grade(3)
    assert not store.state("a-new").is_new and store.reviews()[0].mode == "review"


def test_quizapp_cram_plain_serves_the_weakest_first_and_keeps_the_schedule(db_path, capsys, monkeypatch, utc):
    with Store.open(db_path) as store:
        grade(store, "do-p-meaning", 3, T0)
        grade(store, "do-p-meaning", 3, T0 + timedelta(minutes=10))
        before = store.state("do-p-meaning")
    never_seen = [card.id for card in load_library().topic("dropout").cards if card.id != "do-p-meaning"]
    assert never_seen[0] == "do-inverted-train"  # a flashcard: Enter reveals it, 1 grades it again
    monkeypatch.setattr("sys.stdin", io.StringIO("\n1\nt\n"))  # then "t" answers the second card
    assert main(["cram", "dropout", "--limit", "2", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cramming the cards you are least likely to recall at your interview first.")
    assert "(do-p-meaning)" not in out  # studied: it comes after the cards never seen
    assert f"({never_seen[0]})" in out and f"({never_seen[1]})" in out  # the first two never seen, in deck order
    assert "daily limit" not in out  # a cram of chosen cards is held back by no limit
    assert out.count("as a cram review (its schedule is unchanged).") == 2
    with Store.open(db_path) as store:
        assert store.state("do-p-meaning") == before
        assert [r.mode for r in store.reviews()][:2] == ["cram", "cram"]


@pytest.mark.parametrize("argv, message", [
    (["cram", "nope"], "quizapp cram: unknown topic or card 'nope'"),
    (["cram", "do-p-meaning"], "quizapp cram: cram takes topic ids, not card ids"),
])
def test_quizapp_cram_refuses_what_is_not_a_topic(db_path, capsys, argv, message):
    assert main([*argv, "--db", str(db_path)]) == 2
    assert capsys.readouterr().err.startswith(message)
