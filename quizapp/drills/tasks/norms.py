"""Drills on the normalization layers: BatchNorm (train, eval, running stats), LayerNorm, GroupNorm,
InstanceNorm, RMSNorm.  References: :mod:`engine.norms`.

The edge cases are the ones interviews probe: N = 2 (where n versus n - 1 matters most), a feature
whose values are all equal (var = 0, so only eps keeps the output finite), a feature with a tiny
variance (eps inside versus outside the square root), an eps other than the default (an ignored
argument), float32 input.
"""

from __future__ import annotations

import numpy as np

from quizapp.engine import norms
from quizapp.drills.task import FLOAT32_TOL, Case, Mistake, Task, friendly

# -- wrong beliefs, shared by the norm tasks -------------------------------------------------------


def standardize(x, axes, eps, *, ddof=0, eps_at="inside"):
    """(x - mean) / d over ``axes`` with a wrong-belief variant of d (for mistakes only).

    eps_at: "inside" sqrt(var + eps), "outside" sqrt(var) + eps, "var" var + eps (no square root).
    """
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, ddof=ddof, keepdims=True)
    denom = {"inside": np.sqrt(var + eps), "outside": np.sqrt(var) + eps, "var": var + eps}[eps_at]
    return (x - mean) / denom


def _affine(z, gamma, beta):
    return z * gamma + beta


def _per_feature_mistakes(axes_of, affine, reference_at_eps, default_eps, wrong_axes=()):
    """The usual normalization mistakes for a task whose statistics run over ``axes_of(x)``.

    ``affine(z, *args)`` applies the task's scale and shift to a standardized z;
    ``reference_at_eps(args, eps)`` is the engine's output with another eps (no eps, fixed eps).
    ``wrong_axes`` is a list of functions x -> axes that a confused person might reduce over.
    """

    apply = affine if affine is not None else (lambda z, *args: z)

    def variant(**how):
        def outputs(x, *rest):
            eps = rest[-1]
            return (apply(standardize(x, axes_of(x), eps, **how), x, *rest),)

        return outputs

    def other_axes(axes_fn):
        def outputs(x, *rest):
            return (apply(standardize(x, axes_fn(x), rest[-1]), x, *rest),)

        return outputs

    def at_eps(value):
        def outputs(*args):
            if value is not None and args[-1] == value:
                return None
            return reference_at_eps(args, 0.0 if value is None else value)

        return outputs

    def no_affine(x, *rest):
        return (standardize(x, axes_of(x), rest[-1]),)

    return (
        Mistake("unbiased_variance", variant(ddof=1)),
        Mistake("no_eps", at_eps(None)),
        Mistake("eps_outside_sqrt", variant(eps_at="outside")),
        Mistake("std_for_var", variant(eps_at="var")),
        *(Mistake("wrong_axes", other_axes(fn)) for fn in wrong_axes),
        Mistake("eps_ignored", at_eps(default_eps)),
        *((Mistake("forgot_affine", no_affine),) if affine is not None else ()),
    )


def _tiny_variance_column(rng, n):
    """Values within +-0.002 of 1: var ~ 2e-6, smaller than eps = 1e-5."""
    return 1.0 + rng.choice([-0.002, -0.001, 0.001, 0.002], size=n)


# -- BatchNorm, training mode ------------------------------------------------------------------


