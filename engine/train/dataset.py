"""What a training set is: whole train and test tensors, class names, where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field

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
