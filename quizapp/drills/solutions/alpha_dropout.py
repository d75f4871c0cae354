import numpy as np

ALPHA_PRIME = 1.7580993408473766  # SELU's negative saturation: lambda * alpha


def alpha_dropout(x, mask, p, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return np.zeros_like(x)
    # Dropped units take -alpha' (not 0), then a * x + b restores mean 0 and variance 1.
    a = 1 / np.sqrt((ALPHA_PRIME ** 2 * p + 1) * (1 - p))
    b = a * ALPHA_PRIME * p
    dropped_to = np.where(mask, x, -ALPHA_PRIME)
    return (a * dropped_to + b).astype(x.dtype)
