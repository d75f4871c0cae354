"""Smoke test in a real terminal: the installed ``quizapp`` script inside tmux, driven by keys.

Each step waits until the screen shows what it should; the per-test timeout is the only bound, and
a failing run prints the last screen it saw."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from quizapp.store import Store

from .support import DECKS


TMUX = shutil.which("tmux")
pytestmark = [pytest.mark.skipif(TMUX is None, reason="tmux is not installed"), pytest.mark.slow]


def _script() -> str | None:
    beside = Path(sys.executable).parent / "quizapp"
    return str(beside) if beside.exists() else shutil.which("quizapp")


class Terminal:
    """One tmux server of our own (its own socket), one window of 100x32."""

    def __init__(self, command: str) -> None:
        self.socket = f"quizapp-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.last_screen = ""
        self.tmux([
            "new-session", "-d", "-s", "main", "-x", "100", "-y", "32",
            f"{command}; echo QUIZAPP-EXIT=$?; sleep 30",
        ])

    def tmux(self, args: list[str]) -> str:
        out = subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True, text=True)
        return out.stdout

    def screen(self) -> str:
        return self.tmux(["capture-pane", "-p", "-t", "main"])

    def keys(self, *keys: str) -> None:
        self.tmux(["send-keys", "-t", "main", *keys])

    def wait_for(self, text: str) -> None:
        """Poll the screen until ``text`` is on it."""
        self.last_screen = self.screen()
        while text not in self.last_screen:
            time.sleep(0.1)
            self.last_screen = self.screen()

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True)


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
        print(f"The last screen seen:\n{term.last_screen}")  # shown by pytest if the test failed
        term.close()
    with Store.open(db) as store:
        assert [(r.card_id, r.rating) for r in store.reviews()] == [("tui-drop-flash", 3)]
