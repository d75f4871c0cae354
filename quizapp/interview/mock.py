"""A mock interview: timed questions across the topics, weakest first, with follow-ups.

**Drawing a round.**  Topics are drawn one after another, each with a weight of how far it is
from ready at the interview (1 - readiness, quizapp.interview.readiness) plus
:data:`MISCONCEPTION_WEIGHT` for each of its active misconceptions, and a small floor so no topic
is never asked; a topic drawn has its weight halved, so a round moves around.  From the topic
comes a *chain*: the cards of one ``concept`` (deck key), asked in an interviewer's order - a
concept question (choice), then a numeric exercise on it, then a true/false or a short code task -
one card of each, the weakest of its kind.  A topic whose cards name no concept gives up to three
of its cards in the same order instead.  Only cards the app checks are asked (a flashcard's back
would give the answer away) and none twice in a round.

**Running it.**  :class:`MockRound` drives a study session opened with ``mode="mock"``: answers
are logged as mock reviews and leave FSRS state alone.  Nothing is said about an answer until the
end - no verdict, no hint, no worked steps.  The time limit is kept with the session's clock: no
question is served once the time is up, and an answer given after it is not counted.  At the end
the round is saved (quizapp.store ``mock_round``) and its report is computed from the log: per
topic, right, wrong, time spent and the misconceptions the answers matched.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from quizapp.content.model import Card
from quizapp.interview.cram import cram_moment
from quizapp.interview.readiness import readiness_at, stored_recall
from quizapp.scheduler import scheduler_for
from quizapp.session import Outcome, Presented
from quizapp.store import MockRoundRow, Review, Store
from quizapp.study import open_session

__all__ = [
    "MISCONCEPTION_WEIGHT",
    "MockReport",
    "MockRound",
    "Question",
    "TimeUp",
    "TopicReport",
    "draw_round",
    "report",
]

#: Kinds asked in a mock interview, in the order a chain asks them (equal ranks: either).
KIND_RANK = {"choice": 0, "exercise": 1, "truefalse": 2, "code": 2}
#: Each active misconception adds this to its topic's weight.
MISCONCEPTION_WEIGHT = 0.5
#: Every topic's weight is at least this, so a ready topic can still be asked.
WEIGHT_FLOOR = 0.05
#: At most this many questions from one chain or topic in a row.
CHAIN_LENGTH = 3
#: Questions drawn for each minute of a round: more than anyone answers, so time ends it first.
QUESTIONS_PER_MINUTE = 2


class TimeUp(Exception):
    """An answer came after the round's time was up: it was not counted."""


class Question(NamedTuple):
    card_id: str
    topic: str
    concept: str  # "" when the topic has no chain and its cards are asked instead
    follow_up: bool  # not the first question of its chain


# -- drawing a round --------------------------------------------------------------------------------


def _chain(cards: Sequence[Card], recall: Callable[[str], float], rng: random.Random) -> list[Card]:
    """One card per rank, the weakest of its kind (ties drawn at random), in rank order."""
    best: dict[int, Card] = {}
    for card in rng.sample(list(cards), len(cards)):
        rank = KIND_RANK[card.kind]
        if rank not in best or recall(card.id) < recall(best[rank].id):
            best[rank] = card
    return [best[rank] for rank in sorted(best)][:CHAIN_LENGTH]


def draw_round(library: Any, store: Store, now: datetime, rng: random.Random, count: int, tz: Any = None) -> list[Question]:
    """About ``count`` questions (whole chains; fewer when the cards run out)."""
    at = cram_moment(store, now, tz)
    ready = readiness_at(library.topics, store, at)
    recall = stored_recall(store.state_rows(), scheduler_for(store), at)
    suspended = {cid for cid, row in store.state_rows().items() if row.suspended}
    weights = {t.topic_id: max(WEIGHT_FLOOR, t.weak + MISCONCEPTION_WEIGHT * t.misconceptions) for t in ready.topics}
    askable: dict[str, list[Card]] = {
        topic.id: [c for c in topic.cards if c.kind in KIND_RANK and c.id not in suspended] for topic in library.topics
    }
    questions: list[Question] = []
    while len(questions) < count:
        open_topics = [t for t, cards in askable.items() if cards]
        if not open_topics:
            break
        topic_id = rng.choices(open_topics, weights=[weights[t] for t in open_topics])[0]
        weights[topic_id] /= 2
        cards = askable[topic_id]
        concepts = sorted({c.concept for c in cards if c.concept})
        concept = rng.choice(concepts) if concepts else ""
        members = [c for c in cards if c.concept == concept] if concept else cards
        chain = _chain(members, recall, rng)
        for i, card in enumerate(chain):
            questions.append(Question(card.id, topic_id, concept, follow_up=i > 0))
        taken = {c.id for c in chain}
        for topic_cards in askable.values():
            topic_cards[:] = [c for c in topic_cards if c.id not in taken]
    return questions