def _bn_train_cases(rng):
    def gb(d):
        return friendly(rng, d, 1.0, 0.5), friendly(rng, d, 0.0, 0.5)

    cases = [Case("a small batch", (np.array([[1.0, 2.0, 0.0], [3.0, 6.0, 1.0], [2.0, 4.0, 5.0], [6.0, 0.0, 2.0]]),
                                    np.array([1.0, 2.0, 0.5]), np.array([0.0, 1.0, -1.0]), 1e-5))]
    cases.append(Case("two samples (N = 2): n or n - 1 matters most here", (friendly(rng, (2, 3), 0, 2), *gb(3), 1e-5)))
    x = friendly(rng, (4, 3), 0, 1)
    x[:, 1] = 3.0
    cases.append(Case("feature 1 has equal values (var = 0): eps keeps y finite", (x, *gb(3), 1e-5)))
    x = friendly(rng, (4, 3), 0, 1)
    x[:, 0] = _tiny_variance_column(rng, 4)
    cases.append(Case("feature 0 has a tiny variance (smaller than eps)", (x, *gb(3), 1e-5)))
    cases.append(Case("eps = 0.1", (friendly(rng, (5, 2), 0, 0.5), *gb(2), 0.1)))
    g, b = gb(3)
    cases.append(Case("float32 input", (friendly(rng, (6, 3), 2, 3).astype(np.float32), g.astype(np.float32),
                                        b.astype(np.float32), 1e-5), *FLOAT32_TOL))
    for _ in range(4):
        n, d = int(rng.integers(3, 9)), int(rng.integers(2, 6))
        cases.append(Case("random", (friendly(rng, (n, d), rng.normal(0, 3), rng.uniform(0.5, 4)), *gb(d), 1e-5)))
    cases.append(Case("a larger batch (64 x 16)", (friendly(rng, (64, 16), 1, 2), *gb(16), 1e-5)))
    return cases


def _bn_train_reference(x, gamma, beta, eps=1e-5):
    return (norms.batch_norm(x, None, None, gamma, beta, training=True, eps=eps),)


BATCH_NORM_TRAIN = Task(
    id="batch_norm_train",
    title="BatchNorm forward, training mode (N, D)",
    function="batch_norm_train",
    params="x, gamma, beta, eps=1e-5",
    description="""
BatchNorm's forward pass in training mode (nn.BatchNorm1d on an (N, D) batch).

x      (N, D)  a batch of N samples with D features
gamma  (D,)    scale (weight), one per feature
beta   (D,)    shift (bias), one per feature
eps    float   added to the variance for numerical stability

Normalize each feature with the mean and variance of the batch, then scale and shift.
Return y, shape (N, D).
""",
    outputs=("y",),
    reference=_bn_train_reference,
    cases=_bn_train_cases,
    mistakes=_per_feature_mistakes(
        lambda x: 0,
        lambda z, x, gamma, beta, eps: _affine(z, gamma, beta),
        lambda args, eps: _bn_train_reference(*args[:-1], eps=eps),
        1e-5,
        wrong_axes=[lambda x: 1],
    ),
    topic="batch-norm",
    broadcast_hint="BatchNorm keeps one mean and one variance per feature: reduce over axis 0 (the batch).",
    shape_hint="y has the shape of x.",
)

# -- BatchNorm, evaluation mode ----------------------------------------------------------------


def _bn_eval_cases(rng):
    def stats(d):
        return friendly(rng, d, 0.0, 1.0), np.round(rng.uniform(0.2, 3.0, d), 2)

    def gb(d):
        return friendly(rng, d, 1.0, 0.5), friendly(rng, d, 0.0, 0.5)

    cases = [Case("a small batch", (np.array([[1.0, 2.0], [3.0, -2.0], [0.0, 5.0]]), np.array([1.0, 0.5]),
                                    np.array([4.0, 0.25]), np.array([1.0, 2.0]), np.array([0.0, -1.0]), 1e-5))]
    cases.append(Case("one sample (N = 1): eval mode does not need a batch", (friendly(rng, (1, 3), 0, 2), *stats(3), *gb(3), 1e-5)))
    mean, var = stats(3)
    var[2] = 2e-6
    cases.append(Case("running_var[2] is tiny (smaller than eps)", (friendly(rng, (4, 3), 0, 0.1), mean, var, *gb(3), 1e-5)))
    cases.append(Case("eps = 0.1", (friendly(rng, (3, 2), 0, 1), *stats(2), *gb(2), 0.1)))
    m, v = stats(3)
    g, b = gb(3)
    cases.append(Case("float32 input", tuple(a.astype(np.float32) for a in (friendly(rng, (5, 3), 1, 2), m, v, g, b)) + (1e-5,),
                      *FLOAT32_TOL))
    for _ in range(4):
        n, d = int(rng.integers(2, 8)), int(rng.integers(2, 6))
        cases.append(Case("random", (friendly(rng, (n, d), rng.normal(0, 2), 2), *stats(d), *gb(d), 1e-5)))
    return cases


def _bn_eval_reference(x, running_mean, running_var, gamma, beta, eps=1e-5):
    return (norms.batch_norm(x, running_mean, running_var, gamma, beta, training=False, eps=eps),)


