"""The home screen's figures, from a few cheap queries (the app must open in a blink).

Definitions are those of :mod:`quizapp.stats` (which computes the same per-topic figures for the
stats screen), computed here without building a datetime or an FSRS card per row, so 10,000 cards
and a million reviews still take milliseconds:

- **due**: started cards falling due before the next study day begins (overdue included);
- **new**: cards never reviewed; suspended and buried cards count in neither;
- **mastered**: in the Review state and predicted to be recalled now with at least the desired
  retention.  FSRS's recall probability depends only on (whole days since the last review) /
  stability and falls as that ratio grows, so "recall >= target" is "days <= stability * k" for one
  constant k, found once by bisection on the scheduler's own recall function.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Sequence

_DAY_MS = 86_400_000


@dataclass(frozen=True)
class TopicRow:
    topic_id: str
    title: str
    total: int
    due: int
    new: int
    mastered: int

    @property
    def mastery(self) -> float:
        return self.mastered / self.total if self.total else 0.0


@dataclass(frozen=True)
class Today:
    reviewed: int  # grades given since the study day began
    due: int  # started cards due today, all topics
    new_available: int  # new cards today's limit still lets in
    first_run: bool  # the review log is empty


@dataclass(frozen=True)
class Overview:
    topics: tuple[TopicRow, ...]
    today: Today


def mastery_ratio(scheduler: Any, target: float) -> float:
    """The largest (days since review) / stability at which FSRS still predicts ``target`` recall."""
    from datetime import timezone

    now = datetime(9000, 1, 1, tzinfo=timezone.utc)  # room for millions of days before it
    stability = 1e5  # whole days at this scale resolve the ratio to 1e-5

    def recall(ratio: float) -> float:
        return scheduler.recall_probability(stability, now - timedelta(days=round(ratio * stability)), now)

    low, high = 0.0, 1.0
    while recall(high) >= target and high < 16:
        high *= 2
    for _ in range(50):
        middle = (low + high) / 2
        if recall(middle) >= target:
            low = middle
        else:
            high = middle
    return low


_RATIO_CACHE: dict[tuple[Any, ...], float] = {}


def _ratio_for(settings: Any) -> float:
    key = (settings.desired_retention,)
    if key not in _RATIO_CACHE:
        from quizapp.scheduler import Scheduler

        _RATIO_CACHE[key] = mastery_ratio(Scheduler(settings), settings.desired_retention)
    return _RATIO_CACHE[key]


def overview(topics: Sequence[Any], store: Any, now: datetime, tz: Any = None) -> Overview:
    """Per-topic counts (in ``topics`` order) and today's totals.

    ``topics`` are :class:`quizapp.content.Topic` values or the library's outlines (id, title and
    ``card_ids``), which are at hand before the cards themselves are read from the deck cache.
    """
    from quizapp.cardstate import NEW, day_start
    from quizapp.store import to_ms

    settings = store.settings()
    today_start = day_start(now, settings.day_starts_at, tz)
    tomorrow_ms = to_ms(today_start + timedelta(days=1))
    now_ms = to_ms(now)
    ratio = _ratio_for(settings)
    # One JSON object {card_id: code} instead of thousands of row tuples (3x faster to read).
    # code: -1 hidden (suspended or buried), 0 new, else 1 + (due today) + 2 * (mastered).
    (codes_json,) = store.query(
        "SELECT json_group_object(card_id, CASE "
        "WHEN suspended != 0 OR coalesce(buried_until, 0) > ? THEN -1 "
        "WHEN state = 0 THEN 0 "
        "ELSE 1 + (due IS NOT NULL AND due < ?) "
        "+ 2 * (state = 2 AND last_review IS NOT NULL AND stability IS NOT NULL "
        "AND (? - last_review) / ? <= stability * ?) END) FROM card_state",
        (now_ms, tomorrow_ms, now_ms, _DAY_MS, ratio),
    )[0]
    codes: dict[str, int] = json.loads(codes_json) if codes_json else {}
    out = []
    for topic in topics:  # card ids are unique across the library (the loader sees to it)
        due = new = mastered = 0
        card_ids = getattr(topic, "card_ids", None)
        if card_ids is None:
            card_ids = [card.id for card in topic.cards]
        for card_id in card_ids:
            code = codes.get(card_id, 0)
            if code == 0:
                new += 1
            elif code > 0:
                code -= 1
                due += code & 1
                mastered += code >> 1
        out.append(TopicRow(topic.id, topic.title, len(card_ids), due, new, mastered))
    all_new = sum(row.new for row in out)
    all_due = sum(row.due for row in out)

    reviewed = store.query("SELECT count(*) FROM review_log WHERE reviewed_at >= ?", (to_ms(today_start),))[0][0]
    new_done = store.done_since(today_start).get(NEW, 0)
    first_run = not store.query("SELECT EXISTS (SELECT 1 FROM review_log)")[0][0]
    new_available = min(all_new, max(0, settings.new_per_day - new_done))
    return Overview(tuple(out), Today(int(reviewed), all_due, new_available, first_run))
