import numpy as np


def batch_norm_train(x, gamma, beta, eps=1e-5):
    # One mean and one variance per feature, over the batch (axis 0).
    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased: divide by N, not N - 1
    x_hat = (x - mean) / np.sqrt(var + eps)  # eps inside the square root
    return gamma * x_hat + beta
