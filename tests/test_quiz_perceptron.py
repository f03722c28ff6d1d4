"""The perceptron's questions against an independent computation: the truth table in integer hundredths (numpy)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.perceptron import GATES, PerceptronSpec, perceptron_trace
from engine.perceptron_quiz import questions
from engine.quiz import AnswerError, asked_before, mark
from tui.i18n import t

INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
WANTED = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0], "xor": [0, 1, 1, 0], "xor2": [0, 1, 1, 0]}
# the course's units in hundredths: (w1, w2, b)
NAND, OR, AND = np.array([-50, -50, 70]), np.array([50, 50, -20]), np.array([50, 50, -70])


def sums_in_hundredths(weights: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    return inputs @ weights[:2] + weights[2]


def expected(gate: str, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Σ (hundredths) of the output unit and y, for the four inputs, computed from scratch."""
    if gate == "xor2":
        hidden = np.stack([sums_in_hundredths(NAND, INPUTS) > 0, sums_in_hundredths(OR, INPUTS) > 0], axis=1)
        sums = sums_in_hundredths(AND, hidden.astype(int))
    else:
        sums = sums_in_hundredths(weights, INPUTS)
    return sums, (sums > 0).astype(int)


def check(spec: PerceptronSpec) -> None:
    weights = np.array([int(getattr(spec, name) * 100) for name in ("w1", "w2", "b")])
    sums, outputs = expected(spec.gate, weights)
    asked = questions(spec, perceptron_trace(spec))
    assert len(asked) >= 3 and len(asked_before(asked, 4)) == len(asked)
    for question in asked:
        row = question.step
        if question.id.startswith("sum"):
            right, wrong = repr(float(sums[row]) / 100), repr(float(sums[row] + 10) / 100)
        elif question.id == "fires":
            right, wrong = str(int(outputs[row]) + 1), str(2 - int(outputs[row]))
        else:
            correct = outputs[row] == WANTED[spec.gate][row]
            right, wrong = ("1", "2") if correct else ("2", "1")
        assert mark(question, right).correct, (question, right)
        assert not mark(question, wrong).correct, (question, wrong)
        assert t(question.key, **question.params) and t(question.why_key, **question.params)


@pytest.mark.parametrize("gate", GATES)
def test_every_gate_at_the_courses_weights(gate: str) -> None:
    check(PerceptronSpec(gate))


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    st.sampled_from([gate for gate in GATES if gate != "xor2"]),
    st.lists(st.integers(-1000, 1000), min_size=3, max_size=3),
)
def test_any_weights(gate: str, hundredths: list[int]) -> None:
    check(PerceptronSpec(gate, *(f"{value / 100:.2f}" for value in hundredths)))


def test_a_zero_sum_does_not_fire() -> None:
    """0.1·1 + 0.2·0 + (−0.1) is 0 exactly: the step gives 0, as on paper."""
    spec = PerceptronSpec("and", "0.1", "0.2", "-0.1")
    fires = next(q for q in questions(spec, perceptron_trace(spec)) if q.id == "sum")
    assert fires.answer == 0.0


def test_malformed_answers_are_refused() -> None:
    spec = PerceptronSpec()
    sum_question, fire_question, _ = questions(spec, perceptron_trace(spec))
    with pytest.raises(AnswerError):
        mark(sum_question, "zero point two")
    with pytest.raises(AnswerError):
        mark(fire_question, "3")
