"""`shapes`: a procedural 10-class, 32×32 RGB image set laid out like CIFAR-10.

It lets the course's CIFAR-10 network train with no download. Every image is one
shape of random size and position, in a random colour on a contrasting random
background, with pixel noise; all of it drawn for every image at once with numpy
broadcasting (each class's mask is a formula over the pixel grid).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

SIDE = 32
IMAGES = 6000
CLASS_NAMES = (
    "circle",
    "square",
    "triangle",
    "cross",
    "h-stripes",
    "v-stripes",
    "ring",
    "diamond",
    "checker",
    "diagonal",
)

# A class's pixels from (u, v) = pixel minus centre, the radius r and a detail: the stripe or checker period in
# pixels, or for the diagonal ±1 (which of the two); all (N, 1, 1) or (N, 32, 32) arrays, broadcast together.
Mask = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _box(u: np.ndarray, v: np.ndarray, r: np.ndarray) -> np.ndarray:
    return np.maximum(np.abs(u), np.abs(v)) <= r


def _stripes(along: np.ndarray, period: np.ndarray) -> np.ndarray:
    return np.floor(along / period) % 2 == 0


def _triangle(u: np.ndarray, v: np.ndarray, r: np.ndarray, _: np.ndarray) -> np.ndarray:
    """Apex up at -r, flat base at 0.7·r (rows grow downwards)."""
    return (v <= 0.7 * r) & (np.abs(u) <= (v + r) / 2)


def _cross(u: np.ndarray, v: np.ndarray, r: np.ndarray, _: np.ndarray) -> np.ndarray:
    arm = 0.28 * r
    return _box(u, v, r) & ((np.abs(u) <= arm) | (np.abs(v) <= arm))


def _diagonal(u: np.ndarray, v: np.ndarray, r: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """A thick line along one of the two diagonals."""
    across = np.where(direction > 0, u - v, u + v) / np.sqrt(2)
    return _box(u, v, r) & (np.abs(across) <= 0.2 * r + 0.8)


MASKS: tuple[Mask, ...] = (
    lambda u, v, r, _: u * u + v * v <= r * r,
    lambda u, v, r, _: _box(u, v, 0.8 * r),
    _triangle,
    _cross,
    lambda u, v, r, period: _box(u, v, r) & _stripes(v + r, period),
    lambda u, v, r, period: _box(u, v, r) & _stripes(u + r, period),
    lambda u, v, r, _: (u * u + v * v <= r * r) & (u * u + v * v >= (0.55 * r) ** 2),
    lambda u, v, r, _: np.abs(u) + np.abs(v) <= 1.1 * r,
    lambda u, v, r, period: _box(u, v, r) & (_stripes(u + r, period) == _stripes(v + r, period)),
    _diagonal,
)


def shape_images(seed: int, count: int = IMAGES) -> tuple[np.ndarray, np.ndarray]:
    """`count` images (float32, (N, 3, 32, 32), values 0..1) and labels (int64), the classes balanced and shuffled."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(count) % len(CLASS_NAMES))
    radius = rng.uniform(6.0, 12.0, count).astype(np.float32)
    centre = rng.uniform(0.0, 1.0, (count, 2)).astype(np.float32) * (SIDE - 1 - 2 * radius[:, None]) + radius[:, None]
    period = rng.uniform(2.5, 4.0, count).astype(np.float32)
    detail = np.where(
        labels == CLASS_NAMES.index("diagonal"),
        np.sign(rng.uniform(-1, 1, count)),
        period,
    ).astype(np.float32)
    grid = np.arange(SIDE, dtype=np.float32)
    mask = np.empty((count, SIDE, SIDE), dtype=bool)
    for label, draw in enumerate(MASKS):
        chosen = np.flatnonzero(labels == label)
        u = grid[None, None, :] - centre[chosen, 0, None, None]
        v = grid[None, :, None] - centre[chosen, 1, None, None]
        mask[chosen] = draw(u, v, radius[chosen, None, None], detail[chosen, None, None])
    foreground = rng.uniform(0.0, 1.0, (count, 3)).astype(np.float32)
    background = (foreground + rng.uniform(0.35, 0.65, (count, 3)).astype(np.float32)) % 1.0
    images = np.where(mask[:, None], foreground[:, :, None, None], background[:, :, None, None])
    images += (rng.random(images.shape, dtype=np.float32) - 0.5) * 0.2  # ±0.1 uniform: a third of a Gaussian's cost
    return np.clip(images, 0.0, 1.0, out=images), labels.astype(np.int64)
