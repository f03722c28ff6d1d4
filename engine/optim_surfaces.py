"""The functions the optimizers descend: the book's x²/20 + y², a bowl, a saddle and Rosenbrock's valley.

Each gradient is written in the order torch's autograd computes it (for
x**2/20: the 1/20 of the division first, then 2·x of the power), so a gradient
here is the one `f(p).backward()` leaves in p.grad, to the last bit; the checker
child and the tests compare them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BOOK = "book"


@dataclass(frozen=True)
class Surface:
    """One f(x, y): where the book starts, the window drawn, the contour levels and the point it is about.

    `curvature` holds the Hessian's eigenvalues along x and y where f is quadratic
    (constant curvature: SGD then multiplies each coordinate by 1 − η·λ per step);
    None where the curvature changes from place to place.
    """

    name: str
    formula: str
    start: tuple[float, float]
    window: tuple[float, float, float, float]
    levels: tuple[float, ...]
    point: tuple[float, float]
    point_kind: str
    curvature: tuple[float, float] | None


SURFACES: dict[str, Surface] = {
    BOOK: Surface(
        BOOK,
        "x²/20 + y²",
        (-7.0, 2.0),
        (-10.0, 10.0, -3.0, 3.0),
        (0.25, 1.0, 2.5, 5.0, 9.0),
        (0.0, 0.0),
        "minimum",
        (0.1, 2.0),
    ),
    "bowl": Surface(
        "bowl",
        "x² + y²",
        (-4.0, 2.0),
        (-5.0, 5.0, -2.5, 2.5),
        (0.5, 2.0, 4.5, 8.0, 12.5),
        (0.0, 0.0),
        "minimum",
        (2.0, 2.0),
    ),
    "saddle": Surface(
        "saddle",
        "x² − y²",
        (-4.0, 0.1),
        (-5.0, 5.0, -2.5, 2.5),
        (-4.0, -1.0, 0.0, 1.0, 4.0, 9.0, 16.0),
        (0.0, 0.0),
        "saddle",
        (2.0, -2.0),
    ),
    "rosenbrock": Surface(
        "rosenbrock",
        "(1 − x)² + 100·(y − x²)²",
        (-1.2, 1.0),
        (-2.0, 2.0, -1.0, 3.0),
        (1.0, 10.0, 60.0, 250.0, 800.0),
        (1.0, 1.0),
        "minimum",
        None,
    ),
}


def value(name: str, x, y):
    """f(x, y), elementwise over arrays, in the order torch's forward computes it (inf and NaN pass through)."""
    with np.errstate(all="ignore"):
        if name == BOOK:
            return x * x / 20 + y * y
        if name == "bowl":
            return x * x + y * y
        if name == "saddle":
            return x * x - y * y
        u = y - x * x
        return (1 - x) * (1 - x) + 100 * (u * u)


def gradient(name: str, point: np.ndarray) -> np.ndarray:
    """(∂f/∂x, ∂f/∂y) at `point` as autograd's backward pass computes and rounds it (inf and NaN pass through)."""
    x, y = point
    with np.errstate(all="ignore"):
        if name == BOOK:
            return np.array([(1.0 / 20.0) * (2.0 * x), 2.0 * y])
        if name == "bowl":
            return np.array([2.0 * x, 2.0 * y])
        if name == "saddle":
            return np.array([2.0 * x, -(2.0 * y)])
        along_u = 100.0 * (2.0 * (y - x * x))  # ∂f/∂u for u = y − x²
        return np.array([-(2.0 * (1.0 - x)) + (-along_u) * (2.0 * x), along_u])
