"""The indexing lesson's words for each step, and its `--plain` walk-through.

The sentences here are shared by `--plain` and the screen, so both say the same.
"""

from __future__ import annotations

import numpy as np

from engine.index import INTEGER, MASK, IndexStep, IndexTrace, Layout, index_trace
from engine.index_setup import IndexSetup
from engine.numbers import fmt
from tui.i18n import lesson_title, t


def kind_text(kind: str) -> str:
    return t(f"index.kind_{kind}")


def numbers_text(values: tuple[int, ...]) -> str:
    return ", ".join(map(str, values)) if values else t("index.nothing")


def step_text(trace: IndexTrace, step: IndexStep) -> str:
    """What one step says: an axis of a basic subscript, the whole selection, one element, or NumPy's error."""
    if step.form == "error":
        return problem_text(trace)
    if step.form == "overview":
        if trace.kind == MASK:
            return t(
                "index.overview_mask",
                mask=trace.mask_text,
                count=trace.result.size,
                shape=trace.shape_text,
            )
        width = len(trace.index_layout.shape) if trace.index_arrays else 0
        if trace.result.ndim == width:
            return t("index.overview_integer", shape=trace.index_layout_text)
        fancy = range(trace.fancy_start, trace.fancy_start + width)
        return t(
            "index.overview_mixed",
            shape=trace.index_layout_text,
            count=trace.result.ndim - width,
            out_shape=trace.shape_text,
            axes=t("index.out_axis" if width == 1 else "index.out_axes", first=fancy.start, last=fancy.stop - 1),
        )
    if step.form == "element":
        element = step.element
        if trace.kind == INTEGER:
            return t(
                "index.element_integer",
                position=element.position_text,
                equation=element.equation,
            )
        return t("index.element", equation=element.equation)
    pick = step.axis
    common = {
        "axis": pick.axis,
        "size": pick.size,
        "text": pick.text,
        "picked": numbers_text(pick.picked),
    }
    if pick.form == "all":
        return t("index.axis_all", **common)
    if pick.form == "int":
        return t(
            "index.axis_int_from_end" if pick.from_end else "index.axis_int",
            index=pick.picked[0],
            **common,
        )
    if pick.stop_before_start:
        return t("index.axis_slice_back", start=pick.start, step=pick.step, **common)
    return t("index.axis_slice", start=pick.start, stop=pick.stop, step=pick.step, **common)


def problem_text(trace: IndexTrace) -> str:
    """NumPy's exception and exact words, then why, in the student's language."""
    problem = trace.problem
    hint = t(f"index.hint_{problem.reason}", **problem.params)
    return t("index.numpy_raises", kind=problem.kind, message=problem.message) + "\n" + hint


def memory_text(trace: IndexTrace) -> str:
    """View or copy, as NumPy made it, and np.shares_memory on the real result."""
    text = t(
        f"index.memory_{trace.memory}",
        kind=kind_text(trace.kind),
        shape=trace.shape_text,
    )
    return text if trace.memory == "empty" else f"{text}\n{t('index.shares', shares=trace.shares_memory)}"


def checked_text(trace: IndexTrace) -> str:
    if not trace.numpy_agrees:
        return t("index.checked_bad")
    if trace.problem:
        return t("index.checked_message")
    return t("index.checked_values", count=trace.result.size)


def _grid_lines(values: np.ndarray, layout: Layout, name: str, format_cell=fmt) -> list[str]:
    blocks = layout.cells(values)
    if not blocks.size:
        return ["  []"]
    captions = layout.captions(name)
    cells = [[[format_cell(v) for v in row] for row in block] for block in blocks]
    width = max(len(c) for block in cells for row in block for c in row)
    lines = []
    for number, block in enumerate(cells):
        if captions:
            lines.append("  " + captions[number])
        lines += ["  " + " ".join(c.rjust(width) for c in row) for row in block]
    return lines


def plain(setup: IndexSetup) -> str:
    """The array, the expression, every step, the result with its shape and whether it is a view or a copy."""
    trace = index_trace(setup.spec())
    spec = trace.spec
    lines = [
        lesson_title("index"),
        "",
        t("index.plain_array", shape=trace.source_shape_text),
    ]
    lines += _grid_lines(spec.array, Layout(spec.array.shape), "a")
    lines += [
        "",
        t(
            "index.plain_expression",
            expression=spec.subscript.text,
            kind=kind_text(trace.kind),
        ),
    ]
    if trace.mask is not None:
        lines.append(t("index.plain_mask", mask=trace.mask_text))
        lines += _grid_lines(trace.mask, Layout(trace.mask.shape), "mask", str)
    if trace.index_arrays:
        lines.append(t("index.plain_arrays", shape=trace.index_layout_text))
        for array in trace.index_arrays:
            lines.append("  " + t("index.array_caption", axis=array.axis, suffix=""))
            lines += ["  " + line for line in _grid_lines(array.values, trace.index_layout, "", str)]
    lines.append("")
    for index in range(trace.step_count):
        step = trace.step(index)
        lines.append(
            t(
                "index.plain_step",
                step=index + 1,
                total=trace.step_count,
                text=step_text(trace, step),
            )
        )
    if not trace.problem:
        lines += ["", t("index.plain_result", shape=trace.shape_text)]
        lines += _grid_lines(trace.result, Layout(trace.result.shape), "out")
        lines.append(memory_text(trace))
    lines.append(checked_text(trace))
    return "\n".join(lines)
