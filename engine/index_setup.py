"""What the student chose in the indexing lesson (the array, the expression) and the examples `n` walks through.

Each key makes a new IndexSetup; `.spec()` validates it. A setup whose spec
raises SpecError is never kept, so the screen always shows the last valid one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from engine.index import IndexSpec
from engine.index_parse import parse_index
from engine.matrix import fmt_exact, format_matrix, parse_matrix

COURSE_ARRAY = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])

# The course's three kinds first (slicing, integer arrays, a mask), then more of each, then NumPy's errors.
EXAMPLES_2D = (
    "a[1:, 1:]",
    "a[[0, 1, 2], [0, 1, 0]]",
    "a[a > 2]",
    "a[::-1]",
    "a[0]",
    "a[:, 1]",
    "a[a % 2 == 0]",
    "a[(a > 1) & (a < 5)]",
    "a[[0, 2]]",
    "a[-1, ::-1]",
    "a[1:, [1, 0]]",
    "a[[[0, 0], [2, 2]], [[0, 1], [0, 1]]]",
    "a[~(a > 2)]",
    "a[None, 0]",
    "a[3, 0]",
    "a[[0, 1, 2], [0, 1]]",
)
EXAMPLES_1D = (
    "a[1:3]",
    "a[[0, 2, 3]]",
    "a[a > 2]",
    "a[::-1]",
    "a[-1]",
    "a[::2]",
    "a[a % 2 == 0]",
    "a[(a > 1) & (a < 4)]",
    "a[[-1, 0]]",
    "a[:, None]",
    "a[9]",
    "a[0, 0]",
)

_TWO_D = re.compile(r"[;\n]|\[\s*\[")


def examples(ndim: int) -> tuple[str, ...]:
    return EXAMPLES_1D if ndim == 1 else EXAMPLES_2D


def parse_array(text: str) -> np.ndarray:
    """Rows by `;` (or `[[…], […]]`) make a 2-D array; one row with no `;` is 1-D, like np.array([1, 2, 3]).

    So `1 2 3` has shape (3,) and `1 2 3;` has shape (1, 3).
    """
    matrix = parse_matrix(text, "index_array")
    return matrix if _TWO_D.search(text) else matrix.reshape(-1)


def format_array(array: np.ndarray) -> str:
    """The inverse of parse_array, exact, for the edit dialog: a 1×n array keeps its `;`."""
    if array.ndim == 1:
        return " ".join(fmt_exact(v) for v in array)
    return format_matrix(array) + (";" if array.shape[0] == 1 else "")


@dataclass(frozen=True, eq=False)
class IndexSetup:
    """The array `a` and the expression as its canonical text (None: the first example for the array)."""

    array: np.ndarray = field(default_factory=COURSE_ARRAY.copy)
    expression: str | None = None

    def __post_init__(self) -> None:
        if self.expression is None:
            object.__setattr__(self, "expression", examples(np.ndim(self.array))[0])

    def spec(self) -> IndexSpec:
        return IndexSpec(self.array, parse_index(self.expression))

    def with_expression(self, text: str) -> IndexSetup:
        return replace(self, expression=parse_index(text).text)

    def with_array_text(self, text: str) -> IndexSetup:
        """A new array keeps a typed expression; an example is swapped for the first one that fits a new ndim."""
        array = parse_array(text)
        if array.ndim != np.ndim(self.array) and self.expression in examples(np.ndim(self.array)):
            return IndexSetup(array)
        return replace(self, array=array)

    def with_next_example(self) -> IndexSetup:
        """The example after the current one; from a typed expression, the first."""
        names = examples(np.ndim(self.array))
        following = names[(names.index(self.expression) + 1) % len(names)] if self.expression in names else names[0]
        return replace(self, expression=following)

    @property
    def array_text(self) -> str:
        return format_array(self.array)
