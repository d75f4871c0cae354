"""Who may reach the served app: whoever holds the token, from the server's own pages.

The app runs code typed into it and shows the review history, so every route lives under
``/<token>/`` and a request for any other path is refused (403) before a handler runs: no app
process starts for it.  The websocket that drives an app must also come from a page of this
server: a browser sends the page's ``Origin`` with it, so a page of another site (which could try
a guessed token, or open a socket to localhost) is refused too.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: The path of the websocket under the token prefix (textual.js adds ?width=&height=).
WEBSOCKET = "ws"


def new_token() -> str:
    """A fresh secret for one server run: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def own_origin(request: web.Request) -> str:
    """The origin of the page the browser loaded from this server (scheme and Host header)."""
    return f"{request.scheme}://{request.host}"


def guard(token: str) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """An aiohttp middleware refusing requests outside ``/<token>/`` and websockets from pages of
    other origins."""
    prefix = f"/{token}"

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        first, slash, rest = path[1:].partition("/")
        if not secrets.compare_digest(f"/{first}".encode(), prefix.encode()):
            raise web.HTTPForbidden(text="403: this address needs the URL that quizapp serve printed\n")
        if not slash:  # /<token> -> /<token>/, so the page's relative links resolve under it
            raise web.HTTPFound(f"{prefix}/")
        if rest == WEBSOCKET and request.headers.get("Origin") != own_origin(request):
            raise web.HTTPForbidden(text="403: the app's websocket only answers this server's own page\n")
        return await handler(request)

    return middleware
