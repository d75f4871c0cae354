import numpy as np


def rms_norm(x, weight, eps=1e-6):
    # No mean is subtracted: divide by the root mean square of the last axis.
    rms = np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    return x / rms * weight
