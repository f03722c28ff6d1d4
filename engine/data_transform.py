"""The course's transform on one pixel: `ToTensor()` then `Normalize(mean, std)`, in float32 as torch computes it.

torchvision is not needed to know the numbers: ToTensor turns a uint8 H×W×C
image into a float32 C×H×W tensor and divides it by 255; Normalize subtracts
the channel's mean and divides by its std, both float32 tensors. Each is one
correctly rounded float32 operation, which numpy's float32 does the same way
(tests compare every uint8 value with torch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from engine.errors import SpecError

CHANNELS = ("R", "G", "B")
# (mean, std) per channel: the course's (values to [−1, 1]) and ImageNet's, torchvision's usual example
NORMALIZE: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "course": ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
}
UINT8_OVERFLOW = "value cannot be converted to type uint8 without overflow"  # torch 2.13's words


def f32(value: float) -> str:
    """A float32 written with the fewest digits that give it back exactly (numpy's str of a float32)."""
    return str(np.float32(value))


def check_pixel(pixel: tuple[int, ...]) -> None:
    """Three whole numbers 0–255: what a uint8 image holds; torch refuses the rest in its words."""
    if len(pixel) != len(CHANNELS):
        raise SpecError("loader_pixel_count", count=len(pixel))
    for value in pixel:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise SpecError("not_an_integer", what="loader_pixel", token=str(value))
        if not 0 <= value <= 255:
            raise SpecError("loader_pixel_range", torch_message=UINT8_OVERFLOW, value=int(value))


def parse_pixel(text: str) -> tuple[int, ...]:
    """`255 0 128`, `255, 0, 128` or `(255, 0, 128)` → (255, 0, 128), checked."""
    tokens = [token for token in re.split(r"[\s,()]+", text.strip()) if token]
    values = []
    for token in tokens:
        try:
            values.append(int(token))
        except ValueError:
            raise SpecError("not_an_integer", what="loader_pixel", token=token) from None
    pixel = tuple(values)
    check_pixel(pixel)
    return pixel


@dataclass(frozen=True)
class ChannelSteps:
    """One channel through the transform: uint8 value → ToTensor (x/255) → Normalize ((x − mean)/std)."""

    channel: str
    value: int
    mean: float
    std: float
    scaled: float
    normalized: float

    @property
    def arithmetic(self) -> str:
        """`R 255 → 255/255 = 1.0 → (1.0 − 0.5)/0.5 = 1.0`, every number as the float32 torch holds."""
        scaled, mean, std = f32(self.scaled), f32(self.mean), f32(self.std)
        return (
            f"{self.channel} {self.value:>3} → {self.value}/255 = {scaled}"
            f" → ({scaled} − {mean})/{std} = {f32(self.normalized)}"
        )


def transform_pixel(pixel: tuple[int, ...], normalize: str) -> tuple[ChannelSteps, ...]:
    """Each channel in float32: x/255, then (x − mean)/std, one rounding per operation as in torch."""
    check_pixel(pixel)
    if normalize not in NORMALIZE:
        raise SpecError("loader_unknown_normalize", name=normalize, choices=", ".join(NORMALIZE))
    means, stds = (np.array(values, dtype=np.float32) for values in NORMALIZE[normalize])
    scaled = np.array(pixel, dtype=np.float32) / np.float32(255)
    normalized = (scaled - means) / stds
    return tuple(
        ChannelSteps(name, int(value), float(mean), float(std), float(x), float(y))
        for name, value, mean, std, x, y in zip(CHANNELS, pixel, means, stds, scaled, normalized)
    )


def transform_code(normalize: str) -> str:
    """The transform as the course writes it, with this preset's numbers."""
    mean, std = NORMALIZE[normalize]
    return f"transforms.Compose([transforms.ToTensor(), transforms.Normalize({mean}, {std})])"
