"""The RNN lesson's questions against torch.nn.RNN: the tanh's argument, a hidden state, the output's shape."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.rnn import MAX_HIDDEN, MAX_INPUT, MAX_STEPS, rnn_trace
from engine.rnn_quiz import questions
from engine.rnn_setup import MAX_SEED, SEQUENCES, RnnSetup
from tests.quiz_bank_support import assert_bank


def torch_output(setup: RnnSetup) -> np.ndarray:
    """nn.RNN in float64 with the lesson's weights, on the unbatched sequence: h_1 … h_T."""
    spec = setup.spec()
    rnn = torch.nn.RNN(spec.input_size, spec.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        for name, value in (
            ("weight_ih_l0", spec.w_ih),
            ("weight_hh_l0", spec.w_hh),
            ("bias_ih_l0", spec.b_ih),
            ("bias_hh_l0", spec.b_hh),
        ):
            getattr(rnn, name).copy_(torch.tensor(value))
        output, _ = rnn(torch.tensor(spec.sequence))
    return output.numpy()


def check(setup: RnnSetup) -> tuple:
    spec = setup.spec()
    trace = rnn_trace(spec)
    asked = questions(setup, trace)
    assert_bank(asked, trace.step_count)
    output = torch_output(setup)
    states = np.vstack([np.zeros(spec.hidden_size), output])  # h_0 … h_T
    for question in asked:
        if question.id == "output_shape":
            assert question.answer == tuple(output.shape)
            assert question.step == trace.step_count - 1  # the last step spells torch's output out
            continue
        t, k = question.params["t"], question.params["k"]
        assert trace.position(question.step) == (t, k)  # the step that computes h_t[k] reveals it
        pre = spec.w_ih[k] @ spec.sequence[t - 1] + spec.b_ih[k] + spec.w_hh[k] @ states[t - 1] + spec.b_hh[k]
        expected = pre if question.id == "pre" else states[t, k]
        assert abs(question.answer - expected) < 1e-9
    return asked


def test_default_and_every_sequence_ask_three_questions():
    for name in SEQUENCES:
        assert [q.id for q in check(RnnSetup(name))] == ["pre", "state", "output_shape"], name


def test_the_default_questions_in_numbers():
    pre, state, shape = questions(RnnSetup(), rnn_trace(RnnSetup().spec()))
    assert (pre.step, pre.params["t"], pre.params["k"]) == (1, 1, 1) and abs(pre.answer - (-0.2)) < 1e-12
    assert (state.step, state.params["t"], state.params["k"]) == (3, 2, 0)
    assert abs(state.answer - (-0.7646)) < 1e-4 and (shape.step, shape.answer) == (11, (4, 3))


def test_one_hidden_unit_and_short_sequences():
    one = RnnSetup(hidden_size=1)
    assert [(q.id, q.step) for q in check(one)] == [("pre", 1), ("state", 2), ("output_shape", 3)]
    single = RnnSetup("custom", np.array([[1.0, 2.0]]), hidden_size=1)
    assert check(single) == ()


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, MAX_STEPS),
    st.integers(1, MAX_INPUT),
    st.integers(1, MAX_HIDDEN),
    st.integers(0, MAX_SEED),
    st.integers(0, 2**32 - 1),
)
def test_random_setups_against_torch(steps, inputs, hidden, seed, data_seed):
    sequence = np.round(np.random.default_rng(data_seed).uniform(-2, 2, (steps, inputs)), 2)
    check(RnnSetup("custom", sequence, hidden, seed))
