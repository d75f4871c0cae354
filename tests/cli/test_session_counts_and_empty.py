"""What plain mode says about the queue: the new / learning / review split it opens with and keeps
after a skip (issue 14, item 5), and why there is nothing to study, with what can be done about it
(item 11)."""

from __future__ import annotations

import re

from quizapp.store import Store

from .support import quizapp

SPLIT = re.compile(r"Left: (\d+) new, (\d+) learning, (\d+) to review\.")


def _splits(out: str) -> list[tuple[int, ...]]:
    return [tuple(int(n) for n in m.groups()) for m in SPLIT.finditer(out)]


def test_chosen_cards_open_with_their_real_split(tmp_path):
    db = tmp_path / "r.db"
    fresh = quizapp(db, "study", "cli-flash", "cli-flash-two", stdin="q\n")
    assert "Studying 2 new, 0 learning, 0 to review." in fresh.stdout
    quizapp(db, "study", "cli-flash", "cli-flash-two", stdin="\n4\n\n1\nq\n")  # one to review, one learning
    again = quizapp(db, "study", "cli-flash", "cli-flash-two", stdin="q\n")
    assert "Studying 0 new, 1 learning, 1 to review." in again.stdout


def test_a_skipped_learning_card_is_still_counted_as_learning(tmp_path):
    db = tmp_path / "r.db"
    # both new cards failed (learning, due in 1m, shown early), then each skipped once
    proc = quizapp(db, "study", "cli-flash", "cli-flash-two", stdin="\n1\n\n1\ns\ns\nq\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("Skipped; it comes back at the end.") == 2
    assert _splits(proc.stdout) == [(2, 0, 0), (1, 1, 0), (0, 2, 0), (0, 2, 0), (0, 2, 0)]


def test_the_new_card_limit_is_named_with_what_can_be_done(tmp_path):
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        store.save_settings(new_per_day=1)
    first = quizapp(db, "study", "cli-test", stdin="\n4\n")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("saved:") == 1
    limit = "The daily limit of 1 new card is reached (1 introduced today); 3 new cards wait for tomorrow."
    assert f"No more cards for now.\n{limit}\n" in first.stdout
    second = quizapp(db, "study", "cli-test")
    assert second.returncode == 0
    lines = second.stdout.splitlines()
    assert lines[:2] == ["Nothing to study now.", limit]
    assert lines[2].startswith("Nothing else is due: the next card falls due in ")
    assert lines[3] == "You can:"
    offers = [line.split("  ")[1].strip() for line in lines[4:]]
    assert offers == ["quizapp settings new_per_day N", "quizapp study CARD...", "quizapp exercise ID"]


def test_buried_cards_are_named_and_unbury_is_offered(tmp_path):
    db = tmp_path / "r.db"
    quizapp(db, "study", "cli-test", "--tag", "cli-eval", stdin="b\nb\n")
    proc = quizapp(db, "study", "cli-test", "--tag", "cli-eval")
    assert proc.stdout.splitlines()[:2] == ["Nothing to study now.", "Every card here is hidden: 2 buried until tomorrow."]
    assert "quizapp card CARD unbury" in proc.stdout
