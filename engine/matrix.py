"""Parse the matrices a student types: rows by `;` or newline, numbers by spaces or commas."""

from __future__ import annotations

import math
import re

import numpy as np

from engine.errors import SpecError

MAX_SIDE = 64
_ROW_SPLIT = re.compile(r"[;\n]")
_NUMBER_SPLIT = re.compile(r"[,\s]+")


def parse_matrix(text: str, what: str) -> np.ndarray:
    """Turn `"1 2; 3 4"` into a 2-D float array, or raise SpecError saying what is wrong.

    `what` names the field ("input", "kernel") so the message can point at it.
    Brackets are ignored so that `[[1, 2], [3, 4]]` pasted from Python works too.
    """
    cleaned = text.replace("[", " ").replace("]", ";") if "[" in text else text
    rows: list[list[float]] = []
    for raw_row in _ROW_SPLIT.split(cleaned):
        tokens = [t for t in _NUMBER_SPLIT.split(raw_row.strip()) if t]
        if not tokens:
            continue
        rows.append([_parse_number(token, what) for token in tokens])
    if not rows:
        raise SpecError("empty_matrix", what=what)
    width = len(rows[0])
    for index, row in enumerate(rows, start=1):
        if len(row) != width:
            raise SpecError("ragged_rows", what=what, row=index, got=len(row), expected=width)
    check_size(len(rows), width, what)
    return np.array(rows, dtype=np.float64)


def check_size(height: int, width: int, what: str) -> None:
    if height > MAX_SIDE or width > MAX_SIDE:
        raise SpecError("too_large", what=what, height=height, width=width, limit=MAX_SIDE)


def _parse_number(token: str, what: str) -> float:
    try:
        value = float(token)
    except ValueError:
        raise SpecError("not_a_number", what=what, token=token) from None
    if not math.isfinite(value):
        raise SpecError("not_finite", what=what, token=token)
    return value


def format_matrix(matrix: np.ndarray) -> str:
    """The inverse of parse_matrix, exact (`0.1111111111111111`, not `0.1111`), for the edit dialog."""
    return "; ".join(" ".join(fmt_exact(v) for v in row) for row in matrix)


def fmt_exact(value: float) -> str:
    """The shortest text that reads back as the same float; integers without a decimal point."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def parse_vector(text: str, what: str) -> list[float]:
    """Numbers separated by spaces, commas or semicolons; empty text is an empty list."""
    return [_parse_number(token, what) for token in _NUMBER_SPLIT.split(text.replace(";", " ").strip()) if token]
