"""quizapp.stats on a hand-made history: every figure checked against counts done by hand, and the
per-topic figures (one function for the home screen, ``quizapp stats`` and the stats screen)
checked against FSRS's own recall prediction card by card."""

from __future__ import annotations

from datetime import date, timedelta, timezone

import fsrs.scheduler
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from quizapp.cardstate import DEFAULT_DECAY, FittedParameters, mastery_ratio
from quizapp.content.model import Flashcard
from quizapp.figures import home_figures
from quizapp.scheduler import LEARNING, NEW, RELEARNING, REVIEW, CardState, Scheduler, Settings
from quizapp.stats import compute
from quizapp.store import Review

from .store_helpers import T0, flash, library, topic, truefalse

UTC = timezone.utc


def log(store, card_id, at, rating=3, misconception=None, state=None):
    """Append a review directly (the figures only read the log and the states)."""
    if state is not None:
        store.put_state(state)
    elif store.get_state(card_id) is None:
        store.put_state(CardState(card_id))
    store.apply_review(card_id, lambda s: s, Review(card_id, at, rating, "flashcard", misconception=misconception))


@pytest.fixture
def lib():
    return library(
        topic("alpha", [flash("a1"), flash("a2"), flash("a3"), flash("a4")], title="Alpha"),
        topic("beta", [truefalse("b1", "beta"), Flashcard(id="b2", topic="beta", explain="e", front="f",
                                                            back="b", teaches=("unbiased_variance",))],
              title="Beta"),
    )


def test_reviews_per_day_and_retention(store, lib):
    # T0 is 2026-03-10 12:00 UTC; days start at 04:00 UTC.
    log(store, "a1", T0, rating=3)
    log(store, "a1", T0 - timedelta(hours=7, minutes=30), rating=1)  # 04:30 today
    log(store, "a2", T0 - timedelta(hours=8, minutes=30), rating=3)  # 03:30: yesterday's study day
    log(store, "a2", T0 - timedelta(days=29), rating=4)  # oldest day in the window
    log(store, "a3", T0 - timedelta(days=30), rating=1)  # outside the 30 days
    stats = compute(lib, store, T0, tz=UTC)
    days = stats.reviews_per_day
    assert len(days) == 30 and days[-1].day == date(2026, 3, 10) and days[0].day == date(2026, 2, 9)
    assert days[-1].count == 2 and days[-2].count == 1 and days[0].count == 1
    assert sum(d.count for d in days) == 4
    assert (stats.reviewed_30d, stats.right_30d) == (4, 3)
    assert stats.retention_30d == pytest.approx(0.75)
    assert stats.total_reviews == 5


def test_no_reviews_means_no_retention_figure(store, lib):
    stats = compute(lib, store, T0, tz=UTC)
    assert stats.retention_30d is None and stats.reviewed_30d == 0
    assert stats.by_state == {"new": 6, "learning": 0, "review": 0, "relearning": 0, "suspended": 0}
    assert stats.misconceptions == ()


def test_cards_by_state_and_forecast(store, lib):
    store.put_state(CardState("a1", state=REVIEW, stability=9.0, difficulty=5.0,
                              due=T0 - timedelta(days=2), last_review=T0 - timedelta(days=11)))  # overdue
    store.put_state(CardState("a2", state=REVIEW, stability=9.0, difficulty=5.0,
                              due=T0 + timedelta(days=3), last_review=T0 - timedelta(days=6)))
    store.put_state(CardState("a3", state=LEARNING, step=1, stability=1.0, difficulty=5.0,
                              due=T0 + timedelta(minutes=10), last_review=T0))
    store.put_state(CardState("b1", state=RELEARNING, step=0, stability=1.0, difficulty=7.0,
                              due=T0 + timedelta(days=13, hours=1), last_review=T0, suspended=True))
    store.put_state(CardState("not-in-content", state=REVIEW, stability=1.0, difficulty=5.0,
                              due=T0, last_review=T0))
    stats = compute(lib, store, T0, tz=UTC)
    assert stats.by_state == {"new": 2, "learning": 1, "review": 2, "relearning": 1, "suspended": 1}
    counts = [d.count for d in stats.forecast]
    assert len(counts) == 14
    assert counts[0] == 2  # the overdue a1 and the learning a3
    assert counts[3] == 1  # a2
    assert sum(counts) == 3  # suspended b1 and the card not in the content are left out


