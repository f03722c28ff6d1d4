"""The affine layer's setup: the shapes of X and W, the bias switch and (for small operands) the numbers.

A MatmulSpec validates itself; numbers are a pattern, typed or random, and only
operands of at most 64 numbers get them (larger ones stay symbolic). The trace
that steps through A = X·W + B is in engine/matmul.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from math import prod

import numpy as np

from engine.errors import SpecError
from engine.matmul_shapes import Shape, check_shape, shape_text
from engine.matrix import format_matrix, parse_matrix, parse_vector
from engine.numbers import fmt

MAX_VALUES = 64
W_PATTERN = (2.0, -1.0, 0.5, 1.0, 0.0)
B_PATTERN = (1.0, 0.0, -1.0, 2.0)
PATTERN = "pattern"
TYPED = "typed"
RANDOM = "random"
CUSTOM = "custom"

EXAMPLES: dict[str, tuple[Shape, Shape, bool]] = {
    "affine": ((2, 3), (3, 4), True),
    "mnist": ((4, 784), (784, 100), True),
    "mismatch": ((2, 3), (4, 5), True),
    "batched": ((2, 3, 4), (2, 4, 5), False),
    "vector": ((3,), (3, 4), False),
}


def pattern_values(shape: Shape, which: str) -> np.ndarray:
    """X counts 1, 2, 3 …; B repeats 1, 0, -1, 2; W repeats 2, -1, 0.5, 1, 0 along each row, shifted by one per row and batch.

    Small numbers, to be checked by hand, and no two neighbouring columns of W alike.
    """
    if which == "x":
        return np.arange(1, prod(shape) + 1, dtype=np.float64).reshape(shape)
    if which == "b":
        return np.array(
            [B_PATTERN[i % len(B_PATTERN)] for i in range(prod(shape))],
            dtype=np.float64,
        ).reshape(shape)
    matrix = (-1, *shape[-1:], 1) if len(shape) == 1 else (-1, *shape[-2:])
    batch, row, col = np.indices((prod(shape) // max(matrix[1] * matrix[2], 1), *matrix[1:]))
    picks = (col - row + batch) % len(W_PATTERN)
    return np.array(W_PATTERN)[picks].reshape(shape)


def random_values(seed: int, shape: Shape, which: str) -> np.ndarray:
    """Small integers (the bias smaller still), different for X, W and B of the same seed."""
    # any int, negative too, is a seed
    rng = np.random.default_rng([seed % 2**64, "xwb".index(which)])
    low, high = (-2, 3) if which == "b" else (-3, 6)
    return rng.integers(low, high, size=shape).astype(np.float64)


def shows_values(x_shape: Shape, w_shape: Shape) -> bool:
    """Numbers are shown only when each operand has 1 to 64 of them and at least one axis."""
    return all(shape and 1 <= prod(shape) <= MAX_VALUES for shape in (x_shape, w_shape))


def out_size(w_shape: Shape) -> int | None:
    """B has one number per column of W; a 1-D W has no column axis, so no bias."""
    return w_shape[-1] if len(w_shape) >= 2 else None


@dataclass(frozen=True, eq=False)
class MatmulSpec:
    """X and W shapes, the bias switch, where the numbers come from, and the numbers when they are shown."""

    x_shape: Shape = (2, 3)
    w_shape: Shape = (3, 4)
    bias: bool = True
    example: str = "affine"
    source: str = PATTERN
    seed: int | None = None
    x: np.ndarray | None = None
    w: np.ndarray | None = None
    b: np.ndarray | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "x_shape", check_shape(self.x_shape, "matmul_x"))
        object.__setattr__(self, "w_shape", check_shape(self.w_shape, "matmul_w"))
        # named after its shapes
        if EXAMPLES.get(self.example, (None, None))[:2] != (self.x_shape, self.w_shape):
            named = [name for name, (x, w, _) in EXAMPLES.items() if (x, w) == (self.x_shape, self.w_shape)]
            object.__setattr__(self, "example", named[0] if named else CUSTOM)
        m = out_size(self.w_shape)
        wanted = {
            "x": self.x_shape,
            "w": self.w_shape,
            "b": (m,) if m is not None else None,
        }
        for name, shape in wanted.items():
            array = getattr(self, name)
            if not self.has_values or shape is None:
                array = None
            elif array is None:
                array = pattern_values(shape, name)
            else:
                array = np.array(array, dtype=np.float64)
                if array.shape != shape:
                    raise SpecError(
                        "matmul_values_shape",
                        what=f"matmul_{name}",
                        shape=shape_text(shape),
                        got=shape_text(array.shape),
                    )
                if not np.isfinite(array).all():
                    raise SpecError(
                        "not_finite",
                        what=f"matmul_{name}",
                        token=fmt(array[~np.isfinite(array)].flat[0]),
                    )
            if array is not None:
                array.setflags(write=False)
            object.__setattr__(self, name, array)

    @property
    def has_values(self) -> bool:
        return shows_values(self.x_shape, self.w_shape)

    @property
    def has_bias(self) -> bool:
        """The bias is added only when switched on and W has a column axis for it."""
        return self.bias and out_size(self.w_shape) is not None

    def with_example(self, name: str) -> MatmulSpec:
        if name not in EXAMPLES:
            raise SpecError(
                "unknown_preset",
                what="matmul_example",
                name=name,
                choices=", ".join(EXAMPLES),
            )
        x_shape, w_shape, bias = EXAMPLES[name]
        return MatmulSpec(x_shape, w_shape, bias, example=name)

    def with_next_example(self) -> MatmulSpec:
        names = list(EXAMPLES)
        following = names[(names.index(self.example) + 1) % len(names)] if self.example in names else names[0]
        return self.with_example(following)

    def with_random(self, seed: int) -> MatmulSpec:
        if not self.has_values:
            raise SpecError("matmul_symbolic", limit=MAX_VALUES)
        m = out_size(self.w_shape)
        return replace(
            self,
            source=RANDOM,
            seed=seed,
            x=random_values(seed, self.x_shape, "x"),
            w=random_values(seed, self.w_shape, "w"),
            b=random_values(seed, (m,), "b") if m is not None else None,
        )

    def with_bias(self, on: bool) -> MatmulSpec:
        if on and out_size(self.w_shape) is None:
            raise SpecError("matmul_no_bias_axis", w=shape_text(self.w_shape))
        return replace(self, bias=on)

    def with_typed(self, x_shape: Shape, w_shape: Shape, x_text: str, w_text: str, b_text: str) -> MatmulSpec:
        """What the edit dialog typed: new shapes and numbers; empty numbers mean the pattern."""
        x_shape, w_shape = (
            check_shape(x_shape, "matmul_x"),
            check_shape(w_shape, "matmul_w"),
        )
        visible = shows_values(x_shape, w_shape)
        m = out_size(w_shape)
        x = typed_values(x_text, x_shape, "matmul_x", visible)
        w = typed_values(w_text, w_shape, "matmul_w", visible)
        b = typed_values(b_text, (m,) if m is not None else (), "matmul_b", visible and m is not None)
        same_shapes = (x_shape, w_shape) == (self.x_shape, self.w_shape)
        # an emptied B is the pattern again, so it is unchanged only where B held the pattern
        b_now = pattern_values((m,), "b") if b is None and m is not None and visible else b
        retyped = all(
            (new is None and old is None) or (new is not None and old is not None and np.array_equal(new, old))
            for new, old in ((x, self.x), (w, self.w), (b_now, self.b))
        ) and (x is not None and w is not None)
        if same_shapes and retyped:
            # the numbers on screen, sent back as they were
            source, seed = self.source, self.seed
        else:
            source, seed = (PATTERN if x is w is b is None else TYPED), None
        return MatmulSpec(
            x_shape,
            w_shape,
            self.bias and m is not None,
            example=self.example if same_shapes else CUSTOM,
            source=source,
            seed=seed,
            x=x,
            w=w,
            b=b,
        )

    def values_text(self, name: str) -> str:
        """The numbers of X, W or B as the edit dialog shows them: one row per line of the last axis."""
        array = getattr(self, name)
        if array is None:
            return ""
        return format_matrix(array.reshape(-1, array.shape[-1]))


def typed_values(text: str, shape: Shape, what: str, visible: bool) -> np.ndarray | None:
    """Numbers typed for one operand, row after row of its last axis; None when left empty."""
    if not text.strip():
        return None
    if not visible:
        raise SpecError("matmul_values_hidden", what=what, shape=shape_text(shape), limit=MAX_VALUES)
    if len(shape) == 1:
        numbers = np.array(parse_vector(text, what), dtype=np.float64)
        if numbers.size != shape[0]:
            raise SpecError(
                "matmul_vector_length",
                what=what,
                shape=shape_text(shape),
                expected=shape[0],
                got=numbers.size,
            )
        return numbers
    matrix = parse_matrix(text, what)
    rows, cols = prod(shape[:-1]), shape[-1]
    if matrix.shape != (rows, cols):
        raise SpecError(
            "matmul_rows",
            what=what,
            shape=shape_text(shape),
            rows=rows,
            cols=cols,
            got_rows=matrix.shape[0],
            got_cols=matrix.shape[1],
        )
    return matrix.reshape(shape)
