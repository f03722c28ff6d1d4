"""engine.autograd against torch.autograd: values, gradients, torch's real grad_fn chain, the numerical check, refusals."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.autograd_check import (
    spec_from_json,
    spec_to_json,
    torch_grads,
    torch_graph,
    torch_max_delta,
)
from engine.autograd_presets import PRESETS, AutogradSpec, spec_with_texts
from engine.autograd_trace import (
    BACKWARD,
    COMPARE,
    FORWARD,
    LEAF_GRAD_FN,
    LEAVES,
    SEED,
    autograd_trace,
    fmt_error,
    relative_error,
)
from engine.errors import SpecError
from engine.verify import serve

BACKWARD_ONCE = ("course", "apples", "twolayer")  # one backward() on a scalar; the other three: test_autograd_calls
RECORDED = tuple(preset for preset in PRESETS if preset != "nograd")


def torch_chain(out: torch.Tensor) -> tuple[tuple[str, ...], int]:
    """The grad_fn names from out back along the operations (AccumulateGrad last), and how many AccumulateGrads."""
    names, function, leaves = [], out.grad_fn, set()
    while function is not None:
        names.append(type(function).__name__)
        following = {f for f, _ in function.next_functions if f is not None}
        leaves |= {f for f in following if type(f).__name__ == LEAF_GRAD_FN}
        operations = following - leaves
        assert len(operations) <= 1, "each preset's operations form one chain"
        function = operations.pop() if operations else None
    return (*names, LEAF_GRAD_FN), len(leaves)


@pytest.mark.parametrize("preset", RECORDED)
def test_the_grad_fn_chain_shown_is_torchs_real_one(preset):
    spec = AutogradSpec(preset=preset)
    trace = autograd_trace(spec)
    out, leaves = torch_graph(spec)
    chain, accumulators = torch_chain(out)
    assert trace.grad_fn_chain == chain
    assert accumulators == len(trace.graph.leaves) == len(leaves)


def test_the_courses_x_grad_is_4_5_in_every_cell_and_why():
    trace = autograd_trace(AutogradSpec())
    np.testing.assert_array_equal(trace.grads["x"], np.full((2, 2), 4.5))
    x = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
    y = x + 2
    out = (y * y * 3).mean()
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), trace.grads["x"])
    assert float(trace.values["out"]) == out.item() == 27
    (form,) = trace.closed
    assert (form.formula, form.filled, form.where) == ("6(x + 2)/n", "6·(1 + 2)/4", "n = 4")
    np.testing.assert_array_equal(form.value, trace.grads["x"])
    assert trace.numeric_error < 1e-9


def test_u_equals_y_times_y_adds_both_shares():
    trace = autograd_trace(AutogradSpec())
    step = trace.step(trace.seed_index + 3)  # backward through u = y·y
    assert step.kind == BACKWARD and step.node.name == "u"
    first, second = step.contributions
    assert (first.input, first.first, second.input, second.first) == (
        "y",
        True,
        "y",
        False,
    )
    np.testing.assert_array_equal(first.value, np.full((2, 2), 2.25))
    np.testing.assert_array_equal(second.total, np.full((2, 2), 4.5))
    np.testing.assert_array_equal(first.local, trace.values["y"])


def test_apples_gradients_are_the_books():
    trace = autograd_trace(AutogradSpec(preset="apples"))
    assert float(trace.values["price"]) == pytest.approx(220)
    assert {name: float(trace.grads[name]) for name in ("apple", "count", "tax")} == pytest.approx(
        {"apple": 2.2, "count": 110, "tax": 200}
    )
    _, grads = torch_grads(AutogradSpec(preset="apples"))
    for form in trace.closed:
        assert float(form.value) == pytest.approx(float(grads[form.name]), rel=1e-15)


def test_steps_go_leaves_forward_seed_backward_compare():
    for preset in BACKWARD_ONCE:
        trace = autograd_trace(AutogradSpec(preset=preset))
        n = len(trace.nodes)
        kinds = [trace.step(i).kind for i in range(trace.step_count)]
        assert kinds == [LEAVES] + [FORWARD] * n + [SEED] + [BACKWARD] * n + [COMPARE]
        assert [trace.step(1 + k).node for k in range(n)] == list(trace.nodes)
        assert [trace.step(trace.seed_index + 1 + k).node for k in range(n)] == list(reversed(trace.nodes))
        assert trace.complete_leaves(trace.seed_index) == frozenset()
        assert trace.complete_leaves(trace.compare_index) == frozenset(trace.graph.leaf_names)
        assert trace.grads_after(0) == {} and trace.grad_at(trace.seed_index, trace.cells[0]) is None


@settings(max_examples=25, derandomize=True, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    seed=st.integers(0, 2**32 - 1),
)
def test_course_graph_matches_torch_and_the_numerical_gradient(shape, seed):
    x = np.random.default_rng(seed).uniform(-5, 5, size=shape)
    spec = AutogradSpec(x=x)
    trace = autograd_trace(spec)
    value, grads = torch_grads(spec)
    assert relative_error(value, trace.values["out"]) <= 1e-14
    assert relative_error(grads["x"], trace.grads["x"]).max() <= 1e-14
    np.testing.assert_allclose(trace.closed[0].value, trace.grads["x"], rtol=1e-14)
    assert trace.numeric_error < 1e-7
    assert torch_max_delta(spec) <= 1e-14


@settings(max_examples=25, derandomize=True, deadline=None)
@given(
    x=st.lists(st.floats(-3, 3, allow_subnormal=False), min_size=2, max_size=2),
    target=st.integers(0, 2),
)
def test_twolayer_matches_torch_and_numerically_away_from_relu_kinks(x, target):
    spec = AutogradSpec(preset="twolayer", x=np.array(x), target=target)
    trace = autograd_trace(spec)
    _, grads = torch_grads(spec)
    for name in trace.graph.leaf_names:
        np.testing.assert_allclose(trace.grads[name], grads[name], rtol=1e-12, atol=1e-15)
    if not trace.kinks:
        assert trace.numeric_error < 1e-6


def test_a_relu_kink_is_reported():
    spec = AutogradSpec(preset="twolayer", x=np.array([0.0, 0.0]))  # h = b1: no kink
    assert autograd_trace(spec).kinks == ()
    w1_column = np.array([[0.5, 0.2]])  # x·W1[:, 0] = −b1[0] puts h[0, 0] on the kink
    x = -0.1 * w1_column / (w1_column @ w1_column.T)
    assert autograd_trace(AutogradSpec(preset="twolayer", x=x.reshape(-1))).kinks == ("h[0,0]",)


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: AutogradSpec(preset="cubic"), "autograd_unknown_preset"),
        (lambda: AutogradSpec(x=np.ones((4, 1))), "autograd_x_size"),
        (lambda: AutogradSpec(x=np.array([[1.0, np.nan]])), "not_finite"),
        (lambda: AutogradSpec(x=np.array([[2e6]])), "autograd_too_big"),
        (lambda: AutogradSpec(preset="twolayer", x=np.ones(3)), "autograd_x_length"),
        (lambda: AutogradSpec(preset="twolayer", target=3), "autograd_class_range"),
        (lambda: AutogradSpec(preset="apples", tax=float("inf")), "not_finite"),
        (
            lambda: spec_with_texts(AutogradSpec(preset="apples"), {"apple": "1 2"}),
            "autograd_one_number",
        ),
        (
            lambda: spec_with_texts(AutogradSpec(preset="apples"), {"count": ""}),
            "autograd_one_number",
        ),
        (
            lambda: spec_with_texts(AutogradSpec(preset="twolayer"), {"class": "one"}),
            "not_an_integer",
        ),
        (lambda: spec_with_texts(AutogradSpec(), {"x": "1 2; 3"}), "ragged_rows"),
        (lambda: AutogradSpec(preset="nograd", x=np.ones((1, 4))), "autograd_x_size"),
        (lambda: AutogradSpec(preset="vector", gradient=np.array([[1, 2], [3, 1e9]])), "autograd_too_big"),
    ],
)
def test_invalid_specs_are_refused_with_a_reason(make, code):
    with pytest.raises(SpecError) as caught:
        make()
    assert caught.value.code == code


def test_typed_inputs_make_a_new_spec():
    spec = spec_with_texts(AutogradSpec(preset="twolayer"), {"x": "[0.5, -1]", "class": "0"})
    assert spec.x.tolist() == [[0.5, -1.0]] and spec.target == 0
    spec = spec_with_texts(AutogradSpec(preset="apples"), {"apple": "150", "count": "3", "tax": "1.08"})
    assert float(autograd_trace(spec).grads["tax"]) == pytest.approx(450)
    assert fmt_error(0) == "0" and fmt_error(2.0735e-10) == "<1e-9"


def test_the_child_process_protocol_round_trips_and_agrees():
    for preset in PRESETS:
        spec = AutogradSpec(preset=preset)
        again = spec_from_json(json.loads(json.dumps(spec_to_json(spec))))
        assert spec_to_json(again) == spec_to_json(spec)
        replies = io.StringIO()
        serve(
            io.StringIO(json.dumps({"id": 7, "lesson": "autograd", "spec": spec_to_json(spec)}) + "\n"),
            replies,
        )
        reply = json.loads(replies.getvalue())
        assert reply["id"] == 7 and reply["delta"] <= 1e-14


@pytest.mark.parametrize("preset", PRESETS)
def test_relative_errors_show_their_size_and_noise_shows_as_a_bound(preset):
    """Digits below 1e-9 differ between numpy and torch builds: the screen shows a bound there, never the noise."""
    error = autograd_trace(AutogradSpec(preset=preset)).numeric_error
    assert error < 1e-9 and fmt_error(error) in ("<1e-9", "0")
    assert [fmt_error(v) for v in (3.44e-6, 1.2e-9, 9.9e-10, 0.0)] == ["3.4e-6", "1.2e-9", "<1e-9", "0"]
