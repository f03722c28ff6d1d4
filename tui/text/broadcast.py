"""The broadcasting lesson's words: each step's sentence, the tables as text, and `--plain`.

The sentences for each step live here (not in the screen) because `--plain`
prints the same walk-through and must not import Textual.
"""

from __future__ import annotations

from engine.broadcast import (
    COMPARE,
    COMPUTE,
    MISMATCH,
    NAMES,
    OPS,
    PREPEND,
    RESULT,
    STRETCH,
    BroadcastStep,
    BroadcastTrace,
    broadcast_trace,
)
from engine.broadcast_setup import CUSTOM, BroadcastSetup
from engine.broadcast_shape import python_shape
from engine.broadcast_values import (
    VALUES_LIMIT,
    BroadcastValues,
    as_blocks,
    broadcast_values,
    largest_array,
)
from engine.numbers import fmt
from tui.i18n import lesson_title, t
from tui.text import labelled_rows


def example_name(setup: BroadcastSetup) -> str:
    return t("broadcast.custom") if setup.example == CUSTOM else t(f"broadcast.examples.{setup.example}")


def shapes_line(trace: BroadcastTrace) -> str:
    """`(3, 1) + (4,)`: the operands' shapes joined by the operation."""
    return f" {OPS[trace.spec.op]} ".join(python_shape(shape) for shape in trace.spec.shapes)


def explain(trace: BroadcastTrace, step: BroadcastStep) -> str:
    """The catalogue's sentence for one step, filled in with the step's data."""
    spec, sep = trace.spec, t("broadcast.sep")
    names = spec.names
    sizes = sep.join(t("broadcast.sizes", name=names[k], size=size) for k, size in enumerate(step.sizes))
    axis = {
        "axis": step.axis,
        "from_right": step.from_right,
        "sizes": sizes,
        "size": step.size,
    }
    result = python_shape(tuple(size for size in step.result if size is not None))
    if step.kind == PREPEND:
        changes = [
            f"{name} {python_shape(shape)} → {python_shape(padded)}"
            for name, shape, padded in zip(names, spec.shapes, spec.padded)
            if shape != padded
        ]
        if not changes:
            return t("broadcast.step_prepend_none", ndim=spec.ndim)
        return t("broadcast.step_prepend", ndim=spec.ndim, changes=sep.join(changes))
    if step.kind == COMPARE and step.verdict == MISMATCH:
        return _mismatch(names, step, axis)
    if step.kind == COMPARE:
        return t(f"broadcast.step_{step.verdict}", **axis)
    if step.kind == RESULT:
        return t("broadcast.step_result", shape=result)
    if step.kind == STRETCH:
        return t(
            "broadcast.step_stretch",
            names=sep.join(names[k] for k in step.stretched),
            **axis,
        )
    if step.kind == COMPUTE:
        key = "broadcast.step_compute_scalar" if spec.ndim == 0 else "broadcast.step_compute"
        return t(key, shape=result, expression=spec.expression)
    return t("broadcast.step_align_scalar" if spec.ndim == 0 else "broadcast.step_align")


def _mismatch(names: tuple[str, ...], step: BroadcastStep, axis: dict[str, object]) -> str:
    """The axis that fails: the two sizes that clash (neither is 1, they differ), and a 1 beside them that fits."""
    sep = t("broadcast.sep")
    first = next(k for k, size in enumerate(step.sizes) if size != 1)
    second = next(k for k, size in enumerate(step.sizes) if size not in (1, step.sizes[first]))
    ones = [t("broadcast.sizes", name=names[k], size=1) for k, size in enumerate(step.sizes) if size == 1]
    sentence = t(
        "broadcast.step_mismatch",
        first=t("broadcast.sizes", name=names[first], size=step.sizes[first]),
        second=t("broadcast.sizes", name=names[second], size=step.sizes[second]),
        **axis,
    )
    return t("broadcast.step_mismatch_ones", sentence=sentence, names=sep.join(ones)) if ones else sentence


