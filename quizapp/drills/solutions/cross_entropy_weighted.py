import numpy as np


def cross_entropy_weighted(logits, target, weight, ignore_index=-100):
    counted = target != ignore_index
    logits, target = logits[counted], target[counted]
    shifted = logits - logits.max(axis=1, keepdims=True)  # stable log-softmax
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    w = weight[target]
    nll = -log_probs[np.arange(len(target)), target]
    # 'mean' with class weights divides by the sum of the weights used, not by N.
    return (w * nll).sum() / w.sum()
