"""The popular wrong beliefs a numeric answer can reveal, by stable name.

A generator declares which of these its exercise can diagnose and computes each one's answer with
the engine (a flag or a variant op).  When a wrong answer matches one, the app names the belief,
says what is true instead, and points at the cards whose ``teaches`` lists the name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Misconception:
    name: str
    belief: str  # what the person did, in one line
    truth: str  # what is right, in one line


def _catalog(*items: Misconception) -> dict[str, Misconception]:
    return {m.name: m for m in items}


CATALOG: dict[str, Misconception] = _catalog(
    Misconception(
        "unbiased_variance",
        "You normalized with the unbiased variance (divide by n - 1).",
        "BatchNorm, LayerNorm, GroupNorm and InstanceNorm normalize with the biased variance "
        "(divide by n); only BatchNorm's running_var uses the unbiased one.",
    ),
    Misconception(
        "biased_running_var",
        "You updated running_var with the biased batch variance (divide by n).",
        "PyTorch updates running_var with the unbiased batch variance (divide by n - 1).",
    ),
    Misconception(
        "no_eps",
        "You left eps out.",
        "eps is added to the variance inside the square root: (x - mean) / sqrt(var + eps).",
    ),
    Misconception(
        "eps_outside_sqrt",
        "You added eps to the standard deviation, outside the square root.",
        "PyTorch divides by sqrt(var + eps): eps goes inside the square root.",
    ),
    Misconception(
        "std_for_var",
        "You used the variance where the standard deviation belongs (or the other way round).",
        "Normalizing divides by the standard deviation sqrt(var + eps), not by the variance.",
    ),
    Misconception(
        "keep_prob_as_drop_prob",
        "You read p as the probability of keeping a unit.",
        "In PyTorch p is the probability of dropping (zeroing) a unit; the keep probability is 1 - p.",
    ),
    Misconception(
        "scale_at_eval",
        "You scaled the activations at evaluation time on top of inverted dropout.",
        "Inverted dropout scales kept units by 1/(1 - p) during training, so eval is the identity.",
    ),
    Misconception(
        "no_inverted_scaling",
        "You zeroed the dropped units but did not scale the kept ones.",
        "Inverted dropout divides the kept units by the keep probability 1 - p during training.",
    ),
    Misconception(
        "keras_momentum",
        "You gave momentum to the old running value, as Keras does (running = m*running + (1-m)*batch).",
        "PyTorch's momentum weights the new batch: running = (1 - m)*running + m*batch, m = 0.1.",
    ),
    Misconception(
        "running_average_sign",
        "You subtracted the new batch statistic in the running average.",
        "The running average is a convex combination: (1 - m)*running + m*batch, both terms added.",
    ),
    Misconception(
        "wrong_axes",
        "You averaged over the wrong axes.",
        "BatchNorm averages over every axis but C; LayerNorm over normalized_shape (the last axes); "
        "InstanceNorm over the spatial axes of each sample and channel.",
    ),
    Misconception(
        "groups_as_group_size",
        "You read num_groups as the number of channels in each group.",
        "GroupNorm(num_groups, C) splits C channels into num_groups groups of C / num_groups channels.",
    ),
    Misconception(
        "pre_post_ln_swapped",
        "You swapped Pre-LN and Post-LN.",
        "Pre-LN is x + F(LN(x)); Post-LN (the original Transformer) is LN(x + F(x)).",
    ),
    Misconception(
        "coupled_weight_decay",
        "You added weight decay to the gradient, as Adam's L2 does, in an AdamW step.",
        "AdamW decays the weights directly, p -= lr * wd * p, outside the adaptive update.",
    ),
    Misconception(
        "decoupled_for_adam",
        "You applied decoupled decay in Adam with weight_decay.",
        "torch.optim.Adam's weight_decay adds wd * p to the gradient (L2), which Adam then rescales.",
    ),
    Misconception(
        "cutmix_uncorrected_lambda",
        "You kept the sampled lambda after the box was clipped at the border.",
        "CutMix recomputes lambda as 1 - (clipped box area) / (image area).",
    ),
    Misconception(
        "smoothing_over_k_minus_1",
        "You spread the smoothing mass eps over the K - 1 wrong classes only.",
        "PyTorch's label smoothing mixes with the uniform over all K classes: "
        "(1 - eps)*one_hot + eps/K, so the true class gets 1 - eps + eps/K.",
    ),
    Misconception(
        "l2_gradient_no_factor_2",
        "You wrote the gradient of lambda * sum(w^2) as lambda * w.",
        "d/dw of lambda * w^2 is 2 * lambda * w (weight decay wd corresponds to lambda = wd / 2).",
    ),
    Misconception(
        "drop_path_no_scale",
        "You dropped residual branches without rescaling the kept ones.",
        "DropPath (scale_by_keep=True) divides kept branches by the keep probability 1 - drop_prob.",
    ),
    Misconception(
        "patience_off_by_one",
        "You stopped one epoch too early or too late.",
        "Training stops once `patience` epochs in a row have failed to improve on the best.",
    ),
    Misconception(
        "restore_last_not_best",
        "You restored the weights of the last epoch.",
        "Restoring best weights takes the epoch with the best monitored score.",
    ),
    Misconception(
        "mc_variance_unbiased",
        "You used the unbiased (n - 1) variance of the MC passes.",
        "The MC-dropout predictive variance here is the plain (biased) variance over T passes.",
    ),
    Misconception(
        "mean_not_subtracted_rms",
        "You subtracted the mean in RMSNorm.",
        "RMSNorm divides by sqrt(mean(x^2) + eps) without centring; that is the point of it.",
    ),
    Misconception(
        "batch_stats_at_eval",
        "You normalized with the batch's own statistics in eval mode.",
        "In eval mode BatchNorm uses running_mean and running_var, so one sample's output does not "
        "depend on the rest of the batch.",
    ),
    Misconception(
        "buffers_without_counter",
        "You counted running_mean and running_var but not num_batches_tracked.",
        "BatchNorm with track_running_stats=True has three buffers: running_mean, running_var "
        "(C values each) and the scalar num_batches_tracked.",
    ),
    Misconception(
        "stats_as_constants",
        "You backpropagated as if the batch mean and variance were constants.",
        "In training mode the mean and variance depend on every input, so the gradient has two "
        "extra terms: dx = (gamma/std) * (g - mean(g) - x_hat * mean(g * x_hat)).",
    ),
    Misconception(
        "mixed_conventions",
        "You mixed the two dropout conventions.",
        "Original dropout: no scaling in training, multiply by the keep probability at test. "
        "Inverted dropout (PyTorch): divide by the keep probability in training, nothing at test.",
    ),
    Misconception(
        "mixup_lambda_swapped",
        "You gave lambda to the second sample.",
        "MixUp forms lam * x_i + (1 - lam) * x_j: lambda weights the first sample and its label.",
    ),
    Misconception(
        "flip_axis_swapped",
        "You flipped the image upside down.",
        "A horizontal flip mirrors left and right: it reverses the width (last) axis.",
    ),
    Misconception(
        "residual_identity_forgotten",
        "You left out the identity path of the residual connection.",
        "d(x + F(x))/dx = I + dF/dx: the identity term passes the gradient through unchanged.",
    ),
    Misconception(
        "linear_decay_off_by_one",
        "You spread the drop rates as l / depth instead of over depth - 1 steps.",
        "timm's rule is linspace(0, drop_path_rate, depth): block i (from 0) gets "
        "drop_path_rate * i / (depth - 1), so the last block gets the full rate.",
    ),
    Misconception(
        "weight_decay_doubled",
        "You added 2 * wd * w, reading weight_decay as lambda in lambda * sum(w^2).",
        "SGD's weight_decay adds wd * w to the gradient: the gradient of (wd / 2) * sum(w^2).",
    ),
    Misconception(
        "l1_l2_swapped",
        "You used the L2 formula for L1, or the other way round.",
        "L1: lam * sum(|w|), gradient lam * sign(w). L2: lam * sum(w^2), gradient 2 * lam * w.",
    ),
)