def element_counts(trace: BroadcastTrace) -> str:
    """`a 3,072 · b 3 · a - b 3,072`: what each array would hold, had anything been allocated."""
    names = [*trace.spec.names, trace.spec.expression][: len(trace.element_counts)]
    counts = " · ".join(f"{name} {count:,}" for name, count in zip(names, trace.element_counts))
    return t("broadcast.elements", counts=counts)


def failure_lines(trace: BroadcastTrace) -> list[str]:
    """NumPy's and torch's own messages for the mismatch, and how a third operand is reached."""
    lines = [
        t("broadcast.numpy_says", message=trace.numpy_message),
        t("broadcast.torch_says", message=trace.torch_message),
    ]
    if len(trace.spec.shapes) == 3:
        lines.append(
            t(
                "broadcast.left_to_right",
                expression=trace.spec.expression,
                op=OPS[trace.spec.op],
            )
        )
    return lines


def table_cells(trace: BroadcastTrace, step: BroadcastStep) -> list[list[str]]:
    """The shapes table as text: an axis row, one row per operand, the result row (· not known yet, ✗ failed)."""
    header = [str(axis) for axis in range(trace.spec.ndim)]
    rows = [["" if size is None else str(size) for size in row] for row in step.rows]
    result = ["·" if size is None else str(size) for size in step.result]
    if step.failed:
        result[step.axis] = "✗"
    return [header, *rows, result]


def table_labels(trace: BroadcastTrace) -> list[str]:
    return [t("broadcast.axis"), *trace.spec.names, trace.spec.expression]


def value_cells(values) -> tuple[list[list[list[str]]], tuple[str, ...]]:
    """An array of any ndim as grid blocks of formatted numbers, with the block labels."""
    blocks, labels = as_blocks(values)
    return [[[fmt(v) for v in row] for row in block] for block in blocks], labels


def _value_lines(title: str, array, copied=None) -> list[str]:
    blocks, labels = value_cells(array)
    if copied is not None:
        marks, _ = as_blocks(copied)
        blocks = [
            [
                [f"[{cell}]" if mark else cell for cell, mark in zip(row, mark_row)]
                for row, mark_row in zip(block, mark_block)
            ]
            for block, mark_block in zip(blocks, marks)
        ]
    width = max((len(cell) for block in blocks for row in block for cell in row), default=1)
    lines = [f"  {title}"]
    for index, block in enumerate(blocks):
        if labels:
            lines.append(f"    {labels[index]}")
        lines += ["    " + " ".join(cell.rjust(width) for cell in row) for row in block]
    return lines


def _table_lines(trace: BroadcastTrace, step: BroadcastStep) -> list[str]:
    return labelled_rows(table_cells(trace, step), table_labels(trace))


def plain(setup: BroadcastSetup) -> str:
    """Each step's sentence under the shapes table; the numbers when they are small; the messages on a mismatch."""
    trace = broadcast_trace(setup.spec())
    values = broadcast_values(trace)
    lines = [
        lesson_title("broadcast"),
        f"{shapes_line(trace)} · {example_name(setup)}",
        "",
    ]
    if values is not None:
        lines += [t("broadcast.values_plain")] + _operand_lines(trace, values, trace.steps[0]) + [""]
    else:
        lines += [
            t("broadcast.too_big", limit=VALUES_LIMIT, count=largest_array(trace)),
            "",
        ]
    for step in trace.steps:
        lines.append(t("broadcast.plain_step", step=step.index + 1, total=trace.step_count))
        lines += _table_lines(trace, step)
        lines.append(f"  {explain(trace, step)}")
        if values is not None and step.kind == STRETCH:
            lines += _operand_lines(trace, values, step)
        lines.append("")
    if not trace.compatible:
        lines += failure_lines(trace)
    elif values is not None:
        lines += _value_lines(
            t(
                "broadcast.result",
                expression=trace.spec.expression,
                shape=python_shape(trace.result_shape),
            ),
            values.result,
        )
    return "\n".join(lines)


def _operand_lines(trace: BroadcastTrace, values: BroadcastValues, step: BroadcastStep) -> list[str]:
    lines = []
    for name, view in zip(NAMES, values.at(step)):
        lines += _value_lines(
            t("broadcast.operand", name=name, shape=python_shape(view.values.shape)),
            view.values,
            view.copied,
        )
    return lines
