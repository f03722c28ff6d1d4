"""What several question banks need: a tolerance that matches what the screen prints, and options for a choice.

The screens print numbers to 4 significant digits (engine.numbers.fmt), so a
student who types the number as shown, or rounds it to 3 digits, must be marked
right (3.5 within 0.01, 0.5108 within 0.001); an integer answer stays exact. A
choice's options are the right one and a few tempting wrong ones (the mistakes
the lesson is about), sorted (numbers as numbers) so that where the right one
sits says nothing about it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from engine.numbers import fmt

MAX_OPTIONS = 4
NOISE = 1e-9  # relative: a sum of floats that lands a hair beside an integer is that integer


def tolerance_for(value: float) -> float:
    """0 for an integer; for a value within float noise of one and printed as it (fmt), that noise; else one unit
    of the 3rd digit, so the number as printed (4 digits: 207927.0002 shows as 2.079e5) is right."""
    value = float(value)
    if value.is_integer():
        return 0.0
    if abs(value - round(value)) <= NOISE * max(1.0, abs(value)) and fmt(value) == str(round(value)):
        return NOISE * max(1.0, abs(value))
    return 10.0 ** (math.floor(math.log10(abs(value))) - 2)


def choice_of(right: str, tempting: Iterable[str]) -> tuple[tuple[str, ...], int] | None:
    """The options (the right one and up to three distinct wrong ones, sorted) and the right one's index.

    None when no wrong option is left: a choice of one is no question.
    """
    wrong: list[str] = []
    for label in tempting:
        if label != right and label not in wrong:
            wrong.append(label)
    if not wrong:
        return None
    options = tuple(sorted([right, *wrong[: MAX_OPTIONS - 1]], key=_natural))
    return options, options.index(right)


def _natural(label: str) -> list[str | int]:
    """Numbers in a label sort as numbers: `(9, 0)` before `(10, 0)`, `a[2]` before `a[10]`."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]
