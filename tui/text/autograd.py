"""The autograd lesson's words: the graph drawn in text, each step's sentences, `--plain`.

The words live here, not in the screen, because `--plain` prints the same
walk-through and must not import Textual.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from engine.autograd import uniform
from engine.autograd_presets import AutogradSpec
from engine.autograd_trace import (
    BACKWARD,
    COMPARE,
    FORWARD,
    LEAF_GRAD_FN,
    LEAVES,
    NUMERIC_STEP,
    SEED,
    AutogradStep,
    AutogradTrace,
    Contribution,
    autograd_trace,
    fmt_error,
)
from engine.numbers import fmt
from tui.i18n import lesson_title, t

INLINE_CELLS = 3  # a leaf's gradient with more cells is read in the table


CURRENT, DONE, PENDING = "current", "done", "pending"


# Numbers as text --------------------------------------------------------------------


def array_text(array: np.ndarray) -> str:
    """`27`, `[0.6, -0.9]` or `[[3, 3], [3, 3]]`, every number as fmt writes it."""
    array = np.asarray(array)
    if array.size == 1 and array.ndim == 0:
        return fmt(float(array))
    if array.ndim == 1:
        return "[" + ", ".join(fmt(v) for v in array) + "]"
    return "[" + ", ".join(array_text(row) for row in array) + "]"


def compact(array: np.ndarray) -> str:
    """One number for a uniform array, followed by `in every cell` when there are several cells."""
    array = np.asarray(array)
    if array.size > 1 and uniform(array):
        return t("autograd.every_cell", value=fmt(float(array.flat[0])))
    return array_text(array)


def cells(text: str) -> int:
    """Terminal cells `text` takes: Chinese characters are two wide, so columns after them stay aligned."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def preset_name(spec: AutogradSpec) -> str:
    return t(f"autograd.preset_{spec.preset}")


# The graph --------------------------------------------------------------------------


def graph_lines(trace: AutogradTrace, index: int) -> list[tuple[str, str]]:
    """(text, state) per line: the leaves, then each node as `inputs ─(op)─▶ name`, torch's grad_fns on the right.

    In backward the arrows turn round: the gradient flows from the node to its inputs.
    """
    step = trace.step(index)
    backward = step.kind in (SEED, BACKWARD)
    left, full = [t("autograd.leaves", names=", ".join(trace.graph.leaf_names))], []
    for position, node in enumerate(trace.nodes, start=1):
        arrow = f"◀─({node.op.symbol})─" if backward else f"─({node.op.symbol})─▶"
        text = f"{', '.join(node.inputs)} {arrow} {node.name}"
        value = f" = {fmt(float(trace.values[node.name]))}" if trace.values[node.name].size == 1 else ""
        left.append(text + value if backward or index >= position or step.kind == COMPARE else text)
        full.append(text + value)
    width = max(cells(text) for text in left + full) + 2
    rights = [(LEAF_GRAD_FN,)] + [node.op.grad_fns for node in trace.nodes]
    states = [_state(trace, index, line) for line in range(len(left))]
    lines = []
    for text, names, state in zip(left, rights, states):
        lines.append((text + " " * (width - cells(text)) + names[0], state))
        lines += [(f"← {name}".rjust(width + len(names[0])), state) for name in names[1:]]
    return lines


def _state(trace: AutogradTrace, index: int, line: int) -> str:
    """Line 0 is the leaves, line k the k-th node; forward walks down the lines, backward up them."""
    step = trace.step(index)
    if step.kind in (LEAVES, COMPARE):
        return CURRENT if line == 0 else PENDING if step.kind == LEAVES else DONE
    if step.kind == FORWARD:
        return CURRENT if line == index else DONE if line < index else PENDING
    last = len(trace.nodes)
    if step.kind == SEED:
        return CURRENT if line == last else PENDING
    position = last - (index - trace.seed_index) + 1  # the node this backward step passes through
    return CURRENT if line == position else DONE if line > position else PENDING


# Each step's sentences ----------------------------------------------------------------


def input_line(spec: AutogradSpec) -> str:
    if spec.preset == "apples":
        return ", ".join(f"{name} = {fmt(float(value))}" for name, value in spec.inputs())
    if spec.preset == "twolayer":
        return t("autograd.twolayer_inputs", x=array_text(spec.x), c=spec.target)
    return f"x = {array_text(spec.x)}"


def detail_lines(trace: AutogradTrace, index: int) -> list[str]:
    step = trace.step(index)
    if step.kind == LEAVES:
        return [input_line(trace.spec), t("autograd.leaves_hint")]
    if step.kind == FORWARD:
        return _forward_lines(trace, step)
    if step.kind == SEED:
        return [t("autograd.seed", out=trace.output)]
    if step.kind == BACKWARD:
        return [line for contribution in step.contributions for line in _backward_lines(trace, step, contribution)]
    return compare_lines(trace)


