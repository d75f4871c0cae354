"""The study loop, with no UI in it: pick the next card, present it, take an answer, grade, record.

The TUI and ``quizapp study --plain`` both drive this one class (built by
:func:`quizapp.study.open_session`), so everything a user can do while studying is testable
without a terminal.  Time comes from an injectable ``now`` callable and randomness (exercise
seeds, option order) from an injectable ``random.Random``.

Usage::

    session = open_session(library, store)       # today's queue: due cards and new cards
    while (p := session.next()) is not None:     # Presented: the card and what to show
        if p.self_graded:                        # flashcard: reveal, then the user rates it
            session.preview()                    # {Rating: timedelta}, for "1m / 6m / 10m / 4d"
            outcome = session.grade(Rating.Good)
        else:                                    # choice, truefalse, exercise, code
            outcome = session.submit(answer)     # AnswerError if unreadable: nothing recorded
                                                 # (or session.give_up(solution): Again)
        ...                                      # show outcome.correct, .expected, .explain, .steps
    session.grade_options(); session.regrade(Rating.Hard)   # change an auto grade before next()
    session.undo()                               # take back the last grade, bury or suspend
    session.skip(); session.bury(); session.suspend()   # without grading
    session.remaining()                          # new / learning / review still to come
    session.summary()                            # reviewed, right, wrong, time spent, next due

``session.current`` is the card shown and not yet graded, ``session.history`` the outcomes so far,
``session.teaching_cards(name)`` the cards that teach a misconception, ``session.problems`` the
cards that could not be shown (a generator that failed), one line each.

**The queue** (:mod:`quizapp.study_queue`): due learning cards first, then today's reviews with
the new cards spread among them, within the daily limits.  After a failed card, the next card is
neither that card nor one of its *siblings* (same topic, sharing a tag): seeing the answer to a
near-duplicate right away would fake the next recall.  ``topics`` and ``tags`` filter (a card
matches if it carries any of the tags); ``cards`` studies exactly those card ids now, due or not;
``limit`` caps the number of distinct cards.  Cards of an auto-graded kind with no checker are
left out of the queue.

**Grading** (:mod:`quizapp.grading`).  Flashcards are rated by the user (:meth:`Session.grade`).
Other kinds are checked (:meth:`Session.submit`): right is Good, wrong is Again, a suggestion the
user may change with :meth:`Session.regrade` until the next card is shown (the log keeps both the
result and the grade).  Either way the review is committed in one transaction before the method
returns.  A card with
``Settings.leech_lapses`` lapses is flagged as a leech.  The exercise seed (or the seed of a
choice card's option order) goes into the log, so any past presentation can be rebuilt exactly.

**Undo** takes back the last grade, bury or suspend, newest first, each in the store and in the
queue: after ``bury`` then ``undo`` the buried card is shown again and no longer buried; a second
``undo`` then takes back the grade before it.

**Modes.**  A session's ``mode`` goes into every review it logs: ``review`` (scheduled study),
``cram`` or ``mock``.  Cram and mock answers are logged and leave every card's FSRS state alone
(the store sees to that), so they never re-queue a card; a mock round keeps its chain of
follow-ups in order (no sibling is held back after a wrong answer).

**Misconception re-tests.**  ``retests`` maps a misconception that is due to the exercise cards
whose generator can produce it; the session picks one in scope for each (varying with its random
generator), slips it among the cards and draws that exercise until its wrong-answer variants
include the misconception.  A right answer to it is logged with the misconception's name and
``correct`` set: a success for that misconception (quizapp.interview.misconceptions).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from quizapp.content.drawing import DrawError, draw_exercise
from quizapp.content.model import AUTO_GRADED, Card, Choice, ExerciseCard, Topic
from quizapp.grading import BUILT_IN, Check, Checker, Shown
from quizapp.scheduler import AUTO_RATING, NEW, REVIEW, CardState, Rating, day_start, scheduler_for
from quizapp.store import MODES, Review, Store, from_ms, to_ms
from quizapp.study_queue import StudyQueue, chosen_queue, interleave, todays_queue

__all__ = [
    "Outcome",
    "Presented",
    "Remaining",
    "Session",
    "SessionError",
    "Summary",
]

#: A review that took longer than this counts as this long (the user walked away).
MAX_DURATION = timedelta(minutes=10)
#: Draws of a re-test's exercise tried before it is shown as an ordinary one.
RETEST_DRAWS = 20


class SessionError(RuntimeError):
    """The session was used out of order (grading with no card shown, grading a checked card)."""


class LibraryLike(Protocol):
    topics: Sequence[Topic]


@dataclass(frozen=True, kw_only=True)
class Presented(Shown):
    """A card as shown now: everything the UI needs to display and grade it."""

    topic: Topic | None
    state: CardState  # the memory state when shown (state.is_new for a first sight)
    shown_at: datetime
    number: int  # 1 for the first card shown in this session, 2 for the next, ...
    leech: bool = False
    retest: str | None = None  # the misconception this exercise re-tests, if it is a re-test

    @property
    def self_graded(self) -> bool:
        return not self.card.auto_graded

    @property
    def is_new(self) -> bool:
        return self.state.is_new


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
    leech_lapses: int  # the lapses that make a leech (Settings.leech_lapses)
    remaining: Remaining


# -- the undo stack ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Before:
    """The session as it was before an undoable action."""

    queue: StudyQueue
    pending: Presented | None
    avoid: frozenset[str]


@dataclass(frozen=True)
class _Graded:
    """A grade: undone by deleting its log row and restoring the card's state."""

    before: _Before
    outcome: Outcome
    state: CardState  # the card's state before the grade
    duration: timedelta

    def reverse(self, store: Store, now: datetime) -> bool:
        return store.undo_review(self.outcome.review_id, self.state, now)


