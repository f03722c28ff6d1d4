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
    ACCUMULATE,
    BACKWARD,
    COMPARE,
    FORWARD,
    LEAF_GRAD_FN,
    LEAVES,
    NUMERIC_STEP,
    REFUSED,
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
NOT_YET = "·"  # not reached yet: the placeholder every grid shows for a number still to come
NOT_COMPARED = "–"  # after a second backward: .grad is two gradients added, not one to compare


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
    Under no_grad the right column says what torch recorded instead: nothing.
    """
    step = trace.step(index)
    backward = step.kind in (SEED, BACKWARD, ACCUMULATE)
    left, full = [t("autograd.leaves", names=", ".join(trace.graph.leaf_names))], []
    for position, node in enumerate(trace.nodes, start=1):
        arrow = f"◀─({node.op.symbol})─" if backward else f"─({node.op.symbol})─▶"
        text = f"{', '.join(node.inputs)} {arrow} {node.name}"
        value = f" = {fmt(trace.values[node.name].item())}" if trace.values[node.name].size == 1 else ""
        left.append(text + value if backward or index >= position or step.kind == COMPARE else text)
        full.append(text + value)
    width = max(cells(text) for text in left + full) + 2
    if trace.recorded:
        rights = [(LEAF_GRAD_FN,)] + [node.op.grad_fns for node in trace.nodes]
    else:
        rights = [("requires_grad=True",)] + [("grad_fn=None",)] * len(trace.nodes)
    states = [_state(trace, index, line) for line in range(len(left))]
    lines = []
    for text, names, state in zip(left, rights, states):
        lines.append((text + " " * (width - cells(text)) + names[0], state))
        lines += [(f"← {name}".rjust(width + len(names[0])), state) for name in names[1:]]
    return lines


def _state(trace: AutogradTrace, index: int, line: int) -> str:
    """Line 0 is the leaves, line k the k-th node; forward walks down the lines, backward up them.

    A refused call is about the output; a second backward ends where AccumulateGrad adds into x.grad.
    """
    step = trace.step(index)
    if step.kind in (REFUSED, ACCUMULATE):
        current = len(trace.nodes) if step.kind == REFUSED else 0
        return CURRENT if line == current else DONE
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
    if spec.preset == "vector":
        return f"x = {array_text(spec.x)}, v = {array_text(spec.v)}"
    if spec.preset == "apples":
        return ", ".join(f"{name} = {fmt(float(value))}" for name, value in spec.inputs())
    if spec.preset == "twolayer":
        return t("autograd.twolayer_inputs", x=array_text(spec.x), c=spec.target)
    return f"x = {array_text(spec.x)}"


def detail_lines(trace: AutogradTrace, index: int) -> list[str]:
    """The step's sentences; the last three graphs start a step with the Python line it runs (`>>> …`)."""
    step = trace.step(index)
    preset = trace.spec.preset
    if step.kind == LEAVES:
        hint = t(f"autograd.leaves_{preset}") if preset in ("nograd", "vector", "twice") else t("autograd.leaves_hint")
        code = [">>> with torch.no_grad():"] if preset == "nograd" else []
        return [input_line(trace.spec), *code, hint]
    if step.kind == FORWARD:
        return _forward_lines(trace, step)
    if step.kind == SEED:
        return seed_lines(trace)
    if step.kind == BACKWARD:
        return [line for contribution in step.contributions for line in _backward_lines(trace, step, contribution)]
    if step.kind == REFUSED:
        return refused_lines(trace)
    if step.kind == ACCUMULATE:
        return accumulate_lines(trace)
    return compare_lines(trace)


def _forward_lines(trace: AutogradTrace, step: AutogradStep) -> list[str]:
    node = step.node
    if all(trace.values[name].size == 1 for name in node.inputs):
        lines = [node.formula, f"{node.formula_with(trace.values)} = {fmt(step.value.item())}"]
    else:
        lines = [node.formula, f"{node.name} = {array_text(step.value)}"]
    recorded = "" if trace.recorded else f"{node.name}.requires_grad = False, {node.name}.grad_fn = None"
    return lines + ([recorded] if recorded else [])


def _backward_lines(trace: AutogradTrace, step: AutogradStep, part: Contribution) -> list[str]:
    """Elementwise: ∂out/∂in = ∂out/∂node × local, with the numbers; matrix rules: the product and its value."""
    out, node, name = trace.loss, step.node.name, part.input
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


def seed_lines(trace: AutogradTrace) -> list[str]:
    """Where backward starts: ∂out/∂out = 1, or the v a vector output is given; twice keeps the graph for more."""
    out = trace.output
    if trace.seed is not None:
        lines = [f">>> {out}.backward(gradient=v)", t("autograd.seed_vector", out=out, v=array_text(trace.seed))]
        return lines + ([t("autograd.seed_vector_one", out=out)] if trace.seed.size == 1 else [])
    if trace.spec.preset == "twice":
        return [f">>> {out}.backward(retain_graph=True)", t("autograd.seed", out=out), t("autograd.twice_retain")]
    return [t("autograd.seed", out=out)]


