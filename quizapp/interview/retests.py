"""Re-testing a misconception that is due (quizapp.interview.misconceptions schedules them).

:func:`due_retests` names, for each misconception due, the exercise cards whose generator can
produce it (their drawn wrong-answer variants include it); the study session picks one and draws
it until the misconception is among the variants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from quizapp.interview.memory_cache import kept_memories
from quizapp.store import Store

__all__ = ["SAMPLE_DRAWS", "due_retests", "producing_cards"]

#: Seeds drawn per exercise card to learn which misconceptions its generator can produce.
SAMPLE_DRAWS = 3

_variants_by_card: dict[tuple[Any, ...], frozenset[str]] = {}


def _variants(card: Any) -> frozenset[str]:
    """The misconceptions a few draws of ``card`` can diagnose (kept for the process)."""
    # Imported here: drawing brings the engine and NumPy, which the home screen's readiness line
    # (the memories' replay) does not need - python -X importtime: about 70 ms of start-up.
    from quizapp.content.drawing import DrawError, draw_exercise

    key = (card.generator, card.level, repr(sorted(card.params.items())))
    if key not in _variants_by_card:
        names: set[str] = set()
        for seed in range(SAMPLE_DRAWS):
            try:
                names.update(variant.name for variant in draw_exercise(card, seed).variants)
            except DrawError:
                break
        _variants_by_card[key] = frozenset(names)
    return _variants_by_card[key]


def producing_cards(library: Any, names: Iterable[str]) -> dict[str, list[str]]:
    """For each misconception in ``names``: the exercise cards whose generator can produce it, in
    content order (none for a misconception no exercise diagnoses)."""
    wanted = set(names)
    out: dict[str, list[str]] = {name: [] for name in wanted}
    for topic in library.topics:
        for card in topic.cards:
            if card.kind == "exercise":
                for name in _variants(card) & wanted:
                    out[name].append(card.id)
    return out


def due_retests(library: Any, store: Store, now: datetime) -> Mapping[str, Sequence[str]]:
    """The misconceptions due for a re-test at ``now``, each with the cards that can re-test it."""
    due = [m.name for m in kept_memories(store).values() if m.is_due(now)]
    if not due:
        return {}
    return {name: cards for name, cards in producing_cards(library, due).items() if cards}
