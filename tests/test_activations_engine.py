"""The activations engine against torch: values and autograd derivatives, softmax and its Jacobian, the collapse demo.

The check the app runs in its child process (engine.activations_check) is
tested here too, and compared with torch computed independently in the test.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.activations import (
    FUNCTIONS,
    ActivationSpec,
    bar,
    curve_trace,
    derivative,
    softmax_trace,
    value,
)
from engine.activations_check import spec_from_json, spec_to_json, torch_max_delta
from engine.activations_collapse import ActivationSetup, collapse_trace
from engine.activations_plot import (
    DOT_BITS,
    GUTTER,
    HEIGHT,
    WIDTH,
    Y_RANGES,
    curve_rows,
    dot_row,
    dot_xs,
)
from engine.errors import SpecError

CURVES = ("sigmoid", "tanh", "relu", "identity")
TORCH = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda x: x * 1,
}
SETTINGS = settings(derandomize=True, deadline=None, max_examples=40)


def torch_values_and_grads(function: str, xs) -> tuple[np.ndarray, np.ndarray]:
    """Each point on its own, so the gradient is that point's derivative and nothing else."""
    values, grads = [], []
    for x0 in xs:
        x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
        y = TORCH[function](x)
        (grad,) = torch.autograd.grad(y, x)
        values.append(y.item())
        grads.append(grad.item())
    return np.array(values), np.array(grads)


@pytest.mark.parametrize("function", CURVES)
def test_cursor_points_match_torch_and_autograd(function):
    trace = curve_trace(ActivationSpec(function))
    assert trace.step_count == 41 and trace.xs[0] == -5 and trace.xs[20] == 0 and trace.xs[-1] == 5
    values, grads = torch_values_and_grads(function, trace.xs)
    np.testing.assert_allclose(trace.values, values, rtol=0, atol=1e-15)
    np.testing.assert_allclose(trace.slopes, grads, rtol=0, atol=1e-15)


@SETTINGS
@given(
    st.sampled_from(CURVES),
    st.lists(st.floats(min_value=-30, max_value=30), min_size=1, max_size=8),
)
def test_any_x_matches_autograd(function, xs):
    values, grads = torch_values_and_grads(function, xs)
    np.testing.assert_allclose(value(function, np.array(xs)), values, rtol=0, atol=1e-15)
    np.testing.assert_allclose(derivative(function, np.array(xs)), grads, rtol=0, atol=1e-15)


def test_relu_slope_at_zero_is_torchs_zero():
    step = curve_trace(ActivationSpec("relu")).step(20)
    assert (step.x, step.value, step.slope, step.at_kink) == (0.0, 0.0, 0.0, True)
    assert torch_values_and_grads("relu", [0.0])[1][0] == 0.0
    assert step.equations == ("ReLU(0) = max(0, 0) = 0", "ReLU′(0) = 0  (0 ≤ 0)")


def test_the_readings_are_written_out():
    step = curve_trace(ActivationSpec("sigmoid")).step(26)
    assert step.x == 1.5
    assert step.equations == (
        "σ(1.5) = 1 / (1 + e^(-1.5)) = 0.8176",
        "σ′(1.5) = 0.8176·(1 − 0.8176) = 0.1491",
    )
    assert curve_trace(ActivationSpec("tanh")).step(20).equations == (
        "tanh(0) = 0",
        "tanh′(0) = 1 − 0² = 1",
    )


def test_softmax_of_the_courses_example():
    trace = softmax_trace(ActivationSpec("softmax"))
    np.testing.assert_allclose(trace.y, [0.01821127, 0.24519181, 0.73659691], atol=1e-8)
    assert trace.step(2).equation == "y_2 = e^(4 − 4) / Σ = 1 / 1.358 = 0.7366"
    assert trace.step(0).gradient == "∂y_0/∂a = y_0·(δ_0j − y_j) = (0.01788, -0.004465, -0.01341)"


