"""Data augmentation and label regularization: label smoothing, MixUp, CutMix, flips, crops,
noise, cutout and random erasing.

Two families, a distinction interviews ask about:

- **Label-preserving** augmentations (flip, crop, noise, cutout, random erasing) change the input and keep the
  label: they encode invariances the task really has (a flipped cat is a cat).
- **Label-mixing** augmentations (MixUp, CutMix) blend two examples *and* their labels, and label
  smoothing softens the one-hot target: they regularize the classifier's confidence.

Conventions.  Images are ``(..., H, W)`` (usually ``(N, C, H, W)``); the batch axis, when there is
one, is axis 0.  Labels are either integer class indices ``(N,)`` (then give ``num_classes``) or
soft labels ``(N, K)`` already one-hot or smoothed.  Randomness only through ``rng``
(a ``numpy.random.Generator``); every random choice (box centre, crop offset, permutation) can also
be given explicitly so an exercise can state it.

Reference for MixUp/CutMix: ``timm/data/mixup.py`` (pytorch-image-models), whose semantics are
followed to the pixel: the box from ``rand_bbox`` and the lambda correction of
``cutmix_bbox_and_lam(correct_lam=True)``; the default partner of sample ``i`` is sample
``N-1-i`` (``x.flip(0)``).
"""

from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "Box",
    "smooth_labels",
    "sample_lambda",
    "mixup",
    "cutmix_box",
    "cutmix_lambda",
    "cutmix",
    "hflip",
    "random_crop",
    "gaussian_noise",
    "cutout",
    "random_erasing_size",
    "erase",
]


class Box(NamedTuple):
    """A half-open pixel box, rows ``yl:yh`` and columns ``xl:xh`` (timm's order and names)."""

    yl: int
    yh: int
    xl: int
    xh: int

    @property
    def area(self) -> int:
        return (self.yh - self.yl) * (self.xh - self.xl)


