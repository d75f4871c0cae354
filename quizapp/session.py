"""The study loop, with no UI in it: pick the next card, present it, take an answer, grade, record.

The TUI and ``quizapp drill --plain`` both drive this one class, so everything a user can do while
studying is testable without a terminal.  Time comes from an injectable ``now`` callable and
randomness (exercise seeds, option order) from an injectable ``random.Random``.

Usage::

    session = Session(library, store)            # today's queue: due cards and new cards
    while (p := session.next()) is not None:     # Presented: the card and what to show
        if p.self_graded:                        # flashcard: reveal, then the user rates it
            session.preview()                    # {Rating: timedelta}, for "1m / 6m / 10m / 4d"
            outcome = session.grade(Rating.Good)
        else:                                    # choice, truefalse, exercise, code
            outcome = session.submit(answer)     # AnswerError if unreadable: nothing recorded
        ...                                      # show outcome.correct, .expected, .explain, .steps
    session.undo()                               # take back the last grade; the card comes back
    session.skip(); session.bury(); session.suspend()   # without grading
    session.remaining()                          # new / learning / review still to come
    session.summary()                            # reviewed, right, wrong, time spent, next due

``session.current`` is the card shown and not yet graded, ``session.history`` the outcomes so far,
``session.teaching_cards(name)`` the cards that teach a misconception, ``session.problems`` the
cards that could not be shown (a generator that failed), one line each.

**The queue.**  Built from the library and the store when the session starts:

- learning and relearning cards (short steps within the day) come first whenever they are due;
  a card that goes (back) to learning during the session re-enters when its step is due, and when
  nothing else is left, one due within ``Settings.learn_ahead`` (20 minutes) is shown early;
- review cards due today (before the next day starts at ``Settings.day_starts_at`` local time),
  most overdue first, at most ``review_limit`` a day;
- new cards in content order (topic by topic, in file order), at most ``new_limit`` a day;
- new cards are spread evenly among the reviews (with 100 reviews and 20 new, one new card after
  every 5 reviews or so).  The daily limits count what the review log already holds for today, so
  quitting and restarting does not hand out another 20 new cards.
- After a failed card, the next card is neither that card nor one of its *siblings* (same topic,
  sharing a tag): seeing the answer to a near-duplicate right away would fake the next recall.
- ``topics`` and ``tags`` filter (a card matches if it carries any of the tags); ``cards`` studies
  exactly those card ids now, due or not; ``limit`` caps the number of distinct cards.
- Cards of an auto-graded kind with no checker (code drills, until quizapp.drills provides one)
  are left out of the queue.

**Grading.**  Flashcards are rated by the user (:meth:`Session.grade`).  Other kinds are checked
(:meth:`Session.submit`): right is Good, wrong is Again.  Either way the review is committed in one
transaction before the method returns.  A card with ``Settings.leech_lapses`` (8) lapses is flagged
as a leech.  The exercise seed (or the seed of a choice card's option order) goes into the log, so
any past presentation can be rebuilt exactly.

**Checkers** map a card kind to ``checker(presented, answer) -> Check``; pass ``checkers=`` to add
or replace one.  Code cards are checked by ``quizapp.drills.check_code`` as soon as that module
provides it (see :func:`default_checkers`); until then they stay out of the queue.  A checker
raises :class:`AnswerError` for an answer it cannot read; nothing is recorded and the user may
try again.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from quizapp.content.drawing import DrawError, draw_exercise
from quizapp.content.model import AUTO_GRADED, Card, Choice, ExerciseCard, Topic, TrueFalse
from quizapp.scheduler import (
    AUTO_RATING,
    NEW,
    REVIEW,
    CardState,
    Rating,
    Scheduler,
    day_start,
)
from quizapp.store import Review, Store

__all__ = [
    "AnswerError",
    "Check",
    "Checker",
    "DEFAULT_CHECKERS",
    "default_checkers",
    "Outcome",
    "Presented",
    "Remaining",
    "Session",
    "SessionError",
    "Summary",
    "interleave",
]

#: A review that took longer than this counts as this long (the user walked away).
MAX_DURATION = timedelta(minutes=10)


class AnswerError(ValueError):
    """An answer that cannot be read (out-of-range choice, unparsable number): nothing is
    recorded; ``str()`` is a one-line hint for the user."""


class SessionError(RuntimeError):
    """The session was used out of order (grading with no card shown, grading a checked card)."""


class LibraryLike(Protocol):
    topics: Sequence[Topic]


@dataclass(frozen=True)
class Check:
    """What a checker says about an answer."""

    correct: bool
    message: str  # one line or a few: "Right.", "entries (1,2) are off", ...
    expected: str  # the right answer, as the user should read it
    answer_text: str  # what goes into the review log
    misconception: str | None = None  # name of the wrong belief the answer matched
    detail: Any = None  # the checker's own verdict object, for UIs that show more


Checker = Callable[["Presented", Any], Check]


@dataclass(frozen=True)
class Presented:
    """A card as shown now: everything the UI needs to display and grade it."""

    card: Card
    topic: Topic | None
    state: CardState  # the memory state when shown (state.is_new for a first sight)
    seed: int  # drew the exercise's numbers / the choice's option order
    shown_at: datetime
    number: int  # 1 for the first card shown in this session, 2 for the next, ...
    exercise: Any = None  # engine.exercises.Exercise for an exercise card
    option_order: tuple[int, ...] = ()  # choice: position i shows card.options[option_order[i]]
    leech: bool = False

    @property
    def kind(self) -> str:
        return self.card.kind

    @property
    def self_graded(self) -> bool:
        return not self.card.auto_graded

    @property
    def is_new(self) -> bool:
        return self.state.is_new

    @property
    def options(self) -> tuple[str, ...]:
        """A choice card's options in the order shown."""
        if not isinstance(self.card, Choice):
            return ()
        return tuple(self.card.options[i] for i in self.option_order)

    @property
    def correct_positions(self) -> tuple[int, ...]:
        """0-based positions (as shown) of a choice card's right options."""
        if not isinstance(self.card, Choice):
            return ()
        return tuple(pos for pos, original in enumerate(self.option_order) if original in self.card.answer)