@SETTINGS
@given(st.lists(st.floats(min_value=-1000, max_value=1000), min_size=2, max_size=8))
def test_softmax_and_its_jacobian_match_torch(vector):
    trace = softmax_trace(ActivationSpec("softmax", tuple(vector)))
    a = torch.tensor(vector, dtype=torch.float64)
    jacobian = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), a)
    np.testing.assert_allclose(trace.y, torch.softmax(a, dim=0).numpy(), rtol=0, atol=1e-15)
    np.testing.assert_allclose(trace.jacobian, jacobian.numpy(), rtol=0, atol=1e-15)
    assert abs(trace.y_sum - 1) < 1e-12 and trace.shifted.max() == 0


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_child_process_check_finds_agreement(function):
    spec = spec_from_json(spec_to_json(ActivationSpec(function, (1.0, -2.0, 0.5))))
    assert spec == ActivationSpec(function, (1.0, -2.0, 0.5))
    assert torch_max_delta(spec) < 1e-12


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: ActivationSpec("swish"), "activations_unknown_function"),
        (lambda: ActivationSpec("softmax", (1.0,)), "activations_vector_length"),
        (
            lambda: ActivationSpec("softmax", tuple(range(9))),
            "activations_vector_length",
        ),
        (lambda: ActivationSpec("softmax", (1.0, float("nan"))), "not_finite"),
        (lambda: ActivationSpec("softmax", (1.0, 1001.0)), "activations_entry_range"),
        (lambda: ActivationSetup(seed=-1), "activations_seed_range"),
    ],
)
def test_invalid_specs_are_refused(make, code):
    with pytest.raises(SpecError) as caught:
        make()
    assert caught.value.code == code


@pytest.mark.parametrize("seed", range(12))
def test_two_linear_layers_are_one_matrix_with_relu_they_are_not(seed):
    trace = collapse_trace(seed)
    w1, w2, xs = (torch.tensor(a) for a in (trace.w1, trace.w2, trace.xs))
    stacked = (w2 @ (w1 @ xs.T)).T
    nonlinear = (w2 @ torch.relu(w1 @ xs.T)).T
    np.testing.assert_allclose([step.stacked for step in trace.steps], stacked.numpy(), atol=1e-15)
    np.testing.assert_allclose([step.merged for step in trace.steps], ((w2 @ w1) @ xs.T).T.numpy(), atol=1e-15)
    np.testing.assert_allclose([step.nonlinear for step in trace.steps], nonlinear.numpy(), atol=1e-15)
    assert trace.linear_delta < 1e-12 and trace.relu_delta > 0.1
    for k in range(trace.step_count):
        step = trace.step(k)
        assert step.cut == bool((step.hidden < 0).any()) == (not np.array_equal(step.rectified, step.hidden))
        if not step.cut:
            assert step.relu_delta < 1e-12
    assert np.array_equal(trace.w1 * 10, np.round(trace.w1 * 10))  # one decimal: readable


def _dots(rows) -> set[tuple[int, int]]:
    """(dot column, dot row) of every braille dot in the picture."""
    dots = set()
    for r, row in enumerate(rows[:HEIGHT]):
        for c, (text, _) in enumerate(row[1:]):
            code = ord(text) - 0x2800
            if 0 < code < 256:
                dots.update((2 * c + dx, 4 * r + dy) for dx in range(2) for dy in range(4) if code & DOT_BITS[dx][dy])
    return dots


@pytest.mark.parametrize("function", CURVES)
def test_the_curve_passes_through_its_dots_and_the_cursor_column_is_marked(function):
    trace = curve_trace(ActivationSpec(function))
    rows = curve_rows(trace, 26)
    dots = _dots(rows)
    expected = dot_row(value(function, dot_xs()), Y_RANGES[function])
    assert all((c, r) in dots for c, r in enumerate(expected) if 0 <= r < 4 * HEIGHT)
    cursor_cells = [c for c, (_, styles) in enumerate(rows[0][1:]) if "cursor" in styles.split()]
    assert len(cursor_cells) == 1 and all("cursor" in row[1 + cursor_cells[0]][1] for row in rows[:HEIGHT])
    assert all(len("".join(text for text, _ in row)) == GUTTER + WIDTH for row in rows)


def test_bars_are_in_eighths():
    assert bar(1.0, 12) == "█" * 12 and bar(0.0, 12) == "" and bar(0.5, 4) == "██" and bar(1 / 32, 4) == "▏"
