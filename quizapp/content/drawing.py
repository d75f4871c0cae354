"""Drawing an exercise card's numbers: the one path the study session and ``quizapp validate`` share.

A card can load (its generator exists, its params are named right) and still not draw: its
generator refuses a value (``placement: sideways``).  The session skips such a card with the
message of :class:`DrawError`; ``quizapp validate`` draws every exercise card once, with
:data:`VALIDATE_SEED`, and reports that same message at the card's ``file:line``.
"""

from __future__ import annotations

from quizapp.content.messages import clip, quote
from quizapp.content.model import ExerciseCard
from quizapp.engine.exercises import Exercise, make
from quizapp.sanitize import clean

#: The seed ``quizapp validate`` draws with: the same report every run.
VALIDATE_SEED = 0


class DrawError(Exception):
    """``card 'id': cannot draw exercise: <the generator's reason>``, on one short line."""


def draw_exercise(card: ExerciseCard, seed: int) -> Exercise:
    """The card's exercise for ``seed``; :class:`DrawError` when its generator refuses it."""
    try:
        return make(card.generator, seed, level=card.level, **card.params)
    except Exception as err:  # whatever a generator raises, one card must not end a session
        reason = clip(clean(str(err) or type(err).__name__), 200)
        raise DrawError(f"card {quote(card.id)}: cannot draw exercise: {reason}") from None
