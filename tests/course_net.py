"""The network of the course (and of PyTorch's CIFAR-10 tutorial), written out as the tutorial's code defines it.

Tests compare our `net` model with it: an independent copy, not the engine's.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class CourseNet(nn.Module):
    """The network of the course (and of PyTorch's CIFAR-10 tutorial), written out as the course writes it."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
