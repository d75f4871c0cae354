import numpy as np


def spectral_norm_step(weight, u, v, eps=1e-12):
    def normalize(a):
        return a / max(np.linalg.norm(a), eps)

    # PyTorch's order: u from v first, then v from the new u.
    u = normalize(weight @ v)
    v = normalize(weight.T @ u)
    sigma = u @ (weight @ v)  # the largest singular value, not the Frobenius norm
    return weight / sigma, u, v
