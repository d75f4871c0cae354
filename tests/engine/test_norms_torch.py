"""engine.norms against PyTorch, when torch happens to be installed (it is never a dependency).

Every function and module is compared on random inputs, including running-stat updates over
several steps, momentum=None, evaluation mode, float32, and every backward against autograd.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional
nn = torch.nn

from quizapp.engine import norms  # noqa: E402

SHAPES = [(6, 3), (4, 3, 7), (2, 3, 5, 4), (2, 3, 2, 3, 2), (3, 4, 300)]


def rand(seed, shape, shift=0.0, dtype=np.float64):
    return (np.random.default_rng(seed).standard_normal(shape) * 2 + shift).astype(dtype)


def t(a):
    return None if a is None else torch.from_numpy(np.array(a))


def close(ours, theirs, atol=1e-10):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=atol)


# --------------------------------------------------------------------------- functions


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("shift", [0.0, 40.0])
def test_batch_norm_training_with_running_stats_over_steps(shape, affine, shift):
    c = shape[1]
    w, b = (rand(1, c), rand(2, c)) if affine else (None, None)
    mean, var = np.zeros(c), np.ones(c)
    t_mean, t_var = torch.zeros(c, dtype=torch.float64), torch.ones(c, dtype=torch.float64)
    for step in range(4):
        x = rand(10 + step, shape, shift)
        ours = norms.batch_norm(x, mean, var, w, b, training=True, momentum=0.2, eps=1e-3)
        theirs = F.batch_norm(t(x), t_mean, t_var, t(w), t(b), training=True, momentum=0.2, eps=1e-3)
        close(ours, theirs)
        close(mean, t_mean)
        close(var, t_var)
    x = rand(20, shape, shift)
    close(norms.batch_norm(x, mean, var, w, b, eps=1e-3), F.batch_norm(t(x), t_mean, t_var, t(w), t(b), eps=1e-3))


@pytest.mark.parametrize("shape", SHAPES)
def test_layer_norm(shape):
    for k in range(1, len(shape)):
        normalized = shape[-k:]
        x, w, b = rand(3, shape, 5.0), rand(4, normalized), rand(5, normalized)
        close(norms.layer_norm(x, normalized, w, b), F.layer_norm(t(x), normalized, t(w), t(b)))
        close(norms.layer_norm(x, normalized), F.layer_norm(t(x), normalized))


@pytest.mark.parametrize("shape", [(2, 6), (3, 6, 5), (2, 6, 3, 4)])
@pytest.mark.parametrize("groups", [1, 2, 3, 6])
def test_group_norm(shape, groups):
    x, w, b = rand(6, shape, -3.0), rand(7, shape[1]), rand(8, shape[1])
    close(norms.group_norm(x, groups, w, b), F.group_norm(t(x), groups, t(w), t(b)))
    close(norms.group_norm(x, groups), F.group_norm(t(x), groups))


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5)])
def test_instance_norm_with_running_stats_over_steps_then_without_input_stats(shape):
    c = shape[1]
    w, b = rand(9, c), rand(10, c)
    mean, var = np.zeros(c), np.ones(c)
    t_mean, t_var = torch.zeros(c, dtype=torch.float64), torch.ones(c, dtype=torch.float64)
    for step in range(3):
        x = rand(30 + step, shape, 1.0)
        close(norms.instance_norm(x, mean, var, w, b, momentum=0.3), F.instance_norm(t(x), t_mean, t_var, t(w), t(b), momentum=0.3))
        close(mean, t_mean)
        close(var, t_var)
    x = rand(40, shape)
    close(
        norms.instance_norm(x, mean, var, w, b, use_input_stats=False),
        F.instance_norm(t(x), t_mean, t_var, t(w), t(b), use_input_stats=False),
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("eps", [None, 1e-6])
def test_rms_norm(dtype, eps):
    x, w = rand(11, (3, 4, 6), 1.0, dtype), rand(12, (4, 6), 0.0, dtype)
    atol = 1e-10 if dtype == np.float64 else 1e-5
    for normalized, weight in (((6,), w[0]), ((4, 6), w), ((4, 6), None)):
        close(norms.rms_norm(x, normalized, weight, eps), F.rms_norm(t(x), normalized, t(weight), eps), atol)
    tiny = np.full((2, 3), 1e-4, dtype=dtype)
    close(norms.rms_norm(tiny, 3, eps=eps), F.rms_norm(t(tiny), (3,), eps=eps), atol)


@pytest.mark.parametrize("shape,dim", [((4, 3), 0), ((4, 3), 1), ((3, 2, 4, 2), 0), ((3, 2, 4, 2), 2), ((3, 2, 4, 2), -2), ((4, 3), -1), ((4, 3), None)])
def test_weight_norm(shape, dim):
    v = rand(13, shape)
    if dim is None or dim == -1:
        g = np.array(1.7)
    else:
        g_shape = [1] * len(shape)
        g_shape[dim] = shape[dim]
        g = rand(14, tuple(g_shape))
    torch_dim = -1 if dim is None else dim
    close(norms.weight_norm(v, g, dim), torch._weight_norm(t(v), t(g), torch_dim))


# --------------------------------------------------------------------------- float32


@pytest.mark.parametrize(
    "ours,theirs",
    [
        (lambda x: norms.batch_norm(x, None, None, training=True), lambda x: F.batch_norm(x, None, None, training=True)),
        (lambda x: norms.layer_norm(x, x.shape[1:]), lambda x: F.layer_norm(x, x.shape[1:])),
        (lambda x: norms.group_norm(x, 4), lambda x: F.group_norm(x, 4)),
        (lambda x: norms.instance_norm(x), lambda x: F.instance_norm(x)),
        (lambda x: norms.rms_norm(x, x.shape[-1:]), lambda x: F.rms_norm(x, x.shape[-1:])),
    ],
)
def test_float32_against_torch_float32(ours, theirs):
    x = rand(15, (8, 16, 24, 24), 2.0, np.float32)
    out = ours(x)
    assert out.dtype == np.float32
    close(out, theirs(torch.from_numpy(x)), atol=2e-5)


# --------------------------------------------------------------------------- modules


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("affine,track", [(True, True), (False, True), (True, False)])
def test_batch_norm_module_over_train_and_eval_steps(momentum, affine, track):
    shape = (4, 3, 5, 2)
    ours = norms.BatchNorm(3, eps=1e-4, momentum=momentum, affine=affine, track_running_stats=track)
    theirs = nn.BatchNorm2d(3, eps=1e-4, momentum=momentum, affine=affine, track_running_stats=track).double()
    if affine:
        w, b = rand(16, 3), rand(17, 3)
        ours.weight[:], ours.bias[:] = w, b
        with torch.no_grad():
            theirs.weight.copy_(t(w))
            theirs.bias.copy_(t(b))
    assert ours.num_parameters() == sum(p.numel() for p in theirs.parameters())
    assert ours.num_buffer_values() == sum(b.numel() for b in theirs.buffers())
    for step, mode in enumerate(["train", "train", "eval", "train", "eval"]):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        x = rand(50 + step, shape, step)
        close(ours(x), theirs(t(x)))
        if track:
            close(ours.running_mean, theirs.running_mean)
            close(ours.running_var, theirs.running_var)
            assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked)


@pytest.mark.parametrize("affine,track,momentum", [(False, False, 0.1), (True, True, 0.1), (False, True, None)])
def test_instance_norm_module(affine, track, momentum):
    ours = norms.InstanceNorm(3, momentum=momentum, affine=affine, track_running_stats=track)
    theirs = nn.InstanceNorm1d(3, momentum=momentum, affine=affine, track_running_stats=track).double()
    assert ours.num_parameters() == sum(p.numel() for p in theirs.parameters())
    assert ours.num_buffer_values() == sum(b.numel() for b in theirs.buffers())
    for step, mode in enumerate(["train", "train", "eval"]):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        x = rand(60 + step, (2, 3, 7), step)
        close(ours(x), theirs(t(x)))
        if track:
            close(ours.running_mean, theirs.running_mean)
            close(ours.running_var, theirs.running_var)


def test_layer_group_rms_modules_and_their_parameter_counts():
    pairs = [
        (norms.LayerNorm((3, 4)), nn.LayerNorm((3, 4)).double()),
        (norms.LayerNorm(4, bias=False), nn.LayerNorm(4, bias=False).double()),
        (norms.GroupNorm(2, 6), nn.GroupNorm(2, 6).double()),
        (norms.RMSNorm(4), nn.RMSNorm(4).double()),
        (norms.RMSNorm((3, 4), eps=1e-3, elementwise_affine=False), nn.RMSNorm((3, 4), eps=1e-3, elementwise_affine=False).double()),
    ]
    x = {6: rand(70, (2, 6, 3, 4)), 3: rand(71, (2, 3, 4))}
    for ours, theirs in pairs:
        assert ours.num_parameters() == sum(p.numel() for p in theirs.parameters())
        inp = x[6] if isinstance(ours, norms.GroupNorm) else x[3]
        close(ours(inp), theirs(t(inp)))


# --------------------------------------------------------------------------- backward vs autograd


def autograd(forward, x, dy, *params):
    tx = torch.tensor(x, requires_grad=True)
    tp = [torch.tensor(p, requires_grad=True) for p in params]
    grads = torch.autograd.grad(forward(tx, *tp), [tx, *tp], torch.tensor(dy))
    return [g.numpy() for g in grads]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("shift", [0.0, 40.0])
def test_backward_against_autograd(shape, shift):
    c = shape[1]
    x, dy = rand(80, shape, shift), rand(81, shape)
    w, b = rand(82, c), rand(83, c)
    ours = norms.batch_norm_backward(dy, x, w)
    close_all(ours, autograd(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x, dy, w, b))
    close(norms.batch_norm_backward(dy, x)[0], autograd(lambda x: F.batch_norm(x, None, None, training=True), x, dy)[0])
    normalized = shape[1:]
    lw, lb = rand(84, normalized), rand(85, normalized)
    close_all(norms.layer_norm_backward(dy, x, normalized, lw), autograd(lambda x, w, b: F.layer_norm(x, normalized, w, b), x, dy, lw, lb))
    close_all(norms.rms_norm_backward(dy, x, normalized, lw), autograd(lambda x, w: F.rms_norm(x, normalized, w), x, dy, lw))
    if len(shape) > 2:
        close_all(norms.instance_norm_backward(dy, x, w), autograd(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), x, dy, w, b))
    groups = 1 if c % 2 else 2
    close_all(norms.group_norm_backward(dy, x, groups, w), autograd(lambda x, w, b: F.group_norm(x, groups, w, b), x, dy, w, b))


def test_weight_norm_backward_against_autograd():
    v, dw = rand(90, (4, 3, 2)), rand(91, (4, 3, 2))
    g = rand(92, (4, 1, 1))
    close_all(norms.weight_norm_backward(dw, v, g, 0), autograd(lambda v, g: torch._weight_norm(v, g, 0), v, dw, g))


def close_all(ours, theirs):
    ours = [o for o in ours if o is not None]
    assert len(ours) == len(theirs)
    for o, th in zip(ours, theirs):
        assert o.shape == th.shape
        np.testing.assert_allclose(o, th, rtol=1e-7, atol=1e-9)