def _as_float(x: ArrayLike) -> np.ndarray:
    """A floating array: float64 unless the input already is floating (float32 stays float32)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _require_rng(rng, where: str) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{where}: pass rng=numpy.random.default_rng(seed) for the random choice")
    return rng


def _check_unit(value: float, name: str, where: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{where}: {name} must be between 0 and 1, got {value}")
    return value


def _class_indices(target, num_classes: int, where: str) -> np.ndarray:
    target = np.asarray(target)
    if not np.issubdtype(target.dtype, np.integer):
        raise ValueError(f"{where}: class indices must be integers, got dtype {target.dtype}")
    if int(num_classes) != num_classes or num_classes < 1:
        raise ValueError(f"{where}: num_classes must be a positive integer, got {num_classes}")
    bad = (target < 0) | (target >= num_classes)
    if bad.any():
        raise ValueError(
            f"{where}: class index {target[bad].flat[0]} is out of range for {num_classes} classes"
        )
    return target


def _one_hot(target: np.ndarray, num_classes: int) -> np.ndarray:
    return (target[..., None] == np.arange(num_classes)).astype(np.float64)


def smooth_labels(target: ArrayLike, num_classes: int, eps: float) -> np.ndarray:
    """Label smoothing (Szegedy et al., 2016): ``q = (1 - eps) * one_hot(y) + eps / K``.

    The true class gets ``1 - eps + eps/K`` and every other class ``eps/K`` (the uniform part
    includes the true class too, which is how PyTorch's ``label_smoothing`` and timm's
    ``mixup_target`` both define it).  The model is no longer pushed towards infinite logit gaps,
    which improves calibration; a known side effect is worse teachers for distillation.

    ``target``: integer class indices of any shape; returns float64 of shape ``target.shape + (K,)``.

    Shape:
        - target: any shape of integer class indices in [0, K)
        - output: ``target.shape + (K,)``, each row summing to 1
    """
    where = "smooth_labels"
    eps = _check_unit(eps, "eps", where)
    target = _class_indices(target, num_classes, where)
    return (1.0 - eps) * _one_hot(target, int(num_classes)) + eps / num_classes


def sample_lambda(alpha: float, *, rng: np.random.Generator) -> float:
    """MixUp/CutMix mixing weight ``lam ~ Beta(alpha, alpha)`` (Zhang et al., 2018; timm).

    ``alpha`` shapes the distribution: ``alpha=1`` is uniform on [0, 1]; small alpha (0.2, common
    for MixUp on ImageNet) puts most mass near 0 and 1 (mostly one image, a little of the other);
    large alpha concentrates lam around 0.5.
    """
    where = "sample_lambda"
    alpha = float(alpha)
    if not alpha > 0.0:
        raise ValueError(f"{where}: alpha must be positive, got {alpha}")
    return float(_require_rng(rng, where).beta(alpha, alpha))


def _partner(perm, n: int, where: str) -> np.ndarray:
    """Index of each sample's mixing partner: ``perm``, or timm's reversed batch when None."""
    if perm is None:
        return np.arange(n)[::-1]
    perm = np.asarray(perm)
    if perm.shape != (n,) or not np.issubdtype(perm.dtype, np.integer):
        raise ValueError(f"{where}: perm must be {n} integer indices, got shape {perm.shape}")
    if ((perm < 0) | (perm >= n)).any():
        raise ValueError(f"{where}: perm holds an index outside 0..{n - 1}")
    return perm


def _soft_labels(y, num_classes, n: int, where: str) -> np.ndarray:
    """Labels as an (N, K) soft-label array: one-hot from indices, or as given if already soft."""
    y = np.asarray(y)
    if np.issubdtype(y.dtype, np.integer):
        if num_classes is None:
            raise ValueError(f"{where}: labels are class indices, so give num_classes=")
        if y.shape != (n,):
            raise ValueError(f"{where}: class indices must have shape ({n},), got {y.shape}")
        return _one_hot(_class_indices(y, num_classes, where), int(num_classes))
    y = _as_float(y)
    if y.ndim != 2 or y.shape[0] != n:
        raise ValueError(f"{where}: soft labels must have shape ({n}, K), got {y.shape}")
    return y


def mixup(
    x: ArrayLike, y: ArrayLike, lam: float, perm: ArrayLike | None = None, *, num_classes: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """MixUp (Zhang et al., 2018): blend each sample with a partner, inputs and labels alike.

        x_mixed = lam * x + (1 - lam) * x[perm]
        y_mixed = lam * y + (1 - lam) * y[perm]

    ``y``: integer class indices ``(N,)`` (give ``num_classes``; turned into one-hot) or soft labels
    ``(N, K)`` (e.g. from :func:`smooth_labels`, which is how timm combines the two).
    ``perm`` (``(N,)`` indices): each sample's partner; ``None`` uses timm's choice, the reversed
    batch (sample ``i`` mixes with ``N-1-i``).  Returns ``(x_mixed, y_mixed)``.

    Training on ``y_mixed`` with cross-entropy is the same as ``lam * CE(y) + (1-lam) * CE(y[perm])``
    because cross-entropy is linear in the target.

    Shape:
        - x: (N, *), e.g. (N, C, H, W)
        - y: (N,) class indices or (N, K) soft labels; perm: (N,)
        - x_mixed: the shape of x; y_mixed: (N, K)
    """
    where = "mixup"
    lam = _check_unit(lam, "lam", where)
    x = _as_float(x)
    if x.ndim < 1:
        raise ValueError(f"{where}: x needs a batch axis, got a scalar")
    n = x.shape[0]
    partner = _partner(perm, n, where)
    soft = _soft_labels(y, num_classes, n, where)
    x_mixed = x * x.dtype.type(lam) + x[partner] * x.dtype.type(1.0 - lam)
    y_mixed = soft * soft.dtype.type(lam) + soft[partner] * soft.dtype.type(1.0 - lam)
    return x_mixed, y_mixed


def _check_size(height: int, width: int, where: str) -> tuple[int, int]:
    if int(height) != height or int(width) != width or height < 1 or width < 1:
        raise ValueError(f"{where}: height and width must be positive integers, got {height}x{width}")
    return int(height), int(width)


def _square_box(height: int, width: int, half_h: int, half_w: int, center, rng, where: str) -> Box:
    """A box of half-sizes (half_h, half_w) around a centre uniform over the pixels, clipped."""
    if center is None:
        rng = _require_rng(rng, where)
        cy, cx = int(rng.integers(0, height)), int(rng.integers(0, width))
    else:
        cy, cx = (int(v) for v in center)
        if not (0 <= cy < height and 0 <= cx < width):
            raise ValueError(
                f"{where}: center {tuple(center)} is outside the {height}x{width} image"
            )
    return Box(
        yl=int(np.clip(cy - half_h, 0, height)),
        yh=int(np.clip(cy + half_h, 0, height)),
        xl=int(np.clip(cx - half_w, 0, width)),
        xh=int(np.clip(cx + half_w, 0, width)),
    )


def cutmix_box(
    height: int, width: int, lam: float, *, rng: np.random.Generator | None = None, center: tuple[int, int] | None = None
) -> Box:
    """CutMix's box for a mixing weight ``lam``, as timm's ``rand_bbox``.

    The box should cover the fraction ``1 - lam`` of the image, so each side is scaled by
    ``ratio = sqrt(1 - lam)``: ``cut_h = int(H * ratio)``, ``cut_w = int(W * ratio)``.
    The centre ``(cy, cx)`` is uniform over the pixels (or given as ``center``) and the box is
    ``rows cy - cut_h//2 : cy + cut_h//2`` (likewise columns), **clipped at the border**.

    Because the centre can lie near an edge, the pasted area is often smaller than
    ``(1 - lam) * H * W``; :func:`cutmix_lambda` recomputes lam from the actual box.
    (A detail of the reference code: the half-size ``cut_h // 2`` is used on both sides, so an odd
    ``cut_h`` gives a box one pixel shorter.)
    """
    where = "cutmix_box"
    height, width = _check_size(height, width, where)
    lam = _check_unit(lam, "lam", where)
    ratio = np.sqrt(1.0 - lam)
    cut_h, cut_w = int(height * ratio), int(width * ratio)
    return _square_box(height, width, cut_h // 2, cut_w // 2, center, rng, where)


def cutmix_lambda(box: Box | tuple[int, int, int, int], height: int, width: int) -> float:
    """The corrected CutMix weight: ``lam = 1 - box_area / (H * W)``.

    The label must say how much of each image the picture really shows.  After clipping, the box
    may be smaller than the sampled lam implied, so timm (``correct_lam=True``) and the CutMix
    paper's code recompute lam from the box that was actually pasted.
    """
    where = "cutmix_lambda"
    height, width = _check_size(height, width, where)
    box = Box(*(int(v) for v in box))
    if not (0 <= box.yl <= box.yh <= height and 0 <= box.xl <= box.xh <= width):
        raise ValueError(f"{where}: box {tuple(box)} does not fit a {height}x{width} image")
    return 1.0 - box.area / float(height * width)


def cutmix(
    x: ArrayLike,
    y: ArrayLike,
    lam: float | None,
    *,
    rng: np.random.Generator | None = None,
    perm: ArrayLike | None = None,
    box: Box | tuple[int, int, int, int] | None = None,
    num_classes: int | None = None,
) -> tuple[np.ndarray, np.ndarray, float, Box]:
    """CutMix (Yun et al., 2019): paste a box from a partner image and mix labels by area.

    ``x`` is ``(N, ..., H, W)``.  The box comes from :func:`cutmix_box` (needs ``lam`` and ``rng``)
    unless ``box=(yl, yh, xl, xh)`` is given; the same box is used for the whole batch, as timm's
    batch mode does.  Then

        x_mixed[i][..., yl:yh, xl:xh] = x[perm[i]][..., yl:yh, xl:xh]
        lam_c   = 1 - box_area / (H * W)                       (the corrected lambda)
        y_mixed = lam_c * y + (1 - lam_c) * y[perm]

    ``y`` and ``perm`` as in :func:`mixup` (``perm=None`` is the reversed batch).
    Returns ``(x_mixed, y_mixed, lam_c, box)``.

    Shape:
        - x: (N, *, H, W), e.g. (N, C, H, W)
        - y: (N,) class indices or (N, K) soft labels; perm: (N,)
        - x_mixed: the shape of x; y_mixed: (N, K)
    """
    where = "cutmix"
    x = _as_float(x)
    if x.ndim < 3:
        raise ValueError(f"{where}: x must be (N, ..., H, W), got shape {x.shape}")
    n, height, width = x.shape[0], x.shape[-2], x.shape[-1]
    partner = _partner(perm, n, where)
    soft = _soft_labels(y, num_classes, n, where)
    if box is None:
        if lam is None:
            raise ValueError(f"{where}: give lam (to draw a box) or box=")
        box = cutmix_box(height, width, lam, rng=_require_rng(rng, where))
    lam_c = cutmix_lambda(box, height, width)
    box = Box(*(int(v) for v in box))
    x_mixed = x.copy()
    rows, cols = slice(box.yl, box.yh), slice(box.xl, box.xh)
    x_mixed[..., rows, cols] = x[partner][..., rows, cols]
    y_mixed = soft * soft.dtype.type(lam_c) + soft[partner] * soft.dtype.type(1.0 - lam_c)
    return x_mixed, y_mixed, lam_c, box


def hflip(x: ArrayLike) -> np.ndarray:
    """Horizontal flip: reverse the last (width) axis.  Label-preserving for most natural images
    (not for digits or text, where a mirrored '2' is not a '2').

    Shape:
        - x: (*, W), e.g. (N, C, H, W)
        - output: the shape of x
    """
    x = np.asarray(x)
    if x.ndim < 1:
        raise ValueError("hflip: input needs at least one axis")
    return x[..., ::-1].copy()


def _padding_sides(padding, where: str) -> tuple[int, int, int, int]:
    """torchvision's padding: int (all sides), (left/right, top/bottom) or (left, top, right, bottom)."""
    sides = (padding,) if np.isscalar(padding) else tuple(padding)
    if len(sides) == 1:
        sides = sides * 4
    elif len(sides) == 2:
        sides = (sides[0], sides[1], sides[0], sides[1])
    elif len(sides) != 4:
        raise ValueError(f"{where}: padding must be an int or a sequence of 2 or 4 ints")
    if any(int(s) != s or s < 0 for s in sides):
        raise ValueError(f"{where}: padding must be non-negative integers, got {padding}")
    return tuple(int(s) for s in sides)  # type: ignore[return-value]


