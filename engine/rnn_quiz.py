"""The RNN lesson's predictions: what goes into the tanh, what comes out of it, and the shape torch returns.

Every answer is read from the RnnTrace the screen steps through, so it holds
for any sequence, hidden size and seed. Step i computes one unit h_t[k] (the h
grid reveals it then, with its three lines of arithmetic), so a question about
h_t[k] is asked at its step; torch's output shape is spelt out only at the
last step. The weights are shown to 1 decimal and the states to 4 significant
digits, and the tanh is worked out by hand or on a calculator: the tolerances
leave room for both.
"""

from __future__ import annotations

from engine.quiz import Question
from engine.rnn import RnnTrace
from engine.rnn_setup import RnnSetup

LESSON = "rnn"
TANH_TOLERANCE = 0.01  # h lies in (−1, 1): two decimals tell a right tanh from a slip
SUM_TOLERANCE = 0.01  # a sum of products, from numbers shown to 4 significant digits
SUM_RELATIVE = 1e-3  # of a large sum, what its inputs' rounding can move


def _unit_params(trace: RnnTrace, index: int) -> dict[str, object]:
    step = trace.step(index)
    return {
        "t": step.t,
        "k": step.unit,
        "previous": step.t - 1,
        "input_line": step.input_line,
        "hidden_line": step.hidden_line,
        "tanh_line": step.tanh_line,
    }


def _pre_question(trace: RnnTrace, index: int) -> Question:
    """W_ih[k]·x_t + b_ih[k] + W_hh[k]·h_{t−1} + b_hh[k]: linear arithmetic before the squashing."""
    pre = trace.step(index).pre
    tolerance = max(SUM_TOLERANCE, SUM_RELATIVE * abs(pre))
    return Question(LESSON, "pre", index, "number", pre, _unit_params(trace, index), tolerance=tolerance)


def _state_question(trace: RnnTrace, index: int) -> Question:
    return Question(
        LESSON,
        "state",
        index,
        "number",
        trace.step(index).value,
        _unit_params(trace, index),
        tolerance=TANH_TOLERANCE,
    )


def _output_question(trace: RnnTrace) -> Question:
    """torch.nn.RNN's output for an unbatched sequence: h_1 … h_T, T×H (h_0 is not in it)."""
    spec = trace.spec
    params = {"t": spec.steps, "h": spec.hidden_size, "i": spec.input_size}
    return Question(LESSON, "output_shape", trace.step_count - 1, "shape", trace.output.shape, params)


def questions(setup: RnnSetup, trace: RnnTrace) -> tuple[Question, ...]:
    """The tanh's argument at step 1, the first unit of h_2 (it needs all of h_1), torch's output at the end."""
    count, hidden = trace.step_count, trace.spec.hidden_size
    if count < 2:
        return ()
    found = [_pre_question(trace, 1)]
    state_step = hidden if hidden > 1 else 2  # h_2[0]: the first state built from a whole earlier one
    if state_step < count - 1:
        found.append(_state_question(trace, state_step))
    if count - 1 > 1:
        found.append(_output_question(trace))
    return tuple(found)
