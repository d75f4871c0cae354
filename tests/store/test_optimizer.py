"""``quizapp optimize``: FSRS fitted to a review log simulated from a known parameter set predicts
held-out reviews better than FSRS's defaults; the fitted parameters are stored and used from then
on; --reschedule replays every card; too few reviews change nothing.

Held-out log loss is computed in the test with the ``fsrs`` package alone (tests/store/
fsrs_simulation.py), not with the binding that fitted the parameters."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

import fsrs
import pytest

from quizapp.cli import main
from quizapp.optimizer import MIN_ITEMS, NotEnoughReviews, OptimizerMissing, fit, training_items
from quizapp.scheduler import DEFAULT_PARAMETERS, Scheduler, scheduler_for
from quizapp.store import Review, Store, StoreError

from .fsrs_simulation import START, TRUE_PARAMETERS, log_loss, simulate_log, write_log
from .store_helpers import flash_library

fsrs_rs = pytest.importorskip("fsrs_rs_python")


@pytest.fixture(scope="module")
def medium_log() -> list[Review]:
    """150 cards over 300 days: 1633 reviews."""
    return simulate_log(150, 300, seed=1)


def test_the_bindings_defaults_are_the_fsrs_packages():
    assert len(fsrs_rs.DEFAULT_PARAMETERS) == len(DEFAULT_PARAMETERS) == 21
    assert fsrs_rs.DEFAULT_PARAMETERS == pytest.approx(DEFAULT_PARAMETERS, rel=1e-6)  # float32 vs float64


def test_fitted_parameters_predict_held_out_reviews_better_than_the_defaults():
    log = simulate_log(400, 365, seed=11)
    cards = sorted({r.card_id for r in log})
    held_out = set(cards[::4])
    train = [r for r in log if r.card_id not in held_out]
    test = [r for r in log if r.card_id in held_out]
    assert len(log) > 4000
    result = fit(train)
    fsrs.Scheduler(parameters=result.parameters)  # within the fsrs package's bounds
    default_loss, fitted_loss = log_loss(DEFAULT_PARAMETERS, test), log_loss(result.parameters, test)
    assert fitted_loss < default_loss - 0.005
    assert log_loss(TRUE_PARAMETERS, test) < default_loss  # the simulation is what it claims
    assert result.fitted.log_loss < result.default.log_loss  # and the binding agrees on its own log
    # the first-review stabilities move from the defaults toward the true (smaller) ones
    assert result.parameters[1] < DEFAULT_PARAMETERS[1] and result.parameters[3] < DEFAULT_PARAMETERS[3]


def test_training_items_are_each_review_a_day_or_more_after_the_previous():
    t = START
    rows = [
        Review("c", t, 3, "flashcard", id=1),
        Review("c", t + timedelta(hours=2), 3, "flashcard", id=2),  # same day: no prediction
        Review("c", t + timedelta(days=3, hours=1), 1, "flashcard", id=3),
        Review("c", t + timedelta(days=3, hours=5), 3, "flashcard", id=4, mode="cram"),  # leaves memory alone
        Review("c", t + timedelta(days=4, hours=2), 3, "flashcard", id=5),
        Review("d", t + timedelta(days=1), 4, "flashcard", id=6),
    ]
    # whole 24-hour spans since the previous review, as fsrs counts them: 2h -> 0 days,
    # 2h to 3d 1h -> 2 days 23 hours -> 2, 3d 1h to 4d 2h -> 1 day 1 hour -> 1
    assert training_items(reversed(rows)) == [
        ((3, 0), (3, 0), (1, 2)),
        ((3, 0), (3, 0), (1, 2), (3, 1)),
    ]
    later = Review("d", t + timedelta(days=2), 3, "flashcard", id=7)  # predicted on day 2: between them
    assert training_items([*rows, later])[0] == ((4, 0), (3, 1))  # the oldest prediction first


def test_too_few_reviews_say_how_many_are_needed():
    log = simulate_log(30, 120, seed=2)
    with pytest.raises(NotEnoughReviews) as info:
        fit(log)
    assert f"at least {MIN_ITEMS} reviews" in str(info.value) and f"of {len(log)} reviews" in str(info.value)


# -- the command ----------------------------------------------------------------------------------


def optimize(db, *args):
    return main(["optimize", "--db", str(db), *args])


def test_optimize_reports_stores_and_the_scheduler_uses_the_fit(tmp_path, capsys, medium_log):
    db = tmp_path / "r.db"
    write_log(db, medium_log)
    with Store.open(db) as store:
        states_before = store.state_rows()
    before = datetime.now(timezone.utc)
    assert optimize(db) == 0
    out = capsys.readouterr().out
    assert f"from your {len(medium_log)} reviews" in out
    default_row = next(line for line in out.splitlines() if "FSRS defaults" in line).split()
    fitted_row = next(line for line in out.splitlines() if "fitted now" in line).split()
    assert float(fitted_row[2]) < float(default_row[2])  # log loss
    assert "Saved: the scheduler uses the fitted parameters" in out
    with Store.open(db) as store:
        stored = store.fsrs_parameters()
        assert stored.reviews == len(medium_log) and before - timedelta(seconds=1) <= stored.fitted_at
        assert scheduler_for(store).parameters == stored.parameters != DEFAULT_PARAMETERS
        assert store.state_rows() == states_before  # due dates kept until each card's next review
    assert main(["settings", "--db", str(db)]) == 0
    assert f"FSRS parameters: fitted to your reviews on {stored.fitted_at.astimezone():%Y-%m-%d}" in capsys.readouterr().out
    assert optimize(db) == 0  # again: no better than what is in use
    assert "(in use)" in capsys.readouterr().out


def test_a_session_schedules_with_the_fitted_parameters(tmp_path, medium_log, clock):
    from quizapp.scheduler import REVIEW, CardState
    from quizapp.session import Session

    db = tmp_path / "r.db"
    write_log(db, medium_log)
    assert optimize(db) == 0
    last = clock.t - timedelta(days=12)
    with Store.open(db) as store:
        store.save_settings(enable_fuzzing=False)
        store.put_state(CardState("alpha-000", state=REVIEW, stability=10.0, difficulty=5.0, due=clock.t,
                                  last_review=last, reps=4))
        fitted = store.fsrs_parameters().parameters
        session = Session(flash_library(1), store, now=clock, tz=timezone.utc)
        session.next()
        interval = session.grade(3).interval

    def good(parameters):
        card = fsrs.Card(state=fsrs.State.Review, stability=10.0, difficulty=5.0, due=clock.t, last_review=last)
        return fsrs.Scheduler(parameters=parameters, enable_fuzzing=False).review_card(card, fsrs.Rating.Good, clock.t)[0].due - clock.t

    assert interval == good(fitted) != good(DEFAULT_PARAMETERS)


def test_reschedule_replays_every_card_with_the_fitted_parameters(tmp_path, capsys, medium_log):
    db = tmp_path / "r.db"
    write_log(db, medium_log)
    with Store.open(db) as store:
        store.save_settings(enable_fuzzing=False)
        store.set_suspended("sim-0003", True)
    assert optimize(db, "--reschedule") == 0
    assert "Rescheduled 150 cards" in capsys.readouterr().out
    with Store.open(db) as store:
        fitted = store.fsrs_parameters().parameters
        replay = fsrs.Scheduler(parameters=fitted, enable_fuzzing=False)  # the default steps, like the app
        for card_id in ("sim-0000", "sim-0003", "sim-0077", "sim-0149"):
            card, lapses = fsrs.Card(), 0
            rows = sorted(store.reviews(card_id), key=lambda r: r.reviewed_at)  # the log's times, in ms
            for r in rows:
                lapses += card.state == fsrs.State.Review and r.rating == 1
                card, _ = replay.review_card(card, fsrs.Rating(r.rating), r.reviewed_at)
            state = store.state(card_id)
            assert (state.state, state.due, state.reps, state.lapses) == (int(card.state), card.due, len(rows), lapses)
            assert state.stability == pytest.approx(card.stability)
        assert store.state("sim-0003").suspended  # flags are not in the log: kept


def test_too_few_reviews_exit_1_and_nothing_changes(tmp_path, capsys):
    db = tmp_path / "r.db"
    write_log(db, simulate_log(30, 120, seed=2))
    assert optimize(db, "--reschedule") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("quizapp optimize: FSRS needs at least 64 reviews")
    with Store.open(db) as store:
        assert store.fsrs_parameters() is None


def test_retention_is_recommended_within_the_allowed_band(tmp_path, capsys, medium_log):
    db = tmp_path / "r.db"
    write_log(db, medium_log)
    assert optimize(db, "--retention") == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Recommended"))
    value = float(line.split()[3])
    assert 0.80 <= value <= 0.95 and f"quizapp settings desired_retention {value:.2f}" in line


@pytest.mark.parametrize("cheapest, says", [
    (0.86, "Recommended desired retention: 0.86 (now 0.90): the least study time per card remembered"),
    (0.70, "Recommended desired retention: 0.80 (now 0.90): FSRS's simulator finds 0.70 cheapest per card "
           "remembered, outside FSRS's recommended 0.80-0.95"),
    (0.99, "Recommended desired retention: 0.95 (now 0.90)"),
])
def test_the_advice_stays_within_fsrs_recommended_band(cheapest, says):
    from quizapp.cli.fitting import retention_advice

    assert retention_advice(cheapest, 0.9).startswith(says)


def test_reset_goes_back_to_the_defaults(tmp_path, capsys, medium_log):
    db = tmp_path / "r.db"
    write_log(db, medium_log)
    assert optimize(db) == 0
    assert optimize(db, "--reset") == 0
    with Store.open(db) as store:
        assert store.fsrs_parameters() is None and scheduler_for(store).parameters == DEFAULT_PARAMETERS


def test_without_the_binding_one_line_says_how_to_get_it(tmp_path, capsys, medium_log, monkeypatch):
    db = tmp_path / "r.db"
    write_log(db, medium_log)
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # import fails, as on macOS with Python 3.10
    assert optimize(db) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs the fsrs-rs-python package" in err
    with pytest.raises(OptimizerMissing):
        fit(medium_log)


def test_stored_parameters_fsrs_refuses_are_one_line(tmp_path):
    from quizapp.cardstate import FittedParameters

    with Store.open(tmp_path / "r.db") as store:
        store.save_fsrs_parameters(FittedParameters((50.0,) * 21, START, 10))  # w4 = 50 is out of bounds
        with pytest.raises(StoreError, match="out of FSRS's bounds; run `quizapp optimize` again"):
            scheduler_for(store)
        store.save_fsrs_parameters(None)
        assert isinstance(scheduler_for(store), Scheduler)
