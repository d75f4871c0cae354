"""Taking the collection out of an Anki package (.apkg) without trusting the package.

An .apkg is a zip archive.  Anki writes its collection (an SQLite file) under one of three names:
current versions ``collection.anki21b`` (zstd-compressed) beside a legacy ``collection.anki2``
stub that only says "please update"; older versions ``collection.anki21`` or ``collection.anki2``.
The newest one present is read.

The archive may have been made to hurt:

- it is looked at before it is opened: a regular file (not a FIFO or a device), a zip;
- every name in it must be a plain relative path (no ``/`` at the start, no ``..``, no ``\\``,
  no drive): a package with one that would escape a folder is refused whole (nothing from an
  archive is ever written under its own name anyway: the collection goes to a private temporary
  file);
- the collection's declared size and its actual size while streaming are both capped
  (:data:`MAX_COLLECTION_BYTES`), before and while decompressing (zip, then zstd): a zip bomb
  stops at the cap instead of filling the disk or the memory.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory
from typing import BinaryIO

import zstandard

from quizapp.content.files import not_a_file
from quizapp.exchange.files import ExchangeError

__all__ = ["COLLECTIONS", "MAX_COLLECTION_BYTES", "collection_of"]

#: The collection's names, the one to prefer first.
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
#: The largest collection read (far above a 50,000-note deck's ~60 MB; media are never read).
MAX_COLLECTION_BYTES = 512 * 2**20
_CHUNK = 2**20


def check_regular_file(path: Path) -> None:
    """Refuse, without opening it, what is not a regular file."""
    try:
        kind = not_a_file(os.stat(path).st_mode)
    except OSError as exc:
        raise ExchangeError(f"cannot read {path}: {exc.strerror}") from None
    if kind:
        raise ExchangeError(f"{path} is {kind}, not a file")


def _escapes(name: str) -> bool:
    """Whether an archive member's name would leave the folder it is extracted into."""
    if "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in PurePosixPath(name).parts


@contextmanager
def collection_of(path: Path) -> Iterator[Path]:
    """The package's collection as a private temporary SQLite file, removed afterwards."""
    check_regular_file(path)
    with open(path, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the look
            raise ExchangeError(f"{path} is not a regular file")
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ExchangeError(f"{path} is not an Anki package (not a zip archive)") from None
        with archive, TemporaryDirectory(prefix="quizapp-import-") as folder:
            names = [info.filename for info in archive.infolist()]
            bad = next((name for name in names if _escapes(name)), None)
            if bad is not None:
                raise ExchangeError(f"{path}: the archive path {bad[:80]!r} would escape its folder; nothing was read")
            if len(set(names)) != len(names):
                raise ExchangeError(f"{path}: the archive names one file twice; nothing was read")
            name = next((n for n in COLLECTIONS if n in names), None)
            if name is None:
                raise ExchangeError(f"{path} is not an Anki package (no {', '.join(COLLECTIONS)} inside)")
            target = Path(folder) / "collection.sqlite"
            _extract(archive, archive.getinfo(name), target, path)
            yield target


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, shown: Path) -> None:
    too_big = (
        f"{shown}: its {info.filename} is larger than {MAX_COLLECTION_BYTES // 2**20} MB "
        "(or a zip bomb); nothing was read"
    )
    if info.file_size > MAX_COLLECTION_BYTES:
        raise ExchangeError(too_big)
    try:
        with archive.open(info) as member, open(target, "wb") as out:
            if info.filename.endswith("anki21b"):
                with zstandard.ZstdDecompressor().stream_reader(member) as unpacked:
                    _copy_capped(unpacked, out, too_big)
            else:
                _copy_capped(member, out, too_big)
    except zstandard.ZstdError as exc:
        raise ExchangeError(f"{shown}: its {info.filename} is not zstd data ({exc}); nothing was read") from None
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:  # CRC, encrypted, method
        raise ExchangeError(f"{shown}: its {info.filename} cannot be read ({exc}); nothing was read") from None
    except OSError as exc:
        raise ExchangeError(f"{shown}: cannot unpack its {info.filename} ({exc.strerror or exc})") from None


def _copy_capped(source: BinaryIO, out: BinaryIO, too_big: str) -> None:
    """Copy ``source`` to ``out``, stopping with ``too_big`` past :data:`MAX_COLLECTION_BYTES`."""
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > MAX_COLLECTION_BYTES:
            raise ExchangeError(too_big)
        out.write(chunk)