def random_crop(
    x: ArrayLike,
    size: int | tuple[int, int],
    padding: int | Sequence[int] = 0,
    *,
    rng: np.random.Generator | None = None,
    offset: tuple[int, int] | None = None,
) -> np.ndarray:
    """Random crop with zero padding, as ``torchvision.transforms.RandomCrop(size, padding)``.

    Pad the last two axes with zeros (``padding``: int, ``(left/right, top/bottom)`` or
    ``(left, top, right, bottom)``), then cut a ``size`` window (int for a square, or ``(h, w)``)
    whose top-left corner ``offset=(top, left)`` in the padded image is uniform over the valid
    positions ``0..H_pad - h`` and ``0..W_pad - w``, or given.  The CIFAR recipe is ``size=32,
    padding=4``: shifts of up to 4 pixels, the border filled with black.

    One offset for the whole array (as torchvision on a batched tensor); crop image by image for
    a different shift per image.

    Shape:
        - x: (*, H, W)
        - output: (*, h, w) for ``size=(h, w)``
    """
    where = "random_crop"
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"{where}: input must be (..., H, W), got shape {x.shape}")
    th, tw = (size, size) if np.isscalar(size) else tuple(size)
    if int(th) != th or int(tw) != tw or th < 1 or tw < 1:
        raise ValueError(f"{where}: size must be positive integers, got {size}")
    th, tw = int(th), int(tw)
    left, top, right, bottom = _padding_sides(padding, where)
    pad_width = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    padded = np.pad(x, pad_width, mode="constant", constant_values=0)
    height, width = padded.shape[-2:]
    if th > height or tw > width:
        raise ValueError(
            f"{where}: crop size {th}x{tw} is larger than the padded image {height}x{width}"
        )
    if offset is None:
        rng = _require_rng(rng, where)
        i, j = int(rng.integers(0, height - th + 1)), int(rng.integers(0, width - tw + 1))
    else:
        i, j = (int(v) for v in offset)
        if not (0 <= i <= height - th and 0 <= j <= width - tw):
            raise ValueError(
                f"{where}: offset {tuple(offset)} puts the {th}x{tw} crop outside the padded "
                f"{height}x{width} image"
            )
    return padded[..., i:i + th, j:j + tw].copy()


