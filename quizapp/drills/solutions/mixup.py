import numpy as np


def mixup(x, y, lam, perm):
    # Inputs and labels are blended with the same weight and the same partner.
    x_mixed = lam * x + (1 - lam) * x[perm]
    y_mixed = lam * y + (1 - lam) * y[perm]
    return x_mixed, y_mixed