@dataclass(frozen=True)
class Outcome:
    """The result of a grade: what to tell the user, and what was recorded."""

    presented: Presented
    rating: Rating
    correct: bool | None  # None for a self-graded card
    message: str
    expected: str
    state: CardState  # after the review
    review_id: int
    reviewed_at: datetime
    misconception: str | None = None
    detail: Any = None
    leech: bool = False

    @property
    def card(self) -> Card:
        return self.presented.card

    @property
    def explain(self) -> str:
        return self.presented.card.explain

    @property
    def steps(self) -> tuple[Any, ...]:
        """The exercise's worked steps (engine.exercises.Step: label, value); () otherwise."""
        exercise = self.presented.exercise
        return tuple(exercise.steps) if exercise is not None else ()

    @property
    def interval(self) -> timedelta:
        """Time until the card is due again."""
        assert self.state.due is not None
        return self.state.due - self.reviewed_at


@dataclass(frozen=True)
class Remaining:
    """Cards still to come in this session, as Anki shows them: new + learning + review."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class Summary:
    reviewed: int  # grades given (a card failed and retried counts twice)
    cards: int  # distinct cards graded
    right: int  # auto-graded right, or a flashcard rated Hard/Good/Easy
    wrong: int
    new_cards: int  # cards seen for the first time
    by_rating: dict[Rating, int]
    time_spent: timedelta
    next_due: datetime | None  # the soonest due card in this session's scope, after the session
    leeches: tuple[str, ...]  # card ids flagged as leeches during the session
    remaining: Remaining


# -- default checkers -------------------------------------------------------------------------


def _as_positions(answer: Any, count: int) -> list[int]:
    """0-based positions from an int, an iterable of ints, or text like "2", "1 3", "1,3"."""
    if isinstance(answer, str):
        tokens = answer.replace(",", " ").split()
        if not tokens:
            raise AnswerError(f"type the number of an option, 1-{count}")
        try:
            picks = [int(token) - 1 for token in tokens]
        except ValueError:
            raise AnswerError(f"type option numbers 1-{count}, e.g. 2 or 1 3") from None
    elif isinstance(answer, bool):
        raise AnswerError("a choice is answered with option numbers")
    elif isinstance(answer, int):
        picks = [answer]
    else:
        try:
            picks = [int(item) for item in answer]
        except (TypeError, ValueError):
            raise AnswerError(f"type option numbers 1-{count}") from None
    for pick in picks:
        if not 0 <= pick < count:
            raise AnswerError(f"there is no option {pick + 1}; pick 1-{count}")
    return sorted(set(picks))


def check_choice(presented: Presented, answer: Any) -> Check:
    """``answer``: shown positions, 0-based (an int or several), or text of 1-based numbers."""
    card = presented.card
    assert isinstance(card, Choice)
    positions = _as_positions(answer, len(presented.option_order))
    chosen = {presented.option_order[pos] for pos in positions}
    right = set(card.answer)
    correct = chosen == right
    shown = presented.options
    expected = "; ".join(f"{pos + 1}) {shown[pos]}" for pos in presented.correct_positions)
    if correct:
        message = "Right."
    elif card.multiple and chosen & right:
        missed = len(right - chosen)
        extra = len(chosen - right)
        parts = []
        if missed:
            parts.append(f"missed {missed} right option{'s' if missed > 1 else ''}")
        if extra:
            parts.append(f"picked {extra} wrong one{'s' if extra > 1 else ''}")
        message = "Wrong: " + " and ".join(parts) + "."
    else:
        message = "Wrong."
    answer_text = ",".join(str(i) for i in sorted(chosen))  # content indices: stable across orders
    return Check(correct, message, expected, answer_text)


_TRUE_WORDS = {"t", "true", "y", "yes"}
_FALSE_WORDS = {"f", "false", "n", "no"}


def check_truefalse(presented: Presented, answer: Any) -> Check:
    """``answer``: a bool, or text t/f, true/false, y/n."""
    card = presented.card
    assert isinstance(card, TrueFalse)
    if isinstance(answer, str):
        word = answer.strip().lower()
        if word in _TRUE_WORDS:
            answer = True
        elif word in _FALSE_WORDS:
            answer = False
        else:
            raise AnswerError("answer t (true) or f (false)")
    if not isinstance(answer, bool):
        raise AnswerError("answer true or false")
    correct = answer == card.answer
    expected = "true" if card.answer else "false"
    return Check(correct, "Right." if correct else "Wrong.", expected, "true" if answer else "false")


def check_exercise(presented: Presented, answer: Any) -> Check:
    """``answer``: the text the user typed; engine.answers reads and checks it."""
    from quizapp.engine.answers import check, format_answer

    if not isinstance(answer, str) or not answer.strip():
        raise AnswerError("type a number or a matrix, e.g. 1.5 or [1, 2; 3, 4]")
    verdict = check(presented.exercise, answer)
    if getattr(verdict, "parse_error", None):
        raise AnswerError(verdict.message)
    return Check(
        correct=bool(verdict.correct),
        message=verdict.message,
        expected=format_answer(presented.exercise.answer),
        answer_text=answer,
        misconception=getattr(verdict, "misconception", None),
        detail=verdict,
    )


#: The checkers every session has.
DEFAULT_CHECKERS: dict[str, Checker] = {
    "choice": check_choice,
    "truefalse": check_truefalse,
    "exercise": check_exercise,
}


def default_checkers() -> dict[str, Checker]:
    """The built-in checkers, plus ``quizapp.drills.check_code`` for code cards once that module
    exists (``check_code(presented, text) -> Check``, raising AnswerError for unusable input)."""
    checkers = dict(DEFAULT_CHECKERS)
    try:
        from quizapp import drills  # type: ignore[attr-defined]
    except ImportError:
        return checkers
    check_code = getattr(drills, "check_code", None)
    if callable(check_code):
        checkers["code"] = check_code
    return checkers


# -- the queue --------------------------------------------------------------------------------


def interleave(reviews: Sequence[str], news: Sequence[str]) -> list[str]:
    """Spread ``news`` evenly among ``reviews``, keeping each list's order."""
    if not news or not reviews:
        return [*reviews, *news]
    out: list[str] = []
    taken = 0
    for i, new in enumerate(news):
        upto = (i + 1) * len(reviews) // (len(news) + 1)
        out.extend(reviews[taken:upto])
        taken = upto
        out.append(new)
    out.extend(reviews[taken:])
    return out


