"""Interface preferences live in the review database beside the study settings, harmlessly."""

from __future__ import annotations

from quizapp.store import Store


def test_a_preference_survives_reopening_and_leaves_settings_alone(tmp_path):
    path = tmp_path / "reviews.db"
    with Store.open(path) as store:
        assert store.preference("theme", "textual-dark") == "textual-dark"
        store.save_settings(new_per_day=7)
        store.save_preference("theme", "textual-light")
    with Store.open(path) as store:
        assert store.preference("theme") == "textual-light"
        assert store.settings().new_per_day == 7  # a ui.* key is not a study setting
        store.save_settings(new_per_day=9)
        assert store.preference("theme") == "textual-light"
