"""The classic-CNN lesson's predictions: which sum counts a conv layer's parameters, a linear layer's exact
count, a layer's exact multiply-adds.

Every answer is read from the ArchTrace the screen steps through, so it holds
for each network at any input size the student types. The table above the
steps shows every layer's output shape and, to 3 significant digits (23.3K), its
parameters and multiply-adds from the start; the exact counts and the arithmetic
appear under the table only at the layer's own step. So the questions ask for
what the table does not already say: the exact number, the right formula.
"""

from __future__ import annotations

from engine.arch import Conv, LayerRow, compact
from engine.arch_nets import ArchSpec, ArchTrace
from engine.quiz import Question

LESSON = "arch"


def shown_exactly(value: int) -> bool:
    """Whether the table's 3-digit count (compact) already is the exact number: 850, 240K, 4.1M."""
    text = compact(value)
    scale = {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    if text[-1] in scale:
        return round(float(text[:-1]) * scale[text[-1]]) == value
    return text.replace(",", "") == str(value)


def _layer_params(row: LayerRow) -> dict[str, object]:
    return {"name": row.name, "call": row.call}


def _formula_question(spec: ArchSpec, trace: ArchTrace, taken: set[int]) -> Question | None:
    """The first conv after the input layer: the right sum among the usual slips (no Cin, no bias, a bias too many)."""
    for index, (layer, row) in enumerate(zip(spec.net.layers, trace.rows)):
        if index in taken or index == 0 or not isinstance(layer, Conv):
            continue
        k, c_in, c_out = layer.kernel, row.in_shape[0], layer.out_channels
        extra = 2 * c_out if layer.batch_norm else c_out  # BatchNorm's weight and bias, else the conv's bias
        extra_text = f"2·{c_out}" if layer.batch_norm else str(c_out)
        right = (f"{k}·{k}·{c_in}·{c_out} + {extra_text}", k * k * c_in * c_out + extra)
        slips = [
            (f"{k}·{k}·{c_out} + {extra_text}", k * k * c_out + extra),  # forgetting the input channels
            (f"{k}·{k}·{c_in}·{c_out}", k * k * c_in * c_out),  # no bias
            (f"{k}·{k}·{c_in}·{c_out} + {c_out}", k * k * c_in * c_out + c_out)  # a conv bias BasicConv2d lacks
            if layer.batch_norm
            else (f"{k}·{k}·{c_in} + {c_out}", k * k * c_in + c_out),  # one kernel for all output channels
        ]
        wrong = {label for label, value in slips if value != right[1]}  # a slip that happens to be right is no slip
        if not wrong:
            continue
        options = tuple(sorted({right[0], *wrong}))
        params = _layer_params(row) | {"line": row.params_line}
        qid = "params_formula_bn" if layer.batch_norm else "params_formula"
        return Question(LESSON, qid, index, "choice", options.index(right[0]), params, choices=options)
    return None


def _params_question(trace: ArchTrace, taken: set[int]) -> Question | None:
    """The first linear layer's exact parameter count (the table rounds it); else any layer the table rounds."""
    candidates = [i for i, row in enumerate(trace.rows) if i and i not in taken and row.params]
    linear = [i for i in candidates if trace.rows[i].kind == "linear"]
    rounded = [i for i in candidates if not shown_exactly(trace.rows[i].params)]
    chosen = (linear or rounded)[:1]
    if not chosen:
        return None
    row = trace.rows[chosen[0]]
    return Question(LESSON, "params", chosen[0], "number", row.params, _layer_params(row) | {"line": row.params_line})


def _macs_question(trace: ArchTrace, taken: set[int]) -> Question | None:
    """The last conv or linear layer whose multiply-adds the table rounds: the exact count, from its output and kernel.

    An inception block is left out: its count is four branches' worth of arithmetic.
    """
    for index in range(trace.step_count - 1, 0, -1):
        row = trace.rows[index]
        if index not in taken and row.macs and not row.branches and not shown_exactly(row.macs):
            params = _layer_params(row) | {"formula": row.macs_formula, "shown": compact(row.macs)}
            return Question(LESSON, "macs", index, "number", row.macs, params)
    return None


def questions(setup: ArchSpec, trace: ArchTrace) -> tuple[Question, ...]:
    """A conv's parameter formula, a linear layer's parameters, a late layer's multiply-adds: three layers."""
    found: list[Question] = []
    for build in (
        lambda taken: _formula_question(setup, trace, taken),
        lambda taken: _params_question(trace, taken),
        lambda taken: _macs_question(trace, taken),
    ):
        question = build({q.step for q in found})
        if question is not None:
            found.append(question)
    return tuple(found)
