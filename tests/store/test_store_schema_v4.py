"""Schema v4, mock interview rounds: a database made by the v3 schema comes through the upgrade
with every review (scheduled, cram and mock alike), backed up first, its resets kept, and can then save rounds."""

from __future__ import annotations

import random
from datetime import timedelta

from quizapp.migrations import V1, V2, V3, V4
from quizapp.store import Review, Store

from .store_helpers import T0


def test_a_v3_database_is_upgraded_with_every_review_and_gains_mock_rounds(tmp_path):
    path = tmp_path / "reviews.db"
    rng = random.Random(8)
    with Store.open(path, migrations=(V1, V2, V3)) as old:
        assert old.schema_version() == 3
        for i in range(200):
            mode = ("review", "cram", "mock")[i % 3]
            at = T0 - timedelta(minutes=i * 7)
            old.apply_review(f"card-{i % 23}", lambda s: s, Review(f"card-{i % 23}", at, rng.randint(1, 4), "flashcard", mode=mode))
        old.reset_card("card-1", T0)  # v3's own record survives too
        before = sorted((r.uid, r.card_id, r.reviewed_at, r.rating, r.mode) for r in old.reviews())
    notices: list[str] = []
    with Store.open(path, migrations=(V1, V2, V3, V4), notice=notices.append) as new:
        assert new.schema_version() == 4
        assert sorted((r.uid, r.card_id, r.reviewed_at, r.rating, r.mode) for r in new.reviews()) == before
        assert new.resets() == {"card-1": T0}
        assert new.mock_rounds() == []
        saved = new.save_mock_round(T0 - timedelta(minutes=30), T0, 30)
        assert new.mock_rounds() == [saved]
        in_round = new.mock_reviews(saved)
    expected = [b for b in before if b[4] == "mock" and T0 - timedelta(minutes=30) <= b[2] <= T0]
    assert sorted((r.uid, r.card_id, r.reviewed_at, r.rating, r.mode) for r in in_round) == expected and expected
    assert len(notices) == 1 and "schema v3" in notices[0]
    assert [p.name for p in (tmp_path / "backups").iterdir()][0].startswith("reviews-schema-v3-")
