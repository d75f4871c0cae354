"""keras_early_stopping against Keras 3's own EarlyStopping callback, when Keras is installed.

Keras is never a dependency; with it (and its torch backend) the real callback is run epoch by epoch
on random histories, with baseline, start_from_epoch, min_delta and both modes.
"""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

os.environ.setdefault("KERAS_BACKEND", "torch")  # read once, when Keras is first imported
pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from quizapp.engine.regularize import keras_early_stopping  # noqa: E402


class _Model:
    """What the callback touches of a model: the stop flag and the weights it saves."""

    stop_training = False

    def get_weights(self):
        return []

    def set_weights(self, weights):
        pass


def keras_run(metrics, **kwargs):
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", restore_best_weights=True, **kwargs)
    model = _Model()
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(metrics):
        callback.on_epoch_end(epoch, {"val_loss": value})
        if model.stop_training:
            return epoch, callback.best_epoch, callback.best
    return None, callback.best_epoch, callback.best


@given(
    st.lists(st.sampled_from([0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, math.nan, math.inf]), min_size=1, max_size=12),
    st.integers(0, 3),
    st.sampled_from([0.0, 0.05, 0.1]),
    st.sampled_from(["min", "max"]),
    st.sampled_from([None, 0.55, 0.7, 0.95]),
    st.integers(0, 3),
)
def test_the_replay_stops_and_restores_where_keras_does(metrics, patience, min_delta, mode, baseline, start):
    kwargs = dict(patience=patience, min_delta=min_delta, mode=mode, baseline=baseline, start_from_epoch=start)
    ours = keras_early_stopping(metrics, **kwargs)
    stopped, best_epoch, best = keras_run(metrics, **kwargs)
    assert ours.stopped_epoch == stopped
    if ours.best_epoch is not None:  # Keras reports epoch 0 when nothing was monitored
        assert ours.best_epoch == best_epoch
        assert ours.best == best or (math.isnan(ours.best) and math.isnan(best))  # a NaN first epoch is the best