def _forward_lines(trace: AutogradTrace, step: AutogradStep) -> list[str]:
    node = step.node
    if all(trace.values[name].size == 1 for name in node.inputs):
        return [
            node.formula,
            f"{node.formula_with(trace.values)} = {fmt(float(step.value))}",
        ]
    return [node.formula, f"{node.name} = {array_text(step.value)}"]


def _backward_lines(trace: AutogradTrace, step: AutogradStep, part: Contribution) -> list[str]:
    """Elementwise: ∂out/∂in = ∂out/∂node × local, with the numbers; matrix rules: the product and its value."""
    out, node, name = trace.output, step.node.name, part.input
    equals = "=" if part.first else "+="
    if part.local is None:
        is_big_leaf = name in trace.graph.leaf_names and part.value.size > INLINE_CELLS
        value = t("autograd.see_table") if is_big_leaf else f"= {array_text(part.value)}"
        return [f"∂{out}/∂{name} {equals} {part.rule} {value}"]
    symbolic = f"∂{out}/∂{name} {equals} ∂{out}/∂{node} × ∂{node}/∂{name}, ∂{node}/∂{name} = {part.rule}"
    if uniform(part.upstream, part.local, part.value):
        numbers = f"= {fmt(float(part.upstream.flat[0]))} × {fmt(float(part.local.flat[0]))} = {compact(part.value)}"
    else:
        numbers = f"= {array_text(part.upstream)} × {array_text(part.local)} = {array_text(part.value)}"
    total = "" if part.first else " " + t("autograd.total", out=out, name=name, value=compact(part.total))
    return [symbolic, f"  {numbers}{total}"]


def compare_lines(trace: AutogradTrace) -> list[str]:
    """The gradients worked out by hand, then how close central differences came."""
    lines = []
    for form in trace.closed:
        head = f"∂{trace.output}/∂{form.name} = {form.formula}"
        lines.append(
            f"{head} = {form.filled} = {compact(form.value)}" if form.filled else f"{head} = {compact(form.value)}"
        )
    lines.append(t("autograd.numeric", error=fmt_error(trace.numeric_error), h=fmt(NUMERIC_STEP)))
    if trace.kinks:
        lines.append(t("autograd.kink", cells=", ".join(trace.kinks)))
    return lines


def table_rows(trace: AutogradTrace, index: int) -> tuple[list[list[str]], list[str]]:
    """Per leaf cell: its value, backward's gradient so far (· before), the numerical gradient, the relative error once complete."""
    complete = trace.complete_leaves(index)
    rows = []
    for cell in trace.cells:
        grad = trace.grad_at(index, cell)
        rows.append(
            [
                fmt(trace.leaf_value(cell)),
                "·" if grad is None else fmt(grad),
                fmt(trace.numeric_grad(cell)),
                fmt_error(trace.cell_error(cell)) if cell.leaf in complete else "·",
            ]
        )
    return rows, [cell.label for cell in trace.cells]


def touched(trace: AutogradTrace, index: int) -> set[str]:
    """The leaves this backward step sends a gradient to."""
    step = trace.step(index)
    return {part.input for part in step.contributions if part.input in trace.graph.leaf_names}


def chain_line(trace: AutogradTrace) -> str:
    return t("autograd.chain", chain=" ← ".join(trace.grad_fn_chain))


def plain(spec: AutogradSpec) -> str:
    """The graph, every step's sentences, the gradient table, torch's grad_fn chain."""
    trace = autograd_trace(spec)
    lines = [
        lesson_title("autograd"),
        t("autograd.plain_preset", name=preset_name(spec)),
        "",
    ]
    lines += [f"  {text}" for text, _ in graph_lines(trace, trace.compare_index)]
    for index in range(trace.step_count):
        lines += [
            "",
            t(
                "autograd.plain_step",
                step=index + 1,
                total=trace.step_count,
                kind=t(f"autograd.kind_{trace.step(index).kind}"),
            ),
        ]
        lines += [f"  {line}" for line in detail_lines(trace, index)]
    rows, labels = table_rows(trace, trace.compare_index)
    width = max(len(cell) for row in rows for cell in row)
    label_width = max(len(label) for label in labels)
    lines += ["", t("autograd.table_title")]
    lines += [
        f"  {label.rjust(label_width)} " + " ".join(cell.rjust(width) for cell in row)
        for label, row in zip(labels, rows)
    ]
    lines += ["", chain_line(trace)]
    return "\n".join(lines)
