"""Array indexing (slices, integer arrays, boolean masks) on a small array, one selected element per step.

An IndexSpec is the array and the parsed subscript; index_trace() indexes the
array with NumPy once (after checking, in NumPy's order and words, whether
NumPy would raise) and keeps, for every result element, the cell of `a` it came
from, so stepping back and forth is only an index.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.errors import SpecError
from engine.index_parse import IntList, Slice, Subscript, item_text
from engine.index_rules import (
    NumpyProblem,
    axes_of,
    index_array,
    is_mask,
    numpy_key,
    numpy_problem,
    shape_text,
    width,
)
from engine.numbers import fmt

MAX_SIDE = 12
BASIC, INTEGER, MASK = "basic", "integer", "mask"

Cell = tuple[int, int, int]


@dataclass(frozen=True, eq=False)
class IndexSpec:
    """A 1-D or 2-D array `a` of finite numbers (at most MAX_SIDE a side) and a subscript of it."""

    array: np.ndarray
    subscript: Subscript

    def __post_init__(self) -> None:
        array = np.array(self.array, dtype=np.float64)
        if array.ndim not in (1, 2) or array.size == 0:
            raise SpecError("empty_matrix", what="index_array")
        height, width = (1, array.shape[0]) if array.ndim == 1 else array.shape
        if height > MAX_SIDE or width > MAX_SIDE:
            raise SpecError(
                "too_large",
                what="index_array",
                height=height,
                width=width,
                limit=MAX_SIDE,
            )
        if not np.isfinite(array).all():
            raise SpecError(
                "not_finite",
                what="index_array",
                token=fmt(array[~np.isfinite(array)].flat[0]),
            )
        array.setflags(write=False)
        object.__setattr__(self, "array", array)

    @property
    def kind(self) -> str:
        """Boolean mask, integer-array (advanced) or basic indexing: what the lesson explains."""
        items = self.subscript.items
        if any(is_mask(item) for item in items):
            return MASK
        return INTEGER if any(isinstance(item, IntList) for item in items) else BASIC


@dataclass(frozen=True)
class AxisPick:
    """What the subscript picks along one axis of `a`, in basic indexing."""

    axis: int
    size: int
    text: str  # as typed: "1:", "-1", or ":" / "..." for an axis the subscript leaves whole
    form: str  # "int", "slice" or "all"
    picked: tuple[int, ...]
    start: int = 0
    stop: int = 0
    step: int = 1

    @property
    def from_end(self) -> bool:
        """A negative integer counts from the end: -1 is index size − 1."""
        return self.form == "int" and self.text.startswith("-")

    @property
    def stop_before_start(self) -> bool:
        """A negative step that runs past index 0: Python's stop is then -1, which does not mean the last index."""
        return self.step < 0 and self.stop < 0


@dataclass(frozen=True)
class IndexArray:
    """One axis's index array (or integer) in integer-array indexing, broadcast to the common shape."""

    axis: int
    text: str
    values: np.ndarray


@dataclass(frozen=True)
class Element:
    """Result element `number` (reading order): where it sits in `out`, the cell of `a` it copies, its value."""

    number: int
    out_index: tuple[int, ...]
    source: tuple[int, ...]
    value: float
    fancy_position: tuple[int, ...] = ()

    @property
    def out_label(self) -> str:
        return "out[" + ", ".join(map(str, self.out_index)) + "]" if self.out_index else "out"

    @property
    def source_label(self) -> str:
        return "a[" + ", ".join(map(str, self.source)) + "]"

    @property
    def position_text(self) -> str:
        """Where in the broadcast index arrays this element's indices are read: `(1,)`."""
        return shape_text(self.fancy_position)

    @property
    def equation(self) -> str:
        """`out[1] = a[1, 1] = 4`."""
        return f"{self.out_label} = {self.source_label} = {fmt(self.value)}"


@dataclass(frozen=True)
class IndexStep:
    """One step: an axis of a basic subscript, the whole selection, one element, or NumPy's error."""

    index: int
    form: str  # "axis", "overview", "element" or "error"
    marks: Mapping[Cell, str]
    axis: AxisPick | None = None
    element: Element | None = None


def source_cell(index: tuple[int, ...]) -> Cell:
    """Where a cell of the 1-D or 2-D array `a` sits in its grid (a 1-D array is one row)."""
    return (0, 0, int(index[0])) if len(index) == 1 else (0, int(index[0]), int(index[1]))


