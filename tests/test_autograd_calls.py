"""The calls around backward (nograd, vector, twice) against torch: its words taken from torch now, its numbers on random x and v."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.autograd_check import spec_from_json, spec_to_json, torch_graph, torch_max_delta
from engine.autograd_presets import AutogradSpec, spec_with_texts
from engine.autograd_trace import (
    ACCUMULATE,
    BACKWARD,
    COMPARE,
    FORWARD,
    LEAVES,
    REFUSED,
    SEED,
    autograd_trace,
    relative_error,
)
from engine.errors import SpecError


def torch_refusal(call) -> str:
    """torch's own words for a call it refuses (this build's, whatever they are)."""
    with pytest.raises(RuntimeError) as refused:
        call()
    return str(refused.value)


def course_x(x: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """(x, z = 3(x + 2)²) in torch, float64, x requiring grad."""
    leaf = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = leaf + 2
    return leaf, y * y * 3


shapes = st.tuples(st.integers(1, 3), st.integers(1, 3))
numbers = st.floats(-5, 5, allow_subnormal=False)


@st.composite
def x_and_v(draw) -> tuple[np.ndarray, np.ndarray]:
    shape = draw(shapes)
    return draw(arrays(np.float64, shape, elements=numbers)), draw(arrays(np.float64, shape, elements=numbers))


# no_grad ----------------------------------------------------------------------------


def test_nograd_records_nothing_and_backward_is_refused_in_torchs_words():
    spec = AutogradSpec(preset="nograd")
    trace = autograd_trace(spec)
    x = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
    with torch.no_grad():
        y = x + 2
        u = y * y
        z = u * 3
        out = z.mean()
    assert x.requires_grad and all(not t.requires_grad and t.grad_fn is None for t in (y, u, z, out))
    assert not trace.recorded and trace.grad_fn_chain == ()
    assert trace.refusal == torch_refusal(out.backward) and x.grad is None
    assert float(trace.values["out"]) == out.item() == 27
    assert trace.plan == (LEAVES,) + (FORWARD,) * 4 + (REFUSED,)
    assert trace.backward_index == 5 and all(trace.grads_after(i) == {} for i in range(trace.step_count))


@settings(max_examples=50, derandomize=True, deadline=None)
@given(x=shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=numbers)))
def test_nograd_values_are_torchs_and_the_child_agrees(x):
    spec = AutogradSpec(preset="nograd", x=x)
    out, _ = torch_graph(spec)
    assert out.grad_fn is None and not out.requires_grad
    assert relative_error(out.numpy(), autograd_trace(spec).values["out"]) <= 1e-15
    assert torch_max_delta(spec) <= 1e-15


# backward(gradient=v) -----------------------------------------------------------------


def test_a_vector_output_is_refused_without_gradient_in_torchs_words():
    trace = autograd_trace(AutogradSpec(preset="vector"))
    _, z = course_x(np.ones((2, 2)))
    assert trace.refusal == torch_refusal(z.backward)
    assert trace.plan == (LEAVES,) + (FORWARD,) * 3 + (REFUSED, SEED) + (BACKWARD,) * 3 + (COMPARE,)
    assert trace.loss == "L" and trace.output == "z" and trace.backward_index == 4


def test_one_number_needs_no_gradient_so_nothing_is_refused():
    trace = autograd_trace(AutogradSpec(preset="vector", x=np.array([[3.0]])))
    x, z = course_x(np.array([[3.0]]))
    z.backward()  # torch takes v = 1 for a one-number output
    assert trace.refusal is None and REFUSED not in trace.plan
    np.testing.assert_array_equal(trace.grads["x"], x.grad.numpy())


def test_the_default_v_and_its_vector_jacobian_product():
    trace = autograd_trace(AutogradSpec(preset="vector"))
    np.testing.assert_array_equal(trace.seed, [[1, 0.1], [0.01, 0.001]])
    np.testing.assert_array_equal(trace.jacobian, np.diag([18.0] * 4))
    np.testing.assert_allclose(trace.grads["x"], [[18, 1.8], [0.18, 0.018]], rtol=1e-15)
    np.testing.assert_array_equal(trace.mean_vjp, autograd_trace(AutogradSpec()).grads["x"])  # 4.5: the mean's v


@settings(max_examples=60, derandomize=True, deadline=None)
@given(case=x_and_v())
def test_gradient_v_gives_torchs_x_grad_and_jacobian_on_random_x_and_v(case):
    x_value, v = case
    spec = AutogradSpec(preset="vector", x=x_value, gradient=v)
    trace = autograd_trace(spec)
    x, z = course_x(x_value)
    z.backward(gradient=torch.tensor(v, dtype=torch.float64))
    np.testing.assert_allclose(trace.grads["x"], x.grad.numpy(), rtol=1e-14, atol=1e-300)
    jacobian = torch.autograd.functional.jacobian(lambda t: (t + 2) * (t + 2) * 3, torch.tensor(x_value))
    np.testing.assert_array_equal(trace.jacobian, jacobian.reshape(trace.jacobian.shape).numpy())
    assert np.count_nonzero(trace.jacobian - np.diag(np.diag(trace.jacobian))) == 0  # the text writes diag(…)
    np.testing.assert_allclose(trace.vjp, trace.grads["x"], rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(trace.closed[0].value, trace.grads["x"], rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(trace.numeric["x"], trace.grads["x"], rtol=1e-6, atol=1e-6 * np.abs(v).max())
    assert (trace.refusal is None) == (x_value.size == 1)
    assert torch_max_delta(spec) <= 1e-14


def test_a_v_of_another_shape_is_refused_in_torchs_words():
    with pytest.raises(SpecError) as caught:
        AutogradSpec(preset="vector", gradient=np.ones((1, 3)))
    _, z = course_x(np.ones((2, 2)))
    assert caught.value.code == "autograd_gradient_shape"
    assert caught.value.torch_message == torch_refusal(lambda: z.backward(gradient=torch.ones(1, 3)))


def test_v_typed_empty_follows_x_and_a_typed_v_stays():
    spec = spec_with_texts(AutogradSpec(preset="vector"), {"x": "1 2 3", "v": ""})
    assert spec.gradient is None and spec.v.tolist() == [[1, 0.1, 0.01]]
    spec = spec_with_texts(spec, {"v": "2 0 -1"})
    assert spec.v.tolist() == [[2, 0, -1]]
    again = spec_from_json(json.loads(json.dumps(spec_to_json(spec))))
    assert spec_to_json(again) == spec_to_json(spec)
    with pytest.raises(SpecError) as caught:
        spec_with_texts(spec, {"x": "1 2; 3 4"})  # the typed v no longer fits
    assert caught.value.code == "autograd_gradient_shape"


# backward twice ---------------------------------------------------------------------


def test_twice_accumulates_then_the_freed_graph_is_refused_in_torchs_words():
    trace = autograd_trace(AutogradSpec(preset="twice"))
    x, z = course_x(np.ones((2, 2)))
    out = z.mean()
    out.backward(retain_graph=True)
    np.testing.assert_array_equal(trace.grads_after(trace.compare_index)["x"], x.grad.numpy())
    out.backward()
    np.testing.assert_array_equal(trace.accumulated["x"], x.grad.numpy())
    np.testing.assert_array_equal(trace.accumulated["x"], np.full((2, 2), 9.0))  # 4.5 twice
    assert trace.refusal == torch_refusal(out.backward)
    assert trace.plan[-3:] == (COMPARE, ACCUMULATE, REFUSED)
    last = trace.step_count - 1
    assert trace.grads_after(last) is trace.accumulated and trace.complete_leaves(last) == frozenset()


@settings(max_examples=50, derandomize=True, deadline=None)
@given(x=shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=numbers)))
def test_a_second_backward_adds_the_same_gradient_again_as_torch_does(x):
    spec = AutogradSpec(preset="twice", x=x)
    trace = autograd_trace(spec)
    leaf, z = course_x(x)
    out = z.mean()
    out.backward(retain_graph=True)
    first = leaf.grad.numpy().copy()
    out.backward()
    np.testing.assert_allclose(trace.grads["x"], first, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(trace.accumulated["x"], leaf.grad.numpy(), rtol=1e-14, atol=1e-300)
    np.testing.assert_array_equal(trace.accumulated["x"], 2 * trace.grads["x"])
    assert torch_max_delta(spec) <= 1e-14
