"""The surface's contour lines and the optimizers' paths in braille: each terminal cell holds 2×4 dots.

A contour dot sits where f crosses one of the surface's levels between a dot and
its right or lower neighbour; a path is the straight segments between its
positions, clipped to the window, so a run that left the plot or overflowed
draws only its part inside. The head of each path is its number (1–4) and the
point the surface is about (its minimum, or the saddle point) is `+`, so the
picture reads without colour. Each cell is (text, style names), as in
engine.activations_plot; the widget only maps style names to colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from engine.activations_plot import DOT_BITS
from engine.optim import Path
from engine.optim_surfaces import SURFACES, value
from engine.perceptron_plot import CanvasRow, Segment

Window = tuple[float, float, float, float]
Dot = tuple[int, int]
POINT_MARK = "+"


def dot_position(window: Window, width: int, height: int, x: float, y: float) -> tuple[float, float]:
    """(column, row) of (x, y) in dots, unrounded: column 0 is x_low, row 0 is y_high."""
    x_low, x_high, y_low, y_high = window
    return (x - x_low) / (x_high - x_low) * (2 * width - 1), (y_high - y) / (y_high - y_low) * (4 * height - 1)


@cache
def contour_dots(surface: str, width: int, height: int) -> frozenset[Dot]:
    """Dots where f crosses a level between the dot and its right or lower neighbour, once per size."""
    x_low, x_high, y_low, y_high = SURFACES[surface].window
    xs = np.linspace(x_low, x_high, 2 * width)
    ys = np.linspace(y_high, y_low, 4 * height)
    grid = value(surface, xs[None, :], ys[:, None])
    dots: set[Dot] = set()
    for level in SURFACES[surface].levels:
        above = grid > level
        across = np.zeros_like(above)
        across[:, :-1] |= above[:, :-1] != above[:, 1:]
        across[:-1, :] |= above[:-1, :] != above[1:, :]
        rows, cols = np.nonzero(across)
        dots.update((c, r) for c, r in zip(cols.tolist(), rows.tolist()) if (c + 2 * r) % 4 < 2)
    return frozenset(dots)


def _clip(starts: np.ndarray, ends: np.ndarray, columns: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The parts of the segments inside the dot grid (Liang–Barsky, all segments at once); those wholly
    outside are dropped. Coordinates in dots; the grid's edge is half a dot beyond its outer dots."""
    delta = ends - starts
    low, high = np.zeros(len(starts)), np.ones(len(starts))
    keep = np.ones(len(starts), dtype=bool)
    for axis, top in ((0, columns - 1), (1, rows - 1)):
        for p, q in ((-delta[:, axis], starts[:, axis] + 0.5), (delta[:, axis], top + 0.5 - starts[:, axis])):
            parallel = p == 0
            keep &= ~(parallel & (q < 0))
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = q / p
            low = np.where(~parallel & (p < 0), np.maximum(low, ratio), low)
            high = np.where(~parallel & (p > 0), np.minimum(high, ratio), high)
    keep &= low <= high
    return starts[keep] + low[keep, None] * delta[keep], starts[keep] + high[keep, None] * delta[keep]


def segment_dots(starts: np.ndarray, ends: np.ndarray, columns: int, rows: int) -> set[Dot]:
    """The dots straight segments pass (one point per dot of their longer side), inside the grid."""
    a, b = _clip(starts, ends, columns, rows)
    if not len(a):
        return set()
    counts = np.ceil(np.abs(b - a).max(axis=1)).astype(int) + 1
    segment = np.repeat(np.arange(len(a)), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    fraction = offset / np.maximum(counts - 1, 1)[segment]
    points = np.rint(a[segment] + fraction[:, None] * (b - a)[segment]).astype(int)
    inside = (points[:, 0] >= 0) & (points[:, 0] < columns) & (points[:, 1] >= 0) & (points[:, 1] < rows)
    return set(zip(points[inside, 0].tolist(), points[inside, 1].tolist()))


def path_dots(path: Path, index: int, window: Window, width: int, height: int) -> set[Dot]:
    """The dots of `path` from its start to step `index`; a path stops at its first inf or NaN."""
    shown = path.positions[: index + 1]
    with np.errstate(all="ignore"):
        columns, rows = dot_position(window, width, height, shown[:, 0], shown[:, 1])
    points = np.stack([columns, rows], axis=1)
    finite = np.isfinite(points).all(axis=1)
    points = points[: int(np.argmin(finite)) if not finite.all() else len(points)]
    if not len(points):
        return set()
    # each segment to the next position; the last point also as a segment of length 0, so a lone start shows
    return segment_dots(points, np.vstack([points[1:], points[-1:]]), 2 * width, 4 * height)


def head_cell(path: Path, index: int, window: Window, width: int, height: int) -> tuple[int, int, bool] | None:
    """(column, row, inside) of the cell the path's number goes in at step `index`: clamped to the edge
    when the position is off the plot, None when it is not a number any more."""
    x, y = path.at(index).after
    if not (np.isfinite(x) and np.isfinite(y)):
        return None
    with np.errstate(all="ignore"):
        column, row = dot_position(window, width, height, x, y)
    cell_col, cell_row = int(np.floor(np.rint(column) / 2)), int(np.floor(np.rint(row) / 4))
    inside = 0 <= cell_col < width and 0 <= cell_row < height
    return min(max(cell_col, 0), width - 1), min(max(cell_row, 0), height - 1), inside


def contour_rows(
    surface: str,
    paths: Sequence[tuple[int, Path]],
    index: int,
    focus: int | None,
    width: int,
    height: int,
) -> tuple[CanvasRow, ...]:
    """The picture at step `index`: contour, each (slot, path) drawn in style `path<slot>`, heads numbered.

    The focused slot is drawn last, so its dots and number are on top, and its number is `current`.
    """
    window = SURFACES[surface].window
    ordered = sorted(paths, key=lambda item: item[0] == focus)
    owner: dict[tuple[int, int], int] = {}
    bits: dict[tuple[int, int], int] = {}
    for column, row in contour_dots(surface, width, height):
        cell = (column // 2, row // 4)
        bits[cell] = bits.get(cell, 0) | DOT_BITS[column % 2][row % 4]
    for slot, path in ordered:
        for column, row in path_dots(path, index, window, width, height):
            cell = (column // 2, row // 4)
            bits[cell] = bits.get(cell, 0) | DOT_BITS[column % 2][row % 4]
            owner[cell] = slot
    marks: dict[tuple[int, int], Segment] = {}
    point_x, point_y = SURFACES[surface].point
    point_col, point_row = dot_position(window, width, height, point_x, point_y)
    point = (int(np.rint(point_col)) // 2, int(np.rint(point_row)) // 4)
    marks[point] = (POINT_MARK, "point")
    for slot, path in ordered:
        head = head_cell(path, index, window, width, height)
        if head is not None:
            column, row, inside = head
            styles = f"path{slot} head" + (" current" if slot == focus else "") + ("" if inside else " off")
            marks[(column, row)] = (str(slot), styles)
    rows = []
    for r in range(height):
        cells: list[Segment] = []
        for c in range(width):
            if (c, r) in marks:
                cells.append(marks[(c, r)])
            elif (c, r) in bits:
                style = f"path{owner[(c, r)]}" if (c, r) in owner else "contour"
                cells.append((chr(0x2800 + bits[(c, r)]), style))
            else:
                cells.append((" ", ""))
        rows.append(tuple(cells))
    return tuple(rows)
