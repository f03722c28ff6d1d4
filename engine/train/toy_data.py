"""The 2-D toy sets of TensorFlow Playground: circle, xor, gauss, spiral, moons.

Playground draws its points on a 12×12 board with shapes of radius 5; here every
coordinate is that divided by 5, so the data sits in about [-1, 1] and the
decision-boundary view covers EXTENT. `noise` follows Playground's slider
(0.5 there is the right end of the slider, 1 here doubles it). Plain numpy, so
the points can be drawn without importing torch.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

POINTS = 1000
SCALE = 5.0
EXTENT = (-1.2, 1.2, -1.2, 1.2)
CLASS_NAMES = ("blue", "orange")

Sampler = Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]


def _circle(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Blue inside half the radius, orange in the outer ring (0.7 to 1 radius); the noise only moves points."""
    half = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.5, half), rng.uniform(0.7, 1.0, n - half)]) * SCALE
    angle = rng.uniform(0.0, 2 * np.pi, n)
    points = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    points += rng.uniform(-SCALE, SCALE, (n, 2)) * noise
    return points, np.repeat([0, 1], [half, n - half])


def _xor(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Blue where x·y > 0; points keep 0.3 away from the axes (before the noise) so the quadrants are clear."""
    half = n // 2
    labels = np.repeat([0, 1], [half, n - half])
    first = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    signs = np.stack([first, np.where(labels == 0, first, -first)], axis=1)
    points = rng.uniform(0.3, SCALE, (n, 2)) * signs
    return points + rng.uniform(-SCALE, SCALE, (n, 2)) * noise, labels


def _gauss(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two blobs at (2, 2) and (-2, -2); Playground widens their variance from 0.5 to 4 as noise goes 0 to 0.5."""
    half = n // 2
    variance = 0.5 + 7.0 * noise
    centres = np.repeat(np.array([[2.0, 2.0], [-2.0, -2.0]]), [half, n - half], axis=0)
    return centres + rng.normal(0.0, np.sqrt(variance), (n, 2)), np.repeat([0, 1], [half, n - half])


def _spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two arms a half turn apart, 1.75 turns each, radius growing from 0 to 5 (Playground's genSpiral)."""
    half = n // 2
    points, labels = [], []
    for label, (count, delta) in enumerate(((half, 0.0), (n - half, np.pi))):
        step = np.arange(count) / count
        radius = step * SCALE
        turn = 1.75 * step * 2 * np.pi + delta
        arm = np.stack([radius * np.sin(turn), radius * np.cos(turn)], axis=1)
        points.append(arm + rng.uniform(-1.0, 1.0, (count, 2)) * noise)
        labels.append(np.full(count, label))
    return np.concatenate(points), np.concatenate(labels)


def _moons(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's two interleaving half circles, centred and stretched to the board; noise is Gaussian."""
    half = n // 2
    outer = np.linspace(0.0, np.pi, half)
    inner = np.linspace(0.0, np.pi, n - half)
    points = np.concatenate(
        [
            np.stack([np.cos(outer), np.sin(outer)], axis=1),
            np.stack([1 - np.cos(inner), 0.5 - np.sin(inner)], axis=1),
        ]
    )
    points += rng.normal(0.0, noise, points.shape)
    centred = (points - np.array([0.5, 0.25])) * (SCALE / 1.5)
    return centred, np.repeat([0, 1], [half, n - half])


SAMPLERS: dict[str, Sampler] = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "moons": _moons,
}


def toy_points(name: str, noise: float, seed: int, n: int = POINTS) -> tuple[np.ndarray, np.ndarray]:
    """All `n` points of a set (float32, about [-1, 1]) and their labels (int64), shuffled; half of each class."""
    rng = np.random.default_rng(seed)
    points, labels = SAMPLERS[name](rng, n, noise)
    order = rng.permutation(n)
    return (points[order] / SCALE).astype(np.float32), labels[order].astype(np.int64)


def split(count: int, train_split: float) -> int:
    """How many of `count` shuffled samples train: the fraction, but at least one on each side."""
    return min(max(round(count * train_split), 1), count - 1)
