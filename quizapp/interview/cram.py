"""Cramming: the cards you are least likely to recall at the interview, first.

The order is FSRS's predicted recall at the interview moment (now, when no date is set), lowest
first; a card never studied counts 0, so it comes first, and ties keep the content's order.
Suspended cards are left out.  A cram session (``open_session(..., mode="cram")``) logs its
answers as cram reviews, which leave every card's FSRS state alone, like an Anki filtered deck
with rescheduling off: cramming the night before must not push tomorrow's reviews weeks away on
the strength of a memory that is minutes old.  ``quizapp cram --reschedule`` counts them as
normal reviews instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from quizapp.interview.dates import interview_moment, upcoming
from quizapp.interview.readiness import card_ids, stored_recall
from quizapp.scheduler import scheduler_for
from quizapp.store import Store

__all__ = ["cram_moment", "cram_order"]


def cram_moment(store: Store, now: datetime, tz: Any = None) -> datetime:
    """The moment cards are ranked at: the interview's, or ``now`` without an upcoming date."""
    settings = store.settings()
    day = upcoming(settings, now, tz)
    return interview_moment(day, settings, now, tz) if day is not None else now


def cram_order(topics: Iterable[Any], store: Store, now: datetime, tz: Any = None) -> list[str]:
    """The card ids of ``topics``, lowest predicted recall at :func:`cram_moment` first."""
    rows = store.state_rows()
    recall = stored_recall(rows, scheduler_for(store), cram_moment(store, now, tz))
    ids = [cid for cid in dict.fromkeys(cid for t in topics for cid in card_ids(t)) if not (cid in rows and rows[cid].suspended)]
    return sorted(ids, key=recall)
