import numpy as np


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    n, c, h, w = x.shape
    # A group is c // num_groups consecutive channels of one sample.
    groups = x.reshape(n, num_groups, c // num_groups, h, w)
    mean = groups.mean(axis=(2, 3, 4), keepdims=True)
    var = groups.var(axis=(2, 3, 4), keepdims=True)
    x_hat = ((groups - mean) / np.sqrt(var + eps)).reshape(n, c, h, w)
    # gamma and beta are per channel, not per group.
    return gamma.reshape(1, c, 1, 1) * x_hat + beta.reshape(1, c, 1, 1)
