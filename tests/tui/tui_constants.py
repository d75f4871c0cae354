"""Constants the TUI tests share (a module with its own name: `conftest` is ambiguous across
test folders, so tests import these from here, never from conftest)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
DECKS = FIXTURES / "decks"
#: A Tuesday, noon UTC.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
SIZE = (100, 32)
