"""Where quizapp keeps the review database (the shipped decks: quizapp.content.shipped_content_dir).

The database path is chosen in this order, so a script or a test can always point elsewhere
without touching the user's real history:

1. ``--db PATH`` on the command line,
2. the ``QUIZAPP_DB`` environment variable (ignored when empty),
3. ``quizapp.db`` in the user data directory (platformdirs), e.g.
   ``~/.local/share/quizapp/quizapp.db`` on Linux.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "quizapp"
DB_ENV = "QUIZAPP_DB"
DB_FILENAME = "quizapp.db"


def default_db_path() -> Path:
    """The database in the user's data directory (not created here)."""
    return platformdirs.user_data_path(APP_NAME) / DB_FILENAME


def db_path(explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The database to use: ``explicit`` (``--db``), else ``$QUIZAPP_DB``, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ if environ is None else environ
    from_env = env.get(DB_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


def db_path_source(explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Which rule chose the database path, for ``quizapp where``."""
    if explicit:
        return "--db"
    env = os.environ if environ is None else environ
    if env.get(DB_ENV, "").strip():
        return DB_ENV
    return "default"

