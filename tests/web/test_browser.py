"""A real browser on the served app (headless Chromium, see tests/web/browser.py): the home screen
and a study card are drawn, and the page asks nothing of any host but the server."""

from __future__ import annotations

import sys

import pytest

from .browser import check, chromium, png_pixels
from .support import shipped_topic_titles

pytestmark = [
    pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (apt-get install -y chromium)"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc"),
    pytest.mark.slow,
    pytest.mark.timeout(240),
]


def test_chromium_draws_the_home_screen_and_a_study_card(tmp_path):
    result = check(tmp_path, tmp_path / "shots")

    for title in shipped_topic_titles():
        assert title in result.home
    assert "All topics" in result.study and "Undo" in result.study

    home, study = png_pixels(result.home_png), png_pixels(result.study_png)
    assert len(set(home)) > 16 and len(set(study)) > 16, "a screenshot is blank"
    assert home != study
    assert result.requests, "the browser made no request"
    others = [url for url in result.requests if not url.startswith((result.origin + "/", "data:", "blob:"))]
    assert others == []
    refused = [line for line in result.console if "Failed to load" in line or "Content Security Policy" in line]
    assert refused == []