@dataclass(frozen=True)
class Layout:
    """How an array of any shape is drawn as a grid: blocks over the leading axes, then rows × columns."""

    shape: tuple[int, ...]

    @property
    def rows(self) -> int:
        return self.shape[-2] if len(self.shape) >= 2 else 1

    @property
    def cols(self) -> int:
        return self.shape[-1] if self.shape else 1

    @property
    def blocks(self) -> int:
        return int(np.prod(self.shape[:-2], dtype=np.int64)) if len(self.shape) > 2 else 1

    def cell(self, number: int) -> Cell:
        """The grid cell of element `number` in reading order."""
        block, rest = divmod(number, self.rows * self.cols)
        return (block, *divmod(rest, self.cols))

    def cell_at(self, index: tuple[int, ...]) -> Cell:
        return self.cell(int(np.ravel_multi_index(index, self.shape)) if index else 0)

    def cells(self, values: np.ndarray) -> np.ndarray:
        """`values` as (blocks, rows, cols); empty when it has no elements."""
        return np.asarray(values).reshape(self.blocks, self.rows, self.cols) if np.size(values) else np.empty((0, 0, 0))

    def captions(self, name: str) -> tuple[str, ...]:
        """`out[0, 1]` over each block when there are more than two axes; none otherwise."""
        if len(self.shape) <= 2 or not math.prod(self.shape):
            return ()
        return tuple(f"{name}[{', '.join(map(str, i))}]" for i in np.ndindex(*self.shape[:-2]))


@dataclass(frozen=True, eq=False)
class IndexTrace:
    """All the lesson shows for one spec: NumPy's result or error, and where each result element came from."""

    spec: IndexSpec
    problem: NumpyProblem | None
    numpy_agrees: bool  # NumPy raised exactly `problem`, or a.flat[sources] is exactly the result
    result: np.ndarray
    sources: np.ndarray
    memory: str  # "view", "copy", "scalar" or "empty"
    shares_memory: bool
    axes: tuple[AxisPick, ...]
    mask: np.ndarray | None
    index_arrays: tuple[IndexArray, ...]
    fancy_start: int

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def intro_count(self) -> int:
        if self.problem:
            return 1
        return len(self.axes) if self.kind == BASIC else 1

    @property
    def step_count(self) -> int:
        return self.intro_count + (0 if self.problem else self.result.size)

    @property
    def shape_text(self) -> str:
        return shape_text(self.result.shape)

    @property
    def source_shape_text(self) -> str:
        return shape_text(self.spec.array.shape)

    @property
    def index_layout_text(self) -> str:
        return shape_text(self.index_layout.shape)

    @property
    def mask_text(self) -> str:
        """The mask as typed, canonically: `a > 2`, `(a > 1) & (a < 5)`."""
        return next((item_text(item) for item in self.spec.subscript.items if is_mask(item)), "")

    @cached_property
    def selected(self) -> frozenset[Cell]:
        """Every cell of `a` the subscript reads."""
        return frozenset(source_cell(np.unravel_index(int(n), self.spec.array.shape)) for n in self.sources.flat)

    @property
    def index_layout(self) -> Layout:
        """The common (broadcast) shape of the index arrays, as a grid."""
        return Layout(self.index_arrays[0].values.shape if self.index_arrays else ())

    def index_grid(self) -> tuple[np.ndarray, tuple[tuple[IndexArray, str], ...]]:
        """Every index array's blocks stacked in one grid, and for each block its array and position suffix."""
        layout = self.index_layout
        cells = [layout.cells(array.values) for array in self.index_arrays]
        suffixes = layout.captions("") or ("",)
        captions = tuple((array, suffix) for array in self.index_arrays for suffix in suffixes)
        return (np.concatenate(cells) if cells else np.empty((0, 0, 0))), captions

    def index_cells(self, element: Element) -> list[Cell]:
        """The cell of each index array that `element` reads, in the stacked index grid."""
        layout = self.index_layout
        block, row, col = layout.cell_at(element.fancy_position)
        return [(k * layout.blocks + block, row, col) for k in range(len(self.index_arrays))]

    def element(self, number: int) -> Element:
        out_index = tuple(int(i) for i in np.unravel_index(number, self.result.shape)) if self.result.ndim else ()
        source = tuple(int(i) for i in np.unravel_index(int(self.sources.flat[number]), self.spec.array.shape))
        width = self.index_arrays[0].values.ndim if self.index_arrays else 0
        return Element(
            number=number,
            out_index=out_index,
            source=source,
            value=float(self.result.flat[number]),
            fancy_position=out_index[self.fancy_start : self.fancy_start + width],
        )

    def step(self, index: int) -> IndexStep:
        """Intro steps first (each axis, or the whole selection), then one step per result element."""
        index = min(max(index, 0), self.step_count - 1)
        if self.problem:
            return IndexStep(index, "error", {})
        if index < self.intro_count:
            if self.kind != BASIC:
                return IndexStep(index, "overview", dict.fromkeys(self.selected, "tap"))
            return IndexStep(
                index,
                "axis",
                dict.fromkeys(self._picked_up_to(index), "tap"),
                axis=self.axes[index],
            )
        element = self.element(index - self.intro_count)
        marks = dict.fromkeys(self.selected, "gap")
        marks[source_cell(element.source)] = "current"
        return IndexStep(index, "element", marks, element=element)

    def _picked_up_to(self, last_axis: int) -> frozenset[Cell]:
        """Cells whose coordinates on axes 0..last_axis are all picked: the selection narrowing axis by axis."""
        shape = self.spec.array.shape
        return frozenset(
            source_cell(cell)
            for cell in np.ndindex(*shape)
            if all(cell[pick.axis] in pick.picked for pick in self.axes[: last_axis + 1])
        )


