"""A cache of parsed and checked deck files, so the app starts fast with thousands of cards.

Reading and checking YAML costs about 0.25 ms a card; a user with 10,000 cards would wait seconds
at every start.  Each file's result (its Topic and problems) is kept in one pickle in the user's
cache folder, keyed by the file's path, size and modification time, and by a fingerprint of the
code that reads and checks decks (so a new version, or a changed generator, re-reads everything).
A file that changed is read again; the rest come from the cache.

The cache is only an accelerator: any error reading or writing it is ignored and the decks are
read from YAML as usual.  Set ``QUIZAPP_CACHE_DIR`` to move it, or to an empty string to disable it.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import quizapp

#: Bump when the pickled layout changes in a way the fingerprint cannot see.
FORMAT = 3
#: Source folders whose code decides what a deck file reads into (relative to the repository or
#: site-packages root): the loader, the generator registry and the drill tasks.
CODE_DIRS = ("quizapp/content", "quizapp/engine/exercises", "quizapp/drills")


def cache_path() -> Path | None:
    """Where the cache lives, or None when it is disabled."""
    configured = os.environ.get("QUIZAPP_CACHE_DIR")
    if configured is not None:
        return Path(configured) / "decks.pickle" if configured else None
    from platformdirs import user_cache_path

    return user_cache_path("quizapp", appauthor=False) / "decks.pickle"


def code_fingerprint() -> tuple:
    """The version and the size and mtime of every source file that shapes a loaded deck."""
    root = Path(quizapp.__file__).resolve().parent.parent
    stamps = []
    for folder in CODE_DIRS:
        for source in sorted((root / folder).glob("*.py")):
            stat = source.stat()
            stamps.append((source.name, stat.st_size, stat.st_mtime_ns))
    return (FORMAT, quizapp.__version__, tuple(stamps))


def _file_key(path: Path, shown: str) -> tuple[str, str]:
    # The shown path is part of the key: problems and card sources quote it.
    return (os.path.abspath(path), shown)


def _file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns)


class DeckCache:
    """Results of reading deck files, valid while the file and the reading code are unchanged."""

    def __init__(self, path: Path | None):
        self.path = path
        self.fingerprint = code_fingerprint() if path else None
        self.entries: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}
        self.used: set[tuple[str, str]] = set()
        self.dirty = False
        if path is not None:
            self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                fingerprint, entries = pickle.load(handle)
        except Exception:  # missing, truncated, from another version: start empty
            return
        if fingerprint == self.fingerprint and isinstance(entries, dict):
            self.entries = entries

    def get(self, path: Path, shown: str) -> Any | None:
        """The cached result for this file, or None if it is not cached or has changed."""
        if self.path is None:
            return None
        key = _file_key(path, shown)
        entry = self.entries.get(key)
        try:
            fresh = entry is not None and entry[0] == _file_stamp(path)
        except OSError:
            return None
        if not fresh:
            return None
        self.used.add(key)
        return entry[1]

    def put(self, path: Path, shown: str, result: Any) -> None:
        if self.path is None:
            return
        try:
            key = _file_key(path, shown)
            self.entries[key] = (_file_stamp(path), result)
            self.used.add(key)
            self.dirty = True
        except OSError:
            pass

    def save(self) -> None:
        """Write the entries used by this load (dropping deleted files), atomically."""
        if self.path is None:
            return
        if not self.dirty and len(self.used) == len(self.entries):
            return
        kept = {key: self.entries[key] for key in self.used if key in self.entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".decks-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.fingerprint, kept), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:
            try:
                os.unlink(tmp)  # type: ignore[possibly-undefined]
            except Exception:
                pass
