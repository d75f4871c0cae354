"""The new ops against PyTorch 2.13, when torch happens to be installed (it is never a dependency).

Spectral norm against both of PyTorch's implementations, weight standardization against timm's
F.batch_norm formulation, alpha dropout against F.alpha_dropout, DropBlock against torchvision's
drop_block2d algorithm run in torch from the same seed draw (torchvision itself does not import
beside torch 2.13), clip_grad_norm_, Adam/AdamW with amsgrad over several steps, and
F.cross_entropy with weight=, ignore_index= and label_smoothing=.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional
nn = torch.nn

from quizapp.engine import dropout, norms, regularize  # noqa: E402


def rand(seed, shape, dtype=np.float64):
    return (np.random.default_rng(seed).standard_normal(shape) * 2).astype(dtype)


def t(a):
    return torch.from_numpy(np.array(a))


def close(ours, theirs, rtol=1e-7, atol=1e-10):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


# --------------------------------------------------------------------------- spectral norm


def _with_weight(module, weight):
    module = module.double()
    with torch.no_grad():
        module.weight.copy_(t(weight))
    return module


@pytest.mark.parametrize("make, shape, dim", [
    (lambda: nn.Linear(4, 3, bias=False), (3, 4), 0),
    (lambda: nn.Conv2d(2, 3, 2, bias=False), (3, 2, 2, 2), 0),
    (lambda: nn.ConvTranspose2d(2, 3, 2, bias=False), (2, 3, 2, 2), 1),
])
@pytest.mark.parametrize("iterations", [1, 3])
def test_spectral_norm_matches_the_parametrization_in_training_and_eval(make, shape, dim, iterations):
    weight = rand(1, shape)
    rows = shape[dim]
    cols = int(np.prod(shape)) // rows
    module = nn.utils.parametrizations.spectral_norm(_with_weight(make(), weight), n_power_iterations=iterations)
    sn = module.parametrizations.weight[0]
    u, v = rand(2, rows), rand(3, cols)
    with torch.no_grad():
        sn._u.copy_(t(u))
        sn._v.copy_(t(v))
    ours = norms.spectral_norm(weight, u, v, n_power_iterations=iterations, dim=dim)
    close(ours.weight, module.weight)
    close(ours.u, sn._u)
    close(ours.v, sn._v)
    module.eval()
    frozen = norms.spectral_norm(weight, ours.u, ours.v, dim=dim, training=False)
    close(frozen.weight, module.weight)


def test_spectral_norm_of_a_vector_matches_the_parametrization():
    module = nn.LayerNorm(4).double()
    with torch.no_grad():
        module.weight.copy_(t([3.0, 4.0, 0.0, 12.0]))
    nn.utils.parametrizations.spectral_norm(module)
    close(norms.spectral_norm(np.array([3.0, 4.0, 0.0, 12.0])).weight, module.weight)


def test_legacy_spectral_norm_matches_torch_nn_utils_spectral_norm():
    weight = rand(4, (3, 5))
    module = nn.utils.spectral_norm(_with_weight(nn.Linear(5, 3, bias=False), weight))
    u, v = rand(5, 3), rand(6, 5)
    with torch.no_grad():
        module.weight_u.copy_(t(u))
        module.weight_v.copy_(t(v))
    module(torch.zeros(1, 5, dtype=torch.float64))  # the pre-forward hook runs one iteration
    ours = norms.spectral_norm(weight, u, v, legacy=True)
    close(ours.weight, module.weight)
    close(ours.u, module.weight_u)
    close(ours.v, module.weight_v)
    new = norms.spectral_norm(weight, u, v)
    assert not np.allclose(new.weight, ours.weight), "the two orders really differ"


def test_spectral_norm_float32():
    weight = rand(7, (3, 4), np.float32)
    module = nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3, bias=False))
    with torch.no_grad():
        module.parametrizations.weight.original.copy_(t(weight))
        sn = module.parametrizations.weight[0]
        u, v = sn._u.numpy().copy(), sn._v.numpy().copy()
    ours = norms.spectral_norm(weight, u, v)
    assert ours.weight.dtype == np.float32
    close(ours.weight, module.weight, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------- weight standardization


@pytest.mark.parametrize("shape", [(3, 2, 3, 3), (4, 5), (2, 1, 2)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weight_standardization_matches_timm_std_conv(shape, dtype):
    weight = rand(8, shape, dtype) + 3
    theirs = F.batch_norm(t(weight).reshape(1, shape[0], -1), None, None, training=True, momentum=0.0,
                          eps=1e-6).reshape(shape)
    tol = (1e-5, 1e-5) if dtype == np.float32 else (1e-7, 1e-10)
    close(norms.weight_standardization(weight), theirs, *tol)


# --------------------------------------------------------------------------- alpha dropout


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8, 1.0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_alpha_dropout_matches_torch_on_the_mask_torch_drew(p, dtype):
    x = rand(9, (4, 6), dtype)
    torch.manual_seed(0)
    theirs = F.alpha_dropout(t(x), p, training=True).numpy()
    if p == 1.0:
        mask = np.zeros(x.shape, dtype=bool)
    else:
        a = 1 / math.sqrt((1.7580993408473766**2 * p + 1) * (1 - p))
        mask = ~np.isclose(theirs, -a * 1.7580993408473766 * (1 - p), rtol=1e-6, atol=0)
        assert mask.any() and not mask.all()
    tol = (1e-6, 1e-6) if dtype == np.float32 else (1e-12, 1e-12)
    close(dropout.alpha_dropout(x, p, training=True, mask=mask), theirs, *tol)
    close(dropout.alpha_dropout(x, p), F.alpha_dropout(t(x), p))


# --------------------------------------------------------------------------- DropBlock


def torchvision_drop_block2d(x, noise, block_size, eps=1e-6):
    """torchvision.ops.drop_block2d's steps after its Bernoulli draw, with ``noise`` given."""
    noise = F.pad(noise, [block_size // 2] * 4, value=0)
    noise = F.max_pool2d(noise, stride=(1, 1), kernel_size=(block_size, block_size), padding=block_size // 2)
    noise = 1 - noise
    normalize_scale = noise.numel() / (eps + noise.sum())
    return x * noise * normalize_scale


@pytest.mark.parametrize("shape, block_size, gamma", [((2, 3, 7, 7), 3, 0.1), ((1, 2, 6, 9), 5, 0.2),
                                                      ((3, 1, 5, 5), 1, 0.3), ((2, 2, 8, 8), 3, 0.0)])
def test_drop_block_matches_torchvision_s_algorithm(shape, block_size, gamma):
    x = rand(10, shape)
    n, c, h, w = shape
    seeds = np.random.default_rng(11).random((n, c, h - block_size + 1, w - block_size + 1)) < gamma
    theirs = torchvision_drop_block2d(t(x), t(seeds.astype(np.float64)), block_size)
    close(dropout.drop_block2d(x, 0.5, block_size, seeds=seeds), theirs)


# --------------------------------------------------------------------------- clip_grad_norm_


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    grads = [rand(12, (3, 4)), rand(13, 5), rand(14, (2, 2, 2))]
    params = [nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = t(g)
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    ours = regularize.clip_grad_norm(grads, max_norm, norm_type=norm_type)
    assert ours.total_norm == pytest.approx(total.item(), rel=1e-12)
    for mine, p in zip(ours.grads, params):
        close(mine, p.grad)


# --------------------------------------------------------------------------- AMSGrad


@pytest.mark.parametrize("optimizer, kwargs", [
    (torch.optim.Adam, dict(lr=0.1, weight_decay=0.0)),
    (torch.optim.Adam, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.3)),
    (torch.optim.AdamW, dict(lr=0.1, weight_decay=0.2)),
])
def test_amsgrad_matches_torch_over_several_steps(optimizer, kwargs):
    param = rand(15, (2, 3))
    p = nn.Parameter(t(param))
    opt = optimizer([p], amsgrad=True, **kwargs)
    step_fn = regularize.adamw_step if optimizer is torch.optim.AdamW else regularize.adam_step
    state = None
    for step in range(6):
        grad = rand(20 + step, (2, 3)) * (3.0 if step % 2 else 0.1)  # v grows and shrinks
        p.grad = t(grad)
        opt.step()
        param, state = step_fn(param, grad, state, amsgrad=True, **kwargs)
        close(param, p)
        close(state.max_exp_avg_sq, opt.state[p]["max_exp_avg_sq"])


# --------------------------------------------------------------------------- cross-entropy


@pytest.mark.parametrize("shape", [(6, 4), (4,), (3, 4, 5)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 1])
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_weight_and_ignore_index_matches_torch(shape, weighted, ignore_index, smoothing, reduction):
    z = rand(30, shape)
    k = shape[0] if len(shape) == 1 else shape[1]
    target_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    rng = np.random.default_rng(31)
    target = rng.integers(0, k, size=target_shape)
    if target.ndim:
        target.flat[::3] = ignore_index
    weight = np.abs(rand(32, k)) + 0.1 if weighted else None
    ours = regularize.cross_entropy_weighted(z, target, weight, ignore_index=ignore_index,
                                             label_smoothing=smoothing, reduction=reduction)
    theirs = F.cross_entropy(t(z), t(target), None if weight is None else t(weight), ignore_index=ignore_index,
                             label_smoothing=smoothing, reduction=reduction)
    close(ours, theirs, atol=1e-12)


def test_cross_entropy_float32_matches_torch():
    z, w = rand(33, (5, 3), np.float32), np.array([0.5, 2.0, 1.0], np.float32)
    target = np.array([0, -100, 2, 1, 1])
    ours = regularize.cross_entropy_weighted(z, target, w, label_smoothing=0.1)
    assert ours.dtype == np.float32
    close(ours, F.cross_entropy(t(z), t(target), t(w), label_smoothing=0.1), rtol=1e-5, atol=1e-6)
