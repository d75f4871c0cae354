"""Time the engine's ops on a (32, 64, 56, 56) float32 batch and print a table.

    .venv/bin/python tests/bench/bench_engine.py [--repeat 15] [--only NAME ...]

Columns: the median time of each op; its ratio to ``np.copy`` of the input, measured in the same
rounds (one read and one write of the data: the memory-bandwidth floor); and, when torch happens to
be importable, its ratio to PyTorch's CPU kernel on one thread.  Ratios are medians of per-round
ratios, so load from other processes affects both sides alike.  NumPy's BLAS is also pinned to one
thread (before NumPy is imported), so the comparison is one core against one core.

To add an op, append a :class:`Row` to a list in :func:`rows` (or give a module's own rows from a
function like :func:`norm_rows`): a name, a NumPy callable, and a torch callable or None.  Each
callable takes the :class:`Inputs` and returns the result (so nothing is optimised away).
Target (issue 3): every forward norm within 2x of torch's one-thread kernel.  This is a script,
not a test: pytest does not collect tests/bench.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

from quizapp.engine import augment, dropout, norms  # noqa: E402

try:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
except ImportError:  # torch is never a dependency
    torch = None

SHAPE = (32, 64, 56, 56)


@dataclass
class Inputs:
    """Everything an op may need, built once: NumPy arrays and (if torch is there) the same as tensors."""

    x: np.ndarray
    weight: np.ndarray  # per channel (C,)
    bias: np.ndarray
    ln_weight: np.ndarray  # per element of the last axis (W,)
    ln_bias: np.ndarray
    chw_weight: np.ndarray  # per element of (C, H, W)
    chw_bias: np.ndarray
    grad: np.ndarray
    rng: np.random.Generator
    t: dict[str, Any]  # torch tensors under the same names


def make_inputs(shape=SHAPE, seed=0) -> Inputs:
    rng = np.random.default_rng(seed)
    n, c, h, w = shape
    arrays = dict(
        x=rng.standard_normal(shape, dtype=np.float32) * 2 + 0.5,
        weight=rng.standard_normal(c, dtype=np.float32),
        bias=rng.standard_normal(c, dtype=np.float32),
        ln_weight=rng.standard_normal(w, dtype=np.float32),
        ln_bias=rng.standard_normal(w, dtype=np.float32),
        chw_weight=rng.standard_normal((c, h, w), dtype=np.float32),
        chw_bias=rng.standard_normal((c, h, w), dtype=np.float32),
        grad=rng.standard_normal(shape, dtype=np.float32),
    )
    tensors = {k: torch.from_numpy(v.copy()) for k, v in arrays.items()} if torch is not None else {}
    return Inputs(rng=rng, t=tensors, **arrays)


@dataclass
class Row:
    name: str
    numpy_fn: Callable[[Inputs], Any]
    torch_fn: Callable[[Inputs], Any] | None = None


def _torch_grad(forward):
    """A torch callable timing only the backward pass of ``forward(x)`` (graph built once)."""

    def setup(i: Inputs):
        x = i.t["x"].clone().requires_grad_(True)
        y = forward(x, i.t)
        return lambda: torch.autograd.grad(y, x, i.t["grad"], retain_graph=True)

    cache = {}

    def run(i: Inputs):
        if "fn" not in cache:
            cache["fn"] = setup(i)
        return cache["fn"]()

    return run


def norm_rows() -> list[Row]:
    """engine.norms, forward then backward."""
    c = SHAPE[1]
    mean, var = np.zeros(c, np.float32), np.ones(c, np.float32)
    t_mean = torch.zeros(c) if torch else None
    t_var = torch.ones(c) if torch else None
    return [
        Row(
            "batch_norm train",
            lambda i: norms.batch_norm(i.x, mean, var, i.weight, i.bias, training=True),
            lambda i: F.batch_norm(i.t["x"], t_mean, t_var, i.t["weight"], i.t["bias"], training=True),
        ),
        Row(
            "batch_norm eval",
            lambda i: norms.batch_norm(i.x, mean, var, i.weight, i.bias, training=False),
            lambda i: F.batch_norm(i.t["x"], t_mean, t_var, i.t["weight"], i.t["bias"], training=False),
        ),
        Row(
            "layer_norm (W)",
            lambda i: norms.layer_norm(i.x, SHAPE[-1:], i.ln_weight, i.ln_bias),
            lambda i: F.layer_norm(i.t["x"], SHAPE[-1:], i.t["ln_weight"], i.t["ln_bias"]),
        ),
        Row(
            "layer_norm (C,H,W)",
            lambda i: norms.layer_norm(i.x, SHAPE[1:], i.chw_weight, i.chw_bias),
            lambda i: F.layer_norm(i.t["x"], SHAPE[1:], i.t["chw_weight"], i.t["chw_bias"]),
        ),
        Row(
            "group_norm G=8",
            lambda i: norms.group_norm(i.x, 8, i.weight, i.bias),
            lambda i: F.group_norm(i.t["x"], 8, i.t["weight"], i.t["bias"]),
        ),
        Row(
            "instance_norm",
            lambda i: norms.instance_norm(i.x, weight=i.weight, bias=i.bias),
            lambda i: F.instance_norm(i.t["x"], weight=i.t["weight"], bias=i.t["bias"]),
        ),
        Row(
            "rms_norm (W)",
            lambda i: norms.rms_norm(i.x, SHAPE[-1:], i.ln_weight),
            lambda i: F.rms_norm(i.t["x"], SHAPE[-1:], i.t["ln_weight"]),
        ),
        Row(
            "rms_norm (C,H,W)",
            lambda i: norms.rms_norm(i.x, SHAPE[1:], i.chw_weight),
            lambda i: F.rms_norm(i.t["x"], SHAPE[1:], i.t["chw_weight"]),
        ),
        Row(
            "weight_norm dim=0",
            lambda i: norms.weight_norm(i.x, np.ones(SHAPE[0], np.float32), dim=0),
            lambda i: torch._weight_norm(i.t["x"], torch.ones(SHAPE[0], 1, 1, 1), 0),
        ),
        Row(
            "batch_norm backward",
            lambda i: norms.batch_norm_backward(i.grad, i.x, i.weight),
            _torch_grad(lambda x, t: F.batch_norm(x, None, None, t["weight"], t["bias"], training=True)),
        ),
        Row(
            "layer_norm (W) backward",
            lambda i: norms.layer_norm_backward(i.grad, i.x, SHAPE[-1:], i.ln_weight),
            _torch_grad(lambda x, t: F.layer_norm(x, SHAPE[-1:], t["ln_weight"], t["ln_bias"])),
        ),
        Row(
            "group_norm backward",
            lambda i: norms.group_norm_backward(i.grad, i.x, 8, i.weight),
            _torch_grad(lambda x, t: F.group_norm(x, 8, t["weight"], t["bias"])),
        ),
        Row(
            "rms_norm (W) backward",
            lambda i: norms.rms_norm_backward(i.grad, i.x, SHAPE[-1:], i.ln_weight),
            _torch_grad(lambda x, t: F.rms_norm(x, SHAPE[-1:], t["ln_weight"])),
        ),
    ]


def other_rows() -> list[Row]:
    """engine.dropout and engine.augment on the same input (torch: the same computation)."""
    n = SHAPE[0]
    perm = np.arange(n)[::-1].copy()
    labels = np.arange(n) % 10
    t_perm = torch.from_numpy(perm) if torch else None

    def t_drop_path(x, p=0.2):
        keep = (torch.rand(x.shape[0], 1, 1, 1) >= p).to(x.dtype)
        return x * keep / (1 - p)

    def t_cutout(x, size=16):
        out = x.clone()
        out[..., 20:20 + size, 20:20 + size] = 0
        return out

    return [
        Row("dropout p=0.5", lambda i: dropout.dropout(i.x, 0.5, rng=i.rng), lambda i: F.dropout(i.t["x"], 0.5)),
        Row("dropout2d p=0.5", lambda i: dropout.dropout2d(i.x, 0.5, rng=i.rng), lambda i: F.dropout2d(i.t["x"], 0.5)),
        Row("drop_path p=0.2", lambda i: dropout.drop_path(i.x, 0.2, True, rng=i.rng), lambda i: t_drop_path(i.t["x"])),
        Row("hflip", lambda i: augment.hflip(i.x), lambda i: torch.flip(i.t["x"], dims=(-1,))),
        Row("cutout 16", lambda i: augment.cutout(i.x, 16, center=(28, 28)), lambda i: t_cutout(i.t["x"])),
        Row(
            "random_crop pad=4",
            lambda i: augment.random_crop(i.x, SHAPE[-1], 4, offset=(2, 6)),
            lambda i: F.pad(i.t["x"], (4, 4, 4, 4))[..., 2:2 + SHAPE[-2], 6:6 + SHAPE[-1]].clone(),
        ),
        Row("gaussian_noise", lambda i: augment.gaussian_noise(i.x, 0.1, rng=i.rng), lambda i: i.t["x"] + 0.1 * torch.randn_like(i.t["x"])),
        Row(
            "mixup",
            lambda i: augment.mixup(i.x, labels, 0.3, perm, num_classes=10),
            lambda i: i.t["x"] * 0.3 + i.t["x"][t_perm] * 0.7,
        ),
    ]


def rows() -> list[Row]:
    """Every benchmarked op: the norms, then dropout and augmentation."""
    return norm_rows() + other_rows()


def time_ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1e3


def measure(row: Row, inputs: Inputs, repeat: int) -> dict[str, float]:
    """Median times of copy, NumPy and torch, and the medians of the per-round ratios.

    The three are timed in turn within each round, so a neighbour's load on the shared machine
    slows all of them alike and the ratios stay meaningful even when the times drift.
    """
    contenders = {"copy": lambda: np.copy(inputs.x), "numpy": lambda: row.numpy_fn(inputs)}
    if torch is not None and row.torch_fn is not None:
        contenders["torch"] = lambda: row.torch_fn(inputs)
    for fn in contenders.values():
        fn()  # warm-up: page faults, lazy imports, caches
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, fn in contenders.items():
            samples[name].append(time_ms(fn))
    result = {name: statistics.median(times) for name, times in samples.items()}
    numpy_times = samples["numpy"]
    result["/copy"] = statistics.median(n / c for n, c in zip(numpy_times, samples["copy"]))
    if "torch" in samples:
        result["/torch"] = statistics.median(n / t for n, t in zip(numpy_times, samples["torch"]))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed rounds per op (medians reported)")
    parser.add_argument("--only", nargs="*", default=None, help="run only rows whose name contains one of these")
    args = parser.parse_args(argv)

    inputs = make_inputs()
    print(f"input {SHAPE} float32 ({inputs.x.nbytes / 2**20:.1f} MiB), {args.repeat} rounds, medians")
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__} on 1 thread" if torch else ", torch not importable"))
    header = f"{'op':<26} {'numpy ms':>9} {'copy ms':>8} {'/ copy':>7} {'torch ms':>9} {'/ torch':>8}"
    print(header)
    print("-" * len(header))
    for row in rows():
        if args.only and not any(part in row.name for part in args.only):
            continue
        r = measure(row, inputs, args.repeat)
        line = f"{row.name:<26} {r['numpy']:>9.2f} {r['copy']:>8.2f} {r['/copy']:>7.2f}"
        if "torch" in r:
            line += f" {r['torch']:>9.2f} {r['/torch']:>8.2f}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
