"""The shipped decks give every core concept a chain a mock interview can follow up on."""

from __future__ import annotations

from collections import defaultdict

import pytest

from quizapp.content import load_library
from quizapp.interview.mock import KIND_RANK

CORE_TOPICS = [
    # every norm
    "batch-norm", "batch-norm-variants", "sync-batch-norm", "layer-norm", "instance-norm", "group-norm",
    "weight-standardization", "rms-norm", "weight-norm", "spectral-norm",
    # dropout, label smoothing, mixup/cutmix, weight decay/AdamW, early stopping
    "dropout", "label-smoothing", "mixup", "cutmix", "adamw", "early-stopping",
]


@pytest.fixture(scope="module")
def chains():
    library = load_library()
    assert library.problems == []
    by_concept = defaultdict(list)
    for card in library.cards.values():
        if card.concept:
            by_concept[card.concept].append(card)
    return by_concept


@pytest.mark.parametrize("topic", CORE_TOPICS)
def test_each_core_topic_has_a_chain_of_three_cards_of_different_kinds(chains, topic):
    ours = [cards for cards in chains.values() if cards[0].topic == topic]
    assert any(len(cards) >= 3 and len({c.kind for c in cards}) >= 3 for cards in ours), topic
    assert any(len({KIND_RANK[c.kind] for c in cards if c.kind in KIND_RANK}) >= 2 for cards in ours), topic


def test_a_chain_stays_within_its_topic(chains):
    assert {name: {c.topic for c in cards} for name, cards in chains.items() if len({c.topic for c in cards}) > 1} == {}
