import numpy as np


def batch_norm_running_update(x, running_mean, running_var, momentum=0.1):
    # PyTorch's momentum is the weight of the NEW batch statistic.
    batch_mean = x.mean(axis=0)
    batch_var = x.var(axis=0, ddof=1)  # the running variance uses the unbiased estimate (n - 1)
    new_mean = (1 - momentum) * running_mean + momentum * batch_mean
    new_var = (1 - momentum) * running_var + momentum * batch_var
    return new_mean, new_var
