import numpy as np


def weight_standardization(weight, eps=1e-6):
    # One mean and variance per output filter: flatten everything but the first axis.
    w = weight.reshape(weight.shape[0], -1)
    mean = w.mean(axis=1, keepdims=True)
    var = w.var(axis=1, keepdims=True)  # biased
    return ((w - mean) / np.sqrt(var + eps)).reshape(weight.shape)
