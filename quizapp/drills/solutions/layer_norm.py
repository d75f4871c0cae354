import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    # Each sample (each position) is normalized over its own last axis.
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)  # biased
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
