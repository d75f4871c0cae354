"""The user's interface preferences (the theme), kept beside the review database.

The database's settings table holds study settings only (``Settings`` refuses unknown keys), so
the theme lives in a small JSON file next to it: ``quizapp.db`` -> ``quizapp.db.ui.json``.  A
missing or unreadable file means the defaults; failing to write it is not worth an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def preferences_path(db_path: Path | str | None) -> Path | None:
    if not db_path or str(db_path) == ":memory:":
        return None
    path = Path(db_path)
    return path.with_name(path.name + ".ui.json")


def load_preferences(db_path: Path | str | None) -> dict[str, Any]:
    path = preferences_path(db_path)
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_preference(db_path: Path | str | None, key: str, value: Any) -> None:
    path = preferences_path(db_path)
    if path is None:
        return
    data = load_preferences(db_path)
    if data.get(key) == value:
        return
    data[key] = value
    try:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError:
        pass
