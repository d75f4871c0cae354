"""`quizapp serve` as a browser meets it: the page and the app's websocket need the token, the
websocket needs the server's own Origin, the page loads nothing from another host, and stopping
the server ends every app process it started."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import sys
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest

from ..tui.support import DECKS
from .support import all_shown, open_tab, read_until, serve, shipped_topic_titles, still_running, wait_gone

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc"),
    pytest.mark.slow,
    pytest.mark.timeout(180),
]

#: Absolute URLs in textual-serve's bundled textual.js: the sources named in its comments, and
#: none that it loads (the page's Content-Security-Policy would refuse them anyway).
JS_COMMENT_URLS = {"https://github.com/chjj/term.js", "http://bellard.org/jslinux/"}
_ABSOLUTE = re.compile(r"""(?:https?|wss?):/{2}[^\s"'`)<>\\]+""")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LINKED = re.compile(r"""(?:href|src)="([^"]*)"|url\(["']?([^"')]*)["']?\)""")


@pytest.fixture
def served(tmp_path):
    with serve(tmp_path) as server:
        yield server


async def test_the_page_and_its_files_need_the_token(served):
    root = f"{served.origin}/"
    async with aiohttp.ClientSession() as http:
        async with http.get(served.url) as page:
            assert page.status == 200
            html = await page.text()
        token = urlsplit(served.url).path.strip("/")
        assert f'data-session-websocket-url="ws://{urlsplit(served.url).netloc}/{token}/ws"' in html
        async with http.get(urljoin(served.url, "static/js/textual.js")) as script:
            assert script.status == 200
        for path in ("", "ws", "static/js/textual.js", "download/x", f"{token}x/", f"{token[:-1]}/", "x/" + token + "/"):
            async with http.get(root + path, allow_redirects=False) as refused:
                assert refused.status == 403, path
                assert token not in await refused.text()


async def test_the_page_loads_nothing_from_another_host(served):
    async with aiohttp.ClientSession() as http:
        async with http.get(served.url) as page:
            html = await page.text()
            policy = page.headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        for name, sources in directives.items():
            for source in sources.split():
                assert source in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:", f"ws://{urlsplit(served.url).netloc}"), (name, source)
        links = [a or b for a, b in _LINKED.findall(html)]
        assert any(link.endswith(".ttf") for link in links), "the fonts come from this server"
        for link in links:
            if link.startswith("data:"):  # inline: no host at all
                continue
            assert not urlsplit(link).scheme and not link.startswith("//"), link
            async with http.get(urljoin(served.url, link)) as file:
                assert file.status == 200, link
                body = (await file.read()).decode("utf-8", "replace")
            found = set(_ABSOLUTE.findall(body))
            if link.endswith(".js"):
                assert found <= JS_COMMENT_URLS, found - JS_COMMENT_URLS
            elif link.endswith(".css"):
                assert not _ABSOLUTE.findall(_CSS_COMMENT.sub("", body))


async def test_a_tab_with_the_token_shows_the_home_screen(served):
    titles = shipped_topic_titles()
    async with aiohttp.ClientSession() as http:
        tab = await open_tab(http, served)
        text = await read_until(tab, all_shown(titles))
        assert "Today:" in text
        assert len(served.descendants()) >= 1  # the tab's app
        await tab.close()


async def test_a_websocket_without_the_token_or_from_another_site_starts_nothing(served):
    token = urlsplit(served.url).path.strip("/")
    own = served.websocket_url
    attempts = [
        (own.replace(f"/{token}/", "/"), served.origin),  # no token
        (own.replace(token, token[::-1]), served.origin),  # a wrong one
        (own, "http://attacker.example"),  # a page of another site
        (own, served.origin.replace("127.0.0.1", "localhost")),  # another origin on this machine
        (own, None),  # no Origin at all
    ]
    async with aiohttp.ClientSession() as http:
        for url, origin in attempts:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(url, origin=origin)
            assert refused.value.status == 403, (url, origin)
            # A 403 is written before any handler runs, and an app starts only after a 101.
            assert served.descendants() == {}, (url, origin)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "ctrl+c"])
async def test_a_stop_signal_ends_the_server_and_every_app_it_started(served, signum):
    titles = shipped_topic_titles()[:3]
    async with aiohttp.ClientSession() as http:
        tabs = [await open_tab(http, served) for _ in range(2)]
        for tab in tabs:
            await read_until(tab, all_shown(titles))
        apps = served.descendants()
        assert len(apps) >= 2, apps  # one app process per tab
        served.process.send_signal(signum)
        for tab in tabs:  # the server closes each tab
            while not tab.closed:
                await tab.receive()
    assert served.process.wait() == 0
    await wait_gone(apps)
    assert still_running(apps) == []


async def test_two_tabs_are_two_sessions_on_one_database_and_lose_nothing(tmp_path):
    """Both tabs study the fixture deck's Dropout topic (the last row) at once, key for key."""
    with serve(tmp_path, "--content", str(DECKS)) as served:
        async with aiohttp.ClientSession() as http:
            tabs = [await open_tab(http, served) for _ in range(2)]
            steps = [
                (None, "Dropout (fixture)"),
                ("\x1b[F\r", "what is p?"),  # End: the last topic; Enter: study it
                (" ", "The probability of zeroing a unit"),  # show the answer
                ("3", "With inverted dropout"),  # Good; the true/false card comes next
                ("f\r", None),  # False, answered
            ]
            for keys, shown in steps:
                for tab in tabs:  # the two apps take turns: their writes interleave
                    if keys:
                        await tab.send_json(["stdin", keys])
                for tab in tabs:
                    if shown:
                        await read_until(tab, all_shown([shown]))
            while len(logged := _reviews(tmp_path / "reviews.db")) < 4:
                await asyncio.sleep(0.05)
    assert sorted(logged) == [("tui-drop-flash", 3, None)] * 2 + [("tui-drop-tf", 3, 1)] * 2


def _reviews(db) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT card_id, rating, correct FROM review_log").fetchall()
