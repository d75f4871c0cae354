"""Two machines that agree: another database's review log merged into this one.

The review log is the source of truth (schema v2): every review has a globally unique ``uid`` and
every undo leaves a tombstone.  Merging takes the union of both logs and both sets of tombstones by
uid (a review undone on either machine never comes back), then replays every card the merge
touched through FSRS with *this* database's settings (quizapp.replay), from its last reset on
either machine, keeping its bury and suspend flags.  So merging is idempotent, and two databases
with the same settings that merge each other end with the same card states: the ones studying
every review on one machine gives.  Mock interview rounds are taken over by uid too (a round's
answers are the mock reviews its device logged, which the union brings along), so the trend
across mocks covers both machines; misconception memories need nothing: they are replayed from
the merged log (quizapp.interview.misconceptions).

The other file is read by :func:`quizapp.store.read_foreign_log`: read-only, untrusted, its schema
and values checked before use, never written.  Settings, preferences and saved drill code stay as
they are here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from quizapp.replay import after_resets, replay_card
from quizapp.cardstate import CardState
from quizapp.scheduler import scheduler_for
from quizapp.store import Review, Store, StoreError, read_foreign_log

__all__ = ["MergeReport", "merge"]


@dataclass(frozen=True)
class MergeReport:
    other: Path
    added: tuple[Review, ...]  # the other machine's reviews that were new here
    tombstones: int  # undo records taken over
    removed: int  # reviews here that had been undone on the other machine
    cards: tuple[str, ...]  # cards whose state was replayed
    settings_differ: tuple[tuple[str, object, object], ...]  # (setting, here, there)
    settings_problem: str | None  # why the other's settings could not be compared
    resets: int = 0  # card resets taken over
    mock_rounds: int = 0  # mock interview rounds taken over

    @property
    def changed(self) -> bool:
        return bool(self.added or self.tombstones or self.removed or self.resets or self.mock_rounds)


def merge(store: Store, other: Path) -> MergeReport:
    """Merge the database at ``other`` into ``store`` (see the module docstring).

    Raises :class:`StoreError` (one line, nothing changed) for a file that cannot be merged."""
    if _same_file(store.path, other):
        raise StoreError(f"{other} is this database itself; nothing to merge")
    foreign = read_foreign_log(other)
    settings = store.settings()
    scheduler = scheduler_for(store)

    def replay(card_id: str, reviews: list[Review]) -> CardState:
        return replay_card(card_id, after_resets(reviews, store.resets()), scheduler)

    counts = store.merge_log(foreign.reviews, foreign.tombstones, replay, foreign.resets, foreign.mock_rounds)
    differ: tuple[tuple[str, object, object], ...] = ()
    if foreign.settings is not None:
        here, there = settings.to_mapping(), foreign.settings.to_mapping()
        differ = tuple((key, here[key], there[key]) for key in here if here[key] != there[key])
    return MergeReport(
        other, counts.added, counts.tombstones, counts.removed, counts.cards, differ, foreign.settings_problem,
        counts.resets, counts.mock_rounds,
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
