import numpy as np


def drop_path(x, mask, drop_prob, training=True):
    if not training or drop_prob == 0:
        return x
    keep_prob = 1 - drop_prob
    # One decision per sample, broadcast over all its other axes.
    per_sample = mask.reshape((x.shape[0],) + (1,) * (x.ndim - 1))
    if keep_prob == 0:
        return x * per_sample
    return x * per_sample / keep_prob
