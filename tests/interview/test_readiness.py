"""Readiness at the interview: the mean FSRS recall of each topic's cards at the interview
moment, checked against the ``fsrs`` package itself, replayed independently on the stored states."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import fsrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.interview.dates import days_left, interview_moment, upcoming
from quizapp.interview.readiness import readiness_at
from quizapp.scheduler import NEW, Settings
from quizapp.store import Store

from ..store.store_helpers import T0, flash, library, topic
from .history import fsrs_card, grade

UTC = timezone.utc
LIB = library(
    topic("alpha", [flash(f"a{i}", "alpha") for i in range(4)]),
    topic("beta", [flash(f"b{i}", "beta") for i in range(3)]),
)
CARDS = [card.id for t in LIB.topics for card in t.cards]


def independent_readiness(store: Store, at: datetime) -> dict[str, float]:
    """Per topic and overall, from fsrs.Scheduler.get_card_retrievability on each stored state."""
    scheduler = fsrs.Scheduler()  # the app's defaults are fsrs's own
    recall = {}
    for card_id in CARDS:
        state = store.get_state(card_id)
        recall[card_id] = 0.0 if state is None or state.state == NEW else scheduler.get_card_retrievability(fsrs_card(state), at)
    out = {t.id: sum(recall[c.id] for c in t.cards) / len(t.cards) for t in LIB.topics}
    out["overall"] = sum(recall.values()) / len(recall)
    return out


histories = st.lists(
    st.tuples(st.sampled_from(CARDS), st.integers(0, 40 * 24), st.sampled_from([1, 2, 3, 4])), max_size=40
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories, days_ahead=st.integers(0, 60))
def test_readiness_equals_an_independent_replay_through_fsrs(tmp_path_factory, history, days_ahead):
    path = tmp_path_factory.mktemp("r") / "r.db"
    with Store.open(path) as store:
        for card_id, hours, rating in sorted(history, key=lambda item: item[1]):
            grade(store, card_id, rating, T0 + timedelta(hours=hours))
        at = T0 + timedelta(days=40 + days_ahead)
        got = readiness_at(LIB.topics, store, at)
        expected = independent_readiness(store, at)
    assert {t.topic_id: t.ready for t in got.topics} == pytest.approx({k: v for k, v in expected.items() if k != "overall"}, abs=1e-12)
    assert got.overall == pytest.approx(expected["overall"], abs=1e-12)


def test_never_studied_cards_count_0_and_suspended_ones_are_left_out(store):
    grade(store, "a0", 3, T0)
    grade(store, "a0", 3, T0 + timedelta(minutes=10))  # now in review, stability a few days
    store.set_suspended("a1", True)
    at = T0 + timedelta(days=5)
    r0 = fsrs.Scheduler().get_card_retrievability(fsrs_card(store.state("a0")), at)
    got = readiness_at(LIB.topics, store, at)
    alpha, beta = got.topics
    assert (alpha.cards, alpha.ready) == (3, pytest.approx(r0 / 3))  # a1 suspended: a0, a2, a3
    assert (beta.cards, beta.ready) == (3, 0.0)
    assert got.overall == pytest.approx(r0 / 6)
    assert [t.topic_id for t in got.at_risk(0.9)] == ["beta", "alpha"]


def test_an_active_misconception_counts_as_one_more_card_at_recall_0_in_its_topic(store):
    grade(store, "a0", 3, T0)
    grade(store, "a0", 3, T0 + timedelta(minutes=10))
    grade(store, "b0", 1, T0 + timedelta(minutes=20), misconception="difference", correct=False)
    at = T0 + timedelta(days=3)
    r_a0 = fsrs.Scheduler().get_card_retrievability(fsrs_card(store.state("a0")), at)
    r_b0 = fsrs.Scheduler().get_card_retrievability(fsrs_card(store.state("b0")), at)
    alpha, beta = readiness_at(LIB.topics, store, at).topics
    assert alpha.ready == pytest.approx(r_a0 / 4) and alpha.misconceptions == 0
    assert beta.ready == pytest.approx(r_b0 / 4) and beta.misconceptions == 1  # 3 cards + 1


# -- the date -----------------------------------------------------------------------------------------


def test_the_interview_moment_is_the_start_of_that_study_day_or_now_on_the_day():
    s = Settings(day_starts_at=4)
    assert interview_moment(date(2026, 3, 24), s, T0, UTC) == datetime(2026, 3, 24, 4, tzinfo=UTC)
    on_the_day = datetime(2026, 3, 24, 9, tzinfo=UTC)
    assert interview_moment(date(2026, 3, 24), s, on_the_day, UTC) == on_the_day


def test_days_left_count_study_days():
    s = Settings(day_starts_at=4)
    assert days_left(date(2026, 3, 24), s, T0, UTC) == 14  # T0 is 2026-03-10 12:00
    assert days_left(date(2026, 3, 10), s, T0, UTC) == 0
    one_am = datetime(2026, 3, 11, 1, tzinfo=UTC)  # still the study day of the 10th
    assert days_left(date(2026, 3, 24), s, one_am, UTC) == 14


def test_a_passed_date_is_not_upcoming():
    assert upcoming(Settings(interview_date=date(2026, 3, 9)), T0, UTC) is None
    assert upcoming(Settings(interview_date=date(2026, 3, 10)), T0, UTC) == date(2026, 3, 10)
    assert upcoming(Settings(), T0, UTC) is None
