"""LoRA (Hu et al., 2022): fine-tune a frozen weight through a trainable low-rank update.

A frozen weight ``W`` (out x in) is adapted as ``W + (alpha / r) * B @ A`` with ``A`` (r x in) and
``B`` (out x r), ``r`` much smaller than in and out.  Only A and B train: ``r * (in + out)``
parameters per adapted matrix instead of ``in * out``.  B starts at zero, so training starts from
the pretrained model exactly; after training ``B @ A`` can be merged into W, so inference costs
nothing extra.  Names and the scaling ``alpha / r`` follow Hugging Face PEFT's ``LoraConfig``
(``r``, ``lora_alpha``; ``use_rslora=True`` scales by ``alpha / sqrt(r)`` instead).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["lora_param_count", "lora_scaling", "lora_merge", "lora_linear"]


def _as_float(x: ArrayLike) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _positive_int(value: int, name: str, where: str) -> int:
    if int(value) != value or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer, got {value}")
    return int(value)


def lora_param_count(in_features: int, out_features: int, r: int) -> int:
    """Trainable parameters LoRA adds to one ``in_features -> out_features`` weight: ``r * (in + out)``.

    A has r x in entries and B has out x r; the frozen W (out x in) is not counted.  Rank 8 on a
    4096 x 4096 attention projection trains 65,536 parameters instead of 16,777,216 (0.4%).
    """
    where = "lora_param_count"
    in_features = _positive_int(in_features, "in_features", where)
    out_features = _positive_int(out_features, "out_features", where)
    r = _positive_int(r, "r (the rank)", where)
    return r * (in_features + out_features)


def lora_scaling(lora_alpha: float, r: int, use_rslora: bool = False) -> float:
    """The factor on ``B @ A``: ``lora_alpha / r`` (PEFT's default), or ``lora_alpha / sqrt(r)``
    with ``use_rslora=True`` (rank-stabilized LoRA, whose updates keep their size as r grows)."""
    r = _positive_int(r, "r (the rank)", "lora_scaling")
    return float(lora_alpha) / (math.sqrt(r) if use_rslora else r)


def _factors(
    weight: ArrayLike, lora_A: ArrayLike, lora_B: ArrayLike, where: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W, A and B as float arrays, refused unless they are (out, in), (r, in) and (out, r)."""
    w, a, b = _as_float(weight), _as_float(lora_A), _as_float(lora_B)
    if w.ndim != 2 or a.ndim != 2 or b.ndim != 2 or a.shape[1] != w.shape[1] or b.shape != (w.shape[0], a.shape[0]):
        raise ValueError(
            f"{where}: expected weight (out, in), lora_A (r, in), lora_B (out, r); "
            f"got {w.shape}, {a.shape}, {b.shape}"
        )
    return w, a, b


def lora_merge(
    weight: ArrayLike, lora_A: ArrayLike, lora_B: ArrayLike, lora_alpha: float, use_rslora: bool = False
) -> np.ndarray:
    """The merged weight that replaces W at inference::

        W_merged = W + (alpha / r) * B @ A

    Shape:
        - weight: (out, in); lora_A: (r, in); lora_B: (out, r)
        - output: (out, in)
    """
    w, a, b = _factors(weight, lora_A, lora_B, "lora_merge")
    return w + lora_scaling(lora_alpha, a.shape[0], use_rslora) * (b @ a)


def lora_linear(
    x: ArrayLike,
    weight: ArrayLike,
    lora_A: ArrayLike,
    lora_B: ArrayLike,
    lora_alpha: float,
    bias: ArrayLike | None = None,
    use_rslora: bool = False,
) -> np.ndarray:
    """A LoRA-adapted ``nn.Linear``::

        y = x W^T + bias + (alpha / r) * (x A^T) B^T

    The same as ``x`` times the merged weight (:func:`lora_merge`), computed the way training does
    it: through the rank-r bottleneck, never forming the out x in update.

    Shape:
        - x: (*, in)
        - weight: (out, in); lora_A: (r, in); lora_B: (out, r); bias: (out,)
        - output: (*, out)
    """
    w, a, b = _factors(weight, lora_A, lora_B, "lora_linear")
    x = _as_float(x)
    y = x @ w.T + lora_scaling(lora_alpha, a.shape[0], use_rslora) * ((x @ a.T) @ b.T)
    return y if bias is None else y + _as_float(bias)
