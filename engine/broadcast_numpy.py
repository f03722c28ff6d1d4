"""The lesson's own walk checked against NumPy at run time, without ever allocating a big array.

NumPy is already loaded in the app, so this runs in-process. Shapes go through
np.broadcast_shapes; values only when the lesson has them (≤ 64 elements); a
mismatch is provoked on zero-stride views of one 0-d array, which NumPy rejects
before it allocates anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.broadcast import BroadcastTrace
from engine.broadcast_shape import Shape
from engine.broadcast_values import UFUNCS, BroadcastValues

SHAPE, VALUES, MESSAGE = "shape", "values", "message"


@dataclass(frozen=True)
class NumpyCheck:
    """What was compared (the result shape, every value, or the error message) and whether NumPy agrees."""

    what: str
    agrees: bool
    numpy_says: str


def free_view(shape: Shape) -> np.ndarray:
    """An array of any shape that takes no memory: one 0-d zero seen through zero strides."""
    return np.broadcast_to(np.zeros((), dtype=np.int8), shape)


def numpy_raises(trace: BroadcastTrace) -> str | None:
    """The message NumPy raises for `a + b (+ c)` on arrays of these shapes, left to right as Python does.

    A pair that fits is only joined as shapes, so a huge `a + b` is never computed.
    """
    current = trace.spec.shapes[0]
    for shape in trace.spec.shapes[1:]:
        try:
            current = np.broadcast_shapes(current, shape)
        except ValueError:
            try:
                UFUNCS[trace.spec.op](free_view(current), free_view(shape))
            except ValueError as error:
                return str(error)
    return None


def numpy_check(trace: BroadcastTrace, values: BroadcastValues | None) -> NumpyCheck:
    """Compare with NumPy the most the lesson shows: values if it has them, else the shape or the message."""
    if not trace.compatible:
        said = numpy_raises(trace) or ""
        return NumpyCheck(MESSAGE, said == trace.numpy_message, said)
    if values is not None:
        expected = values.operands[0]
        for operand in values.operands[1:]:
            expected = UFUNCS[trace.spec.op](expected, operand)
        return NumpyCheck(VALUES, bool(np.array_equal(expected, values.result)), str(expected.shape))
    shape = np.broadcast_shapes(*trace.spec.shapes)
    return NumpyCheck(SHAPE, shape == trace.result_shape, str(shape))
