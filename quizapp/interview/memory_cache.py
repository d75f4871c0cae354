"""The misconception memories kept in the database, so they cost what changed, not the log.

Replaying every misconception event of years of study through FSRS takes seconds, and a study
session, the stats and the home screen's readiness line need the memories each time.  So the
memories are kept (``Store.misconception_cache``, in ``meta``) with what they were replayed
from: the :class:`~quizapp.store.MisconceptionCover` of the log's misconception rows (read from
their partial index, not from the log) and the scheduler's :func:`replay_key`.  On use:

- same cover, same key: the kept memories are the answer;
- the kept rows are all still there and the only new ones come after them, in row id and in
  time (grades): those are replayed from the kept memories;
- anything else (an undo or a regrade of a kept row, a merge's older rows, changed settings or
  fitted parameters, no or an unreadable kept value): everything is replayed, and kept again.

The kept value is derived data, read as untrusted input: one that is not what this module
writes (not JSON, wrong types, values out of range) is ignored and rebuilt, never an error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from quizapp.dbfile import StoreError
from quizapp.interview.misconceptions import Memory, memories, replay_key
from quizapp.scheduler import CardState, scheduler_for
from quizapp.store import MisconceptionCover, Store

__all__ = ["FORMAT", "kept_memories"]

#: The layout of the kept value; a value of another format is rebuilt.
FORMAT = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_TIME_RANGE = ((datetime(1, 1, 2, tzinfo=timezone.utc) - _EPOCH) // _MICROSECOND,
               (datetime(9999, 12, 30, tzinfo=timezone.utc) - _EPOCH) // _MICROSECOND)
_COUNT_MAX = 2**63 - 1
#: FSRS's states after a review (learning, review, relearning) and the bounds of its numbers
#: (a stability beyond this one could overflow a continued replay).
_STATES = (1, 2, 3)
_STABILITY_RANGE = (sys.float_info.min, 1e9)
_DIFFICULTY_RANGE = (1.0, 10.0)


class _Kept(NamedTuple):
    cover: MisconceptionCover
    memories: dict[str, Memory]


def kept_memories(store: Store) -> dict[str, Memory]:
    """Every misconception's memory, equal to a replay of ``store``'s whole log through
    ``scheduler_for(store)``; replays only what the kept memories do not cover, and keeps the
    result for next time."""
    with store.snapshot():  # the cover, the events and the settings of one moment
        scheduler = scheduler_for(store)
        key = replay_key(scheduler)
        cover = store.misconception_cover()
        kept = _decoded(store.misconception_cache(), key)
        if kept is not None and kept.cover == cover:
            return kept.memories
        result = None
        if kept is not None and store.misconception_cover(kept.cover.max_id) == kept.cover:
            later = store.misconception_events(after_id=kept.cover.max_id)
            since = kept.cover.last_at
            if since is None or all(event.reviewed_at >= since for event in later):
                result = memories(later, scheduler, after=kept.memories)
        if result is None:
            result = memories(store.misconception_events(), scheduler)
    try:
        store.save_misconception_cache(_encoded(key, cover, result))
    except StoreError:
        pass  # kept only to save time: the memories are right, and the next use tries again
    return result


# -- the kept value: JSON ------------------------------------------------------------------


def _encoded(key: Mapping[str, Any], cover: MisconceptionCover, kept: Mapping[str, Memory]) -> str:
    rows = [
        [m.name, _state_values(m.state), m.shown, m.right_retests, _micros(m.last), m.run,
         None if m.run_start is None else _micros(m.run_start), list(m.shown_on)]
        for m in kept.values()
    ]
    return json.dumps({"format": FORMAT, "replay": key, "cover": list(cover), "memories": rows})


def _state_values(state: CardState) -> list[Any]:
    return [state.state, state.step, state.stability, state.difficulty, _micros(state.due),
            _micros(state.last_review), state.reps, state.lapses]


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


class _Unusable(ValueError):
    """The kept value is not one this module wrote."""


def _decoded(raw: object, key: Mapping[str, Any]) -> _Kept | None:
    """The kept memories in ``raw``, or None when there are none usable under ``key``."""
    if not isinstance(raw, str):
        return None
    try:
        value = json.loads(raw)
        if not isinstance(value, dict) or value.get("format") != FORMAT or value.get("replay") != key:
            return None
        cover = _cover(value.get("cover"))
        kept = {}
        for row in _list(value.get("memories")):
            memory = _memory(row)
            if memory.name in kept:
                raise _Unusable
            kept[memory.name] = memory
        return _Kept(cover, kept)
    except (ValueError, RecursionError):  # _Unusable, bad JSON, or JSON nested too deep
        return None


def _cover(value: object) -> MisconceptionCover:
    count, max_id, last_ms, last_uid = _list(value, 4)
    if not (last_uid is None or isinstance(last_uid, str)):
        raise _Unusable
    return MisconceptionCover(_int(count), _int(max_id), _int(last_ms), last_uid)


def _memory(row: object) -> Memory:
    name, state, shown, right, last, run, run_start, shown_on = _list(row, 8)
    if not isinstance(name, str) or not all(isinstance(card, str) for card in _list(shown_on)):
        raise _Unusable
    shown, right, run = _int(shown), _int(right), _int(run)
    memory = Memory(name, _state(name, state), shown, right, _time(last), run,
                    None if run_start is None else _time(run_start), tuple(shown_on))
    if memory.state.reps != shown + right or run > right or (run == 0) != (run_start is None):
        raise _Unusable
    return memory


def _state(name: str, value: object) -> CardState:
    state, step, stability, difficulty, due, last_review, reps, lapses = _list(value, 8)
    if state not in _STATES or isinstance(state, bool):
        raise _Unusable
    return CardState(
        f"misconception:{name}", state=state, step=None if step is None else _int(step),
        stability=_number(stability, *_STABILITY_RANGE), difficulty=_number(difficulty, *_DIFFICULTY_RANGE),
        due=_time(due), last_review=_time(last_review), reps=_int(reps), lapses=_int(lapses),
    )


def _list(value: object, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise _Unusable
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= _COUNT_MAX:
        raise _Unusable
    return value


def _number(value: object, low: float, high: float) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not low <= value <= high:
        raise _Unusable
    return value


def _time(value: object) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool) or not _TIME_RANGE[0] <= value <= _TIME_RANGE[1]:
        raise _Unusable
    return _EPOCH + value * _MICROSECOND