@dataclass(frozen=True)
class _Hidden:
    """A bury or a suspend: undone by putting the card's flag back as it was."""

    before: _Before
    card_id: str
    state: CardState  # the card's state before it was hidden
    buried: bool  # True for a bury, False for a suspend

    def reverse(self, store: Store, now: datetime) -> bool:
        if self.buried:
            store.bury(self.card_id, self.state.buried_until)
        else:
            store.set_suspended(self.card_id, self.state.suspended)
        return True


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _Counts:
    new: int = 0
    learning: int = 0
    review: int = 0

    def add(self, state: int) -> None:
        if state == NEW:
            self.new += 1
        elif state == REVIEW:
            self.review += 1
        else:
            self.learning += 1


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
        mode: str = "review",
        retests: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"a session's mode is one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.store = store
        self.scheduler = scheduler_for(store)
        self.settings = self.scheduler.settings
        self._now = now or _utc_now
        self._rng = rng or random.Random()
        self._tz = tz
        self.checkers: dict[str, Checker] = {**BUILT_IN, **(checkers or {})}
        self.new_limit = self.settings.new_per_day if new_limit is None else int(new_limit)
        self.review_limit = self.settings.reviews_per_day if review_limit is None else int(review_limit)

        self._topics: dict[str, Topic] = {t.id: t for t in library.topics}
        self._cards: dict[str, Card] = {}
        for topic in library.topics:
            for card in topic.cards:
                self._cards.setdefault(card.id, card)
        self.problems: list[str] = []  # cards that could not be shown, one line each

        wanted_topics = list(topics or ())
        unknown = [t for t in wanted_topics if t not in self._topics]
        if unknown:
            raise ValueError(f"unknown topic(s): {', '.join(unknown)}")
        wanted_tags = set(tags or ())
        self.topics = tuple(wanted_topics)
        self.tags = tuple(sorted(wanted_tags))
        unchecked = {kind for kind in AUTO_GRADED if kind not in self.checkers}
        self._scope = [
            cid
            for cid, card in self._cards.items()
            if card.kind not in unchecked
            and (not wanted_topics or card.topic in wanted_topics)
            and (not wanted_tags or not wanted_tags.isdisjoint(card.tags))
        ]
        self._scope_set = set(self._scope)
        self.chosen = cards is not None  # exactly these cards: the daily limits do not apply
        self._queue, self._states = self._build_queue(cards, limit)
        self._retests: dict[str, str] = self._add_retests(retests or {}) if cards is None else {}
        self._pending: Presented | None = None
        self._avoid: frozenset[str] = frozenset()
        self._undo: list[_Graded | _Hidden] = []
        self._shown = 0
        self._tag_index: dict[tuple[str, str], set[str]] | None = None

    # -- building ------------------------------------------------------------------------

    def _today(self, now: datetime) -> tuple[datetime, datetime]:
        start = day_start(now, self.settings.day_starts_at, self._tz)
        return start, start + timedelta(days=1)

    def _build_queue(self, explicit: Iterable[str] | None, limit: int | None) -> tuple[StudyQueue, dict[str, int]]:
        rows = self.store.state_rows()
        if explicit is not None:
            chosen = list(explicit)
            unknown = [cid for cid in chosen if cid not in self._cards]
            if unknown:
                raise ValueError(f"unknown card id: {unknown[0]}")
            return chosen_queue(rows, [cid for cid in chosen if cid in self._scope_set], limit)
        now = self._now()
        today, _ = self._today(now)
        return todays_queue(
            rows,
            self.store.done_since(today),
            self._scope,
            now=now,
            today=today,
            new_limit=self.new_limit,
            review_limit=self.review_limit,
            limit=limit,
        )

    def _add_retests(self, retests: Mapping[str, Sequence[str]]) -> dict[str, str]:
        """Pick a card in scope for each due misconception and slip the picks among the queue's
        cards; returns card id -> misconception."""
        picked: dict[str, str] = {}
        for name in sorted(retests):
            free = sorted(cid for cid in retests[name] if cid in self._scope_set and cid not in picked)
            if free:
                picked[self._rng.choice(free)] = name
        if picked:
            rows = self.store.state_rows()
            for card_id in picked:
                self._queue.discard(card_id)
                self._states[card_id] = rows[card_id].state if card_id in rows else NEW
            self._queue.main = interleave(self._queue.main, list(picked))
        return picked

    @property
    def reschedules(self) -> bool:
        """Whether a grade here changes the card's FSRS state (not in cram or mock mode)."""
        return self.mode == "review"

    # -- presenting ----------------------------------------------------------------------

    def next(self) -> Presented | None:
        """The card to show now (the same one until it is graded, skipped or buried), or None
        when nothing is left for this session."""
        if self._pending is not None:
            return self._pending
        now = self._now()
        while True:
            first = chosen = None
            for cid in self._queue.candidates(now, self.settings.learn_ahead):
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
        retest = self._retests.get(card_id)
        order: tuple[int, ...] = ()
        if isinstance(card, ExerciseCard):
            try:
                seed, exercise, retest = self._draw(card, seed, retest)
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
            seed=seed,
            exercise=exercise,
            option_order=order,
            topic=self._topics.get(card.topic),
            state=state,
            shown_at=now,
            number=self._shown,
            leech=state.is_leech(self.settings.leech_lapses),
            retest=retest,
        )

    def _draw(self, card: ExerciseCard, seed: int, retest: str | None) -> tuple[int, Any, str | None]:
        """The card's exercise for ``seed``; for a re-test, drawn again until its wrong-answer
        variants include the misconception (else, after RETEST_DRAWS draws, no re-test)."""
        exercise = draw_exercise(card, seed)
        draws = 1
        while retest is not None and not any(variant.name == retest for variant in exercise.variants):
            if draws == RETEST_DRAWS:
                return seed, exercise, None
            seed = self._rng.randrange(2**31)
            exercise = draw_exercise(card, seed)
            draws += 1
        return seed, exercise, retest

    def now(self) -> datetime:
        """The session's clock (injectable for tests)."""
        return self._now()

    def study_day(self) -> tuple[datetime, datetime]:
        """When today's study day began and when the next one begins (``day_starts_at``)."""
        return self._today(self._now())

    @property
    def scope(self) -> tuple[str, ...]:
        """The ids of the cards this session draws from (its topics and tags), in content order."""
        return tuple(self._scope)

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

    def _snapshot(self) -> _Before:
        return _Before(self._queue.copy(), self._pending, self._avoid)

    # -- grading -------------------------------------------------------------------------

    def preview(self) -> dict[Rating, timedelta]:
        """For the current card: the interval each rating would give (shown on the buttons);
        none when grades here leave the schedule alone (cram, mock)."""
        presented = self._require_pending()
        return self.scheduler.preview(presented.state, self._now()) if self.reschedules else {}

    def grade(self, rating: Rating | int) -> Outcome:
        """Rate the current self-graded card (flashcard) and record it."""
        presented = self._require_pending()
        if not presented.self_graded:
            raise SessionError(f"a {presented.kind} card is graded by its answer; use submit()")
        return self._record(presented, Rating(int(rating)), None)

    def submit(self, answer: Any) -> Outcome:
        """Check an answer to the current auto-graded card and record it (right Good, wrong Again).

        ``answer``: shown option positions (0-based ints) or "1 3" for a choice; a bool or "t"/"f"
        for true/false; the typed text for an exercise or code.  Raises
        :class:`quizapp.grading.AnswerError` for an unreadable answer, recording nothing.
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

    def give_up(self, expected: str, answer_text: str = "") -> Outcome:
        """Grade the current auto-graded card Again without checking an answer: the user asked
        to see ``expected`` (a drill's model solution) instead.  ``answer_text`` (what they had
        written) goes into the log."""
        presented = self._require_pending()
        if presented.self_graded:
            raise SessionError("a flashcard is graded by the user; use grade()")
        check = Check(False, "you asked for the model solution", expected, answer_text)
        return self._record(presented, Rating.Again, check)

    def _record(self, presented: Presented, rating: Rating, check: Check | None) -> Outcome:
        now = self._now()
        duration = min(max(now - presented.shown_at, timedelta(0)), MAX_DURATION)
        card = presented.card
        # The seed rebuilds the exercise's numbers, the option order or the drill's hidden cases.
        keeps_seed = presented.exercise is not None or bool(presented.option_order) or card.kind == "code"
        misconception = None if check is None else check.misconception
        if check is not None and check.correct and presented.retest:
            misconception = presented.retest  # a success for the misconception re-tested
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
            misconception=misconception,
            mode=self.mode,
        )
        before_action = self._snapshot()
        before, after, review_id = self.store.apply_review(
            card.id, lambda state: self.scheduler.review(state, rating, now), review
        )
        outcome = Outcome(
            presented=presented,
            rating=rating,
            correct=None if check is None else bool(check.correct),
            message="" if check is None else check.message,
            expected=getattr(card, "back", "") if check is None else check.expected,
            state=after,
            review_id=review_id,
            reviewed_at=now,
            misconception=None if check is None else check.misconception,
            detail=None if check is None else check.detail,
            leech=after.is_leech(self.settings.leech_lapses),
        )
        self._undo.append(_Graded(before_action, outcome, before, duration))
        self._retests.pop(card.id, None)  # re-tested once per session
        self._pending = None
        self._queue_after(outcome)
        return outcome

    def _queue_after(self, outcome: Outcome) -> None:
        """Put a graded card where its new state says (back among today's learning cards, or
        out of today's queue) and keep its siblings away after a failure."""
        card, after = outcome.card, outcome.state
        self._states[card.id] = after.state
        self._queue.discard(card.id)
        _, tomorrow = self._today(outcome.reviewed_at)
        if self.reschedules and after.is_learning and after.due is not None and after.due < tomorrow:
            self._queue.add_learning(card.id, after.due)
        if self.mode == "mock":
            self._avoid = frozenset()  # the interviewer's follow-up comes next, right or wrong
        else:
            self._avoid = self._siblings(card) if outcome.rating == Rating.Again else frozenset({card.id})

    # -- changing the last grade -------------------------------------------------------------

    def _last_grade(self) -> _Graded:
        last = self._undo[-1] if self._undo else None
        if self._pending is not None or not isinstance(last, _Graded):
            raise SessionError("only the last grade can be changed, before the next card is shown")
        return last

    def grade_options(self) -> dict[Rating, timedelta]:
        """For the last grade, before the next card is shown: the interval each rating gives,
        from the time of that review (what :meth:`regrade` would schedule); none when grades here
        leave the schedule alone (cram, mock)."""
        graded = self._last_grade()
        return self.scheduler.preview(graded.state, graded.outcome.reviewed_at) if self.reschedules else {}

    def regrade(self, rating: Rating | int) -> Outcome:
        """Replace the last grade's rating (an auto grade the user corrects, Hard instead of
        Good) before the next card is shown: the review keeps its time and result, and the card's
        state is recomputed from the state before it, in one store transaction (the log row is
        replaced by one with a new uid: :meth:`quizapp.store.Store.regrade_review`).  Undo still
        takes the review back as a whole."""
        graded = self._last_grade()
        rating = Rating(int(rating))
        outcome = graded.outcome
        if rating == outcome.rating:
            return outcome
        at = outcome.reviewed_at
        after, review_id = self.store.regrade_review(
            outcome.review_id, graded.state, int(rating), lambda state: self.scheduler.review(state, rating, at), self._now()
        )
        changed = replace(
            outcome, rating=rating, state=after, review_id=review_id, leech=after.is_leech(self.settings.leech_lapses)
        )
        self._undo[-1] = replace(graded, outcome=changed)
        self._queue_after(changed)
        return changed

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

    # -- undo, skip, bury, suspend ---------------------------------------------------------

    def undo(self) -> Presented | None:
        """Take back the last grade, bury or suspend (in the store, in one transaction) and show
        its card again (a graded exercise with the same numbers).  None if nothing to undo."""
        if not self._undo:
            return None
        action = self._undo.pop()
        if not action.reverse(self.store, self._now()):
            raise SessionError("that review is no longer in the database; nothing was undone")
        self._queue = action.before.queue
        self._avoid = action.before.avoid
        if isinstance(action, _Graded):
            self._states[action.outcome.card.id] = action.state.state
            self._pending = replace(action.outcome.presented, state=action.state, shown_at=self._now())
        elif action.before.pending is not None:
            self._pending = replace(action.before.pending, shown_at=self._now())
        else:
            self._pending = None
        return self._pending

    def skip(self) -> None:
        """Put the current card at the back of the queue, ungraded."""
        presented = self._require_pending()
        self._queue.main.append(presented.card.id)
        self._pending = None
        self._avoid = frozenset({presented.card.id})

    def bury(self, card_id: str | None = None) -> None:
        """Hide a card (default: the current one) until the next study day; nothing is graded."""
        cid = card_id or self._require_pending().card.id
        _, tomorrow = self._today(self._now())
        before_action = self._snapshot()
        before = self.store.bury(cid, tomorrow)
        self._hide(_Hidden(before_action, cid, before, buried=True))

    def suspend(self, card_id: str | None = None) -> None:
        """Take a card out of all queues until it is unsuspended (e.g. a leech to rewrite)."""
        cid = card_id or self._require_pending().card.id
        before_action = self._snapshot()
        before = self.store.set_suspended(cid, True)
        self._hide(_Hidden(before_action, cid, before, buried=False))

    def _hide(self, action: _Hidden) -> None:
        self._undo.append(action)
        self._queue.discard(action.card_id)
        if self._pending is not None and self._pending.card.id == action.card_id:
            self._pending = None

    # -- reporting -----------------------------------------------------------------------

    @property
    def _grades(self) -> list[_Graded]:
        return [action for action in self._undo if isinstance(action, _Graded)]

    @property
    def history(self) -> tuple[Outcome, ...]:
        """The grades of this session, oldest first (undone ones removed)."""
        return tuple(graded.outcome for graded in self._grades)

    def remaining(self) -> Remaining:
        """Cards still to come (the current card included), each counted by its state."""
        counts = _Counts()
        for cid in self._queue.main:
            counts.add(self._states.get(cid, NEW))
        counts.learning += len(self._queue.learning)
        if self._pending is not None:
            counts.add(self._pending.state.state)
        return Remaining(counts.new, counts.learning, counts.review)

    def summary(self) -> Summary:
        grades = self._grades
        by_rating = {rating: 0 for rating in Rating}
        right = wrong = 0
        leeches: list[str] = []
        for graded in grades:
            outcome = graded.outcome
            by_rating[outcome.rating] += 1
            ok = outcome.correct if outcome.correct is not None else outcome.rating != Rating.Again
            right += bool(ok)
            wrong += not ok
            if outcome.leech and outcome.card.id not in leeches:
                leeches.append(outcome.card.id)
        return Summary(
            reviewed=len(grades),
            cards=len({graded.outcome.card.id for graded in grades}),
            right=right,
            wrong=wrong,
            new_cards=len({graded.outcome.card.id for graded in grades if graded.state.is_new}),
            by_rating=by_rating,
            time_spent=sum((graded.duration for graded in grades), timedelta(0)),
            next_due=self._next_due(),
            leeches=tuple(leeches),
            leech_lapses=self.settings.leech_lapses,
            remaining=self.remaining(),
        )

    def _next_due(self) -> datetime | None:
        """The soonest due time among this session's cards still scheduled (not hidden)."""
        now_ms = to_ms(self._now())
        dues = [
            row.due
            for cid, row in self.store.state_rows().items()
            if cid in self._scope_set and row.started and row.due is not None and not row.hidden(now_ms)
        ]
        return from_ms(min(dues)) if dues else None
