"""NumPy's broadcasting rules, one step at a time, for two or three shapes.

Everything here works on shape tuples only, so a (1000000, 1000000) operand costs
nothing; the actual numbers (engine.broadcast_values) are made only when every
array is small. The walk follows the course's rules: right-align the shapes,
prepend 1s (rule 1), compare each axis from the right (rules 2 and 3), take the
larger size (rule 4), stretch the size-1 axes by copying (rule 5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.broadcast_shape import MAX_DIMS, Shape, check_elements, numpy_shape
from engine.errors import SpecError

NAMES = ("a", "b", "c")
OPS = {"add": "+", "subtract": "-", "multiply": "*"}

ALIGN, PREPEND, COMPARE, RESULT, STRETCH, COMPUTE = (
    "align",
    "prepend",
    "compare",
    "result",
    "stretch",
    "compute",
)
EQUAL, ONE, MISMATCH = "equal", "one", "mismatch"


@dataclass(frozen=True)
class BroadcastSpec:
    """Two or three operand shapes and the elementwise operation that joins them."""

    shapes: tuple[Shape, ...]
    op: str = "add"

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "shapes",
            tuple(tuple(int(size) for size in shape) for shape in self.shapes),
        )
        if not 2 <= len(self.shapes) <= 3:
            raise SpecError("broadcast_shape_count", got=len(self.shapes))
        if self.op not in OPS:
            raise SpecError(
                "unknown_preset",
                what="broadcast_op",
                name=self.op,
                choices=", ".join(OPS),
            )
        for name, shape in zip(NAMES, self.shapes):
            if len(shape) > MAX_DIMS:
                raise SpecError("broadcast_too_many_dims", name=name, got=len(shape), limit=MAX_DIMS)
            if any(size < 0 for size in shape):
                raise SpecError("broadcast_negative_size", name=name, size=min(shape))
            check_elements(shape, name)
        if self.result_shape is not None:
            check_elements(self.result_shape, self.expression)

    @property
    def names(self) -> tuple[str, ...]:
        return NAMES[: len(self.shapes)]

    @property
    def expression(self) -> str:
        """`a + b`, `a - b - c`: the same operator between every operand, evaluated left to right."""
        return f" {OPS[self.op]} ".join(self.names)

    @property
    def ndim(self) -> int:
        return max(len(shape) for shape in self.shapes)

    @property
    def padded(self) -> tuple[Shape, ...]:
        return pad(self.shapes)

    @property
    def result_shape(self) -> Shape | None:
        """The broadcast shape, or None where the shapes cannot be broadcast."""
        current: Shape | None = self.shapes[0]
        for following in self.shapes[1:]:
            current = None if current is None else pair_shape(current, following)
        return current


@dataclass(frozen=True)
class BroadcastStep:
    """One move of the walk-through, as data: the screen picks the sentence from the catalogue.

    `rows` is the shapes table at this step (None where an operand has no axis
    yet), `result` the result sizes known so far, `added` the (operand, axis)
    cells that broadcasting made up: prepended 1s and stretched sizes.
    """

    index: int
    kind: str
    rule: int
    axis: int | None = None
    from_right: int | None = None
    sizes: tuple[int, ...] = ()
    verdict: str = ""
    size: int | None = None
    stretched: tuple[int, ...] = ()
    rows: tuple[tuple[int | None, ...], ...] = ()
    result: tuple[int | None, ...] = ()
    added: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    @property
    def failed(self) -> bool:
        """The axis where the shapes do not fit: the walk ends here, with NumPy's and torch's errors."""
        return self.verdict == MISMATCH


def axis_verdict(sizes: tuple[int, ...]) -> tuple[str, int | None]:
    """Rules 2–4 on one axis: equal sizes, or the others are 1; the result takes the size that is not 1."""
    others = {size for size in sizes if size != 1}
    if len(others) > 1:
        return MISMATCH, None
    if len(set(sizes)) == 1:
        return EQUAL, sizes[0]
    return ONE, others.pop()


def pad(shapes: tuple[Shape, ...]) -> tuple[Shape, ...]:
    """Rule 1: every shape with 1s prepended up to the longest one's length."""
    ndim = max(len(shape) for shape in shapes)
    return tuple((1,) * (ndim - len(shape)) + shape for shape in shapes)


def pair_shape(first: Shape, second: Shape) -> Shape | None:
    """The broadcast shape of two operands, or None if they cannot be broadcast together."""
    sizes = [axis_verdict(pair) for pair in zip(*pad((first, second)))]
    return None if any(verdict == MISMATCH for verdict, _ in sizes) else tuple(size for _, size in sizes)


def numpy_message(shapes: tuple[Shape, ...]) -> str | None:
    """NumPy's ValueError for `a + b (+ c)`, evaluated left to right as Python does: None if it works."""
    current = shapes[0]
    for following in shapes[1:]:
        joined = pair_shape(current, following)
        if joined is None:
            return (
                f"operands could not be broadcast together with shapes {numpy_shape(current)} {numpy_shape(following)} "
            )
        current = joined
    return None


