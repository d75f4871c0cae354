"""A process that studies as fast as it can, for the durability and concurrency tests.

    python -m tests.store.review_driver DB CARDS SEED [MAX_GRADES]     (from the checkout's root)

Says ``ready`` once the database is open, then after each grade is committed
``saved: <review-log id> <card id>``, written at once: a line out is a review the app has
acknowledged.  Ratings are drawn from SEED, so failed cards come back as learning cards.
:func:`drive` is the same loop for a forked child writing to a pipe.
"""

from __future__ import annotations

import random
import sys
from typing import Callable

from quizapp.scheduler import Rating
from quizapp.session import Session
from quizapp.store import Store

from .store_helpers import flash_library


def drive(db: str, cards: int, seed: int, max_grades: int | None, say: Callable[[str], None]) -> None:
    rng = random.Random(seed)
    with Store.open(db) as store:
        session = Session(flash_library(cards), store, new_limit=cards, rng=rng)
        say("ready")
        graded = 0
        while max_grades is None or graded < max_grades:
            presented = session.next()
            if presented is None:
                break
            outcome = session.grade(rng.choice([Rating.Again, Rating.Good, Rating.Good, Rating.Easy]))
            say(f"saved: {outcome.review_id} {presented.card.id}")
            graded += 1
    say("done")


def main() -> int:
    db, cards, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    max_grades = int(sys.argv[4]) if len(sys.argv) > 4 else None
    drive(db, cards, seed, max_grades, lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
