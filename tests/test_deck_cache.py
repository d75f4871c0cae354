"""The deck cache: a warm start reads no YAML, yet an edited deck is always seen."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from quizapp.content import cache as deck_cache
from quizapp.content import load_library

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
    explain: The cache is keyed by the file's size and modification time, so edits are seen.
"""


@pytest.fixture
def decks(tmp_path, monkeypatch):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "deck.yaml").write_text(DECK)
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def _summary(library):
    return (
        [(t.id, t.title, [(c.id, c.kind, c.question, c.source) for c in t.cards]) for t in library.topics],
        [str(p) for p in library.problems],
    )


def test_a_warm_load_equals_a_cold_load(decks, tmp_path):
    cold = load_library([decks], include_shipped=False, use_cache=False)
    first = load_library([decks], include_shipped=False)
    assert (tmp_path / "cache" / "decks.pickle").is_file()
    warm = load_library([decks], include_shipped=False)
    assert _summary(cold) == _summary(first) == _summary(warm)
    assert [o.card_ids for o in warm.outlines] == [("cache-a", "cache-b")]


def test_an_edited_deck_is_read_again(decks):
    load_library([decks], include_shipped=False)
    path = decks / "deck.yaml"
    path.write_text(DECK.replace("What is cached?", "What is cached, really?"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    library = load_library([decks], include_shipped=False)
    assert library.cards["cache-a"].question == "What is cached, really?"


def test_a_deleted_deck_is_gone_and_a_new_one_appears(decks):
    load_library([decks], include_shipped=False)
    (decks / "other.yaml").write_text(DECK.replace("cache-", "other-"))
    (decks / "deck.yaml").unlink()
    library = load_library([decks], include_shipped=False)
    assert sorted(library.cards) == ["other-a", "other-b"]


def test_duplicate_ids_across_files_are_still_reported_from_the_cache(decks):
    (decks / "z_dup.yaml").write_text(DECK.replace("topic: cache-topic", "topic: dup-topic"))
    cold = load_library([decks], include_shipped=False)
    warm = load_library([decks], include_shipped=False)
    assert [str(p) for p in warm.problems] == [str(p) for p in cold.problems]
    assert any("duplicate id 'cache-a'" in str(p) for p in warm.problems)
    assert warm.topic("dup-topic").cards == ()


def test_a_corrupt_cache_is_ignored_and_replaced(decks, tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "decks.pickle").write_bytes(b"not a pickle at all")
    library = load_library([decks], include_shipped=False)
    assert sorted(library.cards) == ["cache-a", "cache-b"]
    assert load_library([decks], include_shipped=False).cards.keys() == library.cards.keys()


def test_new_reading_code_invalidates_the_cache(decks, monkeypatch):
    load_library([decks], include_shipped=False)
    monkeypatch.setattr(deck_cache, "code_fingerprint", lambda: ("another version",))
    calls = []
    real = deck_cache.DeckCache.put
    monkeypatch.setattr(deck_cache.DeckCache, "put", lambda self, *a: calls.append(a) or real(self, *a))
    load_library([decks], include_shipped=False)
    assert calls, "the deck was read again"


def test_disabled_with_an_empty_cache_dir(decks, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", "")
    load_library([decks], include_shipped=False)
    assert not (tmp_path / "cache").exists()


def test_a_warm_start_reads_no_yaml_and_imports_no_numpy(decks, tmp_path):
    """What makes the app start fast: on a warm start only the pickled outlines are read."""
    load_library([decks])  # warm the cache with the shipped decks too
    script = textwrap.dedent(
        f"""
        import sys
        from quizapp.content import load_library, loader
        calls = []
        loader._read_file = lambda path: calls.append(path)
        library = load_library([{str(decks)!r}])
        print(len(library.outlines), len(calls), "numpy" in sys.modules)
        """
    )
    env = dict(os.environ, QUIZAPP_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    topics, reads, numpy_loaded = out.stdout.split()
    assert int(topics) > 20 and reads == "0" and numpy_loaded == "False"


def test_cards_come_out_of_the_cache_only_when_asked_for(decks):
    load_library([decks], include_shipped=False)
    library = load_library([decks], include_shipped=False)
    assert library._topics is None  # outlines only
    started = time.perf_counter()
    assert library.card_topic("cache-b").id == "cache-topic"
    assert time.perf_counter() - started < 1
