"""What the web tests share: a served app in a subprocess, its process tree, and a websocket
client that speaks textual-serve's protocol as textual.js does."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[2]
#: Enough columns and rows for every shipped topic's row on the home screen.
WIDTH, HEIGHT = 140, 80
_ESCAPE = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>])")


def shipped_topic_titles() -> list[str]:
    """Every topic title in the shipped decks, read from the YAML files themselves."""
    titles = []
    for path in sorted((ROOT / "content").rglob("*.yaml")):
        deck = yaml.safe_load(path.read_text(encoding="utf-8"))
        titles.append(deck["title"])
    return titles


@dataclass
class Served:
    """A running ``quizapp serve``: its process and the URL it printed."""

    process: subprocess.Popen
    url: str

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def websocket_url(self) -> str:
        return "ws" + self.url[len("http"):] + f"ws?width={WIDTH}&height={HEIGHT}"

    def descendants(self) -> dict[int, str]:
        """The server's descendant processes now: pid -> its start time (field 22 of /proc/PID/stat),
        so a pid reused later by another process is not taken for one of them."""
        found: dict[int, str] = {}
        todo = [self.process.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    children = (task / "children").read_text().split()
                except OSError:
                    continue
                for child in map(int, children):
                    if child not in found and (start := start_time(child)) is not None:
                        found[child] = start
                        todo.append(child)
        return found


def start_time(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def still_running(processes: dict[int, str]) -> list[int]:
    """Which of these processes (pid -> start time) exist now (and are not zombies)."""
    alive = []
    for pid, started in processes.items():
        if start_time(pid) == started and _state(pid) not in ("Z", "X", None):
            alive.append(pid)
    return alive


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


@contextmanager
def serve(tmp_path: Path, *args: str) -> Iterator[Served]:
    """``quizapp serve --port 0`` on a fresh database; the URL is the first line it prints."""
    env = dict(os.environ, QUIZAPP_DB=str(tmp_path / "reviews.db"), QUIZAPP_CACHE_DIR=str(tmp_path / "cache"))
    errors = (tmp_path / "serve.err").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "quizapp", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL, env=env, text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"http://\S+", line)
        assert match, f"no URL in {line!r}; stderr: {(tmp_path / 'serve.err').read_text()}"
        yield Served(process, match.group())
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait()
        process.stdout.close()
        errors.close()


def screen_text(raw: bytes) -> str:
    """The text a terminal fed ``raw`` would show, without the escape sequences (each run of
    text Textual writes stays whole)."""
    return _ESCAPE.sub(b"", raw).decode("utf-8", "replace")


async def read_until(websocket: aiohttp.ClientWebSocketResponse, done: Callable[[str], bool]) -> str:
    """The app's output, accumulated until ``done(text)`` holds (bounded by the test's timeout)."""
    raw = b""
    while not done(screen_text(raw)):
        message = await websocket.receive()
        if message.type == aiohttp.WSMsgType.BINARY:
            raw += message.data
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise AssertionError(f"the websocket closed; the app wrote: {screen_text(raw)[-2000:]}")
    return screen_text(raw)


async def open_tab(session: aiohttp.ClientSession, served: Served) -> aiohttp.ClientWebSocketResponse:
    """A websocket as textual.js opens it: from the server's own page, then its terminal size, and
    the focus (the app starts blurred: keys reach the focused widget only once it has the focus)."""
    websocket = await session.ws_connect(served.websocket_url, origin=served.origin)
    await websocket.send_json(["resize", {"width": WIDTH, "height": HEIGHT}])
    await websocket.send_json(["focus"])
    return websocket


def all_shown(titles: list[str]) -> Callable[[str], bool]:
    return lambda text: all(title in text for title in titles)


async def wait_gone(processes: dict[int, str]) -> None:
    """Poll until none of ``processes`` runs (the per-test timeout bounds it)."""
    while still_running(processes):
        await asyncio.sleep(0.05)
