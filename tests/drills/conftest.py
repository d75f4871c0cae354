"""The drill tests import their hand-written solutions and the in-process grader from this folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