def index_trace(spec: IndexSpec) -> IndexTrace:
    """Index `a` with NumPy once, or say what NumPy raises; `numpy_agrees` compares engine's own check with NumPy."""
    array, subscript = spec.array, spec.subscript
    problem = numpy_problem(subscript, array)
    key = numpy_key(subscript, array)
    try:
        result = array[key]
    except (
        IndexError,
        ValueError,
    ) as error:  # NumPy has the last word, even where engine's check disagrees
        raised = NumpyProblem(type(error).__name__, str(error), "numpy")
        agrees = problem is not None and (problem.kind, problem.message) == (
            raised.kind,
            raised.message,
        )
        return _failed(spec, problem if agrees else raised, agrees)
    if problem:
        return _failed(spec, problem, False)
    positions = np.arange(array.size).reshape(array.shape)
    sources = np.asarray(positions[key])
    view = isinstance(result, np.ndarray) and result.base is array
    memory = "empty" if np.size(result) == 0 else "view" if view else "scalar" if np.ndim(result) == 0 else "copy"
    masks = [part for part in key if isinstance(part, np.ndarray)]
    arrays, fancy_start = _index_arrays(subscript, key, array.ndim)
    return IndexTrace(
        spec=spec,
        problem=None,
        numpy_agrees=bool(np.array_equal(array.reshape(-1)[sources], result)),
        result=np.asarray(result),
        sources=sources,
        memory=memory,
        shares_memory=bool(np.shares_memory(result, array)),
        axes=_axis_picks(subscript, key, array.shape) if spec.kind == BASIC else (),
        mask=masks[0] if masks else None,
        index_arrays=arrays,
        fancy_start=fancy_start,
    )


def _failed(spec: IndexSpec, problem: NumpyProblem, agrees: bool) -> IndexTrace:
    empty = np.empty(0)
    return IndexTrace(
        spec,
        problem,
        agrees,
        empty,
        empty.astype(np.intp),
        "empty",
        False,
        (),
        None,
        (),
        0,
    )


def _axis_picks(subscript: Subscript, key: tuple, shape: tuple[int, ...]) -> tuple[AxisPick, ...]:
    """One AxisPick per axis of `a`: typed ints and slices, `...` and the axes left out taken whole."""
    picks: dict[int, AxisPick] = {}
    axes = axes_of(key, len(shape))
    for item, part, axis in zip(subscript.items, key, axes):
        if isinstance(item, Slice):
            start, stop, step = part.indices(shape[axis])
            picked = tuple(range(start, stop, step))
            picks[axis] = AxisPick(axis, shape[axis], item.text, "slice", picked, start, stop, step)
        elif isinstance(part, int):
            picks[axis] = AxisPick(axis, shape[axis], str(item), "int", (part % shape[axis],))
    spread = "..." if Ellipsis in subscript.items else ":"
    return tuple(
        picks.get(axis) or AxisPick(axis, size, spread, "all", tuple(range(size))) for axis, size in enumerate(shape)
    )


def _index_arrays(subscript: Subscript, key: tuple, ndim: int) -> tuple[tuple[IndexArray, ...], int]:
    """The integer index arrays (ints join them once any list is present), broadcast; and where their axes land in `out`.

    NumPy puts the broadcast axes where the first index array stood when all of
    them are next to each other in the subscript, and in front otherwise.
    """
    if not any(isinstance(item, IntList) for item in subscript.items):
        return (), 0
    axes = axes_of(key, ndim)
    fancy = [i for i, part in enumerate(key) if isinstance(part, (int, list))]
    values = np.broadcast_arrays(*(index_array(key[i]) for i in fancy))
    arrays = tuple(IndexArray(axes[i], item_text(subscript.items[i]), v) for i, v in zip(fancy, values))
    if fancy != list(range(fancy[0], fancy[-1] + 1)):
        return arrays, 0
    spread = ndim - sum(width(part) for part in key)
    return arrays, sum(spread if part is Ellipsis else 1 for part in key[: fancy[0]])
