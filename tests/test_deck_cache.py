"""The deck cache: a warm start reads no YAML, yet what it serves is always what the decks say.

It holds plain data only (a pickle put where it lives never runs), it is keyed by the bytes of
each file (an edit that keeps the size and the modification time is seen), a damaged entry is
read again from the YAML, and a cache another user could write is not used.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quizapp
from quizapp.content import cache as deck_cache
from quizapp.content import load_library, loader

DECK = """\
topic: cache-topic
title: Cache topic
summary: A small deck for the cache tests.
cards:
  - id: cache-a
    kind: flashcard
    front: What is cached?
    back: Parsed decks.
    explain: Parsing YAML for thousands of cards at every start would make the app slow to open.
  - id: cache-b
    kind: truefalse
    statement: An edited deck is read again.
    answer: true
    explain: The cache is keyed by the bytes of the file, so every edit is seen.
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def decks(tmp_path, cache):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "deck.yaml").write_text(DECK)
    return folder


@pytest.fixture
def parsed(monkeypatch):
    """The files the loader parses (those the cache did not know), by name."""
    names: list[str] = []
    real = loader._read

    def counting(data, shown):
        names.append(Path(shown).name)
        return real(data, shown)

    monkeypatch.setattr(loader, "_read", counting)
    return names


def _summary(library):
    return (
        [(t.id, t.title, t.refs, t.order, t.cards) for t in library.topics],
        [str(p) for p in library.problems],
    )


def _rows(cache_folder: Path) -> list[tuple[str, bytes, bytes]]:
    with sqlite3.connect(cache_folder / deck_cache.CACHE_FILE) as db:
        return db.execute("SELECT shown, head, cards FROM deck_file ORDER BY rowid").fetchall()


def _rewrite(cache_folder: Path, column: str, value) -> None:
    with sqlite3.connect(cache_folder / deck_cache.CACHE_FILE) as db:
        db.execute(f"UPDATE deck_file SET {column} = ?", (value,))


# --- what is served ------------------------------------------------------------------------------


def test_a_warm_load_equals_a_cold_load(decks, cache, parsed):
    cold = load_library([decks], include_shipped=False, use_cache=False)
    first = load_library([decks], include_shipped=False)
    assert (cache / deck_cache.CACHE_FILE).is_file()
    warm = load_library([decks], include_shipped=False)
    assert parsed == ["deck.yaml", "deck.yaml"]  # the uncached load and the one that filled the cache
    assert _summary(cold) == _summary(first) == _summary(warm)
    assert [o.card_ids for o in warm.outlines] == [("cache-a", "cache-b")]


def test_the_shipped_decks_come_out_of_the_cache_as_they_went_in(cache, parsed):
    cold = load_library(use_cache=False)
    load_library()
    parsed.clear()
    warm = load_library()
    assert parsed == []
    assert _summary(warm) == _summary(cold)
    exercise = next(c for c in warm.cards.values() if c.kind == "exercise" and c.params)
    assert exercise.params == cold.cards[exercise.id].params


def test_an_edited_deck_is_read_again(decks):
    load_library([decks], include_shipped=False)
    path = decks / "deck.yaml"
    path.write_text(DECK.replace("What is cached?", "What is cached, really?"))
    library = load_library([decks], include_shipped=False)
    assert library.cards["cache-a"].question == "What is cached, really?"


def test_a_same_size_edit_with_the_old_mtime_is_served_fresh(decks):
    """The attack on a (path, size, mtime) key: flip an answer, restore the timestamps."""
    path = decks / "deck.yaml"
    assert load_library([decks], include_shipped=False).cards["cache-b"].answer is True
    before = path.stat()
    path.write_text(DECK.replace("answer: true", "answer: no  "))  # "true" and "no  " have one length
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert load_library([decks], include_shipped=False).cards["cache-b"].answer is False


def test_a_deleted_deck_is_gone_and_a_new_one_appears(decks):
    load_library([decks], include_shipped=False)
    (decks / "other.yaml").write_text(DECK.replace("cache-", "other-"))
    (decks / "deck.yaml").unlink()
    library = load_library([decks], include_shipped=False)
    assert sorted(library.cards) == ["other-a", "other-b"]


