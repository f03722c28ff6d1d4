"""Predict before reveal in the broadcasting lesson: padded shapes, the result shape, whether it fits, the copies.

Every answer is read from the trace the screen steps through (engine.broadcast),
so it holds for any shapes the student types. Asked before:
- `prepended` (shape), the rule-1 step: what a shorter operand becomes with 1s in front;
- `result_shape` (shape), the first comparison: what shape the operands make;
- `fits` (choice), the failing comparison of shapes that do not broadcast;
- `copies` (number), the first rule-5 step: how many of the stretched operand's numbers are copies;
- `stretched_shape` (shape), the second rule-5 step: the next operand's shape once copied.
"""

from __future__ import annotations

import math

from engine.broadcast import COMPARE, NAMES, PREPEND, STRETCH, BroadcastStep, BroadcastTrace
from engine.quiz import Question, shape_text

LESSON = "broadcast"
YES, NO = 0, 1
FITS_CHOICES = ("yes", "no")


def questions(setup: object, trace: BroadcastTrace) -> tuple[Question, ...]:
    """The questions this trace can ask; those that do not apply to it (no padding, no copy) are left out."""
    asked = [_prepended(trace), _result_shape(trace), _fits(trace), *_stretches(trace)]
    return tuple(question for question in asked if question is not None)


def _first(trace: BroadcastTrace, kind: str) -> BroadcastStep | None:
    return next((step for step in trace.steps if step.kind == kind), None)


def _prepended(trace: BroadcastTrace) -> Question | None:
    """The first operand shorter than the longest: rule 1 prepends 1s to it."""
    step = _first(trace, PREPEND)
    spec = trace.spec
    shorter = next((k for k, shape in enumerate(spec.shapes) if len(shape) < spec.ndim), None)
    if step is None or shorter is None:
        return None
    shape, padded = spec.shapes[shorter], spec.padded[shorter]
    return Question(
        LESSON,
        "prepended",
        step.index,
        "shape",
        padded,
        {"name": NAMES[shorter], "shape": shape_text(shape), "ndim": spec.ndim, "padded": shape_text(padded)},
    )


def _operands(trace: BroadcastTrace) -> str:
    """`a (3, 1) and b (4,)`'s language-free half: `a (3, 1), b (4,)`."""
    return ", ".join(f"{name} {shape_text(shape)}" for name, shape in zip(trace.spec.names, trace.spec.shapes))


def _result_shape(trace: BroadcastTrace) -> Question | None:
    step = _first(trace, COMPARE)
    if step is None or trace.result_shape is None:
        return None
    ndim = trace.spec.ndim
    names = trace.spec.names
    axes = "; ".join(
        f"{axis - ndim}: {', '.join(f'{n}:{shape[axis]}' for n, shape in zip(names, trace.spec.padded))}"
        f" → {trace.result_shape[axis]}"
        for axis in reversed(range(ndim))
    )
    return Question(
        LESSON,
        "result_shape",
        step.index,
        "shape",
        trace.result_shape,
        {
            "operands": _operands(trace),
            "expression": trace.spec.expression,
            "axes": axes,
            "result": shape_text(trace.result_shape),
        },
    )


def _fits(trace: BroadcastTrace) -> Question | None:
    step = next((step for step in trace.steps if step.failed), None)
    if step is None or step.axis is None:
        return None
    sizes = ", ".join(f"{name}:{size}" for name, size in zip(trace.spec.names, step.sizes))
    return Question(
        LESSON,
        "fits",
        step.index,
        "choice",
        NO,
        {
            "operands": _operands(trace),
            "expression": trace.spec.expression,
            "axis": step.axis,
            "from_right": step.from_right,
            "sizes": sizes,
        },
        choices=FITS_CHOICES,
        choice_keys=True,
    )


def _stretches(trace: BroadcastTrace) -> list[Question]:
    """The first rule-5 step asks how many copies it makes, the second what shape its operand then has."""
    steps = [step for step in trace.steps if step.kind == STRETCH]
    asked = []
    for step, question_id in zip(steps, ("copies", "stretched_shape")):
        operand = step.stretched[0]
        before = trace.steps[step.index - 1].rows[operand]
        after = step.rows[operand]
        if None in before or None in after:
            continue
        held_before, held_after = math.prod(before), math.prod(after)  # type: ignore[arg-type]
        params = {
            "name": NAMES[operand],
            "axis": step.axis,
            "from_right": step.from_right,
            "size": step.size,
            "before": shape_text(before),  # type: ignore[arg-type]
            "after": shape_text(after),  # type: ignore[arg-type]
            "held_before": f"{held_before:,}",
            "held_after": f"{held_after:,}",
            "copies": f"{held_after - held_before:,}",
        }
        if question_id == "copies":
            asked.append(Question(LESSON, question_id, step.index, "number", float(held_after - held_before), params))
        else:
            asked.append(Question(LESSON, question_id, step.index, "shape", after, params))  # type: ignore[arg-type]
    return asked
