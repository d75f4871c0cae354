"""``quizapp serve``: the app in a browser, one app process per tab, on this machine's database.

Each tab runs ``python -m quizapp`` with the same ``--db`` and ``--content`` through Textual's web
driver (textual-serve); the tabs share the database (SQLite in WAL mode, each grade committed when
given).  Whoever has the printed URL sees the review history and runs code in the drills, so the
URL holds a secret token and the server refuses everything without it (quizapp.web.guard).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import sys
from pathlib import Path

from quizapp.cli.common import open_store
from quizapp.paths import db_path

PROG = "quizapp serve"
DEFAULT_PORT = 8000
#: A token given with --token goes into the URL's path and is the only lock: URL-safe, not short.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,}")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "serve",
        parents=[common],
        help="serve the app to a web browser (a tablet, a phone) behind a secret URL",
        description="Serve the app to web browsers: each tab is a session on the same database and "
        "decks. The printed URL holds a secret token; anyone who has it sees your review history "
        "and runs code in the drills as you. Ctrl+C stops the server and its apps. Exit 2 for a "
        "bad host, port or token.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", default=str(DEFAULT_PORT), help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)")
    parser.add_argument("--token", help="the secret in the URL (default: a new random one each start); "
                        "at least 16 letters, digits, - or _")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    port = _port(args.port)
    if port is None:
        print(f"{PROG}: --port must be a whole number from 0 to 65535, got {args.port!r}", file=sys.stderr)
        return 2
    if args.token is not None and not TOKEN_PATTERN.fullmatch(args.token):
        print(f"{PROG}: --token must be at least 16 letters, digits, - or _", file=sys.stderr)
        return 2
    # aiohttp and textual-serve take about 0.25 s to import: only this command pays for them.
    from quizapp.web.guard import new_token
    from quizapp.web.server import QuizServer, listen

    store = open_store(args, PROG)  # a database that cannot be used is said once, here
    if store is None:
        return 1
    store.close()  # it now exists and is migrated: the tabs' apps open it side by side
    try:
        sock = listen(args.host, port)
    except (OSError, UnicodeError) as exc:
        print(f"{PROG}: cannot listen on {args.host} port {port}: {_reason(exc)}", file=sys.stderr)
        return 2
    token = args.token or new_token()
    argv = [sys.executable, "-m", "quizapp", "--db", str(db_path(args.db).resolve())]
    for folder in args.content:
        argv += ["--content", str(Path(folder).resolve())]
    print(f"quizapp is served at {_url(args.host, sock, token)}", flush=True)
    print("Anyone with this URL sees your review history and runs code in the drills as you. "
          "Ctrl+C stops the server.", flush=True)
    with sock:
        asyncio.run(QuizServer(argv, token).run(sock))
    return 0


def _port(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) <= 65535 else None


def _reason(exc: BaseException) -> str:
    """The system's words for why an address cannot be used (no errno numbers)."""
    if isinstance(exc, socket.gaierror):
        return "no such host"
    errno = getattr(exc, "errno", None)
    return os.strerror(errno) if errno else str(exc)


def _url(host: str, sock: socket.socket, token: str) -> str:
    """The address to open: the bound port; a wildcard host shown as this machine's name."""
    port = sock.getsockname()[1]
    shown = socket.gethostname() if host in ("", "0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/{token}/"
