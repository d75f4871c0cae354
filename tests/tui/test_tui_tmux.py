"""Smoke test in a real terminal: the installed ``quizapp`` script inside tmux, driven by keys."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizapp.store import Store

from tui_constants import DECKS  # noqa: E402

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def _script() -> str | None:
    beside = Path(sys.executable).parent / "quizapp"
    return str(beside) if beside.exists() else shutil.which("quizapp")


class Terminal:
    """One tmux server of our own (its own socket), one window of 100x32."""

    def __init__(self, command: str) -> None:
        self.socket = f"quizapp-test-{os.getpid()}-{time.monotonic_ns()}"
        self.tmux([
            "new-session", "-d", "-s", "main", "-x", "100", "-y", "32",
            f"{command}; echo QUIZAPP-EXIT=$?; sleep 30",
        ])

    def tmux(self, args: list[str]) -> str:
        out = subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True, text=True, timeout=10)
        return out.stdout

    def screen(self) -> str:
        return self.tmux(["capture-pane", "-p", "-t", "main"])

    def keys(self, *keys: str) -> None:
        self.tmux(["send-keys", "-t", "main", *keys])

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


def test_study_one_card_in_a_real_terminal(tmp_path):
    script = _script()
    if script is None:
        pytest.skip("the quizapp console script is not installed")
    db = tmp_path / "reviews.db"
    command = " ".join(
        ["env", "-u", "COLUMNS", "-u", "LINES", "QUIZAPP_CACHE_DIR=", "TERM=xterm-256color", shlex.quote(script),
         "--db", shlex.quote(str(db)), "--content", shlex.quote(str(DECKS))]
    )
    term = Terminal(command)
    try:
        term.wait_for("Today:")
        term.keys("End")  # the fixture topics come after the shipped ones; the last is Dropout
        term.wait_for("Dropout (fixture)")
        term.keys("Enter")
        term.wait_for("what is p?")
        term.keys("Space")
        term.wait_for("3 Good")
        term.keys("3")
        term.wait_for("With inverted dropout")  # the next card
        term.keys("q")
        term.wait_for("Reviewed 1")
        term.keys("Enter")
        term.wait_for("1 reviewed")
        term.keys("q")
        term.wait_for("QUIZAPP-EXIT=0")
    finally:
        term.close()
    with Store.open(db) as store:
        assert [(r.card_id, r.rating) for r in store.reviews()] == [("tui-drop-flash", 3)]
