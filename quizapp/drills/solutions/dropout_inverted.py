import numpy as np


def dropout_inverted(x, mask, p, training=True):
    if not training or p == 0:
        return x  # evaluation is the identity: the scaling happened during training
    if p == 1:
        return np.zeros_like(x)  # everything dropped (and no division by zero)
    # p is the DROP probability; the kept units are scaled by 1 / (1 - p).
    return x * mask / (1 - p)
