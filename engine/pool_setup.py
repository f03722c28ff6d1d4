"""What the student chose in the pooling lesson (input, mode, K, S, P, shift) and the PoolSpec it makes.

The lesson's keys each produce a new PoolSetup; `.spec()` validates it. A setup
whose spec raises SpecError is never kept, so the screen always shows the last
valid one. The shift lives here, not in the spec: torch only ever sees the
shifted picture, while the lesson compares it with the unshifted one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.errors import SpecError
from engine.pool import MODES, PoolSpec, pool_trace
from engine.presets import INPUTS, input_preset, random_input

CUSTOM = "custom"
MAX_SHIFT = 3


def shifted(image: np.ndarray, pixels: int) -> np.ndarray:
    """The image moved `pixels` columns right (left if negative); the columns it leaves are filled with 0."""
    moved = np.zeros_like(image)
    width = image.shape[1]
    if pixels >= width or -pixels >= width:
        return moved
    if pixels >= 0:
        moved[:, pixels:] = image[:, : width - pixels]
    else:
        moved[:, : width + pixels] = image[:, -pixels:]
    return moved


@dataclass(frozen=True)
class ShiftReport:
    """How many output cells a shift of the input left unchanged: pooling's robustness to small moves."""

    pixels: int
    unchanged: int
    total: int
    changed: tuple[tuple[int, int], ...]

    @property
    def distance(self) -> int:
        return abs(self.pixels)

    @property
    def side(self) -> str:
        return "right" if self.pixels > 0 else "left"


@dataclass(frozen=True, eq=False)
class PoolSetup:
    """A 2-D base input and the pooling settings; stride None follows the window (torch's default)."""

    input_name: str = "digit"
    base_input: np.ndarray | None = None
    mode: str = "max"
    kernel_size: int = 2
    stride: int | None = None
    padding: int = 0
    shift: int = 0

    def __post_init__(self) -> None:
        if self.base_input is None:
            object.__setattr__(self, "base_input", input_preset(self.input_name))
        if not -MAX_SHIFT <= self.shift <= MAX_SHIFT:
            raise SpecError("pool_shift_range", value=self.shift, limit=MAX_SHIFT)

    def spec(self) -> PoolSpec:
        return PoolSpec(
            input=shifted(self.base_input, self.shift),
            mode=self.mode,
            kernel_size=self.kernel_size,
            stride=self.stride,
            padding=self.padding,
        )

    def shift_report(self) -> ShiftReport | None:
        """Compare the output of the shifted input with that of the base input, cell by cell."""
        if self.shift == 0:
            return None
        before = pool_trace(replace(self, shift=0).spec()).output
        after = pool_trace(self.spec()).output
        same = before == after
        changed = tuple((int(r), int(c)) for r, c in zip(*np.nonzero(~same)))
        return ShiftReport(self.shift, int(same.sum()), same.size, changed)

    def with_next_mode(self) -> PoolSetup:
        return replace(self, mode=MODES[(MODES.index(self.mode) + 1) % len(MODES)])

    def with_stride_step(self, delta: int) -> PoolSetup:
        """From auto, s/S start at the stride auto gave (K) and leave auto."""
        current = self.kernel_size if self.stride is None else self.stride
        return replace(self, stride=current + delta)

    def with_next_input(self) -> PoolSetup:
        names = list(INPUTS)
        following = names[0] if self.input_name not in names else names[(names.index(self.input_name) + 1) % len(names)]
        return replace(self, input_name=following, base_input=input_preset(following))

    def with_random_input(self, seed: int) -> PoolSetup:
        height, width = self.base_input.shape
        return replace(
            self,
            input_name=f"random #{seed}",
            base_input=random_input(seed, height, width),
        )

    def with_input(self, matrix: np.ndarray) -> PoolSetup:
        """A typed input; the same numbers as before keep the preset's name."""
        same = matrix.shape == self.base_input.shape and np.array_equal(matrix, self.base_input)
        return replace(self, input_name=self.input_name if same else CUSTOM, base_input=matrix)
