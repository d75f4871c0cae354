"""``quizapp export reviews``: the review log as CSV or JSON Lines, for pandas or a spreadsheet.

One row per logged review, oldest first, with the columns of :data:`COLUMNS` (docs/export.md
documents them).  In CSV an empty cell is a missing value; in JSON Lines it is ``null``.  A text
cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-`` or ``@``) is
written with a leading ``'`` in CSV, so opening the file never runs anything.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from quizapp.exchange.files import ExchangeError, written_whole
from quizapp.store import Review

__all__ = ["COLUMNS", "FORMATS", "export_reviews", "row"]

#: The columns, in order.
COLUMNS = ("card", "time", "result", "grade", "duration", "misconception", "kind", "device", "mode", "uid")
FORMATS = (".csv", ".jsonl")
_TEXT_COLUMNS = ("card", "misconception", "kind", "device", "uid")


def row(review: Review) -> dict[str, Any]:
    """One review as the export writes it."""
    right = review.correct if review.correct is not None else review.rating > 1
    return {
        "card": review.card_id,
        "time": review.reviewed_at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{review.reviewed_at.microsecond // 1000:03d}Z",
        "result": "right" if right else "wrong",
        "grade": review.rating,
        "duration": None if review.duration_ms is None else review.duration_ms / 1000,
        "misconception": review.misconception,
        "kind": review.kind,
        "device": review.device,
        "mode": review.mode,
        "uid": review.uid,
    }


def _cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    if column in _TEXT_COLUMNS and isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def export_reviews(reviews: Iterable[Review], target: Path) -> int:
    """Write ``reviews`` (oldest first) to ``target`` (.csv or .jsonl); returns how many."""
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ExchangeError(f"{target}: name the file .csv or .jsonl to choose the format")
    ordered = sorted(reviews, key=lambda r: (r.reviewed_at, r.id or 0))
    with written_whole(target) as partial, open(partial, "w", encoding="utf-8", newline="") as out:
        if suffix == ".csv":
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for review in ordered:
                values = row(review)
                writer.writerow([_cell(column, values[column]) for column in COLUMNS])
        else:
            for review in ordered:
                out.write(json.dumps(row(review), ensure_ascii=False) + "\n")
    return len(ordered)
