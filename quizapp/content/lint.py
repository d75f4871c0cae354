"""Warnings about answers that can be read off a card's form, for ``quizapp validate --lint``.

A choice card teaches nothing when its right option is visibly the longest, and a true/false deck
teaches nothing when "false" is nearly always right. These are not errors (the app serves such
cards), so they are warnings, each a :class:`Problem` line ``path:line: card 'id': ...``:

- single-answer choice cards: the right option may be the longest (ties count) in at most
  ``LONGEST_SHARE`` of them, and is never ``LONGEST_RATIO`` times longer than every other option;
  in a collection of ``FLOOR_MIN_CARDS`` or more it is also the longest in at least
  ``LONGEST_FLOOR`` of them, or "never pick the longest" would be the winning guess;
- multi-select choice cards: at most ``ALL_BUT_ONE_SHARE`` of them have every option right but one;
- true/false cards: between ``TRUE_SHARE`` of them are true overall, and every topic with
  ``TOPIC_MIN_TRUEFALSE`` or more has both answers;
- a ``concept`` is shared by at least two cards: a mock interview chains the cards of a concept,
  so a concept only one card names is a typo or a chain not written yet.

The shares are measured over all the decks linted together; when one is exceeded, every card that
counts towards it is listed, so the author sees where to act.
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Iterable

from quizapp.content.messages import quote
from quizapp.content.model import Card, Choice, Topic, TrueFalse
from quizapp.content.problem import Problem

LONGEST_SHARE = 0.30
LONGEST_FLOOR = 0.10
FLOOR_MIN_CARDS = 10
LONGEST_RATIO = 1.3
ALL_BUT_ONE_SHARE = 1 / 3
TRUE_SHARE = (0.40, 0.60)
TOPIC_MIN_TRUEFALSE = 3


def lint(topics: Iterable[Topic]) -> list[Problem]:
    """Every warning for these topics, sorted by file and line."""
    topics = list(topics)
    cards = [card for topic in topics for card in topic.cards]
    single = [c for c in cards if isinstance(c, Choice) and not c.multiple]
    multiple = [c for c in cards if isinstance(c, Choice) and c.multiple]
    warnings = [_warn(c, message) for c in single if (message := _much_longer(c))]
    warnings += _over_share(
        [c for c in single if _right_is_longest(c)], len(single), LONGEST_SHARE,
        "the right option is the longest", "single-answer choice cards",
    )
    warnings += _under_floor([c for c in single if _right_is_longest(c)], len(single), topics)
    warnings += _over_share(
        [c for c in multiple if len(c.answer) == len(c.options) - 1], len(multiple), ALL_BUT_ONE_SHARE,
        "every option but one is right", "multi-select choice cards",
    )
    warnings += _true_share(cards, topics)
    warnings += [w for topic in topics if (w := _one_sided_topic(topic))]
    warnings += _lone_concepts(cards)
    return sorted(warnings, key=lambda p: (p.path, p.line))


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def _right_and_others(card: Choice) -> tuple[int, list[int]]:
    (right,) = card.answer
    lengths = [_length(option) for option in card.options]
    return lengths[right], [n for i, n in enumerate(lengths) if i != right]


def _right_is_longest(card: Choice) -> bool:
    right, others = _right_and_others(card)
    return right >= max(others)


def _much_longer(card: Choice) -> str:
    right, others = _right_and_others(card)
    if right < LONGEST_RATIO * max(others):
        return ""
    return (
        f"the right option is {right / max(others):.2f}x as long as any other "
        f"(keep it under {LONGEST_RATIO}x): make the options alike in length"
    )


def _over_share(flagged: list[Card], total: int, limit: float, what: str, among: str) -> list[Problem]:
    if not total or len(flagged) <= limit * total:
        return []
    share = f"{what} in {len(flagged)} of {total} {among} ({len(flagged) / total:.0%}; at most {limit:.0%})"
    return [_warn(card, share) for card in flagged]


def _under_floor(longest: list[Card], total: int, topics: list[Topic]) -> list[Problem]:
    if total < FLOOR_MIN_CARDS or len(longest) >= LONGEST_FLOOR * total:
        return []
    message = (
        f"the right option is the longest in only {len(longest)} of {total} single-answer choice cards "
        f"({len(longest) / total:.0%}; at least {LONGEST_FLOOR:.0%}, or avoiding the longest option wins)"
    )
    return [Problem(_common_folder(topics), 0, message)]


def _true_share(cards: list[Card], topics: list[Topic]) -> list[Problem]:
    answers = [c.answer for c in cards if isinstance(c, TrueFalse)]
    if not answers:
        return []
    low, high = TRUE_SHARE
    share = sum(answers) / len(answers)
    if low <= share <= high:
        return []
    message = (
        f"{sum(answers)} of {len(answers)} true/false statements are true ({share:.0%}); "
        f"keep it between {low:.0%} and {high:.0%}"
    )
    return [Problem(_common_folder(topics), 0, message)]


def _common_folder(topics: list[Topic]) -> str:
    """Where a warning about the whole collection is shown: the folder the decks share."""
    paths = [t.source for t in topics]
    try:
        return os.path.commonpath(paths) if len(paths) > 1 else paths[0]
    except ValueError:  # relative and absolute paths mixed: no common folder to name
        return "all decks"


def _one_sided_topic(topic: Topic) -> Problem | None:
    statements = [c for c in topic.cards if isinstance(c, TrueFalse)]
    answers = {c.answer for c in statements}
    if len(statements) < TOPIC_MIN_TRUEFALSE or len(answers) == 2:
        return None
    path, line = _where(statements[0])
    side = "true" if answers == {True} else "false"
    message = f"topic {quote(topic.id)}: all {len(statements)} true/false statements are {side}; add the other side"
    return Problem(path, line, message)


def _lone_concepts(cards: list[Card]) -> list[Problem]:
    by_concept: defaultdict[str, list[Card]] = defaultdict(list)
    for card in cards:
        if card.concept:
            by_concept[card.concept].append(card)
    message = "concept {} is used by this card only: a mock interview chains two or more cards of a concept"
    return [_warn(group[0], message.format(quote(concept))) for concept, group in by_concept.items() if len(group) == 1]


def _where(card: Card) -> tuple[str, int]:
    path, _, line = card.source.rpartition(":")
    return path, int(line)


def _warn(card: Card, message: str) -> Problem:
    path, line = _where(card)
    return Problem(path, line, f"card {quote(card.id)}: {message}")
