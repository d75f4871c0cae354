"""What the command-line tests share: the fixture deck, quizapp run as a user runs it (a separate
process, input piped in), and input that claims to be a terminal for the in-process runs."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from quizapp.store import Store

ROOT = Path(__file__).resolve().parents[2]
DECK = Path(__file__).parent / "fixtures"


def quizapp(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m quizapp --db DB --content DECK ARGS...`` with ``stdin`` piped in: neither stdin
    nor stdout is a terminal, as in a script."""
    return subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(db), "--content", str(DECK), *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT,
    )


def reviewed(db: Path) -> list[tuple[str, int]]:
    """(card id, rating) of every logged review, oldest first."""
    with Store.open(db) as store:
        return [(r.card_id, r.rating) for r in sorted(store.reviews(), key=lambda r: r.id)]


class TerminalInput(io.StringIO):
    """Typed lines, as from a terminal (isatty() is True)."""

    def isatty(self) -> bool:
        return True
