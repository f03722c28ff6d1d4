"""The numbers of a small broadcast: a = 1, 2, 3 …, b = 10, 20 …, c = 100, 200 …, stretched by copying.

Only made when every operand and the result hold at most VALUES_LIMIT elements.
Stretching is done the way rule 5 says, with explicit copies (np.repeat), and
the result is the operation on those equal-shaped copies; the tests compare it
with NumPy's own broadcasting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np

from engine.broadcast import STRETCH, BroadcastStep, BroadcastTrace
from engine.broadcast_shape import Shape

VALUES_LIMIT = 64
SCALES = (1, 10, 100)
UFUNCS = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply}


def largest_array(trace: BroadcastTrace) -> int:
    """The element count of the largest operand, or of the result where there is one."""
    return max(trace.element_counts)


def has_room(trace: BroadcastTrace) -> bool:
    """True when the operands and the result are small enough to show every number (≤ 64 each)."""
    return largest_array(trace) <= VALUES_LIMIT


def operand_values(shape: Shape, operand: int) -> np.ndarray:
    """Operand k holds 1, 2, 3 … times 10**k, so every result cell tells which elements met."""
    values = np.arange(1, math.prod(shape) + 1, dtype=np.int64).reshape(shape) * SCALES[operand]
    values.setflags(write=False)
    return values


@dataclass(frozen=True, eq=False)
class ArrayView:
    """An operand as one step shows it: its values, which are copies (rule 5), which were copied at this step."""

    values: np.ndarray
    copied: np.ndarray
    fresh: np.ndarray

    def copied_cells(self, fresh: bool = False) -> list[tuple[int, int, int]]:
        """The copies (or only this step's) as (block, row, col) of the grid layout `as_blocks` gives the values."""
        blocks, _ = as_blocks(self.fresh if fresh else self.copied)
        return [tuple(int(i) for i in cell) for cell in np.argwhere(blocks)]


@dataclass(frozen=True, eq=False)
class BroadcastValues:
    """The small operands' numbers, for any step of the trace, and the elementwise result."""

    trace: BroadcastTrace
    operands: tuple[np.ndarray, ...]

    def at(self, step: BroadcastStep) -> tuple[ArrayView, ...]:
        """Each operand in the shape the step's table shows: as typed, with 1s prepended, or stretched."""
        stretching = step.axis if step.kind == STRETCH else None
        return tuple(self._view(k, row, stretching if k in step.stretched else None) for k, row in enumerate(step.rows))

    def _view(self, operand: int, row: tuple[int | None, ...], stretching: int | None) -> ArrayView:
        values = self.operands[operand]
        shape = tuple(size for size in row if size is not None)
        values = values.reshape(self.trace.spec.padded[operand]) if len(shape) > values.ndim else values
        copied = np.zeros(values.shape, dtype=bool)
        fresh = np.zeros(values.shape, dtype=bool)
        for axis, size in enumerate(shape):
            if size != values.shape[axis]:
                values, copied, fresh = (np.repeat(array, size, axis=axis) for array in (values, copied, fresh))
                beyond_first = (slice(None),) * axis + (slice(1, None),)
                copied[beyond_first] = True
                if axis == stretching:
                    fresh[beyond_first] = True
        return ArrayView(values, copied, fresh)

    @property
    def result(self) -> np.ndarray | None:
        """The operation applied elementwise to the fully stretched copies; None if they cannot broadcast."""
        if not self.trace.compatible:
            return None
        stretched = [view.values for view in self.at(self.trace.steps[-1])]
        return reduce(UFUNCS[self.trace.spec.op], stretched)


def broadcast_values(trace: BroadcastTrace) -> BroadcastValues | None:
    """The numbers, or None when an array is too big to show (then the lesson stays symbolic)."""
    if not has_room(trace):
        return None
    return BroadcastValues(
        trace,
        tuple(operand_values(shape, k) for k, shape in enumerate(trace.spec.shapes)),
    )


def as_blocks(values: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Any array as (blocks, rows, cols) for a grid, and a label per block: `[1,0,:,:]` when ndim > 2."""
    if values.ndim <= 2:
        return values.reshape((1,) * (3 - values.ndim) + values.shape), ()
    leading = values.shape[:-2]
    labels = tuple("[" + ",".join(str(i) for i in index) + ",:,:]" for index in np.ndindex(*leading))
    return values.reshape((math.prod(leading),) + values.shape[-2:]), labels
