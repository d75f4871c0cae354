"""``quizapp import`` as a user runs it: Anki packages of every layout Anki writes (built here,
with genanki and by hand) and CSV/TSV tables become decks that validate, with stable ids and a
report of what was left out; and every bad file is one line, exit 1, with nothing written."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki
import pytest
import yaml
import zstandard

from quizapp.cli import main
from quizapp.content import load_paths
from quizapp.exchange import apkg

from .support import write_deck

STUB_TEXT = "Please update to the latest Anki version, then import the .colpkg/.apkg file again."


def package(path: Path, notes: list[genanki.Note], deck: str = "ML::Norms") -> Path:
    d = genanki.Deck(2059400110, deck)
    for note in notes:
        d.add_note(note)
    genanki.Package([d]).write_to_file(str(path))
    return path


def basic(front: str, back: str, guid: str, tags=()) -> genanki.Note:
    return genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back], tags=list(tags), guid=guid)


def cloze_note(text: str, extra: str, guid: str) -> genanki.Note:
    return genanki.Note(model=genanki.CLOZE_MODEL, fields=[text, extra], guid=guid)


ONE_FIELD = genanki.Model(1_700_000_001, "Just one", fields=[{"name": "Only"}],
                          templates=[{"name": "c", "qfmt": "{{Only}}", "afmt": "{{Only}}"}])


def run_import(source: Path, out: Path, capsys) -> tuple[int, str, str]:
    code = main(["import", str(source), "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def deck_cards(out: Path) -> dict[str, dict]:
    """Every entry written, by id, read as plain YAML."""
    return {card["id"]: card for path in sorted(out.glob("*.yaml")) for card in yaml.safe_load(path.read_text())["cards"]}


def validates(out: Path, capsys) -> bool:
    code = main(["validate", str(out)])
    capsys.readouterr()
    return code == 0


def test_an_anki_package_becomes_a_deck_that_validates(tmp_path, capsys):
    source = package(tmp_path / "anki.apkg", [
        basic("What is <b>p</b> in <code>nn.Dropout(p)</code>?", "The <i>drop</i> probability<br>(not keep)", "g-1", ["Dropout", "odd?tag"]),
        cloze_note("BN averages over {{c1::N, H and W}} per {{c2::channel::axis}}", "One mean per channel.", "g-2"),
        basic('<img src="diagram.png">', "a picture", "g-3"),
        basic("Listen [sound:bn.mp3]", "to this", "g-4"),
        genanki.Note(model=ONE_FIELD, fields=["lonely"], guid="g-5"),
    ])
    code, out, err = run_import(source, tmp_path / "decks", capsys)
    assert code == 0 and err == ""
    assert "converted 3 notes (4 cards)" in out and "left out 2:" in out
    assert "its front or back is empty (media only)" in out and "a note type with 1 field has no front and back" in out
    assert "media not supported (not imported; the text around them was kept): bn.mp3, diagram.png" in out
    assert validates(tmp_path / "decks", capsys)
    [path] = (tmp_path / "decks").glob("*.yaml")
    assert path.name == "ml-norms.yaml" and yaml.safe_load(path.read_text())["title"] == "ML / Norms"
    cards = list(deck_cards(tmp_path / "decks").values())
    assert cards[0]["front"] == "What is **p** in `nn.Dropout(p)`?"
    assert cards[0]["back"] == "The *drop* probability\n\n(not keep)" and cards[0]["tags"] == ["dropout"]
    assert cards[1] == {"id": cards[1]["id"], "kind": "cloze", "text": "BN averages over {{c1::N, H and W}} per {{c2::channel::axis}}",
                        "explain": "One mean per channel."}
    assert cards[2]["front"] == "Listen" and all(c["id"].startswith("anki-") for c in cards)
    library = load_paths([tmp_path / "decks"])
    assert sorted(library.cards) == sorted([cards[0]["id"], cards[2]["id"], cards[1]["id"] + "-c1", cards[1]["id"] + "-c2"])


def test_ids_come_from_the_guid_so_a_newer_export_updates_the_same_cards(tmp_path, capsys):
    first = package(tmp_path / "v1.apkg", [basic("front", "back", "stable-guid"), basic("other", "x", "guid-2")])
    run_import(first, tmp_path / "one", capsys)
    newer = package(tmp_path / "v2.apkg", [basic("front, reworded", "back", "stable-guid"), basic("other", "x", "guid-2")])
    run_import(newer, tmp_path / "two", capsys)
    before, after = deck_cards(tmp_path / "one"), deck_cards(tmp_path / "two")
    assert before.keys() == after.keys() and len(before) == 2
    assert [after[i]["front"] for i in before] == ["front, reworded", "other"]


def test_a_quizapp_export_imports_back_to_the_same_notes(tmp_path, capsys):
    decks = tmp_path / "decks"
    write_deck(decks)
    assert main(["--db", str(tmp_path / "r.db"), "--content", str(decks), "export", "anki", str(tmp_path / "out.apkg"), "--topic", "exchange-demo"]) == 0
    capsys.readouterr()
    code, out, _ = run_import(tmp_path / "out.apkg", tmp_path / "back", capsys)
    assert code == 0 and "converted 4 notes (5 cards)" in out
    assert validates(tmp_path / "back", capsys)
    kinds = sorted(card["kind"] for card in deck_cards(tmp_path / "back").values())
    assert kinds == ["cloze", "flashcard", "flashcard", "flashcard"]
    assert [p.name for p in (tmp_path / "back").glob("*.yaml")] == ["quizapp-exchange-demo.yaml"]


def _with_member_renamed(source: Path, target: Path, name: str) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        new.writestr(name, old.read("collection.anki2"))
        new.writestr("media", "{}")
    return target


def test_the_older_anki21_layout(tmp_path, capsys):
    source = package(tmp_path / "g.apkg", [basic("front 21", "back 21", "g21")])
    layout = _with_member_renamed(source, tmp_path / "anki21.apkg", "collection.anki21")
    code, out, _ = run_import(layout, tmp_path / "decks", capsys)
    assert code == 0 and [c["front"] for c in deck_cards(tmp_path / "decks").values()] == ["front 21"]


def schema18_collection(path: Path) -> Path:
    """A collection as Anki 2.1.50+ writes it (schema 18): note types, fields and decks in tables,
    a note type's kind in its protobuf config (field 1: 1 for cloze)."""
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE col (id INTEGER PRIMARY KEY, crt INTEGER, mod INTEGER, scm INTEGER, ver INTEGER, dty INTEGER,
                          usn INTEGER, ls INTEGER, conf TEXT, models TEXT, decks TEXT, dconf TEXT, tags TEXT);
        INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '');
        CREATE TABLE notetypes (id INTEGER PRIMARY KEY, name TEXT, mtime_secs INTEGER, usn INTEGER, config BLOB);
        CREATE TABLE fields (ntid INTEGER, ord INTEGER, name TEXT, config BLOB, PRIMARY KEY (ntid, ord));
        CREATE TABLE decks (id INTEGER PRIMARY KEY, name TEXT, mtime_secs INTEGER, usn INTEGER, common BLOB, kind BLOB);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, mid INTEGER, mod INTEGER, usn INTEGER, tags TEXT,
                            flds TEXT, sfld TEXT, csum INTEGER, flags INTEGER, data TEXT);
        CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER, did INTEGER, ord INTEGER);
    """)
    conn.execute("INSERT INTO notetypes VALUES (10, 'Basic', 0, 0, ?)", (b"\x1a\x03css\x28\x00",))
    conn.execute("INSERT INTO notetypes VALUES (20, 'Cloze', 0, 0, ?)", (b"\x08\x01\x1a\x05.card",))
    conn.executemany("INSERT INTO fields VALUES (?, ?, ?, x'')", [(10, 0, "Front"), (10, 1, "Back"), (20, 0, "Text"), (20, 1, "Back Extra")])
    conn.execute("INSERT INTO decks VALUES (1, 'Default', 0, 0, x'', x'')")
    conn.execute("INSERT INTO decks VALUES (7, 'Papers\x1fNorms', 0, 0, x'', x'')")
    conn.execute("INSERT INTO notes VALUES (100, 'new-basic', 10, 0, 0, ' modern ', 'Front in 21b\x1fBack in 21b', '', 0, 0, '')")
    conn.execute("INSERT INTO notes VALUES (101, 'new-cloze', 20, 0, 0, '', 'RMSNorm skips the {{c1::mean}}\x1f', '', 0, 0, '')")
    conn.executemany("INSERT INTO cards VALUES (?, ?, 7, 0)", [(1, 100), (2, 101)])
    conn.commit()
    conn.close()
    return path


def test_the_current_anki21b_layout_is_read_and_its_legacy_stub_ignored(tmp_path, capsys):
    stub = package(tmp_path / "stub.apkg", [basic(STUB_TEXT, "", "stub")], deck="Default")
    raw = schema18_collection(tmp_path / "c18.sqlite").read_bytes()
    source = tmp_path / "anki21b.apkg"
    with zipfile.ZipFile(stub) as old, zipfile.ZipFile(source, "w") as new:
        new.writestr("collection.anki2", old.read("collection.anki2"))
        new.writestr("collection.anki21b", zstandard.ZstdCompressor().compress(raw))
        new.writestr("media", b"\x00")
    code, out, _ = run_import(source, tmp_path / "decks", capsys)
    assert code == 0, out
    cards = list(deck_cards(tmp_path / "decks").values())
    assert [(c["kind"], c.get("front") or c["text"]) for c in cards] == [
        ("flashcard", "Front in 21b"), ("cloze", "RMSNorm skips the {{c1::mean}}")]
    assert cards[0]["tags"] == ["modern"] and cards[1]["explain"] == "(from Anki)"
    assert [p.name for p in (tmp_path / "decks").glob("*.yaml")] == ["papers-norms.yaml"]
    assert STUB_TEXT not in "".join(p.read_text() for p in (tmp_path / "decks").glob("*.yaml"))
    assert validates(tmp_path / "decks", capsys)


def test_a_csv_and_a_tsv_become_decks_with_ids_stable_across_added_rows(tmp_path, capsys):
    table = tmp_path / "norm_basics.csv"
    table.write_text('front,back,explain,tags\nWhat does LN normalize over?,"The features\nof each sample",,axes\n,missing front\n')
    code, out, _ = run_import(table, tmp_path / "one", capsys)
    assert code == 0 and "converted 1 notes" in out and "norm_basics.csv:4: the front or the back is empty" in out
    [card] = deck_cards(tmp_path / "one").values()
    assert card["back"] == "The features\nof each sample" and card["tags"] == ["axes"] and card["id"].startswith("norm-basics-")
    table.write_text("front,back,explain,tags\nA new first row?,yes,,\n" + "\n".join(table.read_text().splitlines()[1:]) + "\n")
    run_import(table, tmp_path / "two", capsys)
    assert card["id"] in deck_cards(tmp_path / "two") and len(deck_cards(tmp_path / "two")) == 2
    tsv = tmp_path / "tabbed.tsv"
    tsv.write_text("id\tfront\tback\nmy-card\t<b>bold</b> front\tback\n")
    code, _, _ = run_import(tsv, tmp_path / "three", capsys)
    assert code == 0 and deck_cards(tmp_path / "three") == {
        "my-card": {"id": "my-card", "kind": "flashcard", "front": "**bold** front", "back": "back", "explain": "back"}}
    assert validates(tmp_path / "one", capsys) and validates(tmp_path / "three", capsys)


def test_notes_that_are_not_as_anki_writes_them_are_left_out_with_why(tmp_path, capsys):
    collection = schema18_collection(tmp_path / "c18.sqlite")
    conn = sqlite3.connect(collection)
    conn.execute("INSERT INTO notes VALUES (102, 'blob-fields', 10, 0, 0, '', x'00ff', '', 0, 0, '')")
    conn.execute("INSERT INTO notes VALUES (103, 'no-type', 99, 0, 0, '', 'a\x1fb', '', 0, 0, '')")
    conn.commit()
    conn.close()
    source = _zip(tmp_path / "odd.apkg", {"collection.anki21": collection.read_bytes()})
    code, out, _ = run_import(source, tmp_path / "decks", capsys)
    assert code == 0 and "converted 2 notes" in out
    assert "note 'blob-fields': not a note as Anki writes one" in out
    assert "note 'no-type': its note type is missing from the collection" in out


# -- bad files: one line, exit 1, nothing written ---------------------------------------------------


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _other_app_db(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    return path.read_bytes()


def _lying_zip(path: Path, size: int) -> Path:
    """A deflated collection whose headers claim it unpacks to 1,000 bytes."""
    _zip(path, {"collection.anki2": b"\0" * size})
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature)
        data[at + offset : at + offset + 4] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


BAD = {
    "not a zip": (lambda tmp: (tmp / "x.apkg").write_text("hello") and tmp / "x.apkg", "not an Anki package (not a zip archive)"),
    "no collection": (lambda tmp: _zip(tmp / "x.apkg", {"media": b"{}", "notes.txt": b"hi"}), "not an Anki package (no collection"),
    "another app's database": (
        lambda tmp: _zip(tmp / "x.apkg", {"collection.anki2": _other_app_db(tmp / "other.sqlite")}),
        "is not an Anki collection",
    ),
    "not a database inside": (lambda tmp: _zip(tmp / "x.apkg", {"collection.anki2": b"plain text " * 100}), "its collection cannot be"),
    "a path that escapes": (
        lambda tmp: _zip(tmp / "x.apkg", {"collection.anki2": b"", "../../escaped.txt": b"gotcha"}),
        "the archive path '../../escaped.txt' would escape its folder",
    ),
    "an absolute path": (lambda tmp: _zip(tmp / "x.apkg", {"/etc/cron.d/x": b"", "collection.anki2": b""}), "would escape its folder"),
    "a zip bomb": (lambda tmp: _zip(tmp / "x.apkg", {"collection.anki2": b"\0" * (3 * 2**20)}), "larger than 1 MB (or a zip bomb)"),
    "a zip bomb that lies about its size": (lambda tmp: _lying_zip(tmp / "x.apkg", 3 * 2**20), "x.apkg: its collection.anki2"),
    "a zstd bomb": (
        lambda tmp: _zip(tmp / "x.apkg", {"collection.anki21b": zstandard.ZstdCompressor().compress(b"\0" * (3 * 2**20))}),
        "larger than 1 MB (or a zip bomb)",
    ),
    "not zstd data": (lambda tmp: _zip(tmp / "x.apkg", {"collection.anki21b": b"not zstd"}), "is not zstd data"),
    "a csv with the wrong columns": (lambda tmp: (tmp / "x.csv").write_text("question,answer\nq,a\n") and tmp / "x.csv", "x.csv:1: unknown column 'question'"),
    "a csv without a back column": (lambda tmp: (tmp / "x.csv").write_text("front,explain\nq,a\n") and tmp / "x.csv", "x.csv:1: no 'back' column"),
    "a csv row too wide": (lambda tmp: (tmp / "x.csv").write_text("front,back\nq,a,extra\n") and tmp / "x.csv", "x.csv:2: 3 cells in a row of 2 columns"),
    "a csv that is not utf-8": (lambda tmp: (tmp / "x.tsv").write_bytes(b"front\tback\nq\t\xff\n") and tmp / "x.tsv", "x.tsv:2: not UTF-8 text"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_one_line_and_nothing_is_written(tmp_path, capsys, monkeypatch, case):
    monkeypatch.setattr(apkg, "MAX_COLLECTION_BYTES", 2**20)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    inputs = tmp_path / "in"
    inputs.mkdir()
    make, says = BAD[case]
    source = make(inputs)
    out = tmp_path / "work" / "decks"
    code, printed, err = run_import(source, out, capsys)
    assert code == 1 and printed == ""
    assert err.count("\n") == 1 and err.startswith("quizapp import: ") and says in err, err
    assert not out.exists() and not (tmp_path / "escaped.txt").exists() and not (tmp_path / "work").exists()
    assert list(scratch.iterdir()) == []  # the unpacked collection is gone too


@pytest.mark.timeout(60)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    fifo = tmp_path / "x.apkg"
    os.mkfifo(fifo)
    code, _, err = run_import(fifo, tmp_path / "decks", capsys)
    assert code == 1 and "is a named pipe (FIFO), not a file" in err and not (tmp_path / "decks").exists()


def test_an_unknown_suffix_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("front,back\n")
    code, _, err = run_import(tmp_path / "x.txt", tmp_path / "decks", capsys)
    assert code == 2 and ".apkg, .csv or .tsv" in err
