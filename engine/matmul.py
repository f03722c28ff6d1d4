"""The affine layer A = X·W + B, step by step: the shapes checked as np.matmul checks them, then one dot product per step.

A MatmulSpec is the two shapes, the bias switch and (for small operands) the
numbers; matmul_trace() turns it into a MatmulTrace holding the whole result,
so stepping is only an index. Operands of more than 64 numbers stay symbolic:
the shapes, the counts and the rules, with no array allocated.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from engine.errors import SpecError
from engine.matmul_shapes import Shape, ShapeCheck, shape_text
from engine.matmul_spec import MatmulSpec, out_size
from engine.numbers import fmt, fmt_factor


@dataclass(frozen=True)
class ShapeStep:
    """One rule applied to the shapes: promote, inner, batch, result, bias, or refused."""

    index: int
    kind: str
    ok: bool = True


@dataclass(frozen=True)
class DotStep:
    """One output number: a row of X times a column of W, plus B's number for that column."""

    index: int
    batch: int
    row: int
    col: int
    label: str
    operands: str
    xs: tuple[float, ...]
    ws: tuple[float, ...]
    bias: float | None
    value: float
    filled: int

    def products(self, limit: int | None = None) -> str:
        """`4×0.5 + 5×(-1) + 6×2`, the middle left out (…) beyond `limit` products."""
        terms = [f"{fmt_factor(x)}×{fmt_factor(w)}" for x, w in zip(self.xs, self.ws)]
        if limit is not None and len(terms) > limit:
            terms = [*terms[: limit - 2], "…", *terms[-2:]]
        return " + ".join(terms)

    def arithmetic(self, limit: int | None = None) -> str:
        bias = f" + {fmt_factor(self.bias)}" if self.bias is not None else ""
        return f"= {self.products(limit)}{bias} = {fmt(self.value)}"

    @property
    def formula(self) -> str:
        return f"{self.label} = {self.operands}"


@dataclass(frozen=True)
class Slice:
    """What the grids show for one batch: X's and W's matrices, A's and the stretched B, and whose they are."""

    x: np.ndarray
    w: np.ndarray
    a: np.ndarray | None
    b: np.ndarray | None
    x_index: tuple[int, ...]
    w_index: tuple[int, ...]
    a_index: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class MatmulTrace:
    """Everything the lesson shows for one spec: the shape rules, the result and each dot product."""

    spec: MatmulSpec
    check: ShapeCheck
    shape_steps: tuple[ShapeStep, ...]
    result: np.ndarray | None

    @property
    def dot_count(self) -> int:
        return 0 if self.result is None else self.result.size

    @property
    def step_count(self) -> int:
        return len(self.shape_steps) + self.dot_count

    @property
    def outputs(self) -> int:
        """How many numbers A holds (each one a dot product)."""
        return prod(self.check.result or ())

    @property
    def multiply_adds(self) -> int:
        return self.outputs * self.check.inner[0]

    @property
    def parameters(self) -> tuple[int, int]:
        """W's and B's sizes: what a layer with these shapes learns."""
        biases = out_size(self.spec.w_shape) if self.spec.has_bias else None
        return prod(self.spec.w_shape), biases or 0

    @property
    def bias_text(self) -> str:
        return shape_text((out_size(self.spec.w_shape),)) if self.spec.has_bias else ""

    def step(self, index: int) -> ShapeStep | DotStep:
        index = min(max(index, 0), self.step_count - 1)
        if index < len(self.shape_steps):
            return self.shape_steps[index]
        return self._dot(index)

    def index_of(self, batch: int, row: int, col: int) -> int:
        return len(self.shape_steps) + (batch * self.check.rows + row) * self.check.cols + col

    def position(self, index: int) -> tuple[Shape, int, int, int] | None:
        """The number of A step `index` computes, with A's layout; None during the shape steps."""
        step = self.step(index)
        if isinstance(step, DotStep):
            return self.check.promoted_result, step.batch, step.row, step.col
        return None

    def index_at(self, position: tuple[Shape, int, int, int] | None) -> int | None:
        """The same number of A, only while the result keeps its layout (the same batch, rows and columns)."""
        if position is None or not self.dot_count:
            return None
        layout, batch, row, col = position
        return self.index_of(batch, row, col) if layout == self.check.promoted_result else None

    def _dot(self, index: int) -> DotStep:
        check, spec = self.check, self.spec
        batch, rest = divmod(index - len(self.shape_steps), check.rows * check.cols)
        row, col = divmod(rest, check.cols)
        part = self.slice(batch)
        bias = float(part.b[row, col]) if part.b is not None else None
        a_position = (
            *part.a_index,
            *((row,) if len(spec.x_shape) > 1 else ()),
            *((col,) if len(spec.w_shape) > 1 else ()),
        )
        x_label = f"X[{_index_text((*part.x_index, row, ':'))}]" if len(spec.x_shape) > 1 else "X"
        w_label = f"W[{_index_text((*part.w_index, ':', col))}]" if len(spec.w_shape) > 1 else "W"
        operands = f"{x_label}·{w_label}" + (f" + B[{col}]" if bias is not None else "")
        return DotStep(
            index=index,
            batch=batch,
            row=row,
            col=col,
            label=f"A[{_index_text(a_position)}]" if a_position else "A",
            operands=operands,
            xs=tuple(float(v) for v in part.x[row]),
            ws=tuple(float(v) for v in part.w[:, col]),
            bias=bias,
            value=float(part.a[row, col]),
            filled=rest + 1,
        )

    def batch_of(self, index: int) -> int:
        """The batch whose matrices step `index` shows (0 during the shape steps)."""
        step = self.step(index)
        return step.batch if isinstance(step, DotStep) else 0

    def slice(self, batch: int) -> Slice:
        """Batch `batch` (flat, C order) of the broadcast batch axes, with the matching index into X's and W's own."""
        spec, check = self.spec, self.check
        if check.batch is None:  # no product: the first matrix of each operand
            position, x_index, w_index = (
                (),
                (0,) * len(check.x_batch),
                (0,) * len(check.w_batch),
            )
        else:
            position = tuple(int(i) for i in np.unravel_index(batch, check.batch)) if check.batch else ()
            x_index, w_index = (
                _own_index(position, check.x_batch),
                _own_index(position, check.w_batch),
            )
        x = spec.x.reshape(check.x_promoted)[x_index]
        w = spec.w.reshape(check.w_promoted)[w_index]
        a = self.result.reshape(check.promoted_result)[position] if self.result is not None else None
        b = np.broadcast_to(spec.b, (check.rows, check.cols)) if spec.has_bias and spec.b is not None else None
        return Slice(x, w, a, b, x_index, w_index, position)