def _bn_eval_variant(eps_at):
    def outputs(x, mean, var, gamma, beta, eps):
        denom = {"outside": np.sqrt(var) + eps, "var": var + eps}[eps_at]
        return ((x - mean) / denom * gamma + beta,)

    return outputs


def _bn_eval_at_eps(value):
    def outputs(x, mean, var, gamma, beta, eps):
        if value is not None and eps == value:
            return None
        return _bn_eval_reference(x, mean, var, gamma, beta, eps=0.0 if value is None else value)

    return outputs


BATCH_NORM_EVAL = Task(
    id="batch_norm_eval",
    title="BatchNorm forward, evaluation mode",
    function="batch_norm_eval",
    params="x, running_mean, running_var, gamma, beta, eps=1e-5",
    description="""
BatchNorm's forward pass in evaluation mode (after model.eval()).

x             (N, D)  a batch (N may be 1)
running_mean  (D,)    the running mean collected during training
running_var   (D,)    the running variance collected during training
gamma, beta   (D,)    scale and shift
eps           float

Return y, shape (N, D).
""",
    outputs=("y",),
    reference=_bn_eval_reference,
    cases=_bn_eval_cases,
    mistakes=(
        Mistake("batch_stats_at_eval", lambda x, m, v, g, b, eps: (standardize(x, 0, eps) * g + b,)),
        Mistake("no_eps", _bn_eval_at_eps(None)),
        Mistake("eps_outside_sqrt", _bn_eval_variant("outside")),
        Mistake("std_for_var", _bn_eval_variant("var")),
        Mistake("eps_ignored", _bn_eval_at_eps(1e-5)),
        Mistake("forgot_affine", lambda x, m, v, g, b, eps: ((x - m) / np.sqrt(v + eps),)),
    ),
    topic="batch-norm",
    broadcast_hint="The running statistics have one value per feature: they broadcast against x of shape (N, D) as is.",
    shape_hint="y has the shape of x.",
)

# -- BatchNorm running statistics ------------------------------------------------------------


def _bn_running_cases(rng):
    def stats(d):
        return friendly(rng, d, 0.0, 1.0), np.round(rng.uniform(0.5, 2.0, d), 2)

    cases = [Case("a small batch", (np.array([[1.0, 2.0], [3.0, 6.0], [2.0, 1.0], [6.0, 3.0]]), np.zeros(2), np.ones(2), 0.1))]
    cases.append(Case("two samples (N = 2): the unbiased variance doubles the biased one", (friendly(rng, (2, 3), 0, 2), *stats(3), 0.1)))
    cases.append(Case("momentum = 0.3", (friendly(rng, (4, 3), 1, 2), *stats(3), 0.3)))
    cases.append(Case("momentum = 1: the running stats become the batch's", (friendly(rng, (3, 2), 0, 1), *stats(2), 1.0)))
    for _ in range(4):
        n, d = int(rng.integers(3, 9)), int(rng.integers(2, 6))
        momentum = float(rng.choice([0.01, 0.1, 0.2]))
        cases.append(Case("random", (friendly(rng, (n, d), rng.normal(0, 2), 2), *stats(d), momentum)))
    return cases


def _bn_running_reference(x, running_mean, running_var, momentum=0.1):
    running_mean, running_var = running_mean.copy(), running_var.copy()
    norms.batch_norm(x, running_mean, running_var, training=True, momentum=momentum)
    return running_mean, running_var


def _bn_running_variant(ddof=1, old_weight=None, sign=1.0):
    def outputs(x, running_mean, running_var, momentum):
        keep = 1.0 - momentum if old_weight is None else old_weight(momentum)
        new = 1.0 - keep
        return (
            keep * running_mean + sign * new * x.mean(axis=0),
            keep * running_var + sign * new * x.var(axis=0, ddof=ddof),
        )

    return outputs