def test_mastery_counts_review_cards_recalled_with_90_percent(store, lib):
    # FSRS: retrievability is exactly 0.9 when the days since the last review equal the stability.
    store.put_state(CardState("a1", state=REVIEW, stability=10.0, difficulty=5.0,
                              due=T0 + timedelta(days=5), last_review=T0 - timedelta(days=5)))  # R > 0.9
    store.put_state(CardState("a2", state=REVIEW, stability=10.0, difficulty=5.0,
                              due=T0, last_review=T0 - timedelta(days=30)))  # R < 0.9: forgotten-ish
    store.put_state(CardState("a3", state=LEARNING, step=0, stability=3.0, difficulty=5.0,
                              due=T0, last_review=T0))  # fresh but still learning
    [alpha, beta], _ = home_figures(lib.topics, store, T0, tz=UTC)
    assert (alpha.topic_id, alpha.cards, alpha.mastered, alpha.new) == ("alpha", 4, 1, 1)
    assert alpha.mastery == pytest.approx(0.25)
    assert alpha.due == 2  # a2 and a3 due now; a1 in 5 days
    assert (beta.mastered, beta.new, beta.mastery) == (0, 2, 0.0)


def test_most_frequent_misconceptions_with_teaching_cards(store, lib):
    for i in range(3):
        log(store, "a1", T0 - timedelta(hours=i), 1, "unbiased_variance")
    log(store, "a1", T0 - timedelta(hours=5), 1, "no_eps")
    log(store, "a1", T0 - timedelta(hours=6), 3)
    stats = compute(lib, store, T0, tz=UTC)
    assert [(m.name, m.count) for m in stats.misconceptions] == [("unbiased_variance", 3), ("no_eps", 1)]
    assert stats.misconceptions[0].teaching_cards == ("b2",)
    assert stats.misconceptions[0].last_seen == T0
    assert stats.misconceptions[1].teaching_cards == ()


def test_the_stats_screen_and_the_home_screen_show_the_same_topic_figures(store, lib):
    store.put_state(CardState("a1", state=REVIEW, stability=10.0, difficulty=5.0,
                              due=T0 + timedelta(days=5), last_review=T0 - timedelta(days=5)))
    store.put_state(CardState("b1", state=LEARNING, step=0, stability=1.0, difficulty=5.0,
                              due=T0, last_review=T0, suspended=True))
    assert compute(lib, store, T0, tz=UTC).topics == home_figures(lib.topics, store, T0, tz=UTC)[0]


# -- per-topic figures on any mix of card states ------------------------------------------------

CARD_STATES = st.fixed_dictionaries(
    {
        "state": st.sampled_from([NEW, LEARNING, REVIEW, RELEARNING]),
        "stability": st.floats(0.1, 400),
        "days_since": st.integers(0, 500),
        "due_in_hours": st.integers(-24 * 30, 24 * 30),
        "buried": st.booleans(),
        "suspended": st.integers(0, 5).map(lambda n: n == 0),
    }
)
EIGHT = library(
    topic("alpha", [flash(f"a{i}") for i in range(5)]),
    topic("beta", [flash(f"b{i}", "beta") for i in range(3)]),
)


@given(states=st.lists(CARD_STATES, min_size=8, max_size=8))
def test_per_topic_figures_count_each_card_by_its_state_and_fsrs_recall(tmp_path_factory, states):
    from quizapp.store import Store

    scheduler = Scheduler(Settings())
    expected = {"alpha": [0, 0, 0], "beta": [0, 0, 0]}  # new, due, mastered, counted card by card
    tomorrow = T0.replace(hour=4) + timedelta(days=1)  # days start at 04:00 (UTC in these tests)
    with Store.open(tmp_path_factory.mktemp("figures") / "reviews.db") as store:
        for card, s in zip((c for t in EIGHT.topics for c in t.cards), states):
            started = s["state"] != NEW
            state = CardState(
                card.id,
                state=s["state"],
                step=0 if s["state"] in (LEARNING, RELEARNING) else None,
                stability=s["stability"] if started else None,
                difficulty=5.0 if started else None,
                due=T0 + timedelta(hours=s["due_in_hours"]) if started else None,
                last_review=T0 - timedelta(days=s["days_since"]) if started else None,
                reps=3 if started else 0,
                buried_until=T0 + timedelta(hours=5) if s["buried"] else None,
                suspended=s["suspended"],
            )
            store.put_state(state)
            if s["buried"] or s["suspended"]:
                continue  # hidden cards count in neither new nor due nor mastered
            counts = expected[card.topic]
            if not started:
                counts[0] += 1
                continue
            counts[1] += state.due < tomorrow
            if s["state"] == REVIEW:
                recall = scheduler.recall_probability(state.stability, state.last_review, T0)
                assume(abs(recall - 0.9) > 1e-9)  # exactly at the target, rounding may go either way
                counts[2] += recall >= 0.9
        figures, today = home_figures(EIGHT.topics, store, T0, tz=UTC)
    assert [(t.topic_id, t.cards, t.new, t.due, t.mastered) for t in figures] == [
        ("alpha", 5, *expected["alpha"]), ("beta", 3, *expected["beta"])
    ]
    assert today.due == expected["alpha"][1] + expected["beta"][1]


