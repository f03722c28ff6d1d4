"""Shapes for `np.matmul` / `torch.matmul`: typed shapes parsed, the rules applied, each library's refusal in its own words.

Nothing here allocates an array, so a (4, 784)·(784, 100) layer, or one with a
billion rows, is checked as fast as a 2×3 matrix. The messages are what numpy
2.x and torch 2.x raise for arrays fresh from `np.zeros` / `torch.zeros`
(contiguous: torch picks its code path, and so its wording, by memory layout).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from math import prod

from engine.errors import SpecError

Shape = tuple[int, ...]

MAX_DIMS = 32
MAX_AXIS = 1_000_000_000
_SEPARATOR = re.compile(r"\s*(?:,|[x×X*])\s*|\s+")
_BRACKETS = {"(": ")", "[": "]"}
NUMPY_SIGNATURE = "(n?,k),(k,m?)->(n?,m?)"


def parse_shape(text: str, what: str) -> Shape:
    """`2,3`, `(2, 3)`, `[2 3]`, `2x3` or `2×3` → (2, 3); `(3,)` → (3,); `()` → (). Parsed, never evaluated."""
    inner = text.strip()
    if not inner:
        raise SpecError("matmul_shape_empty", what=what)
    if inner[0] in _BRACKETS:
        if inner[-1] != _BRACKETS[inner[0]] or len(inner) < 2:
            raise SpecError("matmul_shape_syntax", what=what, text=text.strip())
        inner = inner[1:-1].strip()
        if not inner:
            return ()
    parts = _SEPARATOR.split(inner)
    if len(parts) > 1 and parts[-1] == "" and inner.endswith(","):
        parts.pop()  # the trailing comma of a 1-tuple, `(3,)`
    if any(part == "" for part in parts):
        raise SpecError("matmul_shape_syntax", what=what, text=text.strip())
    for part in parts:
        if not part.isascii() or not part.isdigit():
            raise SpecError("matmul_shape_token", what=what, token=part)
        if len(part.lstrip("0")) > len(str(MAX_AXIS)):  # before int(): Python refuses over 4,300 digits
            raise SpecError("too_big", what="matmul_axis", value=part[:12] + "…", high=MAX_AXIS)
    return check_shape(tuple(int(part) for part in parts), what)


def check_shape(shape: Shape, what: str) -> Shape:
    """A shape given as numbers (not typed) obeys the same limits as a typed one."""
    try:
        sizes = tuple(operator.index(size) for size in shape)
    except TypeError:
        sizes = (-1,)
    if any(size < 0 or isinstance(size, bool) for size in sizes):
        raise SpecError("matmul_shape_syntax", what=what, text=str(shape))
    shape = sizes
    if len(shape) > MAX_DIMS:
        raise SpecError("matmul_shape_dims", what=what, got=len(shape), limit=MAX_DIMS)
    for size in shape:
        if size > MAX_AXIS:
            raise SpecError("too_big", what="matmul_axis", value=size, high=MAX_AXIS)
    return shape


def shape_text(shape: Shape) -> str:
    """As Python prints a shape: `(2, 3)`, `(4,)`, `()`."""
    return str(tuple(shape))


def _numpy_shape(shape: Shape) -> str:
    return "(" + ",".join(str(size) for size in shape) + ")"


def broadcast_batch(a: Shape, b: Shape) -> tuple[Shape | None, tuple[int, ...]]:
    """The batch axes broadcast (right-aligned; equal, or one is 1), and the clashing axes of the result, left to right."""
    rank = max(len(a), len(b))
    left = (1,) * (rank - len(a)) + a
    right = (1,) * (rank - len(b)) + b
    clashes = tuple(axis for axis in range(rank) if left[axis] != right[axis] and 1 not in (left[axis], right[axis]))
    if clashes:
        return None, clashes
    return tuple(b if a == 1 else a for a, b in zip(left, right)), ()


@dataclass(frozen=True)
class ShapeCheck:
    """np.matmul's rules for X·W, in the order numpy applies them, with every size the lesson shows."""

    x: Shape
    w: Shape

    @property
    def too_few_dims(self) -> tuple[str, ...]:
        """The operands with no axis at all (0-d): matmul needs at least one."""
        return tuple(name for name, shape in (("X", self.x), ("W", self.w)) if not shape)

    @property
    def x_promoted(self) -> Shape:
        """A 1-D X is a row: (k,) → (1, k)."""
        return (1, *self.x) if len(self.x) == 1 else self.x

    @property
    def w_promoted(self) -> Shape:
        """A 1-D W is a column: (k,) → (k, 1)."""
        return (*self.w, 1) if len(self.w) == 1 else self.w

    @property
    def inner(self) -> tuple[int, int]:
        """X's last axis and W's second-to-last: the sizes that must agree."""
        return self.x_promoted[-1], self.w_promoted[-2]

    @property
    def inner_ok(self) -> bool:
        return self.inner[0] == self.inner[1]

    @property
    def x_batch(self) -> Shape:
        return self.x_promoted[:-2]

    @property
    def w_batch(self) -> Shape:
        return self.w_promoted[:-2]

    @property
    def has_batch(self) -> bool:
        return bool(self.x_batch or self.w_batch)

    @property
    def batch(self) -> Shape | None:
        return broadcast_batch(self.x_batch, self.w_batch)[0]

    @property
    def batch_clashes(self) -> tuple[int, ...]:
        return broadcast_batch(self.x_batch, self.w_batch)[1]

    @property
    def ok(self) -> bool:
        return not self.too_few_dims and self.inner_ok and self.batch is not None

    @property
    def rows(self) -> int:
        return self.x_promoted[-2]

    @property
    def cols(self) -> int:
        return self.w_promoted[-1]

    @property
    def promoted_result(self) -> Shape:
        """batch + (n, m): the result before the 1s added for 1-D operands are removed."""
        return (*(self.batch or ()), self.rows, self.cols)

    @property
    def result(self) -> Shape | None:
        """np.matmul(X, W).shape, or None when numpy refuses."""
        return (*self.batch, *self.core_out) if self.ok else None

    @property
    def core_out(self) -> Shape:
        """The result's own last axes: n unless X is 1-D, m unless W is 1-D."""
        return self.x[-2:-1] + (self.w[-1:] if len(self.w) > 1 else ())

    @property
    def numpy_error(self) -> str | None:
        """The ValueError text of np.matmul for these shapes (core dimensions first, then the batch broadcast)."""
        for operand, shape in enumerate((self.x, self.w)):
            if not shape:
                return (
                    f"matmul: Input operand {operand} does not have enough dimensions "
                    f"(has 0, gufunc core with signature {NUMPY_SIGNATURE} requires 1)"
                )
        k_x, k_w = self.inner
        if k_x != k_w:
            return (
                "matmul: Input operand 1 has a mismatch in its core dimension 0, "
                f"with gufunc signature {NUMPY_SIGNATURE} (size {k_w} is different from {k_x})"
            )
        if self.batch is None:
            core = self.core_out
            remapped = [
                f"{_numpy_shape(shape)}->({','.join([str(d) for d in batch] + ['newaxis'] * len(core))})"
                for shape, batch in ((self.x, self.x_batch), (self.w, self.w_batch))
            ]
            return (
                "operands could not be broadcast together with remapped shapes [original->remapped]: "
                f"{' '.join(remapped)}  and requested shape {_numpy_shape(core)}"
            )
        return None

    @property
    def torch_error(self) -> str | None:
        """The RuntimeError text of torch.matmul: its wording follows the kernel it dispatches to (dot, mv, mm or bmm)."""
        x, w = self.x, self.w
        if not x or not w:
            return f"both arguments to matmul need to be at least 1D, but they are {len(x)}D and {len(w)}D"
        if len(x) == 1 and len(w) == 1:
            if x[0] == w[0]:
                return None
            return (
                f"inconsistent tensor size, expected tensor [{x[0]}] and src [{w[0]}] to have the same number "
                f"of elements, but got {x[0]} and {w[0]} elements respectively"
            )
        if len(x) <= 2 and len(w) <= 2:
            if len(w) == 1:
                return _mv_error(x[0], x[1], w[0])
            return _mm_error(*self.x_promoted, *w)
        if len(w) <= 2:  # X's leading axes are folded into rows: one mm or mv
            rows = prod(x[:-1])
            return _mm_error(rows, x[-1], *w) if len(w) == 2 else _mv_error(rows, x[-1], w[0])
        if len(x) == 1 and (prod(w) == 0 or w[-2] == 1):  # W.mT is then a plain view: folded the other way
            return _mv_error(prod(w[:-2]) * w[-1], w[-2], x[0])
        return self._bmm_error()

    def _bmm_error(self) -> str | None:
        a, b = self.x_batch, self.w_batch
        rank = max(len(a), len(b))
        if self.batch_clashes:
            axis = self.batch_clashes[-1]  # torch compares from the last axis and stops at the first clash
            size_a = a[axis - (rank - len(a))] if axis >= rank - len(a) else 1
            size_b = b[axis - (rank - len(b))] if axis >= rank - len(b) else 1
            return f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) at non-singleton dimension {axis}"
        k_x, k_w = self.inner
        if k_x == k_w:
            return None
        count = prod(self.batch)
        return f"Expected size for first two dimensions of batch2 tensor to be: [{count}, {k_x}] but got: [{count}, {k_w}]."


def _mm_error(rows: int, k1: int, k2: int, cols: int) -> str | None:
    return None if k1 == k2 else f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k1} and {k2}x{cols})"


def _mv_error(rows: int, k: int, length: int) -> str | None:
    return None if k == length else f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec ({length})"