def test_duplicate_ids_across_files_are_still_reported_from_the_cache(decks, parsed):
    (decks / "z_dup.yaml").write_text(DECK.replace("topic: cache-topic", "topic: dup-topic"))
    cold = load_library([decks], include_shipped=False)
    parsed.clear()
    warm = load_library([decks], include_shipped=False)
    assert parsed == []
    assert [str(p) for p in warm.problems] == [str(p) for p in cold.problems]
    assert any("duplicate id 'cache-a'" in str(p) for p in warm.problems)
    assert warm.topic("dup-topic").cards == ()
    assert warm.topic("cache-topic").cards == cold.topic("cache-topic").cards


def test_new_reading_code_invalidates_the_cache(decks, monkeypatch, parsed):
    load_library([decks], include_shipped=False)
    monkeypatch.setattr(deck_cache, "code_fingerprint", lambda: "another version")
    parsed.clear()
    load_library([decks], include_shipped=False)
    assert parsed == ["deck.yaml"]


def test_the_fingerprint_follows_the_source_not_its_size_or_time(tmp_path, monkeypatch):
    package = tmp_path / "quizapp"
    for name in ["__init__.py", "content/loader.py", "sanitize.py", "engine/exercises/norms.py", "drills/tasks/bn.py"]:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(f"# {name}\n")
    monkeypatch.setattr(quizapp, "__file__", str(package / "__init__.py"))
    first = deck_cache.code_fingerprint()
    task = package / "drills/tasks/bn.py"
    before = task.stat()
    task.write_text(task.read_text().replace("bn", "ln"))  # same size
    os.utime(task, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert deck_cache.code_fingerprint() != first
    (package / "__init__.py").write_text("# not part of what reads a deck\n")
    second = deck_cache.code_fingerprint()
    (package / "content/new.py").write_text("")
    assert deck_cache.code_fingerprint() not in (first, second)


def test_disabled_with_an_empty_cache_dir(decks, cache, monkeypatch, parsed):
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", "")
    load_library([decks], include_shipped=False)
    load_library([decks], include_shipped=False)
    assert not cache.exists()
    assert parsed == ["deck.yaml", "deck.yaml"]


# --- every content set stays warm, within a bound ------------------------------------------------


def test_switching_content_sets_stays_warm(decks, tmp_path, parsed):
    """Plain ``quizapp``, then ``quizapp --content X``, then plain again: only new files are parsed."""
    load_library()
    load_library([decks])
    assert parsed.count("deck.yaml") == 1 and len(parsed) == len(set(parsed))
    parsed.clear()
    for _ in range(2):
        load_library()
        load_library([decks])
    assert parsed == []


def test_loading_what_the_last_load_loaded_writes_nothing(decks, cache):
    load_library([decks], include_shipped=False)
    load_library([decks], include_shipped=False)
    before = (cache / deck_cache.CACHE_FILE).read_bytes()
    load_library([decks], include_shipped=False)
    assert (cache / deck_cache.CACHE_FILE).read_bytes() == before


def test_the_least_recently_used_entries_go_first_beyond_the_bound(decks, tmp_path, cache, monkeypatch):
    others = []
    for name in ["one", "two", "three"]:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "deck.yaml").write_text(DECK.replace("cache-", f"{name}-"))
        others.append(folder)
    load_library([decks], include_shipped=False)
    entry = sum(len(head) + len(cards) for _, head, cards in _rows(cache))
    monkeypatch.setattr(deck_cache, "MAX_BYTES", 3 * entry + entry // 2)  # room for three entries
    for folder in others:
        load_library([folder], include_shipped=False)
    kept = [Path(shown).parent.name for shown, _, _ in _rows(cache)]
    assert sorted(kept) == ["one", "three", "two"]  # decks/, used least recently, was dropped
    load_library([others[0]], include_shipped=False)  # "one" is now the most recent
    load_library([decks], include_shipped=False)
    assert sorted(Path(shown).parent.name for shown, _, _ in _rows(cache)) == ["decks", "one", "three"]


# --- no code runs from the cache -----------------------------------------------------------------


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "the pickle ran"))


def test_a_pickle_in_the_cache_folder_never_runs(decks, cache, tmp_path, parsed):
    marker = tmp_path / "marker"
    payload = pickle.dumps(_Payload(marker))
    pickle.loads(payload)  # the payload is live: unpickling it writes the marker
    assert marker.read_text() == "the pickle ran"
    marker.unlink()

    cache.mkdir(mode=0o700)
    (cache / "decks.pickle").write_bytes(payload)  # where the old cache lived
    (cache / deck_cache.CACHE_FILE).write_bytes(payload)  # and as the new cache file
    os.chmod(cache / deck_cache.CACHE_FILE, 0o600)
    for _ in range(2):
        library = load_library([decks], include_shipped=False)
        assert sorted(library.cards) == ["cache-a", "cache-b"]
    assert not marker.exists()
    assert not (cache / "decks.pickle").exists()  # removed unread
    assert parsed == ["deck.yaml"]  # the second load was served by the rebuilt cache


