"""Predict before reveal, convolution: where the window sits, what goes in a cell, how much padding it reads.

Every step of the lesson is one output cell; the output grid shows the cells
up to the current one, so a cell's value and its window are unknown until the
step that computes it. The output's shape is on screen from the first step
(the grid's title and the size formula), so it is not asked.
"""

from __future__ import annotations

from engine.conv import ConvStep, ConvTrace
from engine.conv_setup import ConvSetup
from engine.numbers import fmt
from engine.quiz import Question
from engine.quiz_answers import choice_of, tolerance_for

LESSON = "conv"


def questions(setup: ConvSetup, trace: ConvTrace) -> tuple[Question, ...]:
    """In order of preference: a step already taken by an earlier question is not asked twice."""
    last = trace.step_count - 1
    found = [
        _window(trace, 1),
        _channel(trace),
        _padding(trace),
        _value("value", trace, trace.step_count // 2),
        _value("value_last", trace, last),
    ]
    taken: set[int] = set()
    kept = []
    for question in found:
        if question is not None and 1 <= question.step <= last and question.step not in taken:
            taken.add(question.step)
            kept.append(question)
    return tuple(sorted(kept, key=lambda question: question.step))


def cell_text(step: ConvStep) -> str:
    """`1, 2`, or `0, 1, 2` with the output channel in front when there are several."""
    return step.label[len("out[") : -1].replace(",", ", ")


def _value(qid: str, trace: ConvTrace, index: int) -> Question | None:
    """A cell's value, asked only where its kernel was on screen the step before (the same output channel)."""
    if not 1 <= index < trace.step_count:
        return None
    step = trace.step(index)
    if trace.step(index - 1).out_channel != step.out_channel:
        return None
    return Question(
        LESSON,
        qid,
        index,
        "number",
        step.value,
        {"cell": cell_text(step), "equation": _equation(step)},
        tolerance=tolerance_for(step.value),
    )


def _equation(step: ConvStep) -> str:
    """The step's products and bias, channel sums first when there are several channels."""
    channels = sorted({tap.channel for tap in step.taps})
    if len(channels) == 1:
        return step.equation
    sums = " + ".join(fmt(s) if s >= 0 else f"({fmt(s)})" for s in step.channel_sums)
    parts = [f"({step.channel_expression(c)})" for c in channels]
    return f"{step.label} = {' + '.join(parts)} + {fmt(step.bias)} = {sums} + {fmt(step.bias)} = {fmt(step.value)}"


def corners(top: int, left: int, bottom: int, right: int) -> str:
    """A window as its top-left and bottom-right input cells: `(0, 1)–(2, 3)`."""
    return f"({top}, {left})–({bottom}, {right})"


def _window(trace: ConvTrace, index: int) -> Question | None:
    """Where the window of step `index` sits; wrong options are the slips: stride 1, no dilation, rows for columns."""
    if index >= trace.step_count:
        return None
    spec, step = trace.spec, trace.step(index)
    top, left, bottom, right = step.window
    span = spec.dilation * (spec.kernel_size - 1)
    height, width = trace.padded.shape[1:]
    slips = [
        (step.row, step.col, step.row + span, step.col + span),  # moved by 1, not by the stride
        (top, left, top + spec.kernel_size - 1, left + spec.kernel_size - 1),  # dilation forgotten
        (left, top, left + span, top + span),  # rows and columns swapped
        (top, left + 1, bottom, right + 1),
        (top + 1, left, bottom + 1, right),
    ]
    inside = [corners(*box) for box in slips if box[2] < height and box[3] < width]
    options = choice_of(corners(top, left, bottom, right), inside)
    if options is None:
        return None
    choices, answer = options
    params = {
        "cell": cell_text(step),
        "row": step.row,
        "col": step.col,
        "stride": spec.stride,
        "top": top,
        "left": left,
        "bottom": bottom,
        "right": right,
        "span": span + 1,
        "dilation": spec.dilation,
        "k": spec.kernel_size,
    }
    return Question(LESSON, "window", index, "choice", answer, params, choices=choices)


def _channel(trace: ConvTrace) -> Question | None:
    """The second cell of output channel 1: another kernel over the same input.

    Not the first: its kernel is drawn only from that step on, and a value
    cannot be predicted from a kernel not yet on screen.
    """
    if trace.spec.out_channels < 2:
        return None
    return _value("channel", trace, trace.index_of(1, 0, 0) + 1)  # none where a 1×1 output has no second cell


def _padding(trace: ConvTrace) -> Question | None:
    """How many products of a step read a padded zero: the last step ≥ 1 whose window reaches the border."""
    pad = trace.spec.padding
    if pad == 0:
        return None
    height, width = trace.padded.shape[1:]
    for index in range(trace.step_count - 1, 0, -1):
        step = trace.step(index)
        padded = [tap for tap in step.taps if not (pad <= tap.row < height - pad and pad <= tap.col < width - pad)]
        if padded:
            total = len(step.taps)
            params = {
                "cell": cell_text(step),
                "padding": pad,
                "total": total,
                "inside": total - len(padded),
                "count": len(padded),
            }
            return Question(LESSON, "padding", index, "number", float(len(padded)), params)
    return None
