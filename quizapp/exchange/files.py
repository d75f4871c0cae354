"""Writing an output file whole or not at all: into a hidden partial file beside it, renamed over
the target at the end, so a failed export never leaves half a file (or clobbers a good one)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class ExchangeError(Exception):
    """A file that cannot be read or written as asked; ``str()`` is one line saying where and why."""


@contextmanager
def written_whole(target: Path) -> Iterator[Path]:
    """Yields the partial path to write; renames it to ``target`` when the block succeeds."""
    if not target.parent.is_dir():
        raise ExchangeError(f"cannot write {target}: {target.parent} is not a folder")
    partial = target.with_name(f".{target.name}.partial")
    try:
        yield partial
        os.replace(partial, target)
    except OSError as exc:
        raise ExchangeError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
