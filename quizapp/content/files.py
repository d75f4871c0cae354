"""Finding deck files, and reading one without trusting what is at its path.

A deck folder can hold things named like a deck that are not files: a FIFO (opening it waits
for a writer that never comes), a device (``/dev/zero`` never ends), a socket, a symlink that
points back at itself.  :func:`read_deck` looks at what a path is before opening it, refuses
anything but a regular file with one line saying what it found, opens without blocking, checks
again on the open file (the path may have changed in between), and reads at most
:data:`MAX_DECK_BYTES`.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

DECK_SUFFIXES = (".yaml", ".yml")
#: Far above any real deck (10,000 cards take about 3.5 MB) and small enough to read at once.
MAX_DECK_BYTES = 16 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class Unreadable(Exception):
    """A deck path that cannot be read as a deck; ``str()`` is the one-line reason."""


def deck_files(folder: Path) -> list[Path]:
    """Every ``*.yaml`` / ``*.yml`` below ``folder``, hidden ones left out, sorted by relative path.

    Symlinked folders are not followed (a link to a parent would walk forever); a symlink named
    like a deck is listed, and :func:`read_deck` says what it points at.
    """
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith(DECK_SUFFIXES) and not name.startswith("."):
                full = Path(dirpath, name)
                found.append((full.relative_to(folder).as_posix(), full))
    return [full for _, full in sorted(found)]


def not_a_file(mode: int) -> str | None:
    """What a non-regular file is, in words ("a named pipe (FIFO)"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def read_deck(path: Path) -> bytes:
    """The bytes of the deck file at ``path``; raises :class:`Unreadable` with the reason."""
    try:
        kind = not_a_file(os.stat(path).st_mode)
    except OSError as err:
        raise Unreadable(_os_error(path, err)) from None
    if kind:
        raise Unreadable(f"{kind}, not a deck file")
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise Unreadable(_os_error(path, err)) from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        kind = not_a_file(opened.st_mode)
        if kind:  # replaced between the look and the open
            raise Unreadable(f"{kind}, not a deck file")
        try:  # one byte more than the size, to see a file that grows past the limit meanwhile
            data = handle.read(min(opened.st_size, MAX_DECK_BYTES) + 1)
        except OSError as err:
            raise Unreadable(_os_error(path, err)) from None
    if len(data) > MAX_DECK_BYTES:
        raise Unreadable(f"larger than {MAX_DECK_BYTES // 2**20} MB: not a deck (split a big deck into one file per topic)")
    return data


def _os_error(path: Path, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "a symlink loop (the link leads back to itself), not a deck file"
    if err.errno == errno.ENOENT and os.path.islink(path):
        return f"a broken symlink (it points to {os.readlink(path)}, which does not exist)"
    return f"cannot read the file: {err.strerror or err}"
