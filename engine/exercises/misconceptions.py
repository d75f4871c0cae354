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

# The newer techniques: spectral norm, weight standardization, alpha dropout, DropBlock, Random
# Erasing, gradient clipping, AMSGrad, weighted cross-entropy, Keras's early-stopping options, LoRA.
CATALOG |= _catalog(
    Misconception(
        "spectral_norm_frobenius",
        "You divided the weight by its Frobenius norm sqrt(sum W^2).",
        "Spectral normalization divides by the largest singular value sigma = u^T W v, estimated by "
        "power iteration; the Frobenius norm is larger and over-shrinks the layer.",
    ),
    Misconception(
        "spectral_norm_legacy_order",
        "You updated v from the stored u first, as the older torch.nn.utils.spectral_norm does.",
        "torch.nn.utils.parametrizations.spectral_norm updates u = normalize(W v) first, then "
        "v = normalize(W^T u), and sigma = u . W v.",
    ),
    Misconception(
        "ws_whole_tensor",
        "You standardized the whole weight tensor with one mean and one variance.",
        "Weight Standardization standardizes each output filter on its own: mean and variance over "
        "in_channels x kH x kW, one pair per output channel.",
    ),
    Misconception(
        "alpha_dropout_as_dropout",
        "You zeroed the dropped units and divided the kept ones by 1 - p, as ordinary dropout does.",
        "AlphaDropout sets dropped units to SELU's saturation -1.7581 and applies a * x + b so the "
        "mean stays 0 and the variance 1.",
    ),
    Misconception(
        "alpha_dropout_no_affine",
        "You set dropped units to -1.7581 but left out the affine correction a * x + b.",
        "After setting dropped units to -alpha' = -1.7581, AlphaDropout applies y = a * x + b with "
        "a = 1 / sqrt((alpha'^2 p + 1)(1 - p)) and b = a * alpha' * p.",
    ),
    Misconception(
        "dropblock_gamma_no_valid_region",
        "You set DropBlock's seed rate to p / block_size^2.",
        "Seeds only fall where a whole block fits, so gamma = p * H * W / (block_size^2 * "
        "(H - block_size + 1) * (W - block_size + 1)).",
    ),
    Misconception(
        "dropblock_seed_rate_is_p",
        "You drew DropBlock's seeds with probability p itself.",
        "Each seed drops block_size^2 units, so the seed rate gamma is about p / block_size^2 "
        "(scaled by H * W over the valid seed positions).",
    ),
    Misconception(
        "dropblock_scale_by_keep_rate",
        "You rescaled the kept units by 1 / (1 - p), as dropout does.",
        "torchvision's DropBlock rescales by the count: numel / (number of kept units), because "
        "overlapping blocks rarely drop exactly a fraction p.",
    ),
    Misconception(
        "erase_rows_cols_swapped",
        "You read i as the column and j as the row of the erased box.",
        "torchvision's erase(img, i, j, h, w, v) erases img[..., i:i+h, j:j+w]: i is the top row, "
        "j the left column.",
    ),
    Misconception(
        "erasing_ratio_inverted",
        "You took RandomErasing's aspect ratio as width / height.",
        "RandomErasing sets h = round(sqrt(area * ratio)) and w = round(sqrt(area / ratio)): the "
        "ratio is height / width (RandomResizedCrop uses it the other way round).",
    ),
    Misconception(
        "clip_each_separately",
        "You clipped each gradient by its own norm.",
        "clip_grad_norm_ computes one total norm over all gradients and scales every gradient by "
        "the same factor max_norm / total_norm, which keeps the update's direction.",
    ),
    Misconception(
        "clip_scales_up",
        "You scaled the gradients up to max_norm although their norm was below it.",
        "clip_grad_norm_ clamps the factor at 1: gradients whose total norm is below max_norm are "
        "left unchanged.",
    ),
    Misconception(
        "amsgrad_max_of_corrected",
        "You kept the maximum of the bias-corrected second moments.",
        "PyTorch's AMSGrad keeps max(v_max, v) of the raw v and divides its square root by the "
        "current step's sqrt(1 - beta2^t).",
    ),
    Misconception(
        "amsgrad_as_adam",
        "You used the current second moment v, as plain Adam does.",
        "With amsgrad=True the denominator uses the running maximum of v, so it never shrinks.",
    ),
    Misconception(
        "ce_ignored_in_mean",
        "You counted the ignored targets in the mean.",
        "Targets equal to ignore_index (-100 by default) are left out of the sum and of the "
        "count the mean divides by.",
    ),
    Misconception(
        "ce_weighted_mean_over_count",
        "You divided the weighted loss by the number of targets.",
        "With weight=, the mean divides by the sum of the weights of the counted targets, "
        "sum_i w[y_i]: a weighted average.",
    ),
    Misconception(
        "warmup_epochs_monitored",
        "You monitored the epochs before start_from_epoch.",
        "Keras's EarlyStopping ignores epochs before start_from_epoch entirely: they neither count "
        "towards patience nor can be the best epoch.",
    ),
    Misconception(
        "baseline_ignored",
        "You let every improvement reset the patience counter although a baseline was set.",
        "With baseline=, Keras resets the wait only when an epoch beats both the best so far and "
        "the baseline; smaller improvements keep the count running.",
    ),
    Misconception(
        "lora_full_matrix",
        "You counted the full in x out update matrix as trainable.",
        "LoRA trains A (r x in) and B (out x r): r * (in + out) parameters per adapted weight; "
        "the full weight stays frozen.",
    ),
    Misconception(
        "lora_alpha_not_divided_by_r",
        "You scaled the LoRA update B A by alpha.",
        "PEFT scales the update by alpha / r: y = x W^T + (alpha / r) * x A^T B^T.",
    ),
)