class _Queue:
    """What is left to show: the main order (reviews and new cards mixed) and the learning
    cards waiting for their next step (id -> due, also kept sorted by due)."""

    def __init__(self, main: list[str] | None = None, learning: Iterable[tuple[str, datetime]] = ()) -> None:
        self.main: list[str] = list(main or [])
        self.learning: dict[str, datetime] = {}
        self.learning_order: list[tuple[datetime, str]] = []
        for cid, due in learning:
            self.add_learning(cid, due)

    def copy(self) -> "_Queue":
        other = _Queue(self.main)
        other.learning = dict(self.learning)
        other.learning_order = list(self.learning_order)
        return other

    def add_learning(self, card_id: str, due: datetime) -> None:
        self.discard(card_id)
        self.learning[card_id] = due
        bisect.insort(self.learning_order, (due, card_id))

    def discard(self, card_id: str) -> None:
        due = self.learning.pop(card_id, None)
        if due is not None:
            self.learning_order.remove((due, card_id))
        try:
            self.main.remove(card_id)
        except ValueError:
            pass


@dataclass(frozen=True)
class _Done:
    """One grade, kept for undo and the summary."""

    outcome: Outcome
    before: CardState
    queue: _Queue  # the queue as it was when the card was graded
    avoid: frozenset[str]
    duration: timedelta


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Session:
    """One sitting of study over a library and a store.  See the module docstring."""

    def __init__(
        self,
        library: LibraryLike,
        store: Store,
        *,
        now: Callable[[], datetime] | None = None,
        topics: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        cards: Iterable[str] | None = None,
        new_limit: int | None = None,
        review_limit: int | None = None,
        limit: int | None = None,
        checkers: Mapping[str, Checker] | None = None,
        rng: random.Random | None = None,
        tz: Any = None,
    ) -> None:
        self.store = store
        self.settings = store.settings()
        self.scheduler = Scheduler(self.settings)
        self._now = now or _utc_now
        self._rng = rng or random.Random()
        self._tz = tz
        self.checkers: dict[str, Checker] = {**default_checkers(), **(checkers or {})}
        self.new_limit = self.settings.new_per_day if new_limit is None else int(new_limit)
        self.review_limit = self.settings.reviews_per_day if review_limit is None else int(review_limit)

        self._topics: dict[str, Topic] = {t.id: t for t in library.topics}
        card_map = getattr(library, "cards", None)
        if not isinstance(card_map, Mapping):
            card_map = {}
            for topic in library.topics:
                for card in topic.cards:
                    card_map.setdefault(card.id, card)
        self._cards: Mapping[str, Card] = card_map
        self.problems: list[str] = []  # cards that could not be shown, one line each

        wanted_topics = None if topics is None else list(topics)
        if wanted_topics:
            unknown = [t for t in wanted_topics if t not in self._topics]
            if unknown:
                raise ValueError(f"unknown topic(s): {', '.join(unknown)}")
        wanted_tags = None if tags is None else set(tags)
        self.topics = tuple(wanted_topics or ())
        self.tags = tuple(sorted(wanted_tags or ()))
        # Auto-graded kinds with no checker (code drills until one is plugged in) stay out.
        unchecked = {kind for kind in AUTO_GRADED if kind not in self.checkers}
        topic_set = set(wanted_topics or ())
        self._scope = [
            cid
            for cid, card in card_map.items()
            if card.kind not in unchecked
            and (not topic_set or card.topic in topic_set)
            and (not wanted_tags or not wanted_tags.isdisjoint(card.tags))
        ]
        self._scope_set = set(self._scope)
        self._queue = self._build_queue(cards, limit)
        self._new_ids = {cid for cid in self._queue.main if cid not in self._started_at_start}
        self._pending: Presented | None = None
        self._avoid: frozenset[str] = frozenset()
        self._done: list[_Done] = []
        self._buried: set[str] = set()
        self._shown = 0
        self._tag_index: dict[tuple[str, str], set[str]] | None = None

    # -- building ------------------------------------------------------------------------

    def _today(self, now: datetime) -> tuple[datetime, datetime]:
        start = day_start(now, self.settings.day_starts_at, self._tz)
        return start, start + timedelta(days=1)

    def _build_queue(self, explicit: Iterable[str] | None, limit: int | None) -> _Queue:
        now = self._now()
        today, tomorrow = self._today(now)
        self._started_at_start = self.store.started_ids()
        hidden = self.store.hidden_ids(now)
        if explicit is not None:
            ids = []
            for cid in explicit:
                if cid not in self._cards:
                    raise ValueError(f"unknown card id: {cid}")
                if cid in self._scope_set and cid not in ids:
                    ids.append(cid)
            return _Queue(ids[:limit] if limit is not None else ids)

        learning: list[tuple[datetime, str]] = []
        reviews: list[str] = []
        for cid, state, due in self.store.due_before(tomorrow):
            if cid not in self._scope_set or cid in hidden:
                continue
            if state == REVIEW:
                reviews.append(cid)
            else:
                learning.append((due, cid))
        done = self.store.done_since(today)
        review_room = max(0, self.review_limit - done.get(REVIEW, 0))
        new_room = max(0, self.new_limit - done.get(NEW, 0))
        news = []
        if new_room:
            for cid in self._scope:
                if cid not in self._started_at_start and cid not in hidden:
                    news.append(cid)
                    if len(news) == new_room:
                        break
        learning.sort()
        main = interleave(reviews[:review_room], news)
        if limit is not None:
            learning = learning[:limit]
            main = main[: max(0, limit - len(learning))]
        return _Queue(main, [(cid, due) for due, cid in learning])

    # -- presenting ----------------------------------------------------------------------

    def _candidates(self, now: datetime) -> Iterator[str]:
        """Card ids in the order they should be shown now (the caller stops at the first fit)."""
        order = self._queue.learning_order
        for due, cid in order:
            if due > now:
                break
            yield cid
        yield from self._queue.main  # the caller stops iterating before changing the queue
        ahead = now + self.settings.learn_ahead
        for due, cid in order:
            if due > ahead:
                break
            if due > now:
                yield cid

    def next(self) -> Presented | None:
        """The card to show now (the same one until it is graded, skipped or buried), or None
        when nothing is left for this session."""
        if self._pending is not None:
            return self._pending
        now = self._now()
        while True:
            first = chosen = None
            for cid in self._candidates(now):
                if first is None:
                    first = cid
                if cid not in self._avoid:
                    chosen = cid
                    break
            chosen = chosen or first
            if chosen is None:
                return None
            self._queue.discard(chosen)
            presented = self._present(chosen, now)
            if presented is not None:
                self._pending = presented
                return presented

    def _present(self, card_id: str, now: datetime) -> Presented | None:
        card = self._cards[card_id]
        state = self.store.state(card_id)
        seed = self._rng.randrange(2**31)
        exercise = None
        order: tuple[int, ...] = ()
        if isinstance(card, ExerciseCard):
            try:
                exercise = draw_exercise(card, seed)
            except DrawError as err:  # a broken card must not end the session
                self.problems.append(f"{card.source or card.id}: {err}")
                return None
        elif isinstance(card, Choice):
            positions = list(range(len(card.options)))
            random.Random(seed).shuffle(positions)
            order = tuple(positions)
        self._shown += 1
        return Presented(
            card=card,
            topic=self._topics.get(card.topic),
            state=state,
            seed=seed,
            shown_at=now,
            number=self._shown,
            exercise=exercise,
            option_order=order,
            leech=state.is_leech(self.settings.leech_lapses),
        )

    def now(self) -> datetime:
        """The session's clock (injectable for tests)."""
        return self._now()

    def last_code(self, card_id: str) -> str | None:
        """The code last submitted for a code card (kept in the database), if any."""
        return self.store.load_code(card_id)

    def teaching_cards(self, misconception: str) -> tuple[str, ...]:
        """Ids of the cards whose ``teaches`` names ``misconception``, in content order."""
        return tuple(cid for cid, card in self._cards.items() if misconception in card.teaches)

    @property
    def current(self) -> Presented | None:
        """The card shown and not yet graded, if any."""
        return self._pending

    def _require_pending(self) -> Presented:
        if self._pending is None:
            raise SessionError("no card is being shown; call next() first")
        return self._pending

    # -- grading -------------------------------------------------------------------------

    def preview(self) -> dict[Rating, timedelta]:
        """For the current card: the interval each rating would give (shown on the buttons)."""
        presented = self._require_pending()
        return self.scheduler.preview(presented.state, self._now())

    def grade(self, rating: Rating | int) -> Outcome:
        """Rate the current self-graded card (flashcard) and record it."""
        presented = self._require_pending()
        if not presented.self_graded:
            raise SessionError(f"a {presented.kind} card is graded by its answer; use submit()")
        rating = Rating(int(rating))
        return self._record(presented, rating, None)

    def submit(self, answer: Any) -> Outcome:
        """Check an answer to the current auto-graded card and record it (right Good, wrong Again).

        ``answer``: shown option positions (0-based ints) or "1 3" for a choice; a bool or "t"/"f"
        for true/false; the typed text for an exercise or code.  Raises :class:`AnswerError` for an
        unreadable answer, recording nothing.
        """
        presented = self._require_pending()
        if presented.self_graded:
            raise SessionError("a flashcard is graded by the user; use grade()")
        checker = self.checkers.get(presented.kind)
        if checker is None:
            raise SessionError(f"no checker for {presented.kind} cards")
        if presented.kind == "code" and isinstance(answer, str) and answer.strip():
            # Keep the last attempt, readable or not, so leaving and coming back keeps the code.
            self.store.save_code(presented.card.id, answer, self._now())
        check = checker(presented, answer)
        return self._record(presented, AUTO_RATING[bool(check.correct)], check)

    def _record(self, presented: Presented, rating: Rating, check: Check | None) -> Outcome:
        now = self._now()
        duration = min(max(now - presented.shown_at, timedelta(0)), MAX_DURATION)
        card = presented.card
        # The seed rebuilds the exercise's numbers, the option order or the drill's hidden cases.
        keeps_seed = presented.exercise is not None or bool(presented.option_order) or card.kind == "code"
        review = Review(
            card_id=card.id,
            reviewed_at=now,
            rating=int(rating),
            kind=card.kind,
            duration_ms=int(duration.total_seconds() * 1000),
            correct=None if check is None else bool(check.correct),
            answer=None if check is None else check.answer_text,
            seed=presented.seed if keeps_seed else None,
            verdict=None if check is None else check.message,
            misconception=None if check is None else check.misconception,
        )
        queue_before = self._queue.copy()
        before, after, review_id = self.store.apply_review(
            card.id, lambda state: self.scheduler.review(state, rating, now), review
        )
        threshold = self.settings.leech_lapses
        outcome = Outcome(
            presented=presented,
            rating=rating,
            correct=None if check is None else bool(check.correct),
            message="" if check is None else check.message,
            expected=_expected_for(card) if check is None else check.expected,
            state=after,
            review_id=review_id,
            reviewed_at=now,
            misconception=None if check is None else check.misconception,
            detail=None if check is None else check.detail,
            leech=after.is_leech(threshold),
        )
        self._done.append(_Done(outcome, before, queue_before, self._avoid, duration))
        self._pending = None
        _, tomorrow = self._today(now)
        if after.is_learning and after.due is not None and after.due < tomorrow:
            self._queue.add_learning(card.id, after.due)
        self._avoid = self._siblings(card) if rating == Rating.Again else frozenset({card.id})
        return outcome

    def _siblings(self, card: Card) -> frozenset[str]:
        """The card and its siblings: same topic, sharing a tag."""
        out = {card.id}
        if card.tags:
            if self._tag_index is None:
                index: dict[tuple[str, str], set[str]] = {}
                for other in self._cards.values():
                    for tag in other.tags:
                        index.setdefault((other.topic, tag), set()).add(other.id)
                self._tag_index = index
            for tag in card.tags:
                out.update(self._tag_index.get((card.topic, tag), ()))
        return frozenset(out)

    # -- undo, skip, bury ----------------------------------------------------------------

    def undo(self) -> Presented | None:
        """Take back the last grade: its log row is deleted and the card's state restored in one
        transaction, and the card is shown again (same numbers).  None if nothing to undo."""
        if not self._done:
            return None
        done = self._done[-1]
        if not self.store.undo_review(done.outcome.review_id, done.before):
            self._done.pop()
            raise SessionError("that review is no longer in the database; nothing was undone")
        self._done.pop()
        queue = done.queue.copy()
        for cid in self._buried:
            queue.discard(cid)
        self._queue = queue
        self._avoid = done.avoid
        self._pending = replace(done.outcome.presented, state=done.before, shown_at=self._now())
        return self._pending

    def skip(self) -> None:
        """Put the current card at the back of the queue, ungraded."""
        presented = self._require_pending()
        self._queue.main.append(presented.card.id)
        self._pending = None
        self._avoid = frozenset({presented.card.id})

    def bury(self, card_id: str | None = None) -> None:
        """Hide a card (default: the current one) until tomorrow; nothing is graded."""
        cid = card_id or self._require_pending().card.id
        now = self._now()
        _, tomorrow = self._today(now)
        state = self.store.state(cid)
        self.store.put_state(replace(state, buried_until=tomorrow))
        self._drop(cid)

    def suspend(self, card_id: str | None = None) -> None:
        """Take a card out of all queues until it is unsuspended (e.g. a leech to rewrite)."""
        cid = card_id or self._require_pending().card.id
        self.store.put_state(replace(self.store.state(cid), suspended=True))
        self._drop(cid)

    def _drop(self, cid: str) -> None:
        self._buried.add(cid)
        self._queue.discard(cid)
        if self._pending is not None and self._pending.card.id == cid:
            self._pending = None

    # -- reporting -----------------------------------------------------------------------

    @property
    def history(self) -> tuple[Outcome, ...]:
        """The grades of this session, oldest first (undone ones removed)."""
        return tuple(done.outcome for done in self._done)

    def remaining(self) -> Remaining:
        """Cards still to come (the current card included), by kind of work."""
        new = review = 0
        for cid in self._queue.main:
            if cid in self._new_ids:
                new += 1
            else:
                review += 1
        learning = len(self._queue.learning)
        pending = self._pending
        if pending is not None and pending.card.id not in self._queue.learning:
            if pending.state.is_new:
                new += 1
            elif pending.state.is_learning:
                learning += 1
            else:
                review += 1
        return Remaining(new, learning, review)

    def summary(self) -> Summary:
        outcomes = self.history
        by_rating = {rating: 0 for rating in Rating}
        right = wrong = 0
        leeches: list[str] = []
        for outcome in outcomes:
            by_rating[outcome.rating] += 1
            ok = outcome.correct if outcome.correct is not None else outcome.rating != Rating.Again
            right += bool(ok)
            wrong += not ok
            if outcome.leech and outcome.card.id not in leeches:
                leeches.append(outcome.card.id)
        first_sight = {o.card.id for o, d in zip(outcomes, self._done) if d.before.is_new}
        return Summary(
            reviewed=len(outcomes),
            cards=len({o.card.id for o in outcomes}),
            right=right,
            wrong=wrong,
            new_cards=len(first_sight),
            by_rating=by_rating,
            time_spent=sum((d.duration for d in self._done), timedelta(0)),
            next_due=self._next_due(),
            leeches=tuple(leeches),
            remaining=self.remaining(),
        )

    def _next_due(self) -> datetime | None:
        """The soonest due time among this session's cards still scheduled."""
        now = self._now()
        hidden = self.store.hidden_ids(now)
        rows = self.store.query(
            "SELECT card_id, due FROM card_state WHERE state != 0 AND due IS NOT NULL ORDER BY due"
        )
        for cid, due_ms in rows:
            if cid in self._scope_set and cid not in hidden:
                return datetime.fromtimestamp(due_ms / 1000, tz=timezone.utc)
        return None


def _expected_for(card: Card) -> str:
    """The answer of a self-graded card, to show after grading."""
    return getattr(card, "back", "")
