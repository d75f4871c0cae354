"""Settings for the whole test run: never touch the user's real cache or database."""

from __future__ import annotations

import os


def pytest_configure(config):
    # The deck cache is tested on its own, with a temporary folder; elsewhere it is off.
    os.environ["QUIZAPP_CACHE_DIR"] = ""
