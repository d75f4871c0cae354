import numpy as np


def instance_norm(x, eps=1e-5):
    # One mean and variance per sample AND channel, over the spatial axes only.
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    return (x - mean) / np.sqrt(var + eps)
