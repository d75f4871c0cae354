"""``quizapp plan``: setting, printing, clearing and applying the plan; bad dates and targets are
one line and exit 2 with nothing changed."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from quizapp.cli import build_parser, main
from quizapp.cli import plan as plan_command
from quizapp.content import load_library
from quizapp.store import Store

from ..store.store_helpers import T0


pytestmark = pytest.mark.usefixtures("utc")

#: The shipped decks' cards, none studied; an interview on Tue 03-24 seen from Tue 03-10 leaves
#: the 12 days 03-10 ... 03-21 to introduce them all 3 days early.
SHIPPED = len({card.id for topic in load_library().topics for card in topic.cards})
PER_DAY = math.ceil(SHIPPED / 12)


def run_at(db_path, *argv: str, now=T0) -> int:
    """The command at a fixed moment (main() runs it at the real time)."""
    args = build_parser().parse_args(["plan", "--db", str(db_path), *argv])
    args.content = []
    return plan_command.run(args, now=now)


def stored(db_path):
    with Store.open(db_path) as store:
        return store.settings()


def test_setting_the_date_stores_it_and_prints_the_plan(db_path, capsys):
    assert run_at(db_path, "--interview", "2026-03-24", "--target", "0.85") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Interview on Tue 2026-03-24 (in 14 days); target readiness 85%."
    settings = stored(db_path)
    assert (settings.interview_date, settings.interview_target) == (date(2026, 3, 24), 0.85)
    days = out[out.index("Day by day (expected reviews, the new cards' learning steps included):") + 1:]
    assert len(days) == 14 and days[0].startswith("  Tue 03-10 today") and days[-1].startswith("  Mon 03-23")
    assert f"{SHIPPED} cards not studied yet; to introduce each at least 3 days early (by Sat 03-21)," in out
    assert f"study {PER_DAY} new cards a day." in out


def test_plan_prints_the_stored_date_and_clear_forgets_it(db_path, capsys):
    run_at(db_path, "--interview", "2026-03-24")
    capsys.readouterr()
    assert run_at(db_path, now=T0 + timedelta(days=4)) == 0
    assert capsys.readouterr().out.startswith("Interview on Tue 2026-03-24 (in 10 days); target readiness 90%.")
    assert run_at(db_path, "--clear") == 0
    assert capsys.readouterr().out == "Interview date cleared.\n"
    assert stored(db_path).interview_date is None
    assert run_at(db_path) == 0
    assert capsys.readouterr().out == "No interview date set. Set one: quizapp plan --interview YYYY-MM-DD\n"


def test_a_date_that_has_passed_is_no_longer_shown(db_path, capsys):
    run_at(db_path, "--interview", "2026-03-11")
    capsys.readouterr()
    assert run_at(db_path, now=T0 + timedelta(days=2)) == 0
    assert capsys.readouterr().out == (
        "Your interview date 2026-03-11 has passed. Set the next one: quizapp plan --interview YYYY-MM-DD\n"
    )


ALLOWED_DATE = "a date YYYY-MM-DD, today or later, or `none`"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--interview", "2026-03-09"], f"quizapp plan: interview_date cannot be 2026-03-09: that day has passed ({ALLOWED_DATE})"),
        (["--interview", "next friday"], f"quizapp plan: interview_date cannot be 'next friday': it is {ALLOWED_DATE}"),
        (["--interview", "2026-02-30"], f"quizapp plan: interview_date cannot be '2026-02-30': it is {ALLOWED_DATE}"),
        (["--interview", "2026-03-24", "--target", "1.5"],
         "quizapp plan: interview_target cannot be '1.5': it is a number from 0.50 to 0.99"),
        (["--target", "most"], "quizapp plan: interview_target cannot be 'most': it is a number from 0.50 to 0.99"),
    ],
)
def test_a_bad_date_or_target_is_one_line_exit_2_and_nothing_changes(db_path, capsys, argv, message):
    """The messages of `quizapp settings`: the date and the target are settings."""
    run_at(db_path, "--interview", "2026-03-20", "--target", "0.8")
    capsys.readouterr()
    assert run_at(db_path, *argv) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", message + "\n")
    settings = stored(db_path)
    assert (settings.interview_date, settings.interview_target) == (date(2026, 3, 20), 0.8)


def test_the_real_command_refuses_yesterday(db_path, capsys):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert main(["plan", "--db", str(db_path), "--interview", yesterday]) == 2
    assert capsys.readouterr().err == f"quizapp plan: interview_date cannot be {yesterday}: that day has passed ({ALLOWED_DATE})\n"


def test_apply_raises_new_per_day_after_saying_so(db_path, capsys):
    with Store.open(db_path) as store:
        store.save_settings(new_per_day=10)
    assert run_at(db_path, "--interview", "2026-03-24", "--apply") == 0
    out = capsys.readouterr().out.splitlines()
    assert f"Your new_per_day, 10, is too low for the date: `quizapp plan --apply` sets it to {PER_DAY}." in out
    assert out[-1] == f"Setting new_per_day from 10 to {PER_DAY}."
    assert stored(db_path).new_per_day == PER_DAY
    assert run_at(db_path, "--apply") == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"new_per_day ({PER_DAY}) is already enough for the date; nothing changed."
    assert stored(db_path).new_per_day == PER_DAY


def test_plan_without_apply_never_changes_the_limit(db_path, capsys):
    with Store.open(db_path) as store:
        store.save_settings(new_per_day=10)
    run_at(db_path, "--interview", "2026-03-24")
    assert stored(db_path).new_per_day == 10
