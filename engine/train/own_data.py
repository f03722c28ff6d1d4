"""The student's own 2-D points: a CSV file of `x,y,label` rows, read and checked before a byte is trusted.

The layout, as the README states it: one point a line, three comma-separated
values, x and y finite numbers, the label a whole number; a first line that is
not numbers is a header and skipped; blank lines are skipped. Labels may be any
whole numbers: they become classes 0, 1, … in sorted order (labels 3 and 7 are
classes 0 and 1), and the run's summary says so. Every refusal names the file
and, for a row, its line. Plain numpy (no torch), so the form and the command
line check a file before anything starts; the file is only ever read.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import SpecError
from engine.train.paths import NotAFile, open_regular, path_kind
from engine.train.toy_data import split

MAX_ROWS = 100_000  # points; the boundary view and a CPU run stay quick well below it
MAX_CSV_BYTES = 16 * 1024 * 1024  # 100,000 rows of long decimals fit; a bigger file is refused unread
MAX_CLASSES = 5  # the boundary view tells classes apart by colour, glyph and (with NO_COLOR) one of 5 shades
MIN_POINTS = 4  # at least one to train on and one to test, with room for two classes
COLUMNS = ("x", "y", "label")
_WHOLE = re.compile(r"[+-]?\d{1,18}")


@dataclass(frozen=True)
class PointsFile:
    """A CSV read and checked: the points, their classes (0..k-1) and the labels the file used for them."""

    path: Path
    points: np.ndarray  # (N, 2) float64, as written
    classes: np.ndarray  # (N,) int64, 0..k-1
    labels: tuple[int, ...]  # the file's label of class i, sorted
    header: bool


def check_path(path: Path, want_folder: bool) -> None:
    """`path` exists and is a file (or a folder); else a refusal naming what it is."""
    try:
        kind = path_kind(path)
    except OSError as error:
        raise SpecError("data_unreadable", path=str(path), reason=error.strerror or str(error)) from None
    if kind in ("path_missing", "path_broken_link"):
        raise SpecError("own_missing", path=str(path))
    wanted = "path_folder" if want_folder else "path_file"
    if kind != wanted:
        raise SpecError("own_not_folder" if want_folder else "data_not_a_file", path=str(path), what=kind)


def read_points_csv(path: Path) -> PointsFile:
    """Every row of the CSV at `path`, checked; SpecError naming the file (and line) otherwise."""
    check_path(path, want_folder=False)
    text = _text(path)
    rows: list[tuple[float, float, int]] = []
    header = False
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or all(not cell.strip() for cell in cells):
                continue
            cells = [cell.strip() for cell in cells]
            if not rows and not header and not _numbers(cells[:2]):
                _check_columns(path, line, cells)
                header = True
                continue
            _check_columns(path, line, cells)
            if len(rows) == MAX_ROWS:
                raise SpecError("own_csv_too_many", path=str(path), limit=f"{MAX_ROWS:,}")
            rows.append(_row(path, line, cells))
    except csv.Error as error:
        raise SpecError("own_csv_malformed", path=str(path), line=reader.line_num, reason=str(error)) from None
    if not rows:
        raise SpecError("own_csv_header_only" if header else "own_empty", path=str(path))
    if len(rows) < MIN_POINTS:
        raise SpecError("own_csv_too_few", path=str(path), count=len(rows), low=MIN_POINTS)
    points = np.array([(x, y) for x, y, _ in rows], dtype=np.float64)
    found = np.array([label for _, _, label in rows], dtype=np.int64)
    labels, classes = np.unique(found, return_inverse=True)
    if len(labels) < 2:
        raise SpecError("own_one_class", path=str(path), label=int(labels[0]))
    if len(labels) > MAX_CLASSES:
        raise SpecError("own_csv_many_classes", path=str(path), count=len(labels), limit=MAX_CLASSES)
    return PointsFile(path, points, classes.astype(np.int64), tuple(int(label) for label in labels), header)


def points_split(data: PointsFile, seed: int, train_split: float) -> tuple[np.ndarray, ...]:
    """Shuffled from the seed, cut at `train_split`, then scaled by the training points' mean and spread
    ((x − mean) / std per column), so a file in metres or in thousands trains like one near 0: float32 arrays."""
    order = np.random.default_rng(seed).permutation(len(data.points))
    points, classes = data.points[order], data.classes[order]
    cut = split(len(points), train_split)
    mean = points[:cut].mean(axis=0)
    spread = points[:cut].std(axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    scaled = ((points - mean) / spread).astype(np.float32)
    return scaled[:cut], classes[:cut], scaled[cut:], classes[cut:]


def view_extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """x0, x1, y0, y1 of a square around every point, a tenth of the span to spare: the plane the boundary view
    covers (square, as the view draws it, so a circle in the data stays a circle on screen)."""
    low, high = points.min(axis=0).astype(float), points.max(axis=0).astype(float)
    centre, half = (low + high) / 2, max(float((high - low).max()) * 0.6, 0.1)
    return tuple(
        round(float(value), 4) for value in (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
    )


def _text(path: Path) -> str:
    """The file as UTF-8 text (a byte-order mark is allowed); too big, or not text, is refused naming the line."""
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_CSV_BYTES:
                raise SpecError(
                    "own_csv_too_large",
                    path=str(path),
                    size=f"{size:,}",
                    limit=f"{MAX_CSV_BYTES:,}",
                    rows=f"{MAX_ROWS:,}",
                )
            data = handle.read(MAX_CSV_BYTES + 1)
    except NotAFile as error:
        raise SpecError("data_not_a_file", path=str(path), what=error.kind) from None
    except OSError as error:
        raise SpecError("data_unreadable", path=str(path), reason=error.strerror or str(error)) from None
    if len(data) > MAX_CSV_BYTES:
        raise SpecError(
            "own_csv_too_large",
            path=str(path),
            size=f"> {MAX_CSV_BYTES:,}",
            limit=f"{MAX_CSV_BYTES:,}",
            rows=f"{MAX_ROWS:,}",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SpecError("own_csv_not_text", path=str(path), line=line) from None


def _numbers(cells: list[str]) -> bool:
    try:
        [float(cell) for cell in cells]
    except ValueError:
        return False
    return True


def _check_columns(path: Path, line: int, cells: list[str]) -> None:
    if len(cells) != len(COLUMNS):
        raise SpecError("own_csv_columns", path=str(path), line=line, got=len(cells))


def _row(path: Path, line: int, cells: list[str]) -> tuple[float, float, int]:
    values = []
    for column, cell in zip(COLUMNS[:2], cells):
        try:
            value = float(cell)
        except ValueError:
            raise SpecError("own_csv_not_number", path=str(path), line=line, column=column, value=cell) from None
        if not math.isfinite(value):
            raise SpecError("own_csv_not_finite", path=str(path), line=line, column=column, value=cell)
        values.append(value)
    if not _WHOLE.fullmatch(cells[2]):
        raise SpecError("own_csv_label", path=str(path), line=line, value=cells[2])
    return values[0], values[1], int(cells[2])
