"""The activations lesson's questions: each answer equals torch's own value, autograd slope or product.

Torch computes f(x) and autograd f′(x) in float64; the collapse demo's weights and
inputs (the setup's random draw, not an answer) go through torch's matmul and relu.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.activations import FUNCTIONS, ActivationSpec, activation_trace
from engine.activations_collapse import ActivationSetup, collapse_trace
from engine.activations_quiz import GRADIENT_AT, LARGE, SLOPE_AT, SMALL, VALUE_AT, questions
from engine.quiz import AnswerError, asked_before, mark

TORCH = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda x: x,
}


def bank(setup: ActivationSetup) -> dict[str, object]:
    trace = collapse_trace(setup.seed) if setup.collapse else activation_trace(setup.spec)
    return {question.id: question for question in asked_before(questions(setup, trace), trace.step_count)}


def torch_value_and_slope(function: str, x: float) -> tuple[float, float]:
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    value = TORCH[function](point)
    (slope,) = torch.autograd.grad(value, point) if value.requires_grad else (torch.tensor(1.0),)
    return float(value.detach()), float(slope)


@pytest.mark.parametrize("function", [f for f in FUNCTIONS if f != "softmax"])
def test_a_curve_asks_torchs_value_slope_and_how_much_gradient_passes(function):
    asked = bank(ActivationSetup(ActivationSpec(function)))
    assert asked["value"].answer == pytest.approx(torch_value_and_slope(function, VALUE_AT)[0], abs=1e-12)
    assert asked["slope"].answer == pytest.approx(torch_value_and_slope(function, SLOPE_AT)[1], abs=1e-12)
    slope = torch_value_and_slope(function, GRADIENT_AT)[1]
    assert asked["gradient"].answer == (0 if slope < SMALL else 2 if slope >= LARGE else 1)
    value = asked["value"]
    assert mark(value, f"{torch_value_and_slope(function, VALUE_AT)[0]:.3f}").correct
    assert not mark(value, str(value.answer + 0.02)).correct
    with pytest.raises(AnswerError):
        mark(value, "0,7")


def test_the_sigmoid_default_asks_three_from_the_cursors_start_onwards():
    """The cursor opens at x = 0: every question lies to its right, where → goes."""
    trace = activation_trace(ActivationSpec())
    asked = bank(ActivationSetup())
    assert len(asked) == 3 and all(q.step > trace.index_of(0.0) for q in asked.values())
    assert mark(asked["gradient"], "1").correct  # σ′(4) ≈ 0.018: next to none passes


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-20, 20, allow_nan=False), min_size=2, max_size=8))
def test_softmax_asks_torchs_jacobian_entries(vector):
    asked = bank(ActivationSetup(ActivationSpec("softmax", tuple(vector))))
    a = torch.tensor(vector, dtype=torch.float64)
    jacobian = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, 0), a)
    assert asked["softmax_self"].answer == pytest.approx(float(jacobian[1, 1]), abs=1e-12)
    if len(vector) > 2:
        assert asked["softmax_other"].answer == pytest.approx(float(jacobian[2, 0]), abs=1e-12)
    else:
        assert "softmax_other" not in asked


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1))
@example(88)  # input 4's W1·x = (0.54, 0.45, 0 as -1.3e-17): a 0 is not a negative ReLU sets to 0
def test_the_collapse_asks_torchs_products(seed):
    trace = collapse_trace(seed)
    asked = bank(ActivationSetup(collapse=True, seed=seed))
    w1, w2 = torch.tensor(trace.w1), torch.tensor(trace.w2)
    inputs = torch.tensor(trace.xs)
    merged = asked["merged"]
    assert merged.answer == pytest.approx(float((w2 @ w1 @ inputs[merged.step])[0]), abs=1e-12)
    zeros = asked["relu_zeros"]
    hundredths = torch.round(w1 @ inputs[zeros.step], decimals=9)  # tenths times tenths: a 0 is 0, not -5.6e-17
    assert zeros.answer == int((hundredths < 0).sum())
    same = asked["relu_same"]
    x = inputs[same.step]
    agree = torch.allclose(w2 @ torch.relu(w1 @ x), w2 @ w1 @ x, rtol=0, atol=1e-9)
    assert same.answer == (0 if agree else 1)
    assert mark(zeros, str(int(zeros.answer))).correct and not mark(zeros, str(int(zeros.answer) + 1)).correct
