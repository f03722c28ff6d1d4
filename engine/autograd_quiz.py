"""Predict before reveal, backpropagation: a forward value, the output, a gradient on the way back, x.grad, a refusal.

Forward reveals one node a step; backward one node's gradients a step, and
the table's gradient column fills only when backward reaches a leaf. Each
question is asked before the step that first shows its answer. Numbers are
about one cell (the first), named as the screen names it: `y[0,0]`.
"""

from __future__ import annotations

import numpy as np

from engine.autograd import Affine, Mean, Node, SoftmaxWithLoss, softmax
from engine.autograd_presets import AutogradSpec
from engine.autograd_trace import ACCUMULATE, BACKWARD, REFUSED, AutogradTrace
from engine.numbers import fmt, fmt_factor
from engine.quiz import Question, asked_before
from engine.quiz_answers import tolerance_for

LESSON = "autograd"
OUTCOMES = ("runs", "raises")


def questions(spec: AutogradSpec, trace: AutogradTrace) -> tuple[Question, ...]:
    """In order of preference: a step already taken by an earlier question is not asked twice."""
    leaf_step = _leaf_step(trace)
    found = [
        _forward(trace),
        _output(trace),
        _leaf_grad(trace, leaf_step),
        _intermediate(trace, leaf_step),
        _accumulated(trace),
        _refused(trace),
    ]
    return asked_before(tuple(question for question in found if question is not None), trace.step_count)


def cell_label(name: str, value: np.ndarray) -> str:
    """`y[0,0]` for the first cell of an array, `cost` for a single number."""
    return name if np.size(value) == 1 else f"{name}[{','.join('0' * np.ndim(value))}]"


def _first(value: np.ndarray) -> float:
    return float(np.asarray(value).flat[0])


def _number(qid: str, step: int, answer: float, params: dict[str, object]) -> Question:
    return Question(LESSON, qid, step, "number", answer, params, tolerance=tolerance_for(answer))


def _elementwise(node: Node, trace: AutogradTrace) -> bool:
    """Cell by cell, each input the output's shape: the first cell's formula can be written with numbers."""
    inputs = [trace.values[name] for name in node.inputs]
    out = trace.values[node.name]
    return node.op.local(tuple(inputs), 0) is not None and all(np.shape(v) == np.shape(out) for v in inputs)


def _with_numbers(node: Node, trace: AutogradTrace) -> str:
    """`y[0,0] = 1 + 2`: the node's formula on the first cell of each input."""
    out = cell_label(node.name, trace.values[node.name])
    return node.op.formula(out, tuple(fmt_factor(_first(trace.values[name])) for name in node.inputs))


def _forward(trace: AutogradTrace) -> Question | None:
    """The first node computed cell by cell, before its forward step shows it."""
    for position, node in enumerate(trace.nodes, start=1):
        if _elementwise(node, trace):
            value = _first(trace.values[node.name])
            label = cell_label(node.name, trace.values[node.name])
            params = {
                "formula": node.formula,
                "label": label,
                "numbers": _with_numbers(node, trace),
                "value": fmt(value),
            }
            return _number("forward", position, value, params)
    return None


def _output(trace: AutogradTrace) -> Question | None:
    """The last forward step: the output (its first cell for a vector output)."""
    node = trace.nodes[-1]
    value = trace.values[node.name]
    label = cell_label(node.name, value)
    if isinstance(node.op, Mean):
        source = trace.values[node.inputs[0]].reshape(-1)
        numbers = f"{label} = ({' + '.join(fmt_factor(v) for v in source)})/{source.size}"
    elif isinstance(node.op, SoftmaxWithLoss):
        p = softmax(trace.values[node.inputs[0]])[0, node.op.target]
        numbers = f"{label} = −log softmax({node.inputs[0]})[{node.op.target}] = −log({fmt(p)})"
    elif _elementwise(node, trace):
        numbers = _with_numbers(node, trace)
    else:
        return None
    params = {"formula": node.formula, "label": label, "numbers": numbers, "value": fmt(_first(value))}
    return _number("output", len(trace.nodes), _first(value), params)


