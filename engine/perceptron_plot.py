"""The four inputs in the plane, the line w1·x1 + w2·x2 + b = 0 through it, and the side where the sum is > 0.

A small character picture: x1 and x2 run from −0.5 to 1.5, a column is 0.1 wide
and a row 0.25 high (a terminal cell is about twice as tall as wide, so the
picture is nearly square) and the four inputs fall on whole cells. Each cell is
(text, style names); the widget only maps style names to colours, and the
characters alone (░, ╱, 0/1) read without colour.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from engine.perceptron import PerceptronTrace, Unit, forward

COLUMNS, ROWS = 21, 9
X1_LOW, X1_STEP = Decimal("-0.5"), Decimal("0.1")
X2_HIGH, X2_STEP = Decimal("1.5"), Decimal("0.25")
SHADE = "░"
GUTTER = 3

Segment = tuple[str, str]
CanvasRow = tuple[Segment, ...]


def point_cell(x1: int, x2: int) -> tuple[int, int]:
    """(row, column) of an input: x1 = 0 and 1 at columns 5 and 15, x2 = 1 and 0 at rows 2 and 6."""
    return int((X2_HIGH - x2) / X2_STEP), int((x1 - X1_LOW) / X1_STEP)


def cell_centre(row: int, col: int) -> tuple[Decimal, Decimal]:
    return X1_LOW + col * X1_STEP, X2_HIGH - row * X2_STEP


def _nearest(value: Decimal) -> int:
    return int((value + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR))


def line_cells(unit: Unit) -> set[tuple[int, int]]:
    """The cells the line passes nearest: one per column where it runs flat, one per row where it runs steep."""
    if not unit.has_line:
        return set()
    rows_per_column = abs(unit.w1 * X1_STEP / (unit.w2 * X2_STEP)) if unit.w2 else None
    cells = set()
    if rows_per_column is not None and rows_per_column <= 1:
        for col in range(COLUMNS):
            x1, _ = cell_centre(0, col)
            cells.add((_nearest((X2_HIGH + (unit.w1 * x1 + unit.b) / unit.w2) / X2_STEP), col))
    else:
        for row in range(ROWS):
            _, x2 = cell_centre(row, 0)
            cells.add((row, _nearest((-(unit.w2 * x2 + unit.b) / unit.w1 - X1_LOW) / X1_STEP)))
    return {(r, c) for r, c in cells if 0 <= r < ROWS and 0 <= c < COLUMNS}


def line_char(unit: Unit) -> str:
    """─ │ ╱ ╲ by the line's direction on screen: (w2, −w1) in the plane, a row being two columns tall."""
    across = unit.w2 / X1_STEP
    down = 2 * unit.w1 / X2_STEP
    tilt = Decimal("0.414")  # tan 22.5°
    if abs(down) <= tilt * abs(across):
        return "─"
    if abs(across) <= tilt * abs(down):
        return "│"
    return "╲" if across * down > 0 else "╱"


def plot_rows(trace: PerceptronTrace, current: int | None = None) -> tuple[CanvasRow, ...]:
    """The picture with the x2 labels on the left and an x1 scale below.

    Shading follows the network's output (the perceptron's, or the two-layer
    XOR's); every unit draws its line; each input shows the gate's wanted y,
    styled `wrong` where the output differs and `current` at step `current`.
    """
    points = {point_cell(*row.x): row for row in trace.rows}
    labels = {point_cell(0, 1)[0]: " 1 ", point_cell(0, 0)[0]: " 0 ", 0: "x2 "}
    lines = [(line_cells(unit), line_char(unit)) for unit in trace.lines]
    picture = []
    for r in range(ROWS):
        cells: list[Segment] = [(labels.get(r, " " * GUTTER), "label")]
        for c in range(COLUMNS):
            row = points.get((r, c))
            if row is not None:
                styles = ["point", "pos" if row.output else "neg"]
                styles += ["wrong"] if not row.correct else []
                styles += ["current"] if row.index == current else []
                cells.append((str(row.target), " ".join(styles)))
                continue
            drawn = next((char for cells_on_line, char in lines if (r, c) in cells_on_line), None)
            if drawn:
                cells.append((drawn, "line"))
            elif forward(trace.spec, *cell_centre(r, c))[-1].output:
                cells.append((SHADE, "pos"))
            else:
                cells.append((" ", "neg"))
        picture.append(tuple(cells))
    scale = [" "] * (GUTTER + COLUMNS)
    for x1 in (0, 1):
        scale[GUTTER + point_cell(x1, 0)[1]] = str(x1)
    scale[-2:] = "x1"
    picture.append(((("".join(scale)), "label"),))
    return tuple(picture)


def plain_picture(rows: tuple[CanvasRow, ...]) -> list[str]:
    """The picture's characters only, for `--plain`."""
    return ["".join(text for text, _ in row).rstrip() for row in rows]