# -- the report ---------------------------------------------------------------------------------------


class TopicReport(NamedTuple):
    topic_id: str
    title: str
    right: int
    wrong: int
    time: timedelta
    misconceptions: tuple[str, ...]  # matched by wrong answers, first seen first


class MockReport(NamedTuple):
    round: MockRoundRow
    topics: tuple[TopicReport, ...]  # in the order first asked

    @property
    def right(self) -> int:
        return sum(t.right for t in self.topics)

    @property
    def answered(self) -> int:
        return sum(t.right + t.wrong for t in self.topics)

    @property
    def score(self) -> float | None:
        """Share of answers right; None for a round with no answer."""
        return self.right / self.answered if self.answered else None


@dataclass
class _Tally:
    right: int = 0
    wrong: int = 0
    time: timedelta = timedelta(0)
    misconceptions: list[str] = field(default_factory=list)

    def add(self, review: Review) -> None:
        if review.correct:
            self.right += 1
        else:
            self.wrong += 1
            if review.misconception and review.misconception not in self.misconceptions:
                self.misconceptions.append(review.misconception)
        self.time += timedelta(milliseconds=review.duration_ms or 0)


def report(round: MockRoundRow, reviews: Iterable[Review], library: Any) -> MockReport:
    """The report of a round from its logged answers (oldest first)."""
    titles = {t.id: t.title for t in library.topics}
    tallies: dict[str, _Tally] = {}
    for review in reviews:
        card = library.cards.get(review.card_id)
        tallies.setdefault(card.topic if card is not None else review.card_id, _Tally()).add(review)
    return MockReport(
        round,
        tuple(
            TopicReport(topic, titles.get(topic, topic), t.right, t.wrong, t.time, tuple(t.misconceptions))
            for topic, t in tallies.items()
        ),
    )


# -- a round ----------------------------------------------------------------------------------------------


@dataclass
class MockRound:
    """One timed round; see the module docstring.  ``now`` is the clock the limit is kept by."""

    library: Any
    store: Store
    minutes: int
    now: Callable[[], datetime]
    rng: random.Random
    tz: Any = None

    def __post_init__(self) -> None:
        self.started = self.now()
        self.deadline = self.started + timedelta(minutes=self.minutes)
        count = max(CHAIN_LENGTH, QUESTIONS_PER_MINUTE * self.minutes)
        self.questions = draw_round(self.library, self.store, self.started, self.rng, count, self.tz)
        self.session = open_session(
            self.library, self.store, cards=[q.card_id for q in self.questions], mode="mock",
            now=self.now, rng=self.rng, tz=self.tz,
        )
        self.saved: MockRoundRow | None = None
        self._over = False

    def time_left(self) -> timedelta:
        return max(timedelta(0), self.deadline - self.now())

    @property
    def over(self) -> bool:
        """Time is up, the questions ran out, or the round was ended."""
        return self._over or self.time_left() <= timedelta(0)

    def question(self, presented: Presented) -> Question:
        return next(q for q in self.questions if q.card_id == presented.card.id)

    def next(self) -> Presented | None:
        """The question to answer now, or None once the round is over."""
        if self.over:
            return None
        presented = self.session.next()
        if presented is None:
            self._over = True
        return presented

    def answer(self, answer: Any) -> Outcome:
        """Record an answer to the question shown; nothing of the outcome is for showing before
        the end.  Raises :class:`TimeUp` (recording nothing) once the time is up, and
        quizapp.grading.AnswerError for an answer that cannot be read."""
        if self.time_left() <= timedelta(0):
            self._over = True
            raise TimeUp(f"the {self.minutes} minutes were up before that answer; it was not counted")
        return self.session.submit(answer)

    def end(self) -> MockReport:
        """End the round (once), save it and return its report from the log."""
        self._over = True
        if self.saved is None:
            self.saved = self.store.save_mock_round(self.started, self.now(), self.minutes)
        return report(self.saved, self.store.mock_reviews(self.saved), self.library)

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """The answers given, for the review at the end."""
        return self.session.history