def _index_text(parts: tuple[int | str, ...]) -> str:
    return ",".join(str(part) for part in parts)


def _own_index(position: tuple[int, ...], own: Shape) -> tuple[int, ...]:
    """Broadcasting read backwards: a missing axis is dropped, a size-1 axis always reads index 0."""
    tail = position[len(position) - len(own) :] if own else ()
    return tuple(0 if size == 1 else i for i, size in zip(tail, own))


def _shape_steps(spec: MatmulSpec, check: ShapeCheck) -> tuple[ShapeStep, ...]:
    kinds: list[tuple[str, bool]] = []
    if check.too_few_dims:
        kinds.append(("dims", False))
    else:
        if len(spec.x_shape) == 1 or len(spec.w_shape) == 1:
            kinds.append(("promote", True))
        kinds.append(("inner", check.inner_ok))
        if check.has_batch:
            kinds.append(("batch", check.batch is not None))
    if check.ok:
        kinds.append(("result", True))
        if spec.has_bias:
            kinds.append(("bias", True))
    else:
        kinds.append(("refused", False))
    return tuple(ShapeStep(i, kind, ok) for i, (kind, ok) in enumerate(kinds))


def matmul_trace(spec: MatmulSpec) -> MatmulTrace:
    """Check the shapes; when they agree and the numbers are shown, compute A = X·W (+ B) once with np.matmul."""
    check = ShapeCheck(spec.x_shape, spec.w_shape)
    result = None
    if check.ok and spec.has_values:
        with np.errstate(over="ignore", invalid="ignore"):
            product = np.matmul(spec.x, spec.w)
            result = product + spec.b if spec.has_bias else product
        if not np.isfinite(result).all():
            raise SpecError("overflow")
        result = np.asarray(result, dtype=np.float64).reshape(check.promoted_result)
        result.setflags(write=False)
    return MatmulTrace(spec=spec, check=check, shape_steps=_shape_steps(spec, check), result=result)
