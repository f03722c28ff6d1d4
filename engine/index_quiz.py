"""Predict before reveal, array indexing: which indices an axis keeps, what an element of out is, which cell it copies.

The result's shape is in out's title from the first step, so it is not asked;
each axis step says what that axis keeps, and out fills one element a step. An
expression NumPy refuses has a single step and no question.
"""

from __future__ import annotations

from engine.index import AxisPick, IndexTrace
from engine.index_setup import IndexSetup
from engine.numbers import fmt
from engine.quiz import Question, asked_before
from engine.quiz_answers import choice_of, tolerance_for

LESSON = "index"
NONE = "∅"  # an empty selection, in every language


def questions(setup: IndexSetup, trace: IndexTrace) -> tuple[Question, ...]:
    """In order of preference: a step already taken by an earlier question is not asked twice."""
    if trace.problem:
        return ()
    first, count = trace.intro_count, trace.result.size
    found = [
        _axis(trace),
        _value("value", trace, first),
        _source(trace, first + count - 1),
        _value("value_middle", trace, first + count // 2),
    ]
    return asked_before(tuple(question for question in found if question is not None), trace.step_count)


def indices_text(indices: tuple[int, ...] | range) -> str:
    return ", ".join(map(str, indices)) or NONE


def _axis(trace: IndexTrace) -> Question | None:
    """The last axis step after the first: what it keeps, against a stop taken as inclusive, a start at 0, a shift."""
    if len(trace.axes) < 2:
        return None
    pick = trace.axes[-1]
    index = len(trace.axes) - 1
    size, picked = pick.size, pick.picked
    tempting = [
        tuple(range(size)),
        tuple(i + 1 for i in picked if i + 1 < size),
        tuple(i - 1 for i in picked if i >= 1),
    ]
    if pick.form == "slice":
        inclusive = pick.stop + (1 if pick.step > 0 else -1)
        tempting.insert(0, tuple(i for i in range(pick.start, inclusive, pick.step) if 0 <= i < size))
        tempting.append(tuple(range(0, size, pick.step)) if pick.step > 0 else tuple(picked[::-1]))
    if pick.form == "int":
        tempting.insert(0, tuple(i for i in (abs(int(pick.text)),) if i < size))
    if pick.form != "slice":  # an integer or a whole axis never keeps nothing
        tempting = [indices for indices in tempting if indices]
    options = choice_of(indices_text(picked), [indices_text(indices) for indices in tempting])
    if options is None:
        return None
    choices, answer = options
    return Question(LESSON, _axis_id(pick), index, "choice", answer, _axis_params(pick), choices=choices)


def _axis_id(pick: AxisPick) -> str:
    if pick.form == "int":
        return "axis_from_end" if pick.from_end else "axis_int"
    return "axis_slice" if pick.form == "slice" else "axis_all"


def _axis_params(pick: AxisPick) -> dict[str, object]:
    return {
        "axis": pick.axis,
        "size": pick.size,
        "text": pick.text,
        "start": pick.start,
        "stop": pick.stop,
        "step": pick.step,
        "picked": indices_text(pick.picked),
        "last": pick.size - 1,
    }


def _value(qid: str, trace: IndexTrace, index: int) -> Question | None:
    number = index - trace.intro_count
    if not 0 <= number < trace.result.size:
        return None
    element = trace.element(number)
    params = {"out": element.out_label, "source": element.source_label, "equation": element.equation}
    return Question(LESSON, qid, index, "number", element.value, params, tolerance=tolerance_for(element.value))


def _source(trace: IndexTrace, index: int) -> Question | None:
    """Which cell of a an element copies; the wrong options are the cells the other elements copy, and the transpose."""
    number = index - trace.intro_count
    if number < 1:
        return None
    element = trace.element(number)
    others = [trace.element(n).source for n in range(trace.result.size) if n != number]
    if len(element.source) == 2:
        others.insert(0, element.source[::-1])
    shape = trace.spec.array.shape
    inside = [cell for cell in others if all(0 <= i < size for i, size in zip(cell, shape))]
    options = choice_of(_cell_label(element.source), [_cell_label(cell) for cell in inside])
    if options is None:
        return None
    choices, answer = options
    params = {"out": element.out_label, "equation": element.equation, "value": fmt(element.value)}
    return Question(LESSON, "source", index, "choice", answer, params, choices=choices)


def _cell_label(cell: tuple[int, ...]) -> str:
    return "a[" + ", ".join(map(str, cell)) + "]"
