"""The pooling lesson's predictions: an output cell, the window's winner (or its sum), the last cell.

Every answer is read from the PoolTrace the screen steps through, so it holds
for any input, mode, window, stride, padding and shift. Step i shows out[i]
(the output grid reveals cells 0..i), its window and its winner, so a question
about output cell i is asked at step i. The numbers on screen are written to 4
significant digits (engine.numbers.fmt): a student who works from them is
marked within half a unit of the last digit shown.
"""

from __future__ import annotations

import math

import numpy as np

from engine.numbers import fmt, fmt_factor
from engine.pool import PoolStep, PoolTrace
from engine.pool_setup import PoolSetup
from engine.quiz import Question

LESSON = "pool"


def reading_tolerance(values: object) -> float:
    """Half a unit in the last digit fmt shows of the largest of `values`; 0 where they are all integers."""
    array = np.abs(np.asarray(values, dtype=np.float64))
    if np.all(array == np.round(array)):
        return 0.0
    largest = float(array.max())
    return 0.5 * 10.0 ** (math.floor(math.log10(largest)) - 3)


def _window_params(step: PoolStep, padding: int) -> dict[str, object]:
    """Where the window sits in the input's own coordinates (padding rows count from −P), and its arithmetic."""
    top, left, bottom, right = (edge - padding for edge in step.window)
    return {
        "row": step.row,
        "col": step.col,
        "top": top,
        "left": left,
        "bottom": bottom,
        "right": right,
        "k": step.size,
        "equation": step.equation,
    }


def _cell_question(qid: str, trace: PoolTrace, index: int) -> Question:
    step = trace.step(index)
    tolerance = reading_tolerance([step.value])  # max and min keep a number shown on screen
    if step.mode == "avg":  # a mean is worked out from the numbers shown, and is rarely short
        finite = [v for v in step.values if math.isfinite(v)]
        tolerance = max(tolerance, reading_tolerance(finite), 0.005)
    return Question(
        LESSON,
        qid,
        index,
        "number",
        step.value,
        _window_params(step, trace.spec.padding),
        tolerance=tolerance,
    )


def _inside(trace: PoolTrace, step: PoolStep) -> list[int]:
    """The positions (in `step.cells`) of the window's cells that are input, not padding."""
    pad, (height, width) = trace.spec.padding, trace.spec.input.shape
    return [n for n, (r, c) in enumerate(step.cells) if pad <= r < pad + height and pad <= c < pad + width]


def _winner_question(trace: PoolTrace, index: int, ties: bool) -> Question | None:
    """Which input cell max (or min) keeps: the window's input cells as options.

    None where there is nothing to choose, or (`ties` False) where two cells hold the winning number.
    """
    step = trace.step(index)
    inside = _inside(trace, step)
    values = [step.values[n] for n in inside]
    if step.chosen is None or len(inside) < 2 or (not ties and values.count(step.value) != 1):
        return None
    pad = trace.spec.padding
    labels = tuple(f"x[{step.cells[n][0] - pad},{step.cells[n][1] - pad}] = {fmt(step.values[n])}" for n in inside)
    row, col = step.chosen_cell
    params = _window_params(step, pad) | {"winner": f"x[{row - pad},{col - pad}]"}
    return Question(LESSON, f"winner_{step.mode}", index, "choice", inside.index(step.chosen), params, choices=labels)


def _sum_question(trace: PoolTrace, index: int) -> Question:
    """Average pooling's window total, before the division by K²."""
    step = trace.step(index)
    params = _window_params(step, trace.spec.padding) | {
        "values": " + ".join(fmt_factor(v) for v in step.values),
        "total": fmt(step.total),
    }
    tolerance = max(len(step.values) * reading_tolerance(step.values), reading_tolerance([step.total]))
    return Question(LESSON, "window_sum", index, "number", step.total, params, tolerance=tolerance)


def _middle(trace: PoolTrace, taken: set[int]) -> Question | None:
    """The winner (max, min) or the sum (avg) of a window from the middle of the walk, on a step not yet taken.

    A window without a tie is preferred; where every window has one (a checkerboard), torch's rule decides.
    """
    count = trace.step_count
    order = [i for i in (*range(count // 2, count), *range(count // 2 - 1, 0, -1)) if i not in taken]
    if trace.spec.mode == "avg":
        return _sum_question(trace, order[0]) if order else None
    for ties in (False, True):
        found = next((q for q in (_winner_question(trace, i, ties) for i in order) if q is not None), None)
        if found is not None:
            return found
    return None


def questions(setup: PoolSetup, trace: PoolTrace) -> tuple[Question, ...]:
    """out[0, 1] at step 1, a winner or a sum in the middle, the last output cell at the last step."""
    count = trace.step_count
    if count < 2:
        return ()
    found = [_cell_question("cell", trace, 1)]
    last = count - 1
    middle = _middle(trace, {1, last})
    if middle is not None:
        found.append(middle)
    if last != 1:
        found.append(_cell_question("last_cell", trace, last))
    return tuple(found)