def _leaf_step(trace: AutogradTrace) -> int | None:
    """The step where backward first gives the first leaf a gradient (the table's column fills)."""
    leaf = trace.graph.leaf_names[0]
    for index in range(trace.seed_index, trace.step_count):
        if trace.step(index).kind == BACKWARD and leaf in trace.grads_after(index):
            return index
    return None


def _chain(trace: AutogradTrace, index: int, name: str) -> str:
    """`4.5 × 1` or `0.75 × 3 + 0.75 × 3`: each contribution to `name`'s first cell at step `index`."""
    step = trace.step(index)
    parts = []
    for slot, part in enumerate(step.contributions):
        if part.input != name:
            continue
        if part.local is not None:
            parts.append(f"{fmt_factor(_first(part.upstream))} × {fmt_factor(_first(part.local))}")
        elif isinstance(step.node.op, Affine) and slot == 0:
            parts.append(f"{part.rule} = {_row_times_row(part.upstream[0], trace.values[step.node.inputs[1]][0])}")
        else:
            parts.append(part.rule)
    return " + ".join(parts)


def _row_times_row(upstream: np.ndarray, weights: np.ndarray) -> str:
    """x's first cell through an affine layer: Σ_j ∂/∂out[0,j] · W[0,j], each product written out."""
    return " + ".join(f"{fmt_factor(g)}×{fmt_factor(w)}" for g, w in zip(upstream, weights))


def _gradient_params(trace: AutogradTrace, index: int, name: str) -> dict[str, object]:
    total = _first(trace.grads_after(index)[name])
    step = trace.step(index)
    return {
        "loss": trace.loss,
        "name": name,
        "node": step.node.name,
        "label": cell_label(name, trace.values[name]),
        "chain": _chain(trace, index, name),
        "value": fmt(total),
    }


def _leaf_grad(trace: AutogradTrace, index: int | None) -> Question | None:
    if index is None:
        return None
    leaf = trace.graph.leaf_names[0]
    return _number("leaf_grad", index, _first(trace.grads_after(index)[leaf]), _gradient_params(trace, index, leaf))


def _intermediate(trace: AutogradTrace, leaf_step: int | None) -> Question | None:
    """A backward step that sends a gradient to a node (not a leaf): cell-by-cell rules first, then most shares."""
    leaves = set(trace.graph.leaf_names)
    best: tuple[tuple[bool, int, int], int, str] | None = None
    for index in range(trace.step_count):
        step = trace.step(index)
        if step.kind != BACKWARD or index == leaf_step:
            continue
        for name in dict.fromkeys(part.input for part in step.contributions if part.input not in leaves):
            parts = [part for part in step.contributions if part.input == name]
            rank = (all(part.local is not None for part in parts), len(parts), index)
            if best is None or rank > best[0]:
                best = (rank, index, name)
    if best is None:
        return None
    _, index, name = best
    answer = _first(trace.grads_after(index)[name])
    return _number("intermediate", index, answer, _gradient_params(trace, index, name))


def _accumulated(trace: AutogradTrace) -> Question | None:
    if ACCUMULATE not in trace.plan:
        return None
    leaf = trace.graph.leaf_names[0]
    first, total = _first(trace.grads[leaf]), _first(trace.accumulated[leaf])
    params = {
        "out": trace.output,
        "label": cell_label(f"{leaf}.grad", trace.values[leaf]),
        "first": fmt(first),
        "value": fmt(total),
    }
    return _number("accumulated", trace.accumulate_index, total, params)


def _refused(trace: AutogradTrace) -> Question | None:
    """Whether the call at the refused step runs: the answer is torch's, asked before its words show."""
    if REFUSED not in trace.plan:
        return None
    index = trace.plan.index(REFUSED)
    preset = trace.spec.preset
    params = {"out": trace.output, "n": trace.values[trace.output].size}
    answer = OUTCOMES.index("raises" if trace.refusal else "runs")
    return Question(LESSON, f"refused_{preset}", index, "choice", answer, params, choices=OUTCOMES, choice_keys=True)