def test_a_cache_that_is_not_a_database_is_replaced(decks, cache, parsed):
    cache.mkdir(mode=0o700)
    (cache / deck_cache.CACHE_FILE).write_bytes(b"not a database at all")
    os.chmod(cache / deck_cache.CACHE_FILE, 0o600)
    assert sorted(load_library([decks], include_shipped=False).cards) == ["cache-a", "cache-b"]
    assert sorted(load_library([decks], include_shipped=False).cards) == ["cache-a", "cache-b"]
    assert parsed == ["deck.yaml"]


def test_a_truncated_cache_is_replaced(decks, cache, tmp_path, parsed):
    load_library()  # enough entries for a file of several pages
    path = cache / deck_cache.CACHE_FILE
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    parsed.clear()
    library = load_library([decks])
    assert "cache-a" in library.cards and parsed  # read from YAML
    parsed.clear()
    load_library([decks])
    assert parsed == []


# --- bad entries with the right fingerprint are read again, never used ----------------------------


def _good_head(cache_folder: Path) -> dict:
    ((_, head, _),) = _rows(cache_folder)
    return json.loads(head)


HEAD_DAMAGE = {
    "a title that is a number": lambda h: h["outline"].update(title=5) or h,
    "a card id that is a list": lambda h: h["outline"].update(card_ids=[["cache-a"], "cache-b"]) or h,
    "a missing field": lambda h: h["outline"].pop("summary") and h,
    "an extra field": lambda h: h.update(extra=1) or h,
    "problems that are not pairs": lambda h: h.update(problems=[1, 2]) or h,
    "a negative line": lambda h: h.update(topic_line=-3) or h,
    "teaching that is not pairs": lambda h: h["outline"].update(teaches=[["cache-a"]]) or h,
    "a misconception that is a number": lambda h: h["outline"].update(teaches=[["cache-a", 5]]) or h,
    "card lines that disagree with the outline": lambda h: h.update(card_lines=[["cache-a", 5]]) or h,
    "not an object": lambda h: [h],
}


@pytest.mark.parametrize("damage", HEAD_DAMAGE.values(), ids=HEAD_DAMAGE.keys())
def test_an_entry_with_a_bad_head_is_read_again(decks, cache, parsed, damage):
    cold = load_library([decks], include_shipped=False)
    _rewrite(cache, "head", json.dumps(damage(_good_head(cache))).encode())
    parsed.clear()
    assert _summary(load_library([decks], include_shipped=False)) == _summary(cold)
    assert parsed == ["deck.yaml"]
    parsed.clear()
    load_library([decks], include_shipped=False)
    assert parsed == []  # the entry was replaced


CARDS_DAMAGE = {
    "a front that is a list": lambda c: c[0].update(front=["x"]) or c,
    "an answer that is a string": lambda c: c[1].update(answer="yes") or c,
    "a missing field": lambda c: c[0].pop("back") and c,
    "an unknown kind": lambda c: c[0].update(kind="poll") or c,
    "a kind that is a list": lambda c: c[0].update(kind=["flashcard"]) or c,
    "tags that are not text": lambda c: c[0].update(tags=[1, 2]) or c,
    "a card missing": lambda c: c[:1],
    "cards in another order": lambda c: c[::-1],
    "not a list": lambda c: {"cards": c},
}


@pytest.mark.parametrize("damage", CARDS_DAMAGE.values(), ids=CARDS_DAMAGE.keys())
def test_an_entry_with_bad_cards_is_read_again_when_the_cards_are_needed(decks, cache, parsed, damage):
    cold = load_library([decks], include_shipped=False)
    ((_, _, cards),) = _rows(cache)
    _rewrite(cache, "cards", json.dumps(damage(json.loads(cards))).encode())
    parsed.clear()
    warm = load_library([decks], include_shipped=False)
    assert _summary(warm) == _summary(cold)  # the cards are read when asked for, and read right
    assert parsed == ["deck.yaml"]
    assert _rows(cache) == []  # the damaged entry is dropped, to be written afresh
    load_library([decks], include_shipped=False)
    parsed.clear()
    load_library([decks], include_shipped=False).cards
    assert parsed == []


