"""NumPy's indexing rules for the subscripts the grammar accepts: the key it builds, the errors it raises.

`numpy_key` turns a parsed Subscript into the very objects Python would pass to
`a[...]`; `numpy_problem` finds, in NumPy's own order and words, the IndexError
or ValueError that indexing would raise, so the lesson can show it before
(instead of) letting NumPy fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.index_parse import Combine, Compare, IntList, Invert, Mask, Slice, Subscript

_COMPARE = {
    ">": np.greater,
    ">=": np.greater_equal,
    "<": np.less,
    "<=": np.less_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def mask_of(node: Mask, array: np.ndarray) -> np.ndarray:
    """The boolean array a comparison (or a combination of them) of `a` makes, as NumPy computes it."""
    if isinstance(node, Compare):
        operand = array if node.modulus is None else np.remainder(array, node.modulus)
        return _COMPARE[node.op](operand, node.value)
    if isinstance(node, Invert):
        return np.logical_not(mask_of(node.operand, array))
    combine = np.logical_and if node.op == "&" else np.logical_or
    return combine(mask_of(node.left, array), mask_of(node.right, array))


def is_mask(item: object) -> bool:
    return isinstance(item, (Compare, Invert, Combine))


def numpy_key(subscript: Subscript, array: np.ndarray) -> tuple:
    """What Python hands to `a[...]` for the typed text: ints, slices, Ellipsis, None, lists, and masks as bool arrays."""
    key = []
    for item in subscript.items:
        if isinstance(item, Slice):
            key.append(slice(item.start, item.stop, item.step))
        elif isinstance(item, IntList):
            key.append(_as_lists(item.values))
        elif is_mask(item):
            key.append(mask_of(item, array))
        else:
            key.append(item)
    return tuple(key)


@dataclass(frozen=True)
class NumpyProblem:
    """What NumPy raises: its exception type and exact message, plus the numbers that explain it."""

    kind: str  # "IndexError" or "ValueError"
    message: str
    reason: str  # which rule: out_of_bounds, too_many, shape_mismatch, step_zero, two_ellipses, ragged
    params: dict = field(default_factory=dict)


def _as_lists(values: tuple) -> list:
    return [_as_lists(v) if isinstance(v, tuple) else v for v in values]


def index_array(part: list) -> np.ndarray:
    """A list index as NumPy reads it: an intp array, also when empty."""
    return np.array(part, dtype=np.intp)


def ragged_problem(values: tuple) -> NumpyProblem | None:
    """A nested list NumPy cannot make an array of: the shape it found before the lengths stopped agreeing."""
    shape, level = [len(values)], list(values)
    while level:
        if all(isinstance(v, int) for v in level):
            return None
        lengths = {len(v) if isinstance(v, tuple) else -1 for v in level}
        if len(lengths) > 1 or -1 in lengths:
            detected = shape_text(tuple(shape))
            message = (
                "setting an array element with a sequence. The requested array has an inhomogeneous shape "
                f"after {len(shape)} dimensions. The detected shape was {detected} + inhomogeneous part."
            )
            return NumpyProblem("ValueError", message, "ragged", {"dims": len(shape)})
        shape.append(lengths.pop())
        level = [v for sub in level for v in sub]
    return None


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as Python prints it: `(3,)`, `(2, 1)`, `()`."""
    return str(tuple(int(n) for n in shape))


def _tight_shape(shape: tuple[int, ...]) -> str:
    """A shape as NumPy's C code writes it in messages: `(3,)`, `(2,1)`."""
    return "(" + ",".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _out_of_bounds(value: int, axis: int, size: int) -> NumpyProblem:
    return NumpyProblem(
        "IndexError",
        f"index {value} is out of bounds for axis {axis} with size {size}",
        "out_of_bounds",
        {"index": value, "axis": axis, "size": size, "low": -size, "high": size - 1},
    )


def numpy_problem(subscript: Subscript, array: np.ndarray) -> NumpyProblem | None:
    """The error `a[...]` raises, checked in NumPy's order, or None when indexing works.

    NumPy first reads the items in order (building arrays from lists, at most one
    `...`), then counts the axes they use, then makes the view (ints and slices,
    in order), and only then broadcasts and bounds-checks the index arrays.
    """
    ellipses = 0
    for item in subscript.items:
        ellipses += item is Ellipsis
        if ellipses > 1:
            return NumpyProblem(
                "IndexError",
                "an index can only have a single ellipsis ('...')",
                "two_ellipses",
            )
        if isinstance(item, IntList) and (problem := ragged_problem(item.values)):
            return problem
    key, shape = numpy_key(subscript, array), array.shape
    ndim, used = len(shape), sum(width(part) for part in key)
    if used > ndim:
        return NumpyProblem(
            "IndexError",
            f"too many indices for array: array is {ndim}-dimensional, but {used} were indexed",
            "too_many",
            {"ndim": ndim, "used": used},
        )
    axes = axes_of(key, ndim)
    for part, axis in zip(key, axes):
        if isinstance(part, int) and not -shape[axis] <= part < shape[axis]:
            return _out_of_bounds(part, axis, shape[axis])
        if isinstance(part, slice) and part.step == 0:
            return NumpyProblem("ValueError", "slice step cannot be zero", "step_zero")
    arrays = [(index_array(part), axis) for part, axis in zip(key, axes) if isinstance(part, list)]
    try:
        broadcast = np.broadcast_shapes(*(part.shape for part, _ in arrays))
    except ValueError:
        shapes = "".join(_tight_shape(part.shape) + " " for part, _ in arrays)
        return NumpyProblem(
            "IndexError",
            f"shape mismatch: indexing arrays could not be broadcast together with shapes {shapes}",
            "shape_mismatch",
            {"shapes": shapes.strip()},
        )
    for part, axis in arrays if np.prod(broadcast) else ():
        bad = part[(part < -shape[axis]) | (part >= shape[axis])]
        if bad.size:
            return _out_of_bounds(int(bad[0]), axis, shape[axis])
    return None


def axes_of(key: tuple, ndim: int) -> list[int | None]:
    """The first axis of `a` each key item indexes (None for None and `...`), once the key fits `ndim`."""
    used = sum(width(part) for part in key)
    axes, axis = [], 0
    for part in key:
        if part is Ellipsis:
            axes.append(None)
            axis += ndim - used
        elif part is None:
            axes.append(None)
        else:
            axes.append(axis)
            axis += width(part)
    return axes


def width(part: object) -> int:
    """How many axes of `a` one key item uses up."""
    if part is None or part is Ellipsis:
        return 0
    return part.ndim if isinstance(part, np.ndarray) and part.dtype == bool else 1