BATCH_NORM_RUNNING_UPDATE = Task(
    id="batch_norm_running_update",
    title="BatchNorm running mean and variance update",
    function="batch_norm_running_update",
    params="x, running_mean, running_var, momentum=0.1",
    description="""
The update of BatchNorm's running statistics after one training batch (PyTorch's rule).

x             (N, D)  the training batch
running_mean  (D,)    the running mean before this batch
running_var   (D,)    the running variance before this batch
momentum      float   PyTorch's momentum (0.1 by default)

Return (new_running_mean, new_running_var), each of shape (D,).
""",
    outputs=("running_mean", "running_var"),
    reference=_bn_running_reference,
    cases=_bn_running_cases,
    mistakes=(
        Mistake("biased_running_var", _bn_running_variant(ddof=0)),
        Mistake("keras_momentum", _bn_running_variant(old_weight=lambda m: m)),
        Mistake("running_average_sign", _bn_running_variant(sign=-1.0)),
    ),
    topic="batch-norm",
    broadcast_hint="The running statistics have one value per feature: reduce x over axis 0 (the batch).",
    shape_hint="Each running statistic has one value per feature: shape (D,), from reducing over axis 0.",
)

# -- LayerNorm -------------------------------------------------------------------------------


def _ln_cases(rng):
    def gb(d):
        return friendly(rng, d, 1.0, 0.5), friendly(rng, d, 0.0, 0.5)

    cases = [Case("a small batch", (np.array([[1.0, 2.0, 3.0, 6.0], [4.0, 0.0, -2.0, 2.0], [1.0, 1.0, 5.0, 1.0]]),
                                    np.array([1.0, 2.0, 0.5, 1.0]), np.array([0.0, 1.0, -1.0, 0.5]), 1e-5))]
    x = friendly(rng, (3, 4), 0, 1)
    x[1] = 2.5
    cases.append(Case("row 1 has equal values (var = 0): eps keeps y finite", (x, *gb(4), 1e-5)))
    x = friendly(rng, (2, 4), 0, 1)
    x[0] = _tiny_variance_column(rng, 4)
    cases.append(Case("row 0 has a tiny variance (smaller than eps)", (x, *gb(4), 1e-5)))
    cases.append(Case("a 3-d input (B, T, D) = (2, 3, 4): normalize over the last axis only", (friendly(rng, (2, 3, 4), 0, 2), *gb(4), 1e-5)))
    cases.append(Case("eps = 0.1", (friendly(rng, (3, 5), 0, 0.5), *gb(5), 0.1)))
    g, b = gb(4)
    cases.append(Case("float32 input", (friendly(rng, (4, 4), 2, 3).astype(np.float32), g.astype(np.float32),
                                        b.astype(np.float32), 1e-5), *FLOAT32_TOL))
    for _ in range(4):
        d = int(rng.integers(2, 7))
        lead = (int(rng.integers(2, 6)),) if rng.random() < 0.5 else (int(rng.integers(1, 4)), int(rng.integers(2, 5)))
        cases.append(Case("random", (friendly(rng, lead + (d,), rng.normal(0, 3), rng.uniform(0.5, 4)), *gb(d), 1e-5)))
    cases.append(Case("a larger batch (16 x 64)", (friendly(rng, (16, 64), 1, 2), *gb(64), 1e-5)))
    return cases


def _ln_reference(x, gamma, beta, eps=1e-5):
    return (norms.layer_norm(x, x.shape[-1], gamma, beta, eps=eps),)


LAYER_NORM = Task(
    id="layer_norm",
    title="LayerNorm forward over the last axis",
    function="layer_norm",
    params="x, gamma, beta, eps=1e-5",
    description="""
LayerNorm's forward pass over the last axis (nn.LayerNorm(D)).

x      (..., D)  any number of leading axes, e.g. (N, D) or (B, T, D)
gamma  (D,)      scale (weight), one per feature
beta   (D,)      shift (bias), one per feature
eps    float

Return y, the same shape as x.
""",
    outputs=("y",),
    reference=_ln_reference,
    cases=_ln_cases,
    mistakes=_per_feature_mistakes(
        lambda x: -1,
        lambda z, x, gamma, beta, eps: _affine(z, gamma, beta),
        lambda args, eps: _ln_reference(*args[:-1], eps=eps),
        1e-5,
        wrong_axes=[lambda x: tuple(range(x.ndim - 1)), lambda x: tuple(range(1, x.ndim)) if x.ndim > 2 else 0],
    ),
    topic="layer-norm",
    broadcast_hint="LayerNorm's statistics are per sample: x.mean(axis=-1, keepdims=True) keeps them broadcastable.",
    shape_hint="y has the shape of x.",
)