@pytest.mark.parametrize(
    "column, value",
    [("head", b'{"outline": {"id": "cache-top'), ("cards", b"[{"), ("head", "text, not bytes"), ("cards", 12),
     ("head", b"[" * 100_000 + b"]" * 100_000), ("cards", b"1" * 10_000)],
    ids=["truncated head", "truncated cards", "head stored as text", "cards stored as a number",
         "nested too deep", "a number too long"],
)
def test_truncated_or_mistyped_entries_are_read_again(decks, cache, column, value):
    cold = load_library([decks], include_shipped=False)
    _rewrite(cache, column, value)
    assert _summary(load_library([decks], include_shipped=False)) == _summary(cold)


def test_a_huge_entry_is_not_read(decks, cache, monkeypatch, parsed):
    load_library([decks], include_shipped=False)
    monkeypatch.setattr(deck_cache, "MAX_ENTRY_BYTES", 64)
    parsed.clear()
    assert sorted(load_library([decks], include_shipped=False).cards) == ["cache-a", "cache-b"]
    assert parsed == ["deck.yaml"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(["head", "cards"]), value=JSON)
def test_any_json_in_an_entry_gives_the_decks_as_written(decks, cache, column, value):
    cold = load_library([decks], include_shipped=False, use_cache=False)
    load_library([decks], include_shipped=False)
    _rewrite(cache, column, json.dumps(value).encode())
    assert _summary(load_library([decks], include_shipped=False)) == _summary(cold)


# --- only a cache that is the user's own ---------------------------------------------------------


def _stat(mode: int, uid: int) -> os.stat_result:
    return os.stat_result((mode, 0, 0, 1, uid, 0, 0, 0, 0, 0))


@pytest.mark.parametrize(
    "mode, uid, folder, expected",
    [
        (stat.S_IFDIR | 0o700, 1000, True, None),
        (stat.S_IFDIR | 0o755, 1000, True, None),
        (stat.S_IFDIR | 0o700, 1001, True, "it belongs to another user"),
        (stat.S_IFDIR | 0o775, 1000, True, "other users may write to it"),
        (stat.S_IFDIR | 0o1777, 1000, True, "other users may write to it"),
        (stat.S_IFREG | 0o600, 1000, True, "it is a file, not a folder"),
        (stat.S_IFREG | 0o600, 1000, False, None),
        (stat.S_IFREG | 0o644, 0, False, "it belongs to another user"),
        (stat.S_IFREG | 0o622, 1000, False, "other users may write to it"),
        (stat.S_IFIFO | 0o600, 1000, False, "it is a named pipe (FIFO), not a file"),
        (stat.S_IFSOCK | 0o600, 1000, False, "it is a socket, not a file"),
    ],
)
def test_only_a_folder_and_file_of_ones_own_that_nobody_else_can_write_are_trusted(mode, uid, folder, expected):
    assert deck_cache.distrust(_stat(mode, uid), folder=folder, uid=1000) == expected


def test_a_cache_owned_by_another_user_is_not_used(decks, cache, monkeypatch, capsys, parsed):
    load_library([decks], include_shipped=False)
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(cache).st_uid + 1)  # as if someone else ran it
    parsed.clear()
    load_library([decks], include_shipped=False)
    assert parsed == ["deck.yaml"]
    assert capsys.readouterr().err == f"quizapp: not using the deck cache folder {cache}: it belongs to another user\n"


@pytest.mark.parametrize("which", ["folder", "file"])
def test_a_cache_others_may_write_is_not_used(decks, cache, capsys, parsed, which):
    load_library([decks], include_shipped=False)
    os.chmod(cache if which == "folder" else cache / deck_cache.CACHE_FILE, 0o777 if which == "folder" else 0o666)
    parsed.clear()
    library = load_library([decks], include_shipped=False)
    assert sorted(library.cards) == ["cache-a", "cache-b"]
    assert parsed == ["deck.yaml"]
    place = f"deck cache folder {cache}" if which == "folder" else f"deck cache {cache / deck_cache.CACHE_FILE}"
    assert capsys.readouterr().err == f"quizapp: not using the {place}: other users may write to it\n"


def test_the_cache_is_created_for_its_owner_alone(decks, cache, monkeypatch):
    old = os.umask(0)  # the most permissive umask: nothing may depend on it
    try:
        load_library([decks], include_shipped=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache / deck_cache.CACHE_FILE).st_mode) == 0o600


