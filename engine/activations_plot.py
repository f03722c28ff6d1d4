"""f and f′ drawn in braille: each terminal cell holds 2×4 dots, so a 42×9 cell plot has 84×36 dots.

f is a solid line (neighbouring dots joined), f′ a dotted one (every other
dot column, never joined), so the two read apart without colour. The cursor's
column is marked in every row. Each cell is (text, style names), as in
engine.perceptron_plot; the widget only maps style names to colours.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from engine.activations import X_HIGH, X_LOW, CurveTrace, bar, derivative, value
from engine.numbers import fmt
from engine.perceptron_plot import CanvasRow, Segment

WIDTH, HEIGHT = 42, 9
GUTTER = 5
Y_RANGES = {
    "sigmoid": (-0.25, 1.25),
    "tanh": (-1.25, 1.25),
    "relu": (-1.0, 5.0),
    "identity": (-5.0, 5.0),
}
Y_TICKS = {
    "sigmoid": (1.0, 0.25, 0.0),
    "tanh": (1.0, 0.0, -1.0),
    "relu": (4.0, 1.0, 0.0),
    "identity": (4.0, 0.0, -4.0),
}
# the dot at (column, row) inside a cell, as a bit of the braille code point U+2800
DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
BAR_WIDTH = 8  # the widest softmax table (entries like -0.0001235 and 1.234e-05) then still fits 48 columns


def dot_xs(width: int = WIDTH) -> np.ndarray:
    """The x of each dot column, −5 at the first and 5 at the last."""
    return np.linspace(X_LOW, X_HIGH, 2 * width)


def dot_row(y: np.ndarray, y_range: tuple[float, float], height: int = HEIGHT) -> np.ndarray:
    """The dot row of each y (0 at the top), rounded; rows outside the plot fall outside 0 … 4·height − 1."""
    low, high = y_range
    return np.rint((high - np.asarray(y)) / (high - low) * (4 * height - 1)).astype(int)


def dot_column(x: float, width: int = WIDTH) -> int:
    return int(np.rint((x - X_LOW) / (X_HIGH - X_LOW) * (2 * width - 1)))


def _dots(rows: np.ndarray, joined: bool, height: int) -> set[tuple[int, int]]:
    """(dot column, dot row) of a curve; joined curves fill the rows between neighbouring columns."""
    dots = set()
    for column, row in enumerate(rows):
        if joined:
            previous = rows[column - 1] if column else row
            span = range(min(previous, row), max(previous, row) + 1)
            dots.update((column, r) for r in span if 0 <= r < 4 * height)
        elif column % 2 == 0 and 0 <= row < 4 * height:
            dots.add((column, row))
    return dots


@cache
def curve_dots(function: str, width: int = WIDTH, height: int = HEIGHT) -> tuple[frozenset, frozenset]:
    """The dots of f and of f′, once per function: a step only moves the cursor."""
    xs, y_range = dot_xs(width), Y_RANGES[function]
    return (
        frozenset(_dots(dot_row(value(function, xs), y_range, height), True, height)),
        frozenset(_dots(dot_row(derivative(function, xs), y_range, height), False, height)),
    )


def _code(dots: set[tuple[int, int]], cell_col: int, cell_row: int) -> int:
    return sum(DOT_BITS[dx][dy] for dx in range(2) for dy in range(4) if (2 * cell_col + dx, 4 * cell_row + dy) in dots)


def curve_rows(trace: CurveTrace, cursor: int, width: int = WIDTH, height: int = HEIGHT) -> tuple[CanvasRow, ...]:
    """The plot of `trace`'s function with the cursor at step `cursor`; y labels left, x labels below."""
    function = trace.spec.function
    y_range = Y_RANGES[function]
    f_dots, d_dots = curve_dots(function, width, height)
    axis_row = int(dot_row(0.0, y_range, height)) // 4
    axis_col = dot_column(0.0, width) // 2
    cursor_col = dot_column(trace.step(cursor).x, width) // 2
    labels = {
        int(row) // 4: fmt(tick) for tick, row in zip(Y_TICKS[function], dot_row(Y_TICKS[function], y_range, height))
    }
    picture = []
    for r in range(height):
        cells: list[Segment] = [(labels.get(r, "").rjust(GUTTER - 1) + " ", "label")]
        for c in range(width):
            f_code, d_code = _code(f_dots, c, r), _code(d_dots, c, r)
            marks = ["cursor"] if c == cursor_col else []
            if f_code or d_code:
                cells.append(
                    (
                        chr(0x2800 + (f_code | d_code)),
                        " ".join(["curve" if f_code else "deriv", *marks]),
                    )
                )
            elif c == cursor_col:
                cells.append(("┊", "cursor"))
            elif r == axis_row or c == axis_col:
                cells.append(
                    (
                        "┼" if (r, c) == (axis_row, axis_col) else "─" if r == axis_row else "│",
                        "axis",
                    )
                )
            else:
                cells.append((" ", ""))
        picture.append(tuple(cells))
    scale = [" "] * (GUTTER + width)
    for x, text in ((X_LOW, fmt(X_LOW)), (0.0, "0"), (X_HIGH, fmt(X_HIGH))):
        start = min(
            max(GUTTER + dot_column(x, width) // 2 - len(text) // 2, 0),
            len(scale) - len(text),
        )
        scale[start : start + len(text)] = text
    picture.append((("".join(scale), "label"),))
    return tuple(picture)


def softmax_bars(y: np.ndarray, width: int = BAR_WIDTH) -> tuple[str, ...]:
    """y_k as bars of `width` cells for y_k = 1."""
    return tuple(bar(float(v), width) for v in y)
