"""``quizapp export anki`` and ``quizapp export reviews`` as a user runs them: the package holds
the expected notes, note types and decks (read with sqlite3), GUIDs survive an edit, and the
review log comes out with its documented columns."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import datetime, timedelta, timezone

from quizapp.cli import main
from quizapp.scheduler import Rating, Scheduler
from quizapp.store import Review, Store

from .support import DECK, collection, models_and_decks, write_deck

T0 = datetime(2026, 3, 10, 12, 0, 0, 250000, tzinfo=timezone.utc)


def export(tmp_path, deck_text: str = DECK, name: str = "out.apkg", *extra: str) -> tuple[int, str]:
    decks = tmp_path / "decks"
    write_deck(decks, deck_text)
    target = tmp_path / name
    code = main(["--db", str(tmp_path / "r.db"), "--content", str(decks), "export", "anki", str(target), "--topic", "exchange-demo", *extra])
    return code, str(target)


def notes(conn) -> dict[str, tuple[str, list[str], str, str]]:
    """guid -> (model name, fields, tags, deck name of its cards)."""
    models, decks = models_and_decks(conn)
    out = {}
    for guid, mid, flds, tags, nid in conn.execute("SELECT guid, mid, flds, tags, id FROM notes"):
        [did] = {did for (did,) in conn.execute("SELECT did FROM cards WHERE nid = ?", (nid,))}
        out[guid] = (models[str(mid)]["name"], flds.split("\x1f"), tags.strip(), decks[str(did)]["name"])
    return out


def test_the_package_holds_a_note_per_card_in_a_deck_per_topic(tmp_path, capsys):
    code, target = export(tmp_path)
    assert code == 0
    out = capsys.readouterr().out
    assert "wrote 4 notes (1 choice, 1 cloze, 1 flashcard, 1 truefalse) in 1 deck to" in out
    assert "left out 1 code drill and 1 exercise: generated or run by quizapp" in out
    assert zipfile.ZipFile(target).namelist() == ["collection.anki2", "media"]
    conn = collection(tmp_path / "out.apkg", tmp_path)
    models, decks = models_and_decks(conn)
    by_name = {m["name"]: m for m in models.values()}
    assert [f["name"] for f in by_name["quizapp Basic"]["flds"]] == ["Front", "Back", "Explain"]
    assert by_name["quizapp Cloze"]["type"] == 1 and by_name["quizapp Basic"]["type"] == 0
    assert "quizapp::Exchange demo" in {d["name"] for d in decks.values()}
    found = sorted(notes(conn).values(), key=lambda n: n[1][0])
    assert [(model, tags, deck) for model, _, tags, deck in found] == [
        ("quizapp Cloze", "axes", "quizapp::Exchange demo"),
        ("quizapp Basic", "axes eval-mode", "quizapp::Exchange demo"),
        ("quizapp Basic", "", "quizapp::Exchange demo"),
        ("quizapp Basic", "", "quizapp::Exchange demo"),
    ]
    cloze, flash, tf, choice = (fields for _, fields, _, _ in found)
    assert cloze == ["<p>LayerNorm normalizes over the {{c1::features}} of {{c2::each sample}}.</p>", "<p>Per sample.</p>"]
    assert flash == ["<p>Over which axes does BatchNorm2d average?</p>", "<p>N, H and W.</p>", "<p>One mean per <strong>channel</strong>.</p>"]
    assert "&lt;script&gt;" in tf[0] and "<script>" not in tf[0] and tf[1] == "<p><strong>False.</strong></p>"
    assert "<li>The running statistics</li>" in choice[0] and "The running statistics" in choice[1]
    # Anki makes one card per blank of the cloze note
    assert conn.execute("SELECT count(*) FROM cards").fetchone()[0] == 5


def test_a_second_export_of_an_edited_card_keeps_its_guid(tmp_path):
    export(tmp_path)
    first = notes(collection(tmp_path / "out.apkg", tmp_path))
    edited = DECK.replace("back: N, H and W.", "back: N, H and W (every axis but C).")
    export(tmp_path, edited, "again.apkg")
    second = notes(collection(tmp_path / "again.apkg", tmp_path))
    assert first.keys() == second.keys() and len(first) == 4
    [changed] = [guid for guid in first if first[guid] != second[guid]]
    assert second[changed][1][1] == "<p>N, H and W (every axis but C).</p>"


def test_an_unknown_topic_or_an_unwritable_place_is_one_line(tmp_path, capsys):
    code, _ = export(tmp_path, DECK, "x.apkg", "--topic", "exchange-dem")
    assert code == 2 and "unknown topic 'exchange-dem' (did you mean 'exchange-demo'?)" in capsys.readouterr().err
    code, _ = export(tmp_path, DECK, "missing/x.apkg")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "is not a folder" in err
    assert not (tmp_path / "x.apkg").exists()


def test_the_review_log_as_csv_and_jsonl(tmp_path, capsys):
    db = tmp_path / "r.db"
    scheduler = Scheduler()
    with Store.open(db) as store:
        store.apply_review("bn-axes", lambda s: scheduler.review(s, Rating.Again, T0),
                           Review("bn-axes", T0, 1, "flashcard", duration_ms=4500))
        later = T0 + timedelta(minutes=3)
        store.apply_review("=cmd", lambda s: scheduler.review(s, Rating.Good, later),
                           Review("=cmd", later, 3, "exercise", duration_ms=12000, correct=True, misconception="no_eps"))
        store.apply_review("bn-axes", lambda s: s, Review("bn-axes", later + timedelta(seconds=1), 3, "choice", correct=False, mode="cram"))
        device = store.device
        uids = [r.uid for r in sorted(store.reviews(), key=lambda r: r.id)]
    assert main(["--db", str(db), "export", "reviews", str(tmp_path / "log.csv")]) == 0
    assert main(["--db", str(db), "export", "reviews", str(tmp_path / "log.jsonl")]) == 0
    assert "wrote 3 reviews to" in capsys.readouterr().out
    with open(tmp_path / "log.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["card", "time", "result", "grade", "duration", "misconception", "kind", "device", "mode", "uid"],
        ["bn-axes", "2026-03-10T12:00:00.250Z", "wrong", "1", "4.5", "", "flashcard", device, "review", uids[0]],
        ["'=cmd", "2026-03-10T12:03:00.250Z", "right", "3", "12.0", "no_eps", "exercise", device, "review", uids[1]],
        ["bn-axes", "2026-03-10T12:03:01.250Z", "wrong", "3", "", "", "choice", device, "cram", uids[2]],
    ]
    lines = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert lines[1] == {"card": "=cmd", "time": "2026-03-10T12:03:00.250Z", "result": "right", "grade": 3,
                        "duration": 12.0, "misconception": "no_eps", "kind": "exercise", "device": device,
                        "mode": "review", "uid": uids[1]}
    assert lines[2]["duration"] is None and lines[2]["misconception"] is None


def test_a_review_export_needs_a_known_suffix(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "r.db"), "export", "reviews", str(tmp_path / "log.xlsx")]) == 2
    assert ".csv or .jsonl" in capsys.readouterr().err and not (tmp_path / "log.xlsx").exists()