def gaussian_noise(x: ArrayLike, std: float, *, rng: np.random.Generator) -> np.ndarray:
    """Additive Gaussian noise: ``y = x + e`` with ``e ~ N(0, std^2)`` elementwise.

    Training with small input noise is, to first order, Tikhonov (L2-type) regularization of the
    model's sensitivity to its input (Bishop, 1995).  The dtype of ``x`` is kept; no clipping.

    Shape:
        - x: any shape
        - output: the shape and dtype of x
    """
    where = "gaussian_noise"
    std = float(std)
    if not std >= 0.0:
        raise ValueError(f"{where}: std must be non-negative, got {std}")
    x = _as_float(x)
    # Draw in x's own precision: a float32 image needs no float64 noise (half the time and memory).
    draw = x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    noise = _require_rng(rng, where).standard_normal(x.shape, dtype=draw)
    noise *= draw.type(std)
    return x + noise.astype(x.dtype, copy=False)


def cutout(
    x: ArrayLike,
    size: int,
    *,
    rng: np.random.Generator | None = None,
    center: tuple[int, int] | None = None,
    return_box: bool = False,
) -> np.ndarray | tuple[np.ndarray, Box]:
    """Cutout (DeVries & Taylor, 2017): zero a ``size x size`` square at a random centre.

    As the paper's code: the centre ``(cy, cx)`` is uniform over the pixels (or given), the square
    is rows ``cy - size//2 : cy + size//2`` (likewise columns) **clipped at the border**, so a
    square near an edge is partly outside the image and removes less.  Every channel (and every
    leading axis) gets the same square.  The label is kept: the network must use the rest of the
    object.  ``return_box=True`` returns ``(output, box)``.

    Shape:
        - x: (*, H, W), e.g. (N, C, H, W): every leading index gets the same square
        - output: the shape of x
    """
    where = "cutout"
    x = _as_float(x)
    if x.ndim < 2:
        raise ValueError(f"{where}: input must be (..., H, W), got shape {x.shape}")
    if int(size) != size or size < 0:
        raise ValueError(f"{where}: size must be a non-negative integer, got {size}")
    height, width = x.shape[-2:]
    half = int(size) // 2
    box = _square_box(height, width, half, half, center, rng, where)
    out = x.copy()
    out[..., box.yl:box.yh, box.xl:box.xh] = 0
    return (out, box) if return_box else out