def test_the_mastery_ratio_inverts_fsrs_recall():
    """Days <= stability * ratio exactly when FSRS predicts at least the desired retention."""
    for retention in (0.7, 0.85, 0.9, 0.95):
        scheduler = Scheduler(Settings(desired_retention=retention))
        ratio = scheduler.mastery_ratio()
        for stability in (0.5, 1.0, 3.7, 10.0, 120.0):
            for days in range(0, 400, 3):
                recall = scheduler.recall_probability(stability, T0 - timedelta(days=days), T0)
                if abs(recall - retention) > 1e-9:
                    assert (days <= stability * ratio) == (recall >= retention), (retention, stability, days)
    assert Scheduler(Settings()).mastery_ratio() == pytest.approx(1.0)  # FSRS: R = 0.9 after S days


def test_fsrs_default_decay_is_the_one_the_home_screen_uses_without_fsrs():
    """The home screen works out the mastery ratio without importing fsrs while no parameters are
    fitted: with fsrs's own default decay, so the same ratio as the scheduler's."""
    assert DEFAULT_DECAY == -fsrs.scheduler.DEFAULT_PARAMETERS[20]
    for retention in (0.7, 0.8, 0.9, 0.97):
        assert mastery_ratio(retention) == Scheduler(Settings(desired_retention=retention)).mastery_ratio()


@pytest.mark.parametrize("decay", [None, 0.6])  # FSRS's default parameters, or fitted ones with another decay
def test_mastered_cards_are_counted_by_the_database_s_own_parameters(store, decay):
    """At 80% desired retention a card is mastered while FSRS (with the database's parameters)
    predicts recall of at least 80%; each card is checked with fsrs's own recall."""
    store.save_settings(desired_retention=0.8)
    parameters = None
    if decay is not None:
        parameters = (*fsrs.scheduler.DEFAULT_PARAMETERS[:20], decay)
        store.save_fsrs_parameters(FittedParameters(parameters, T0, 1000))
    scheduler = Scheduler(Settings(desired_retention=0.8), parameters)
    cards = [flash(f"m{days}") for days in range(5, 40, 3)]
    for card, days in zip(cards, range(5, 40, 3)):
        store.put_state(CardState(card.id, state=REVIEW, stability=10.0, difficulty=5.0, due=T0 + timedelta(days=30),
                                  last_review=T0 - timedelta(days=days), reps=3))
    expected = sum(scheduler.recall_probability(10.0, T0 - timedelta(days=days), T0) >= 0.8 for days in range(5, 40, 3))
    [figures], _ = home_figures(library(topic("alpha", cards)).topics, store, T0, tz=UTC)
    assert figures.mastered == expected and 0 < expected < len(cards)


def test_today_counts_reviews_since_the_day_began_and_new_cards_left(store, lib):
    # the study day began at 04:00 UTC; one review before it
    for cid, hours_ago in (("a1", 2), ("a2", 3), ("a3", 9)):
        store.apply_review(
            cid,
            lambda s, h=hours_ago: CardState(s.card_id, state=REVIEW, stability=5.0, difficulty=5.0,
                                             due=T0 + timedelta(days=3), last_review=T0 - timedelta(hours=h), reps=1),
            Review(cid, T0 - timedelta(hours=hours_ago), 3, "flashcard"),
        )
    _, today = home_figures(lib.topics, store, T0, tz=UTC)
    assert (today.reviewed, today.due, today.first_run) == (2, 0, False)
    # 6 cards, 3 started: 3 new; the daily limit (20) has room for 18 more today
    assert today.new_available == 3
    store.save_settings(new_per_day=3)
    assert home_figures(lib.topics, store, T0, tz=UTC)[1].new_available == 1  # 2 new ones taken today


def test_a_first_run_is_a_log_without_reviews(store, lib):
    assert home_figures(lib.topics, store, T0, tz=UTC)[1].first_run
    store.bury("a1", T0 + timedelta(hours=1))  # hiding a card is not a review
    assert home_figures(lib.topics, store, T0, tz=UTC)[1].first_run