# -- GroupNorm -------------------------------------------------------------------------------


def _gn_cases(rng):
    def gb(c):
        return friendly(rng, c, 1.0, 0.5), friendly(rng, c, 0.0, 0.5)

    cases = [Case("one sample, 6 channels in 2 groups of 3", (friendly(rng, (1, 6, 2, 2), 0, 2), 2, *gb(6), 1e-5))]
    cases.append(Case("num_groups = 1 (LayerNorm over C, H, W)", (friendly(rng, (2, 4, 2, 1), 0, 2), 1, *gb(4), 1e-5)))
    cases.append(Case("num_groups = C (InstanceNorm)", (friendly(rng, (2, 3, 2, 2), 0, 2), 3, *gb(3), 1e-5)))
    x = friendly(rng, (2, 4, 2, 2), 0, 1)
    x[1, 2:] = -1.5
    cases.append(Case("group 1 of sample 1 has equal values: eps keeps y finite", (x, 2, *gb(4), 1e-5)))
    cases.append(Case("eps = 0.1, 8 channels in 4 groups", (friendly(rng, (2, 8, 1, 2), 0, 0.5), 4, *gb(8), 0.1)))
    g, b = gb(6)
    cases.append(Case("float32 input", (friendly(rng, (2, 6, 3, 3), 1, 2).astype(np.float32), 3, g.astype(np.float32),
                                        b.astype(np.float32), 1e-5), *FLOAT32_TOL))
    for _ in range(4):
        groups = int(rng.choice([2, 3, 4]))
        per_group = int(rng.choice([c for c in (1, 2, 3, 4) if c != groups]))
        c = groups * per_group
        shape = (int(rng.integers(1, 4)), c, int(rng.integers(1, 4)), int(rng.integers(2, 4)))
        cases.append(Case("random", (friendly(rng, shape, rng.normal(0, 2), rng.uniform(0.5, 3)), groups, *gb(c), 1e-5)))
    return cases


def _gn_reference(x, num_groups, gamma, beta, eps=1e-5):
    return (norms.group_norm(x, num_groups, gamma, beta, eps=eps),)


def _channel_affine(z, gamma, beta):
    shape = (1, -1) + (1,) * (z.ndim - 2)
    return z * gamma.reshape(shape) + beta.reshape(shape)


