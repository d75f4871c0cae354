"""A real browser on ``quizapp serve``: headless Chromium driven over the DevTools protocol.

Run it by hand to look at the app in a browser (the screenshots land in OUT)::

    .venv/bin/python -m tests.web.browser OUT

It starts ``quizapp serve`` on a fresh database, opens the printed URL in Chromium (the system's
``chromium``; ``apt-get install -y chromium`` on Debian), waits for the home screen's topic
titles, saves ``home.png``, presses ``a`` as a person would, waits for the first card, saves
``study.png`` (then the same at a phone's size: ``home-phone.png``, ``study-phone.png``), and checks that every request the page made went to the server itself (Chromium
resolves every other host to nothing, so a page that needed one would also show no text).
tests/web/test_browser.py runs the same check where Chromium is installed.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .support import all_shown, screen_text, serve, shipped_topic_titles

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: The flags a headless check needs on a server: no sandbox (root in a container), no GPU, and
#: nothing that phones home.  --host-resolver-rules: every host but this machine resolves to nothing.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
#: Collects what the app sends to the page (the terminal's input), for the checks to read.
TAP = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.__received = "";
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") {
          window.__received += decoder.decode(event.data, {stream: true});
        }
      });
    }
  };
})();
"""


def chromium() -> str | None:
    """The installed Chromium's path, or None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


@dataclass
class Page:
    """One tab, attached over the DevTools protocol (flat sessions on the browser's socket)."""

    socket: aiohttp.ClientWebSocketResponse
    session: str = ""
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    _next_id: int = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        await self.socket.send_json(message)
        while True:
            reply = json.loads((await self.socket.receive()).data)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._note(reply)

    def _note(self, event: dict[str, Any]) -> None:
        params = event.get("params", {})
        if event.get("method") == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif event.get("method") == "Log.entryAdded":
            self.console.append(params["entry"]["text"])
        elif event.get("method") == "Runtime.exceptionThrown":
            self.console.append(params["exceptionDetails"].get("text", "exception"))

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        return result["result"].get("value")

    async def wait_for_text(self, done: Any) -> str:
        """The terminal's text once ``done(text)`` holds and the terminal is drawn and visible
        (the per-test timeout bounds the wait)."""
        while True:
            text = screen_text((await self.evaluate("window.__received")).encode())
            visible = await self.evaluate(
                "document.body.classList.contains('-first-byte') && "
                "getComputedStyle(document.getElementById('terminal')).opacity === '1'"
            )
            if done(text) and visible:
                # Two animation frames: xterm.js draws what arrived before the screenshot.
                await self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                return text
            await asyncio.sleep(0.1)

    async def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode((await self.call("Page.captureScreenshot", format="png"))["data"])
        path.write_bytes(data)
        return data

    async def press(self, key: str) -> None:
        """A key as a person types it, into the terminal (which holds the focus)."""
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        for kind in ("keyDown", "keyUp"):
            await self.call("Input.dispatchKeyEvent", type=kind, key=key, text=key if kind == "keyDown" else "",
                            code=f"Key{key.upper()}", windowsVirtualKeyCode=ord(key.upper()))


@dataclass
class Result:
    home: str
    study: str
    home_png: bytes
    study_png: bytes
    requests: list[str]
    console: list[str]
    origin: str


async def _drive(url: str, shots: Path, profile: Path, width: int, height: int, home_shows: list[str], suffix: str) -> Result:
    browser = subprocess.Popen(
        [chromium() or "chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
         f"--window-size={width},{height}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )
    try:
        endpoint = None
        while endpoint is None:
            line = browser.stderr.readline()
            if not line:
                raise RuntimeError(f"Chromium exited ({browser.wait()}) without a DevTools endpoint")
            if found := re.search(r"DevTools listening on (ws://\S+)", line):
                endpoint = found.group(1)
        async with aiohttp.ClientSession() as http, http.ws_connect(endpoint, max_msg_size=0) as socket:
            page = Page(socket)
            target = (await page.call("Target.createTarget", url="about:blank"))["targetId"]
            page.session = (await page.call("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
            for domain in ("Page", "Network", "Log", "Runtime"):
                await page.call(f"{domain}.enable")
            await page.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
            await page.call("Page.addScriptToEvaluateOnNewDocument", source=TAP)
            await page.call("Page.navigate", url=url)
            home = await page.wait_for_text(all_shown(home_shows))
            home_png = await page.screenshot(shots / f"home{suffix}.png")
            await page.press("a")  # study every topic
            study = await page.wait_for_text(all_shown(["All topics"]))
            study_png = await page.screenshot(shots / f"study{suffix}.png")
            parts = urlsplit(url)
            return Result(home, study, home_png, study_png, page.requests, page.console, f"{parts.scheme}://{parts.netloc}")
    finally:
        browser.terminate()
        browser.wait()
        browser.stderr.close()


def check(work: Path, shots: Path, width: int = 1280, height: int = 1000, suffix: str = "") -> Result:
    """Serve the app on a fresh database under ``work`` and drive Chromium on it, in a window of
    ``width`` x ``height`` pixels (1280x1000: every topic's row; 600x640: a phone's 60x30 cells,
    which shows the first rows)."""
    shots.mkdir(parents=True, exist_ok=True)
    # "Study topic": the topic table has the keyboard, with no click (the page focuses the app).
    home_shows = ["Today:", "Study topic"] + (shipped_topic_titles() if height >= 1000 else [])
    with serve(work) as served:
        profile = work / f"chromium-profile{suffix}"
        return asyncio.run(_drive(served.url, shots, profile, width, height, home_shows, suffix))


def png_pixels(data: bytes) -> bytes:
    """The decompressed image data of a PNG (its IDAT chunks), to tell images apart."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat = 8, b""
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        if kind == b"IDAT":
            idat += data[position + 8:position + 8 + length]
        position += 12 + length
    return zlib.decompress(idat)


def main(argv: list[str]) -> int:
    if chromium() is None:
        print("browser check: no Chromium found (apt-get install -y chromium)", file=sys.stderr)
        return 2
    shots = Path(argv[0] if argv else "serve-shots").resolve()
    others = []
    for width, height, suffix in ((1280, 1000, ""), (600, 640, "-phone")):
        with tempfile.TemporaryDirectory() as work:
            result = check(Path(work), shots, width, height, suffix)
        others += [url for url in result.requests if not url.startswith((result.origin + "/", "data:", "blob:"))]
        print(f"{width}x{height} px: {shots / f'home{suffix}.png'}, {shots / f'study{suffix}.png'}; "
              f"{len(result.requests)} requests; console: {result.console or 'nothing'}")
    print(f"requests to other hosts: {others or 'none'}")
    return 1 if others else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