def torch_message(shapes: tuple[Shape, ...]) -> str | None:
    """torch's RuntimeError for `a + b (+ c)`: its infer_size walks the axes from the right, first mismatch wins."""
    current = shapes[0]
    for following in shapes[1:]:
        padded = pad((current, following))
        for dim in reversed(range(len(padded[0]))):
            size_a, size_b = padded[0][dim], padded[1][dim]
            if size_a != size_b and 1 not in (size_a, size_b):
                return (
                    f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                    f"at non-singleton dimension {dim}"
                )
        current = pair_shape(current, following)
    return None


@dataclass(frozen=True)
class BroadcastTrace:
    """The whole walk-through of one spec: every step, the result shape or the failing axis, the messages."""

    spec: BroadcastSpec
    steps: tuple[BroadcastStep, ...]
    result_shape: Shape | None
    failing_axis: int | None
    numpy_message: str | None
    torch_message: str | None

    @property
    def step_count(self) -> int:
        return len(self.steps)

    @property
    def compatible(self) -> bool:
        return self.result_shape is not None

    def step(self, index: int) -> BroadcastStep:
        return self.steps[min(max(index, 0), self.step_count - 1)]

    @property
    def result_elements(self) -> int | None:
        return None if self.result_shape is None else math.prod(self.result_shape)

    @property
    def element_counts(self) -> tuple[int, ...]:
        """How many elements each operand holds, then the result (if there is one): what a copy would cost."""
        counts = tuple(math.prod(shape) for shape in self.spec.shapes)
        return counts if self.result_elements is None else counts + (self.result_elements,)


def broadcast_trace(spec: BroadcastSpec) -> BroadcastTrace:
    """Walk the rules on the shapes alone: no array is made, however large the shapes."""
    ndim, padded = spec.ndim, spec.padded
    aligned = tuple((None,) * (ndim - len(shape)) + shape for shape in spec.shapes)
    prepended = frozenset((k, axis) for k, shape in enumerate(spec.shapes) for axis in range(ndim - len(shape)))
    unknown: tuple[int | None, ...] = (None,) * ndim
    steps = [
        BroadcastStep(0, ALIGN, 0, rows=aligned, result=unknown),
        BroadcastStep(1, PREPEND, 1, rows=padded, result=unknown, added=prepended),
    ]
    known = list(unknown)
    failing = None
    for axis in reversed(range(ndim)):
        sizes = tuple(shape[axis] for shape in padded)
        verdict, size = axis_verdict(sizes)
        known[axis] = size
        steps.append(
            BroadcastStep(
                len(steps),
                COMPARE,
                3 if verdict == ONE else 2,
                axis,
                axis - ndim,
                sizes,
                verdict,
                size,
                stretched=_stretched(sizes, size),
                rows=padded,
                result=tuple(known),
                added=prepended,
            )
        )
        if verdict == MISMATCH:
            failing = axis
            break
    result_shape = None if failing is not None else tuple(known)
    if result_shape is not None:
        steps.append(BroadcastStep(len(steps), RESULT, 4, rows=padded, result=result_shape, added=prepended))
        steps += _stretch_steps(padded, result_shape, prepended, len(steps))
        final = steps[-1]
        steps.append(
            BroadcastStep(
                len(steps),
                COMPUTE,
                0,
                rows=final.rows,
                result=result_shape,
                added=final.added,
            )
        )
    return BroadcastTrace(
        spec=spec,
        steps=tuple(steps),
        result_shape=result_shape,
        failing_axis=failing,
        numpy_message=numpy_message(spec.shapes),
        torch_message=torch_message(spec.shapes),
    )


def _stretched(sizes: tuple[int, ...], size: int | None) -> tuple[int, ...]:
    """The operands whose size-1 axis becomes `size` copies (none if the result is 1 too)."""
    return () if size in (None, 1) else tuple(k for k, s in enumerate(sizes) if s == 1)


def _stretch_steps(
    padded: tuple[Shape, ...],
    result: Shape,
    added: frozenset[tuple[int, int]],
    start: int,
) -> list[BroadcastStep]:
    """Rule 5, one axis at a time from the right: every operand with a 1 there is copied to the result's size."""
    rows = [list(shape) for shape in padded]
    steps = []
    for axis in reversed(range(len(result))):
        sizes = tuple(shape[axis] for shape in padded)
        stretched = _stretched(sizes, result[axis])
        if not stretched:
            continue
        for k in stretched:
            rows[k][axis] = result[axis]
        added = added | {(k, axis) for k in stretched}
        steps.append(
            BroadcastStep(
                start + len(steps),
                STRETCH,
                5,
                axis,
                axis - len(result),
                sizes,
                ONE,
                result[axis],
                stretched=stretched,
                rows=tuple(tuple(row) for row in rows),
                result=result,
                added=added,
            )
        )
    return steps