def _gn_standardize(x, groups, eps, **how):
    n, c = x.shape[:2]
    grouped = x.reshape(n, groups, c // groups, *x.shape[2:])
    return standardize(grouped, tuple(range(2, grouped.ndim)), eps, **how).reshape(x.shape)


def _gn_variant(**how):
    return lambda x, groups, gamma, beta, eps: (_channel_affine(_gn_standardize(x, groups, eps, **how), gamma, beta),)


def _gn_groups_as_size(x, groups, gamma, beta, eps):
    size = x.shape[1] // groups
    if size == groups:
        return None
    return _gn_reference(x, size, gamma, beta, eps)


def _gn_strided(x, groups, gamma, beta, eps):
    n, c = x.shape[:2]
    strided = x.reshape(n, c // groups, groups, *x.shape[2:])
    axes = (1,) + tuple(range(3, strided.ndim))
    z = standardize(strided, axes, eps).reshape(x.shape)
    return (_channel_affine(z, gamma, beta),)


def _gn_at_eps(value):
    def outputs(x, groups, gamma, beta, eps):
        if value is not None and eps == value:
            return None
        return _gn_reference(x, groups, gamma, beta, 0.0 if value is None else value)

    return outputs


GROUP_NORM = Task(
    id="group_norm",
    title="GroupNorm forward on (N, C, H, W)",
    function="group_norm",
    params="x, num_groups, gamma, beta, eps=1e-5",
    description="""
GroupNorm's forward pass (nn.GroupNorm(num_groups, C)).

x           (N, C, H, W)
num_groups  int     the number of groups; C is divisible by it
gamma       (C,)    scale, one per channel
beta        (C,)    shift, one per channel
eps         float

Return y, shape (N, C, H, W).
""",
    outputs=("y",),
    reference=_gn_reference,
    cases=_gn_cases,
    mistakes=(
        Mistake("groups_as_group_size", _gn_groups_as_size),
        Mistake("groups_strided", _gn_strided),
        Mistake("wrong_axes", lambda x, g, gamma, beta, eps: (_channel_affine(standardize(x, (2, 3), eps), gamma, beta),)),
        Mistake("wrong_axes", lambda x, g, gamma, beta, eps: (_channel_affine(standardize(x, (0, 2, 3), eps), gamma, beta),)),
        Mistake("unbiased_variance", _gn_variant(ddof=1)),
        Mistake("no_eps", _gn_at_eps(None)),
        Mistake("eps_outside_sqrt", _gn_variant(eps_at="outside")),
        Mistake("std_for_var", _gn_variant(eps_at="var")),
        Mistake("eps_ignored", _gn_at_eps(1e-5)),
        Mistake("forgot_affine", lambda x, g, gamma, beta, eps: (_gn_standardize(x, g, eps),)),
    ),
    topic="group-norm",
    broadcast_hint="Reshape x to (N, G, C // G, H, W) for the statistics, reshape back to (N, C, H, W), "
    "then apply gamma and beta reshaped to (1, C, 1, 1).",
    shape_hint="y has the shape of x: reshape back to (N, C, H, W) after normalizing the groups.",
)

# -- InstanceNorm ----------------------------------------------------------------------------


def _in_cases(rng):
    cases = [Case("a small batch (2, 2, 2, 2)", (np.array([[[[1.0, 2.0], [3.0, 6.0]], [[0.0, 4.0], [4.0, 0.0]]],
                                                           [[[2.0, 2.0], [1.0, 3.0]], [[5.0, 1.0], [2.0, 0.0]]]]), 1e-5))]
    cases.append(Case("one sample (N = 1)", (friendly(rng, (1, 3, 2, 3), 0, 2), 1e-5)))
    x = friendly(rng, (2, 2, 2, 2), 0, 1)
    x[1, 0] = 0.75
    cases.append(Case("channel 0 of sample 1 has equal values: eps keeps y finite", (x, 1e-5)))
    x = friendly(rng, (2, 2, 2, 2), 0, 1)
    x[0, 1] = _tiny_variance_column(rng, 4).reshape(2, 2)
    cases.append(Case("channel 1 of sample 0 has a tiny variance (smaller than eps)", (x, 1e-5)))
    cases.append(Case("eps = 0.1", (friendly(rng, (2, 3, 2, 2), 0, 0.5), 0.1)))
    cases.append(Case("float32 input", (friendly(rng, (2, 3, 4, 4), 1, 2).astype(np.float32), 1e-5), *FLOAT32_TOL))
    for _ in range(4):
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 5)), int(rng.integers(1, 4)), int(rng.integers(2, 5)))
        cases.append(Case("random", (friendly(rng, shape, rng.normal(0, 2), rng.uniform(0.5, 3)), 1e-5)))
    return cases


def _in_reference(x, eps=1e-5):
    return (norms.instance_norm(x, eps=eps),)


INSTANCE_NORM = Task(
    id="instance_norm",
    title="InstanceNorm forward on (N, C, H, W)",
    function="instance_norm",
    params="x, eps=1e-5",
    description="""
InstanceNorm's forward pass (nn.InstanceNorm2d(C) with its defaults: no affine, no running stats).

x    (N, C, H, W)
eps  float

Return y, shape (N, C, H, W).
""",
    outputs=("y",),
    reference=_in_reference,
    cases=_in_cases,
    mistakes=_per_feature_mistakes(
        lambda x: (2, 3),
        None,
        lambda args, eps: _in_reference(args[0], eps=eps),
        1e-5,
        wrong_axes=[lambda x: (0, 2, 3), lambda x: (1, 2, 3)],
    ),
    topic="instance-norm",
    broadcast_hint="InstanceNorm has one statistic per (sample, channel): reduce over axes (2, 3) with keepdims=True.",
    shape_hint="y has the shape of x.",
)

# -- RMSNorm ---------------------------------------------------------------------------------