@pytest.mark.timeout(60)
def test_a_fifo_at_the_cache_path_is_refused_without_blocking(decks, cache, capsys):
    cache.mkdir(mode=0o700)
    os.mkfifo(cache / deck_cache.CACHE_FILE, 0o600)
    assert sorted(load_library([decks], include_shipped=False).cards) == ["cache-a", "cache-b"]
    err = capsys.readouterr().err
    assert err == f"quizapp: not using the deck cache {cache / deck_cache.CACHE_FILE}: it is a named pipe (FIFO), not a file\n"


def test_a_symlink_loop_at_the_cache_path_is_refused(decks, cache, capsys):
    cache.mkdir(mode=0o700)
    (cache / deck_cache.CACHE_FILE).symlink_to(deck_cache.CACHE_FILE)
    assert sorted(load_library([decks], include_shipped=False).cards) == ["cache-a", "cache-b"]
    assert capsys.readouterr().err.endswith(": it is a symlink loop\n")


@pytest.mark.timeout(60)
def test_a_fifo_as_the_cache_folder_is_refused(decks, tmp_path, monkeypatch, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", str(fifo))
    assert sorted(load_library([decks], include_shipped=False).cards) == ["cache-a", "cache-b"]
    assert capsys.readouterr().err == f"quizapp: not using the deck cache folder {fifo}: it is a named pipe (FIFO), not a folder\n"


# --- a warm start ---------------------------------------------------------------------------------


def test_a_warm_start_reads_no_yaml_and_imports_neither_yaml_nor_numpy(decks, cache):
    """What makes the app start fast: on a warm start only the outlines are decoded."""
    load_library([decks])  # warm the cache with the shipped decks too
    script = textwrap.dedent(
        f"""
        import sys
        from quizapp.content import load_library, loader
        calls = []
        loader._read = lambda data, shown: calls.append(shown)
        library = load_library([{str(decks)!r}])
        print(len(library.outlines), len(calls), "yaml" in sys.modules, "numpy" in sys.modules)
        """
    )
    env = dict(os.environ, QUIZAPP_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    topics, reads, yaml_loaded, numpy_loaded = out.stdout.split()
    assert int(topics) > 20 and reads == "0" and yaml_loaded == numpy_loaded == "False"


def test_cards_are_decoded_only_when_asked_for(decks):
    load_library([decks], include_shipped=False)
    library = load_library([decks], include_shipped=False)
    assert library._topics is None  # outlines only
    assert library.card_topic("cache-b").id == "cache-topic"
    assert library._topics is not None


TEACHING = DECK.replace("""    explain: Parsing YAML""", """    teaches: [no_eps, unbiased_variance]
    explain: Parsing YAML""").replace("""    explain: The cache is keyed""", """    teaches: [no_eps]
    explain: The cache is keyed""")


def test_which_cards_teach_a_misconception_is_known_without_decoding_a_card(decks, parsed):
    (decks / "deck.yaml").write_text(TEACHING)
    # a later file's copy of cache-b is skipped, and so is what that copy teaches
    (decks / "z_dup.yaml").write_text(TEACHING.replace("topic: cache-topic", "topic: dup-topic")
                                      .replace("teaches: [no_eps]", "teaches: [std_for_var]"))
    cold = load_library([decks], include_shipped=False, use_cache=False)
    by_hand: dict[str, list[str]] = {}
    for card in cold.cards.values():
        for name in card.teaches:
            by_hand.setdefault(name, []).append(card.id)
    assert by_hand == {"no_eps": ["cache-a", "cache-b"], "unbiased_variance": ["cache-a"]}
    load_library([decks], include_shipped=False)
    parsed.clear()
    warm = load_library([decks], include_shipped=False)
    assert warm.teaching() == {name: tuple(ids) for name, ids in by_hand.items()} == cold.teaching()
    assert parsed == [] and warm._topics is None  # from the outlines: no YAML read, no card decoded


def test_cards_whose_entry_vanished_after_the_start_are_read_from_the_yaml(decks, cache, parsed):
    """Another quizapp may drop the entry (its LRU bound) between the start and the first session."""
    cold = load_library([decks], include_shipped=False)
    parsed.clear()
    warm = load_library([decks], include_shipped=False)
    with sqlite3.connect(cache / deck_cache.CACHE_FILE) as db:
        db.execute("DELETE FROM deck_file")
    assert _summary(warm) == _summary(cold)
    assert parsed == ["deck.yaml"]
