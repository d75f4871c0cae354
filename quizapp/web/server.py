"""The web server behind ``quizapp serve``: textual-serve's app processes, our routes and page.

textual-serve (1.1) draws the app with xterm.js and runs one app process per websocket through
Textual's web driver; this module keeps its process protocol (:class:`AppService`) and its message
loop, and changes what faces the network: every route under the secret ``/<token>/`` prefix
(:mod:`quizapp.web.guard`), a page whose fonts and scripts all come from this server, each app
in a session of its own (Ctrl+C in the terminal reaches the server, which then quits the apps in
order), and a shutdown that leaves no app process behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from quizapp.web.guard import WEBSOCKET, guard

HERE = Path(__file__).parent
PAGE = "page.html"
#: How long an app may take to quit (saving nothing: every grade is already committed) before
#: the server kills its process group.
QUIT_GRACE_SECONDS = 5.0


class AppProcess(AppService):
    """One app process, started from an argument list (no shell) in a session of its own."""

    def __init__(self, argv: Sequence[str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = list(argv)

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        self._stdin = process.stdin
        return process

    async def shut_down(self) -> None:
        """Ask the app to quit; if it has not left after QUIT_GRACE_SECONDS, kill its process
        group; then collect the reader of its output.  (A drill's checker leaves by itself when
        the app's end closes its socket.)"""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
            try:
                await asyncio.wait_for(process.wait(), QUIT_GRACE_SECONDS)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # its own session: only the app's group
                await process.wait()
        await self.stop()


class QuizServer(Server):
    """Serves ``argv`` (the app's command line) to browsers that know ``token``."""

    def __init__(self, argv: Sequence[str], token: str, title: str = "quizapp") -> None:
        super().__init__(" ".join(argv), title=title)
        self.argv = list(argv)
        self.token = token
        self.sessions: dict[AppProcess, web.WebSocketResponse] = {}

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[guard(self.token)])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE))
        base = f"/{self.token}"
        app.add_routes(
            [
                web.get(f"{base}/", self.handle_index),
                web.get(f"{base}/page.js", self.handle_script),
                web.get(f"{base}/{WEBSOCKET}", self.handle_websocket),
                web.static(f"{base}/static", self.statics_path),
            ]
        )
        app.on_shutdown.append(self.close_sessions)
        return app

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        scheme = "wss" if request.secure else "ws"
        response = aiohttp_jinja2.render_template(
            PAGE,
            request,
            {
                "title": self.title,
                "font_size": _bounded(request.query.get("fontsize"), 16, 6, 64),
                "websocket_url": f"{scheme}://{request.host}/{self.token}/{WEBSOCKET}",
            },
        )
        response.headers.update(page_headers(f"{scheme}://{request.host}"))
        return response

    async def handle_script(self, _request: web.Request) -> web.StreamResponse:
        return web.FileResponse(HERE / "page.js", headers={"Content-Type": "text/javascript"})

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        app = AppProcess(
            self.argv,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions[app] = websocket
        try:
            width = _bounded(request.query.get("width"), 80, 10, 1000)
            await app.start(width, _bounded(request.query.get("height"), 24, 5, 1000))
            await self._process_messages(websocket, app)
        finally:
            await app.shut_down()
            self.sessions.pop(app, None)
        return websocket

    async def close_sessions(self, _app: web.Application) -> None:
        """On shutdown: close every browser's websocket; each handler then ends its app, and the
        runner's cleanup waits for the handlers."""
        await asyncio.gather(
            *(
                websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")
                for websocket in list(self.sessions.values())
            )
        )

    async def run(self, sock: socket.socket) -> None:
        """Serve on the listening ``sock`` until SIGINT or SIGTERM, then end every app."""
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


def page_headers(websocket_origin: str) -> dict[str, str]:
    """Headers for the page: it may load and connect only to this server, in no frame."""
    policy = (
        "default-src 'self'; "
        f"connect-src 'self' {websocket_origin}; "
        "script-src 'self'; "
        "style-src 'self' 'unsafe-inline'; "  # xterm.js styles its own elements
        "img-src 'self' data: blob:; font-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }


def _bounded(text: str | None, default: int, low: int, high: int) -> int:
    """A number from the query string, kept within what a screen can show."""
    try:
        return min(max(int(text or ""), low), high)
    except ValueError:
        return default


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: one the system picks).

    Raises OSError (socket.gaierror for a host that does not resolve) with the system's reason.
    """
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    return socket.create_server(address[:2], family=family)
