"""Predict before reveal, matrix product: the work A = X·W takes, the layer's parameters, which row meets which column, a value.

The shape rules are all listed from the first step (so a shape is never asked);
what a rule's step adds is its explanation, where the multiply-adds and the
parameter count first appear. A's numbers are revealed one a step.
"""

from __future__ import annotations

from engine.matmul import DotStep, MatmulTrace
from engine.matmul_shapes import shape_text
from engine.matmul_spec import MatmulSpec
from engine.numbers import fmt
from engine.quiz import Question, asked_before
from engine.quiz_answers import choice_of, tolerance_for

LESSON = "matmul"
ARITHMETIC_TERMS = 8  # products written out in an explanation before the middle is left out (…)


def questions(spec: MatmulSpec, trace: MatmulTrace) -> tuple[Question, ...]:
    """In order of preference: a step already taken by an earlier question is not asked twice."""
    found = [_multiply_adds(trace), _parameters(trace)]
    if trace.dot_count:
        first = len(trace.shape_steps)
        check = trace.check
        found += [
            _value("value", trace, first),
            _pair(trace, trace.index_of(0, min(1, check.rows - 1), check.cols - 1)),
            _value("value_last", trace, trace.step_count - 1),
        ]
    return asked_before(tuple(question for question in found if question is not None), trace.step_count)


def _rule_index(trace: MatmulTrace, kind: str) -> int | None:
    return next((rule.index for rule in trace.shape_steps if rule.kind == kind), None)


def _multiply_adds(trace: MatmulTrace) -> Question | None:
    """Asked as the result rule comes up: the inner size was said the step before, A's shape is listed."""
    index = _rule_index(trace, "result")
    if index is None:
        return None
    check = trace.check
    params = {
        "x": shape_text(trace.spec.x_shape),
        "w": shape_text(trace.spec.w_shape),
        "shape": shape_text(check.result),
        "outputs": trace.outputs,
        "k": check.inner[0],
        "madds": trace.multiply_adds,
    }
    return Question(LESSON, "multiply_adds", index, "number", float(trace.multiply_adds), params)


def _parameters(trace: MatmulTrace) -> Question | None:
    index = _rule_index(trace, "bias")
    if index is None:
        return None
    weights, biases = trace.parameters
    params = {
        "w": shape_text(trace.spec.w_shape),
        "b": trace.bias_text,
        "weights": f"{weights:,}",
        "biases": f"{biases:,}",
        "total": f"{weights + biases:,}",
    }
    return Question(LESSON, "parameters", index, "number", float(weights + biases), params)


def _value(qid: str, trace: MatmulTrace, index: int) -> Question | None:
    """A number of A, asked only where its batch's matrices were on screen the step before."""
    step = trace.step(index)
    assert isinstance(step, DotStep)
    if trace.batch_of(index - 1) != step.batch:
        return None
    params = {"label": step.label, "formula": step.formula, "arithmetic": step.arithmetic(ARITHMETIC_TERMS)}
    return Question(LESSON, qid, index, "number", step.value, params, tolerance=tolerance_for(step.value))


def pair_label(x_index: tuple[int, ...], w_index: tuple[int, ...], row: int, col: int) -> str:
    """`X[1,:]·W[:,3]`, with each operand's own batch index in front: `X[0,1,:]·W[0,:,3]`."""
    x = ",".join(str(part) for part in (*x_index, row, ":"))
    w = ",".join(str(part) for part in (*w_index, ":", col))
    return f"X[{x}]·W[{w}]"


def _pair(trace: MatmulTrace, index: int) -> Question | None:
    """Which row of X and column of W meet in A[i, j]; wrong options swap i and j or miss by one.

    Only where both operands are matrices: a 1-D operand has one row or one column, nothing to choose.
    """
    spec = trace.spec
    if len(spec.x_shape) < 2 or len(spec.w_shape) < 2:
        return None
    step = trace.step(index)
    assert isinstance(step, DotStep)
    part = trace.slice(step.batch)
    rows, cols = trace.check.rows, trace.check.cols
    row, col = step.row, step.col
    slips = [(col, row), (row, col - 1), (row - 1, col), (row, col + 1), (row + 1, col)]
    tempting = [pair_label(part.x_index, part.w_index, r, c) for r, c in slips if 0 <= r < rows and 0 <= c < cols]
    options = choice_of(pair_label(part.x_index, part.w_index, row, col), tempting)
    if options is None:
        return None
    choices, answer = options
    params = {"label": step.label, "row": row, "col": col, "formula": step.formula, "value": fmt(step.value)}
    return Question(LESSON, "pair", index, "choice", answer, params, choices=choices)
