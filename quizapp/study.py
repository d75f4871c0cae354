"""The one way to open a study session, for every command and the TUI.

``quizapp study`` and ``quizapp code TASK`` (plain text or the app), the home screen, the stats
screen's "study the cards that teach this" and ``quizapp code TASK --file`` all open their session
here, so they cannot drift apart: the same checkers (the built-in ones and the code-drill checker), the same limits,
the same clock and randomness rules.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from quizapp.drills import session_checker
from quizapp.interview.retests import due_retests
from quizapp.session import LibraryLike, Session
from quizapp.store import Store

__all__ = ["open_session"]


def open_session(
    library: LibraryLike,
    store: Store,
    *,
    topics: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    cards: Iterable[str] | None = None,
    limit: int | None = None,
    now: Callable[[], datetime] | None = None,
    rng: random.Random | None = None,
    tz: Any = None,
    mode: str = "review",
) -> Session:
    """A session over ``library`` and ``store``: today's due and new cards (within ``topics``
    and ``tags`` when given, none meaning all), with the misconceptions due for a re-test slipped
    in, or exactly ``cards`` when given, in that order; at most ``limit`` distinct cards.

    ``mode`` is logged with every answer: ``review``, or ``cram`` and ``mock``, which leave the
    schedule alone (quizapp.interview.cram orders a cram session's cards, quizapp.interview.mock a
    mock round's).  Raises ValueError for an unknown topic, card id or mode."""
    clock = now or _utc_now
    retests = due_retests(library, store, clock()) if mode == "review" and cards is None else None
    return Session(
        library,
        store,
        topics=list(topics) if topics else None,
        tags=list(tags) if tags else None,
        cards=list(cards) if cards is not None else None,
        limit=limit,
        now=now,
        rng=rng,
        tz=tz,
        checkers={"code": session_checker},
        mode=mode,
        retests=retests,
    )


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)
