"""Named kernels and inputs for the convolution lesson.

Kernels are defined for any odd or even size so that `k`/`K` can resize a preset;
at 3×3 each one is the textbook kernel.
"""

from __future__ import annotations

import gzip
from functools import cache
from math import comb
from pathlib import Path

import numpy as np

from engine.errors import SpecError

ASSETS = Path(__file__).resolve().parent.parent / "assets"
DIGITS_FILE = ASSETS / "data" / "digits.csv.gz"


def _binomial(size: int) -> np.ndarray:
    return np.array([comb(size - 1, i) for i in range(size)], dtype=np.float64)


def _derivative(size: int) -> np.ndarray:
    """A central difference smoothed to `size` taps: [-1, 0, 1] at 3, [-1, 1] at 2."""
    if size == 1:
        return np.zeros(1)
    base = np.array([-1.0, 1.0]) if size == 2 else np.array([-1.0, 0.0, 1.0])
    while base.size < size:
        base = np.convolve(base, [1.0, 1.0])
    return base


def _identity(size: int) -> np.ndarray:
    kernel = np.zeros((size, size))
    kernel[(size - 1) // 2, (size - 1) // 2] = 1.0
    return kernel


def _box_blur(size: int) -> np.ndarray:
    return np.full((size, size), 1.0 / (size * size))


def _gaussian_blur(size: int) -> np.ndarray:
    row = _binomial(size)
    kernel = np.outer(row, row)
    return kernel / kernel.sum()


def _sharpen(size: int) -> np.ndarray:
    """Centre weight minus its cross neighbours: [[0,-1,0],[-1,5,-1],[0,-1,0]] at 3×3."""
    kernel = np.zeros((size, size))
    centre = (size - 1) // 2
    kernel[centre, :] = -1.0
    kernel[:, centre] = -1.0
    kernel[centre, centre] = 2.0 * (size - 1) + 1.0
    return kernel


def _sobel_x(size: int) -> np.ndarray:
    return np.outer(_binomial(size), _derivative(size))


def _sobel_y(size: int) -> np.ndarray:
    return _sobel_x(size).T.copy()


def _laplacian(size: int) -> np.ndarray:
    """Cross neighbours minus the centre: [[0,1,0],[1,-4,1],[0,1,0]] at 3×3."""
    kernel = np.zeros((size, size))
    centre = (size - 1) // 2
    kernel[centre, :] = 1.0
    kernel[:, centre] = 1.0
    kernel[centre, centre] = -2.0 * (size - 1)
    return kernel


def _emboss(size: int) -> np.ndarray:
    """Rises from top-left to bottom-right: [[-2,-1,0],[-1,1,1],[0,1,2]] at 3×3."""
    rows, cols = np.indices((size, size))
    kernel = (rows + cols - (size - 1)).astype(np.float64)
    kernel[(size - 1) // 2, (size - 1) // 2] = 1.0
    return kernel


KERNELS = {
    "identity": _identity,
    "box-blur": _box_blur,
    "gaussian-blur": _gaussian_blur,
    "sharpen": _sharpen,
    "sobel-x": _sobel_x,
    "sobel-y": _sobel_y,
    "laplacian": _laplacian,
    "emboss": _emboss,
}


def kernel_preset(name: str, size: int = 3) -> np.ndarray:
    if name not in KERNELS:
        raise SpecError("unknown_preset", what="kernel", name=name, choices=", ".join(KERNELS))
    return KERNELS[name](size)


def _ramp(height: int, width: int) -> np.ndarray:
    return np.arange(1, height * width + 1, dtype=np.float64).reshape(height, width)


def _checkerboard(height: int, width: int) -> np.ndarray:
    rows, cols = np.indices((height, width))
    return ((rows + cols) % 2).astype(np.float64)


def _vertical_edge(height: int, width: int) -> np.ndarray:
    image = np.zeros((height, width))
    image[:, width // 2 :] = 9.0
    return image


@cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    """The bundled 8×8 handwritten digits (UCI, 1,797 images, pixels 0..16) and their labels."""
    try:
        with gzip.open(DIGITS_FILE, "rt") as handle:
            table = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    except (OSError, ValueError, EOFError) as error:
        raise SpecError("data_unreadable", path=str(DIGITS_FILE), reason=str(error)) from None
    if table.ndim != 2 or table.shape[1] != 65:
        raise SpecError(
            "data_unreadable",
            path=str(DIGITS_FILE),
            reason=f"expected 65 columns, got shape {table.shape}",
        )
    return table[:, :64].reshape(-1, 8, 8), table[:, 64].astype(int)


def digit(index: int = 0) -> np.ndarray:
    images, _ = digits()
    return images[index % len(images)].copy()


INPUTS = {
    "ramp": lambda: _ramp(5, 5),
    "checkerboard": lambda: _checkerboard(6, 6),
    "vertical-edge": lambda: _vertical_edge(6, 6),
    "digit": lambda: digit(0),
    "digit-28": lambda: _upscale(digit(0), 28),
}


def _upscale(image: np.ndarray, side: int) -> np.ndarray:
    """Nearest-neighbour resize, used to get an MNIST-sized 28×28 picture from an 8×8 digit."""
    rows = (np.arange(side) * image.shape[0]) // side
    cols = (np.arange(side) * image.shape[1]) // side
    return image[np.ix_(rows, cols)]


def input_preset(name: str) -> np.ndarray:
    if name not in INPUTS:
        raise SpecError("unknown_preset", what="input", name=name, choices=", ".join(INPUTS))
    return INPUTS[name]()


def random_input(seed: int, height: int = 5, width: int = 5) -> np.ndarray:
    """Small integers, so that every product can be checked by hand."""
    return np.random.default_rng(seed).integers(-3, 10, size=(height, width)).astype(np.float64)
