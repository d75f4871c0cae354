"""Why a session is empty (issue 14, item 11): the daily new-card limit, the review limit, every
card hidden, nothing due yet, nothing in the selection; each with the numbers behind it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from quizapp.scheduler import REVIEW, CardState, Rating
from quizapp.why_empty import why_empty

from .store_helpers import T0, flash, flash_library, library, topic


def _study_all(session, rating=Rating.Easy) -> None:
    while session.next() is not None:
        session.grade(rating)


def test_the_new_card_limit_says_how_many_were_introduced_and_how_many_wait(make_session, store, clock):
    lib = flash_library(5)
    _study_all(make_session(lib, new_limit=2))
    clock.advance(minutes=1)
    empty_session = make_session(lib, new_limit=2)
    assert empty_session.next() is None
    empty = why_empty(empty_session)
    assert (empty.cards, empty.new_today, empty.new_limit, empty.new_waiting) == (5, 2, 2, 3)
    first_due = min(store.state(f"alpha-00{i}").due for i in range(2))
    assert empty.next_due == first_due
    reasons = empty.reasons()
    assert reasons[0] == "The daily limit of 2 new cards is reached (2 introduced today); 3 new cards wait for tomorrow."
    assert reasons[1].startswith("Nothing else is due: the next card falls due in ")
    assert empty.limit_reasons() == reasons[:1]


def test_one_card_waiting_reads_as_one(make_session, clock):
    lib = flash_library(2)
    _study_all(make_session(lib, new_limit=1))
    empty = why_empty(make_session(lib, new_limit=1))
    assert empty.limit_reasons() == ["The daily limit of 1 new card is reached (1 introduced today); 1 new card waits for tomorrow."]


def test_the_review_limit_counts_the_due_reviews_it_holds_back(make_session, store, clock):
    lib = flash_library(3)
    for i in range(3):  # three mature cards, due a day ago
        store.put_state(CardState(f"alpha-00{i}", state=REVIEW, stability=10.0, difficulty=5.0,
                                  due=T0 - timedelta(days=1), last_review=T0 - timedelta(days=11), reps=3))
    _study_all(make_session(lib, review_limit=1), Rating.Good)
    empty_session = make_session(lib, review_limit=1)
    assert empty_session.next() is None
    empty = why_empty(empty_session)
    assert (empty.reviews_waiting, empty.new_waiting) == (2, 0)
    assert empty.limit_reasons() == ["The daily limit of 1 review is reached; 2 due reviews wait for tomorrow."]


def test_every_card_hidden_names_the_buried_and_the_suspended(make_session, store, clock):
    lib = flash_library(3)
    session = make_session(lib)
    session.next()
    session.bury()
    session.next()
    session.suspend()
    session.next()
    session.suspend()
    empty = why_empty(make_session(lib))
    assert (empty.buried, empty.suspended, empty.new_waiting) == (1, 2, 0)
    assert empty.reasons() == ["Every card here is hidden: 1 buried until tomorrow and 2 suspended."]


def test_some_cards_hidden_and_the_rest_not_due(make_session, store, clock):
    lib = flash_library(3)
    _study_all(make_session(lib))
    store.set_suspended("alpha-000", True)
    empty = why_empty(make_session(lib))
    reasons = empty.reasons()
    assert reasons[0] == "Of the 3 cards here, 1 is suspended."
    assert reasons[1].startswith("Nothing else is due: the next card falls due in ")
    # the suspended card's due date is not the next one: it will not come
    assert empty.next_due == min(store.state(f"alpha-00{i}").due for i in (1, 2))


def test_a_bury_that_has_run_out_does_not_count(make_session, store, clock):
    lib = flash_library(1)
    session = make_session(lib)
    session.next()
    session.bury()
    clock.advance(days=1)
    assert why_empty(make_session(lib)).buried == 0


def test_nothing_in_the_selection(make_session):
    lib = library(topic("alpha", [flash("a1", tags=("x",))]))
    session = make_session(lib, tags=["y"])
    assert session.next() is None
    assert why_empty(session).reasons() == ["No card matches this selection."]


def test_cram_reviews_do_not_count_against_the_new_card_limit(make_session, store, clock):
    lib = flash_library(2)
    _study_all(make_session(lib, new_limit=1))  # alpha-000 introduced
    # alpha-001, still new, answered in cram mode: logged, but not a new card introduced
    cram = replace(store.reviews()[0], id=None, uid=None, card_id="alpha-001", mode="cram",
                   reviewed_at=clock.advance(minutes=1))
    store.bury("alpha-001", None)  # a stored row, still new (the log refers to it)
    store.apply_review("alpha-001", lambda s: s, cram)
    assert store.state("alpha-001").is_new
    empty = why_empty(make_session(lib, new_limit=1))
    assert (empty.new_today, empty.new_waiting) == (1, 1)


def test_a_session_of_chosen_cards_blames_no_daily_limit(make_session, clock):
    """Chosen cards ignore the limits, so when they run out no limit is "reached" (a cram of two
    cards used to end with "the daily limit of 1 new card is reached (0 introduced today)")."""
    lib = flash_library(4)
    session = make_session(lib, cards=["alpha-000", "alpha-001"], new_limit=1)
    _study_all(session)
    empty = why_empty(session)
    assert (empty.new_waiting, empty.reviews_waiting) == (0, 0)
    assert empty.limit_reasons() == []