def _rms_cases(rng):
    def w(d):
        return friendly(rng, d, 1.0, 0.5)

    cases = [Case("a small batch", (np.array([[1.0, 2.0, 2.0, 4.0], [3.0, -1.0, 1.0, 1.0]]), np.array([1.0, 2.0, 0.5, 1.0]), 1e-6))]
    x = friendly(rng, (3, 4), 2, 1)
    cases.append(Case("all values positive: RMSNorm does not subtract the mean", (x, w(4), 1e-6)))
    x = friendly(rng, (2, 4), 0, 1)
    x[1] = rng.choice([-1e-3, 1e-3], size=4)
    cases.append(Case("row 1 has tiny values (mean of squares = eps)", (x, w(4), 1e-6)))
    x = friendly(rng, (3, 3), 0, 1)
    x[0] = 0.0
    cases.append(Case("row 0 is all zeros: eps keeps y finite", (x, w(3), 1e-6)))
    cases.append(Case("a 3-d input (B, T, D) = (2, 2, 5)", (friendly(rng, (2, 2, 5), 0, 2), w(5), 1e-6)))
    cases.append(Case("eps = 0.1", (friendly(rng, (3, 4), 0, 0.5), w(4), 0.1)))
    cases.append(Case("float32 input", (friendly(rng, (4, 6), 1, 2).astype(np.float32), w(6).astype(np.float32), 1e-6), *FLOAT32_TOL))
    for _ in range(3):
        d = int(rng.integers(2, 8))
        lead = (int(rng.integers(1, 6)),) if rng.random() < 0.5 else (int(rng.integers(1, 4)), int(rng.integers(2, 4)))
        cases.append(Case("random", (friendly(rng, lead + (d,), rng.normal(0, 2), rng.uniform(0.5, 3)), w(d), 1e-6)))
    return cases


def _rms_reference(x, weight, eps=1e-6):
    return (norms.rms_norm(x, x.shape[-1], weight, eps=eps),)


def _rms_variant(kind):
    def outputs(x, weight, eps):
        x = np.asarray(x, dtype=np.float64)
        square = np.square(x)
        if kind == "outside":
            return (x / (np.sqrt(square.mean(axis=-1, keepdims=True)) + eps) * weight,)
        if kind == "sum":
            return (x / np.sqrt(square.sum(axis=-1, keepdims=True) + eps) * weight,)
        if kind == "axis0":
            return (x / np.sqrt(square.mean(axis=0, keepdims=True) + eps) * weight,)
        return (x / np.sqrt(square.mean(axis=-1, keepdims=True) + eps),)  # no weight

    return outputs


def _rms_at_eps(value):
    def outputs(x, weight, eps):
        if value is not None and eps == value:
            return None
        return _rms_reference(x, weight, 0.0 if value is None else value)

    return outputs


RMS_NORM = Task(
    id="rms_norm",
    title="RMSNorm forward over the last axis",
    function="rms_norm",
    params="x, weight, eps=1e-6",
    description="""
RMSNorm's forward pass over the last axis (nn.RMSNorm(D, eps=eps), as in LLaMA).

x       (..., D)  any number of leading axes
weight  (D,)      scale, one per feature (RMSNorm has no bias)
eps     float

Return y, the same shape as x.
""",
    outputs=("y",),
    reference=_rms_reference,
    cases=_rms_cases,
    mistakes=(
        Mistake("mean_not_subtracted_rms", lambda x, weight, eps: (standardize(x, -1, eps) * weight,)),
        Mistake("no_eps", _rms_at_eps(None)),
        Mistake("eps_outside_sqrt", _rms_variant("outside")),
        Mistake("rms_sum_not_mean", _rms_variant("sum")),
        Mistake("wrong_axes", _rms_variant("axis0")),
        Mistake("eps_ignored", _rms_at_eps(1e-6)),
        Mistake("forgot_affine", _rms_variant("no_weight")),
    ),
    topic="rms-norm",
    broadcast_hint="RMSNorm has one statistic per row: np.mean(x**2, axis=-1, keepdims=True).",
    shape_hint="y has the shape of x.",
)

TASKS = (BATCH_NORM_TRAIN, BATCH_NORM_EVAL, BATCH_NORM_RUNNING_UPDATE, LAYER_NORM, GROUP_NORM, INSTANCE_NORM, RMS_NORM)
