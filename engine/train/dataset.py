"""What a training set is: whole train and test tensors, class names, where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch


@dataclass(frozen=True)
class Dataset:
    """Train and test tensors on the CPU; the loop moves them to its device once."""

    name: str
    kind: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    class_names: tuple[str, ...]
    source: str
    extent: tuple[float, float, float, float] | None = None
    notes: tuple[tuple[str, dict], ...] = field(default=())  # (catalogue key, its values): what was done to the data

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])


def normalise(images: np.ndarray, maximum: float) -> torch.Tensor:
    """(x / max - 0.5) / 0.5 in float32, step by step as ToTensor + Normalize compute it."""
    return torch.from_numpy(np.array(images, dtype=np.float32)).div_(maximum).sub_(0.5).div_(0.5)