# --------------------------------------------------------------------------------------------
# Random Erasing (Zhong et al., 2020), as torchvision.transforms.RandomErasing


def random_erasing_size(
    height: int, width: int, erase_fraction: float, aspect_ratio: float
) -> tuple[int, int] | None:
    """The erased box's size for one attempt of ``RandomErasing.get_params``: ``(h, w)`` or None.

        erase_area = H * W * erase_fraction          (erase_fraction ~ U(scale), default (0.02, 0.33))
        h = int(round(sqrt(erase_area * aspect_ratio)))
        w = int(round(sqrt(erase_area / aspect_ratio)))

    ``aspect_ratio`` is height / width (torchvision draws its log uniformly from log(ratio),
    default ratio (0.3, 3.3)); note that RandomResizedCrop uses it the other way round (w / h).
    ``round`` is Python's, which rounds halves to the even integer (round(2.5) = 2).  The attempt
    is rejected (None) unless ``h < H and w < W``, strictly; torchvision makes 10 attempts and
    returns the image unchanged if all fail.  The top-left corner is then drawn uniformly:
    ``i ~ randint(0, H - h + 1)``, ``j ~ randint(0, W - w + 1)``.
    """
    where = "random_erasing_size"
    height, width = _check_size(height, width, where)
    erase_fraction = _check_unit(erase_fraction, "erase_fraction", where)
    aspect_ratio = float(aspect_ratio)
    if not aspect_ratio > 0.0:
        raise ValueError(f"{where}: aspect_ratio must be positive, got {aspect_ratio}")
    erase_area = height * width * erase_fraction
    h = int(round(math.sqrt(erase_area * aspect_ratio)))
    w = int(round(math.sqrt(erase_area / aspect_ratio)))
    return (h, w) if h < height and w < width else None


def erase(img: ArrayLike, i: int, j: int, h: int, w: int, v: ArrayLike) -> np.ndarray:
    """Erase a box, as ``torchvision.transforms.functional.erase(img, i, j, h, w, v)`` (not in place).

        out[..., i:i+h, j:j+w] = v

    ``i`` is the top row and ``j`` the left column; ``v`` is a number, one value per channel
    (shape (C, 1, 1)), or a full (C, h, w) patch (``value='random'`` draws it from N(0, 1)).
    Unlike Cutout the box is not square, and with ``value`` set to the dataset mean it looks like
    the average image.  The label is kept.

    Shape:
        - img: (*, H, W), e.g. (C, H, W)
        - v: a scalar, (C, 1, 1) or (C, h, w)
        - output: the shape and dtype of img (an integer image comes back as float64)
    """
    where = "erase"
    out = _as_float(img).copy()
    if out.ndim < 2:
        raise ValueError(f"{where}: img must be (..., H, W), got shape {out.shape}")
    height, width = out.shape[-2:]
    i, j, h, w = (int(n) for n in (i, j, h, w))
    if not (0 <= i and 0 <= j and 0 <= h and 0 <= w and i + h <= height and j + w <= width):
        raise ValueError(f"{where}: the box rows {i}:{i + h}, columns {j}:{j + w} do not fit a {height}x{width} image")
    out[..., i:i + h, j:j + w] = v
    return out
