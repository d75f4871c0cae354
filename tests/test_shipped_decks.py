"""The shipped decks: they validate, and their coverage cannot silently drop.

The counts below are the content promise (issue 5 and CONTENT.md): every topic a candidate is asked
about, at least 8 cards and 3 kinds each, 440 cards in all, every generator and every misconception
the exercises can diagnose taught by some card, every known mistake of the source notes turned
into a true/false or choice card.
"""

from __future__ import annotations

import collections

import pytest

from quizapp.content import load_library, shipped_content_dir, validate_paths
from quizapp.drills import TASKS
from quizapp.engine.exercises import REGISTRY, make

TOPICS = {
    "batch-norm", "layer-norm", "instance-norm", "group-norm", "rms-norm", "weight-norm",
    "unified-view", "residual", "pre-post-ln", "dropout", "dropout2d", "drop-path", "mc-dropout",
    "label-smoothing", "mixup", "cutmix", "augmentation", "l1-l2", "adamw", "early-stopping",
    "transfer-learning", "choosing",
}
#: Round 2 (issue 17): the topics added with the new engine ops and the techniques around them.
TOPICS_ROUND_2 = {
    "spectral-norm", "weight-standardization", "batch-norm-variants", "sync-batch-norm", "qk-norm",
    "dropout-variants", "dropblock", "augment-policies", "text-augmentation", "preprocessing-leakage",
    "max-norm", "peft", "gradient-clipping",
}
#: Topics where a number can be computed: each needs an exercise card.
COMPUTABLE = (TOPICS - {"transfer-learning", "choosing"}) | {
    "spectral-norm", "weight-standardization", "dropout-variants", "dropblock", "augment-policies",
    "peft", "gradient-clipping",
}


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_shipped_decks_validate_clean():
    assert [str(p) for p in validate_paths([shipped_content_dir()])] == []


def test_every_topic_is_there(library):
    assert {t.id for t in library.topics} >= TOPICS | TOPICS_ROUND_2


def test_counts_per_topic_and_kind(library):
    for topic in library.topics:
        kinds = collections.Counter(card.kind for card in topic.cards)
        assert len(topic.cards) >= 8, f"{topic.id}: {len(topic.cards)} cards"
        assert len(kinds) >= 3, f"{topic.id}: kinds {dict(kinds)}"
        assert kinds["choice"] + kinds["truefalse"] >= 1, topic.id
        if topic.id in COMPUTABLE:
            assert kinds["exercise"] >= 1, f"{topic.id} has no exercise"
    assert len(library.cards) >= 440


def test_every_generator_is_used_by_a_card_at_every_level(library):
    used = {(card.generator, card.level) for card in library.cards.values() if card.kind == "exercise"}
    levels = {(gid, level) for gid, gen in REGISTRY.items() for level in gen.levels}
    assert levels <= used, f"unused: {sorted(levels - used)}"


def test_every_coding_drill_has_a_code_card_in_its_topic(library):
    """A drill names the deck it belongs to; the card that serves it must be in that deck."""
    served = {(card.task, card.topic) for card in library.cards.values() if card.kind == "code"}
    missing = sorted((task.id, task.topic) for task in TASKS.values() if (task.id, task.topic) not in served)
    assert not missing, f"drills without a code card in their topic: {missing}"


def test_every_diagnosable_misconception_is_taught_by_a_card(library):
    diagnosable = {
        v.name for gid, gen in REGISTRY.items() for level in gen.levels for v in make(gid, 0, level).variants
    }
    taught = {name for card in library.cards.values() for name in card.teaches}
    assert diagnosable <= taught, f"not taught: {sorted(diagnosable - taught)}"


def test_the_known_mistakes_of_the_sources_are_cards(library):
    """CONTENT.md lists 9 mistakes in the source notes; each is a true/false or choice card."""
    cards = [c for c in library.cards.values() if "seed-mistake" in c.tags]
    assert len(cards) >= 9
    assert all(c.kind in ("truefalse", "choice") for c in cards)
    must_teach = {"std_for_var", "unbiased_variance", "keras_momentum", "running_average_sign", "pre_post_ln_swapped"}
    taught = {name for c in cards for name in c.teaches}
    assert must_teach <= taught, f"seed-mistake cards do not teach {sorted(must_teach - taught)}"


def test_every_card_explains_itself(library):
    for card in library.cards.values():
        assert len(card.explain.split()) >= 8, f"{card.id}: explain too short"


def test_decks_ship_inside_the_package_or_the_source_tree():
    folder = shipped_content_dir()
    assert folder.is_dir()
    assert any(folder.rglob("*.yaml"))
