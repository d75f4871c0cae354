import numpy as np


def clip_grad_norm(g1, g2, max_norm, norm_type=2.0):
    # One norm over ALL the gradients together, not one per tensor.
    if np.isinf(norm_type):
        total_norm = max(np.abs(g1).max(), np.abs(g2).max())
    else:
        total_norm = (np.sum(np.abs(g1) ** norm_type) + np.sum(np.abs(g2) ** norm_type)) ** (1 / norm_type)
    # Scale down only: a norm already below max_norm leaves the gradients alone.
    coef = min(1.0, max_norm / (total_norm + 1e-6))
    return g1 * coef, g2 * coef, total_norm
