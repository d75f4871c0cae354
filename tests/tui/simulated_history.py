"""A small library, a simulated review history at fixed times, and a test App, for the stats and
browser screen tests.

The history is made by replaying a deterministic study routine through the real scheduler and
store (no hand-written card states), so the states, the forecast and the mastery figures are the
ones a person with that routine would have.  conftest.py builds it once per test session (the
``history_db_template`` fixture) and copies it per test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


from quizapp.content.loader import Library
from quizapp.content.model import Choice, ExerciseCard, Flashcard, Topic, TrueFalse
from quizapp.scheduler import AUTO_RATING, Rating, Scheduler
from quizapp.store import Review, Store
from quizapp.tui.context import AppContext
from quizapp.tui.safe_app import SafeApp

from .support import NOW

HISTORY_DAYS = 120
NEW_PER_DAY = 1


def _flash(cid: str, topic: str, front: str, back: str, tags=(), teaches=()) -> Flashcard:
    return Flashcard(id=cid, topic=topic, explain=f"Because {back.lower()}", tags=tuple(tags),
                     refs=("https://arxiv.org/abs/1502.03167",), teaches=tuple(teaches),
                     front=front, back=back, source=f"decks/{topic}.yaml:1")


def make_library() -> Library:
    """Three topics, every kind but code, a few cards teaching misconceptions."""
    bn = "batch-norm"
    do = "dropout"
    ln = "layer-norm"
    topics = [
        Topic(bn, "Batch normalization", "BN", (
            _flash("bn-axes", bn, "Over which axes does BatchNorm2d average?", "N, H and W: every axis but C",
                   tags=("axes",), teaches=("wrong_axes",)),
            _flash("bn-variance", bn, "Which variance normalizes the batch?", "The biased one, divide by n",
                   tags=("variance",), teaches=("unbiased_variance",)),
            _flash("bn-running-var", bn, "Which variance updates running_var?", "The unbiased one, n - 1",
                   tags=("variance", "eval-mode")),
            Choice(id="bn-eval", topic=bn, explain="Eval mode uses the running statistics.",
                   tags=("eval-mode",), prompt="What does BatchNorm use in eval mode?",
                   options=("The batch statistics", "The running statistics", "Nothing", "Zeros"),
                   answer=frozenset({1}), source="decks/bn.yaml:40"),
            TrueFalse(id="bn-eps-tf", topic=bn, explain="eps sits inside the square root.",
                      tags=("eps",), teaches=("no_eps", "eps_outside_sqrt"),
                      statement="eps is added to the standard deviation.", answer=False),
            ExerciseCard(id="bn-forward-ex", topic=bn, explain="Normalize each channel with the biased variance.",
                         tags=("arithmetic",), teaches=("unbiased_variance",),
                         generator="batch_norm.forward", intro="Apply BatchNorm to a small batch."),
            _flash("bn-momentum", bn, "How does PyTorch's momentum weight the new batch?",
                   "running = (1 - m) running + m batch", tags=("eval-mode",), teaches=("keras_momentum",)),
            _flash("bn-small-batch", bn, "Why does BatchNorm suffer with batch size 2?",
                   "The batch statistics are too noisy", tags=("batch-size",)),
        )),
        Topic(do, "Dropout", "Dropout", (
            _flash("do-p", do, "What does p mean in nn.Dropout(p)?", "The probability of zeroing a unit",
                   tags=("conventions",), teaches=("keep_prob_as_drop_prob",)),
            _flash("do-inverted", do, "Why scale by 1/(1-p) in training?", "So eval is the identity",
                   tags=("scaling", "eval-mode"), teaches=("scale_at_eval",)),
            TrueFalse(id="do-eval-tf", topic=do, explain="Inverted dropout needs no eval scaling.",
                      tags=("eval-mode",), teaches=("scale_at_eval",),
                      statement="At eval time dropout multiplies by 1 - p.", answer=False),
            ExerciseCard(id="do-forward-ex", topic=do, explain="Kept units are divided by 1 - p.",
                         tags=("arithmetic",), teaches=("keep_prob_as_drop_prob",),
                         generator="dropout.forward", intro="Apply dropout with the given mask."),
            Choice(id="do-where", topic=do, explain="Usually after the activation.", tags=("placement",),
                   prompt="Where does dropout usually go in an MLP?",
                   options=("Before the input", "After the activation", "On the loss", "On the labels"),
                   answer=frozenset({1})),
            _flash("do-vs-l2", do, "Dropout or L2 for a small tabular model?", "Try both; L2 is cheaper",
                   tags=("choosing",)),
        )),
        Topic(ln, "Layer normalization", "LN", (
            _flash("ln-axes", ln, "Over which axes does LayerNorm average?", "The normalized_shape: the last axes",
                   tags=("axes",), teaches=("wrong_axes",)),
            _flash("ln-vs-bn", ln, "Why LayerNorm in Transformers?", "It does not depend on the batch",
                   tags=("transformer",)),
            ExerciseCard(id="ln-forward-ex", topic=ln, explain="Normalize each row with its biased variance.",
                         tags=("arithmetic",), teaches=("unbiased_variance", "no_eps"),
                         generator="layer_norm.forward", intro="Apply LayerNorm to each row."),
            TrueFalse(id="ln-running-tf", topic=ln, explain="LayerNorm keeps no running statistics.",
                      tags=("eval-mode",), statement="LayerNorm keeps running statistics.", answer=False),
            _flash("ln-rms", ln, "What does RMSNorm drop from LayerNorm?", "The mean subtraction and the bias",
                   tags=("rmsnorm",)),
        )),
    ]
    # Plain flashcards to fill each topic out to a realistic size (and leave some new).
    filled = []
    for topic, extra in zip(topics, (20, 16, 14)):
        more = tuple(
            _flash(f"{topic.id}-fact-{i:02d}", topic.id, f"{topic.title} fact {i}?", f"Answer {i}",
                   tags=("facts",) + (("eval-mode",) if i % 5 == 0 else ()))
            for i in range(1, extra + 1)
        )
        filled.append(Topic(topic.id, topic.title, topic.summary, topic.cards + more))
    return Library(filled, [])


#: Wrong exercise answers by misconception (cards, how often in 1000): what the simulated user confuses.
_MISTAKES = {
    "bn-forward-ex": ("unbiased_variance", "no_eps"),
    "ln-forward-ex": ("unbiased_variance", "wrong_axes"),
    "do-forward-ex": ("keep_prob_as_drop_prob", "scale_at_eval"),
}


def seed_history(store: Store, library: Library, now: datetime = NOW, seed: int = 7) -> int:
    """Replay ``HISTORY_DAYS`` of study ending at ``now``; returns the number of reviews made.

    Most days the user studies at a fixed hour: every due card, then, three days in five, one new card; about
    one day in four is skipped (so the heatmap has gaps and some cards are overdue).  Answers are
    right with probability 0.82 (exercises 0.55); a wrong exercise answer often matches a misconception.
    """
    rng = random.Random(seed)
    scheduler = Scheduler(store.settings())
    cards = [card for topic in library.topics for card in topic.cards]
    cards.sort(key=lambda card: card.kind != "exercise")  # exercises first: misconceptions to show
    made = 0
    start = now - timedelta(days=HISTORY_DAYS)
    for day in range(HISTORY_DAYS + 1):
        if day != HISTORY_DAYS and rng.random() < 0.25:
            continue
        t = (start + timedelta(days=day)).replace(hour=9, minute=0) + timedelta(minutes=rng.randrange(60))
        if t >= now:
            t = now - timedelta(hours=2)
        states = {card.id: state for card in cards if (state := store.get_state(card.id)) is not None}
        due = [c for c in cards if c.id in states and states[c.id].due <= t]
        fresh = [c for c in cards if c.id not in states][:NEW_PER_DAY] if rng.random() < 0.6 else []
        for card in due + fresh:
            right = rng.random() < (0.55 if card.kind == "exercise" else 0.82)
            if card.auto_graded:
                rating = AUTO_RATING[right]
            else:
                rating = rng.choice((Rating.Hard, Rating.Good, Rating.Good, Rating.Easy)) if right else Rating.Again
            misconception = None
            answer = None
            if card.kind == "exercise":
                answer = "1.5" if right else "2.25"
                if not right and rng.random() < 0.8:
                    misconception = rng.choice(_MISTAKES[card.id])
            review = Review(card.id, t, int(rating), card.kind, duration_ms=5000 + rng.randrange(20000),
                            correct=right if card.auto_graded else None, answer=answer,
                            seed=rng.randrange(1000) if card.kind == "exercise" else None,
                            misconception=misconception)
            store.apply_review(card.id, lambda s, r=rating, at=t: scheduler.review(s, r, at), review)
            made += 1
            t += timedelta(seconds=30 + rng.randrange(60))
    return made


def make_ctx(library: Library, store: Store, now: datetime = NOW) -> AppContext:
    return AppContext(library=library, store=store, now=lambda: now, rng=random.Random(0))


@dataclass
class SessionCall:
    cards: list[str]
    title: str


class ScreenTestApp(SafeApp):
    """Pushes one screen and records ``start_session`` calls instead of studying."""

    TITLE = "quizapp"

    def __init__(self, make_screen) -> None:
        super().__init__()
        self._make_screen = make_screen
        self.sessions: list[SessionCall] = []

    def on_mount(self) -> None:
        self.push_screen(self._make_screen())

    def start_session(self, cards=None, title: str = "", **kwargs) -> None:
        self.sessions.append(SessionCall(list(cards or []), title))