def refused_lines(trace: AutogradTrace) -> list[str]:
    """The call, torch's own words, and why: nothing recorded, a vector with no v, or a graph already freed."""
    out, preset = trace.output, trace.spec.preset
    lines = [f">>> {out}.backward()", f"RuntimeError: {trace.refusal}"]
    if preset == "vector":
        return lines + [t("autograd.refused_vector", out=out, n=trace.values[out].size)]
    if preset == "twice":
        return lines + [t("autograd.refused_twice", values=_grads_text(trace.accumulated))]
    return lines + [t("autograd.refused_nograd", out=out)]


def _grads_text(grads: dict[str, np.ndarray]) -> str:
    return ", ".join(f"{name}.grad = {compact(value)}" for name, value in grads.items())


def accumulate_lines(trace: AutogradTrace) -> list[str]:
    """The second call: each leaf's .grad = the first gradient + the same again."""
    lines = [f">>> {trace.output}.backward()"]
    for name, total in trace.accumulated.items():
        first = trace.grads[name]
        if uniform(first, total):
            lines.append(f"{name}.grad = {fmt(float(first.flat[0]))} + {fmt(float(first.flat[0]))} = {compact(total)}")
        else:
            lines.append(f"{name}.grad = {array_text(first)} + {array_text(first)} = {array_text(total)}")
    return lines + [t("autograd.accumulate")]


def jacobian_lines(trace: AutogradTrace) -> list[str]:
    """J (diagonal: the vector graph works cell by cell), Jᵀ·v with its products, and the mean as one such v."""
    leaf, jacobian = trace.graph.leaf_names[0], trace.jacobian
    diagonal = np.diag(jacobian)
    products = ", ".join(f"{fmt(d)}·{fmt(v)}" for d, v in zip(diagonal, trace.seed.reshape(-1)))
    n = jacobian.shape[0]
    return [
        t("autograd.jacobian", out=trace.output, leaf=leaf, diagonal=", ".join(fmt(d) for d in diagonal)),
        f"{leaf}.grad = Jᵀ·v = [{products}] = {array_text(trace.vjp.reshape(-1))}",
        t("autograd.mean_vjp", n=n, share=f"1/{n}", value=compact(trace.mean_vjp), out=trace.output, leaf=leaf),
    ]


def compare_lines(trace: AutogradTrace) -> list[str]:
    """The gradients worked out by hand, then how close central differences came."""
    lines = []
    for form in trace.closed:
        head = f"∂{trace.loss}/∂{form.name} = {form.formula}"
        line = f"{head} = {form.filled} = {compact(form.value)}" if form.filled else f"{head} = {compact(form.value)}"
        lines.append(t("autograd.closed_where", line=line, where=form.where) if form.where else line)
    if trace.seed is not None:
        lines += jacobian_lines(trace)
    lines.append(t("autograd.numeric", error=fmt_error(trace.numeric_error), h=fmt(NUMERIC_STEP)))
    if trace.kinks:
        lines.append(t("autograd.kink", cells=", ".join(trace.kinks)))
    return lines


def table_rows(trace: AutogradTrace, index: int) -> tuple[list[list[str]], list[str]]:
    """Per leaf cell: its value, backward's gradient so far, then, once backward has finished with the leaf, the
    numerical gradient and the relative error: the check is revealed after the answer, not before it."""
    complete = trace.complete_leaves(index)
    # torch's answer to print(x.grad) once the refused backward has left it unset
    unset = "None" if not trace.recorded and index >= trace.backward_index else NOT_YET
    accumulated = index >= trace.accumulate_index  # x.grad holds two backward calls: one numerical gradient is half
    rows = []
    for cell in trace.cells:
        grad = trace.grad_at(index, cell)
        rows.append(
            [
                fmt(trace.leaf_value(cell)),
                unset if grad is None else fmt(grad),
                fmt(trace.numeric_grad(cell)) if cell.leaf in complete or accumulated else NOT_YET,
                fmt_error(trace.cell_error(cell))
                if cell.leaf in complete
                else NOT_COMPARED
                if accumulated
                else NOT_YET,
            ]
        )
    return rows, [cell.label for cell in trace.cells]


def touched(trace: AutogradTrace, index: int) -> set[str]:
    """The leaves this backward step sends a gradient to (a second backward: every leaf's .grad grows)."""
    step = trace.step(index)
    if step.kind == ACCUMULATE:
        return set(trace.graph.leaf_names)
    return {part.input for part in step.contributions if part.input in trace.graph.leaf_names}


def chain_line(trace: AutogradTrace) -> str:
    if not trace.grad_fn_chain:
        return t("autograd.no_chain", out=trace.output)
    return t("autograd.chain", chain=" ← ".join(trace.grad_fn_chain))


def plain(spec: AutogradSpec) -> str:
    """The graph, every step's sentences, the gradient table, torch's grad_fn chain."""
    trace = autograd_trace(spec)
    lines = [
        lesson_title("autograd"),
        t("autograd.plain_preset", name=preset_name(spec)),
        "",
    ]
    last = trace.step_count - 1
    lines += [f"  {text}" for text, _ in graph_lines(trace, last)]
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
    rows, labels = table_rows(trace, last)
    width = max(len(cell) for row in rows for cell in row)
    label_width = max(len(label) for label in labels)
    lines += ["", t("autograd.table_title")]
    lines += [
        f"  {label.rjust(label_width)} " + " ".join(cell.rjust(width) for cell in row)
        for label, row in zip(labels, rows)
    ]
    lines += ["", chain_line(trace)]
    return "\n".join(lines)
