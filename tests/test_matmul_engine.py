"""The matrix shapes engine against the real libraries: np.matmul's result shape or its exact ValueError,
torch.matmul's exact RuntimeError, and the numbers of A = X·W + B against numpy and torch.nn.functional.linear.

The library calls use tiny, zero-size or stride-0 arrays, so no test allocates much.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import event, given, settings
from hypothesis import strategies as st

from engine.errors import SpecError
from engine.matmul import DotStep, matmul_trace
from engine.matmul_shapes import MAX_AXIS, MAX_DIMS, ShapeCheck, parse_shape, shape_text
from engine.matmul_spec import EXAMPLES, MatmulSpec, pattern_values, shows_values, typed_values
from engine.trace import kept_index

SETTINGS = settings(derandomize=True, deadline=None, max_examples=1000)

small_shapes = st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple)
# Mostly agreeing shapes: W's inner size copied from X's last axis, batch axes often shared or 1.
inner_pairs = st.tuples(small_shapes, small_shapes, st.booleans()).map(
    lambda p: (
        p[0],
        (*p[1][:-2], p[0][-1], *p[1][-1:]) if p[2] and p[0] and len(p[1]) >= 2 else p[1],
    )
)


def numpy_outcome(x, w):
    try:
        return np.matmul(np.zeros(x), np.zeros(w)).shape, None
    except ValueError as error:
        return None, str(error)


def torch_outcome(x, w):
    try:
        return tuple(torch.matmul(torch.zeros(x), torch.zeros(w)).shape), None
    except RuntimeError as error:
        return None, str(error)


# Parsing shapes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shape",
    [
        ("2,3", (2, 3)),
        ("(2, 3)", (2, 3)),
        ("2x3", (2, 3)),
        ("2 X 3", (2, 3)),
        ("2×3", (2, 3)),
        ("[2 3]", (2, 3)),
        ("  ( 4 , 784 )  ", (4, 784)),
        ("(3,)", (3,)),
        ("3,", (3,)),
        ("3", (3,)),
        ("()", ()),
        ("0,5", (0, 5)),
        ("007", (7,)),
        ("2,3,4", (2, 3, 4)),
    ],
)
def test_shapes_are_typed_in_several_ways(text, shape):
    assert parse_shape(text, "matmul_x") == shape


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "matmul_shape_empty"),
        ("   ", "matmul_shape_empty"),
        ("2,,3", "matmul_shape_syntax"),
        ("(2, 3", "matmul_shape_syntax"),
        ("(2, 3]", "matmul_shape_syntax"),
        ("2x", "matmul_shape_syntax"),
        (",3", "matmul_shape_syntax"),
        ("(", "matmul_shape_syntax"),
        ("2,a", "matmul_shape_token"),
        ("-1,3", "matmul_shape_token"),
        ("2.5", "matmul_shape_token"),
        ("__import__('os')", "matmul_shape_token"),
        ("٣", "matmul_shape_token"),
        ("1" + "0" * 9 + "1", "too_big"),
        ("9" * 5000, "too_big"),
        (",".join(["1"] * (MAX_DIMS + 1)), "matmul_shape_dims"),
    ],
)
def test_malformed_shapes_are_refused_with_a_reason(text, code):
    with pytest.raises(SpecError) as caught:
        parse_shape(text, "matmul_x")
    assert caught.value.code == code


@SETTINGS
@given(st.text(max_size=20))
def test_any_text_parses_or_raises_spec_error(text):
    try:
        shape = parse_shape(text, "matmul_w")
    except SpecError:
        return
    assert all(isinstance(size, int) and 0 <= size <= MAX_AXIS for size in shape) and len(shape) <= MAX_DIMS


@settings(derandomize=True, deadline=None, max_examples=300)
@given(st.lists(st.integers(0, MAX_AXIS), max_size=MAX_DIMS).map(tuple))
def test_a_printed_shape_reads_back(shape):
    assert parse_shape(shape_text(shape), "matmul_x") == shape
    assert parse_shape("x".join(map(str, shape)) or "()", "matmul_x") == shape


# The shape rules against numpy and torch ----------------------------------------


@SETTINGS
@given(inner_pairs)
def test_result_shape_or_error_is_numpys(pair):
    x, w = pair
    check = ShapeCheck(x, w)
    event(
        "0-d"
        if check.too_few_dims
        else "inner clash"
        if not check.inner_ok
        else "batch clash"
        if check.batch is None
        else "valid"
    )
    assert (check.result, check.numpy_error) == numpy_outcome(x, w)


@settings(derandomize=True, deadline=None, max_examples=800)
@given(inner_pairs)
def test_error_is_torchs_and_torch_agrees_with_numpy(pair):
    x, w = pair
    check = ShapeCheck(x, w)
    assert (check.result, check.torch_error) == torch_outcome(x, w)


@pytest.mark.parametrize(
    "x, w, numpy_words, torch_words",
    [
        (
            (2, 3),
            (4, 5),
            "(size 4 is different from 3)",
            "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
        ),
        (
            (2, 2, 3),
            (2, 4, 5),
            "core dimension 0",
            "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].",
        ),
        (
            (3, 2, 3),
            (2, 3, 5),
            "remapped shapes",
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
        ),
        (
            (2, 3),
            (4,),
            "(size 4 is different from 3)",
            "size mismatch, got input (2), mat (2x3), vec (4)",
        ),
        ((3,), (4,), "(size 4 is different from 3)", "inconsistent tensor size"),
        ((), (3,), "does not have enough dimensions", "but they are 0D and 1D"),
    ],
)
def test_the_lesson_quotes_each_library_as_it_speaks(x, w, numpy_words, torch_words):
    check = ShapeCheck(x, w)
    assert numpy_words in check.numpy_error and check.numpy_error == numpy_outcome(x, w)[1]
    assert torch_words in check.torch_error and check.torch_error == torch_outcome(x, w)[1]


@pytest.mark.parametrize(
    "x, w",
    [((10**6, 3), (4, 10**6)), ((3, 10**5, 2, 3), (4, 3, 5))],
    ids=["inner", "batch"],
)
def test_big_shapes_are_checked_symbolically_as_numpy_and_torch_check_them(x, w):
    """Stride-0 views stand in for huge arrays: the libraries refuse before allocating anything."""
    check = ShapeCheck(x, w)
    with pytest.raises(ValueError) as numpy_error:
        np.matmul(np.broadcast_to(0.0, x), np.broadcast_to(0.0, w))
    with pytest.raises(RuntimeError) as torch_error:
        torch.matmul(torch.zeros(()).expand(*x), torch.zeros(()).expand(*w))
    assert (check.numpy_error, check.torch_error) == (
        str(numpy_error.value),
        str(torch_error.value),
    )


def test_a_billion_rows_cost_nothing():
    started = time.perf_counter()
    spec = MatmulSpec((MAX_AXIS, 784), (784, MAX_AXIS))
    trace = matmul_trace(spec)
    assert time.perf_counter() - started < 0.5
    assert spec.x is spec.w is spec.b is trace.result is None
    assert trace.check.result == (MAX_AXIS, MAX_AXIS) and trace.outputs == MAX_AXIS**2
    assert trace.multiply_adds == MAX_AXIS**2 * 784 and trace.parameters == (
        784 * MAX_AXIS,
        MAX_AXIS,
    )
    assert [step.kind for step in trace.shape_steps] == ["inner", "result", "bias"]


def test_the_examples_of_the_issue():
    spec = MatmulSpec()
    kinds = {}
    for name in EXAMPLES:
        trace = matmul_trace(spec.with_example(name))
        kinds[name] = (
            [step.kind for step in trace.shape_steps],
            trace.check.result,
            trace.spec.has_values,
        )
    assert kinds == {
        "affine": (["inner", "result", "bias"], (2, 4), True),
        "mnist": (["inner", "result", "bias"], (4, 100), False),
        "mismatch": (["inner", "refused"], None, True),
        "batched": (["inner", "batch", "result"], (2, 3, 5), True),
        "vector": (["promote", "inner", "result"], (4,), True),
    }
    assert spec.with_example("vector").with_next_example().with_next_example().example == "mnist"


# The numbers against numpy and torch ----------------------------------------------


def test_default_values_and_the_issues_dot_product():
    trace = matmul_trace(MatmulSpec())
    np.testing.assert_array_equal(trace.spec.x, [[1, 2, 3], [4, 5, 6]])
    step = trace.step(trace.index_of(0, 1, 2))
    assert isinstance(step, DotStep)
    assert step.formula == "A[1,2] = X[1,:]·W[:,2] + B[2]"
    assert step.arithmetic() == "= 4×0.5 + 5×(-1) + 6×2 + (-1) = 8"
    assert [step.kind for step in trace.shape_steps] == [
        "inner",
        "result",
        "bias",
    ] and trace.step_count == 3 + 8


value_shapes = st.tuples(
    st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from(["2d", "x1d", "w1d", "both1d"]),
).filter(lambda case: shows_values(*_shapes(case)))


def _shapes(case):
    batch, n, k, m, kind = case
    x = (k,) if kind in ("x1d", "both1d") else (*batch, n, k)
    w = (k,) if kind in ("w1d", "both1d") else (*batch[1:], k, m)
    return x, w


@settings(derandomize=True, deadline=None, max_examples=300)
@given(value_shapes, st.integers(0, 10**6), st.booleans())
def test_every_number_of_a_is_numpys_and_torchs(case, seed, bias):
    x_shape, w_shape = _shapes(case)
    spec = MatmulSpec(x_shape, w_shape, bias=bias).with_random(seed)
    trace = matmul_trace(spec)
    expected = np.matmul(spec.x, spec.w) + (spec.b if spec.has_bias else 0)
    np.testing.assert_allclose(trace.result.reshape(trace.check.result), expected, rtol=0, atol=1e-12)
    product = torch.matmul(torch.tensor(spec.x), torch.tensor(spec.w))
    if spec.has_bias:
        product = product + torch.tensor(spec.b)
    np.testing.assert_allclose(trace.result.reshape(trace.check.result), product.numpy(), rtol=0, atol=1e-12)
    for index in range(len(trace.shape_steps), trace.step_count):
        step = trace.step(index)
        total = sum(a * b for a, b in zip(step.xs, step.ws)) + (step.bias or 0.0)
        assert step.value == pytest.approx(total, abs=1e-9)


@settings(derandomize=True, deadline=None, max_examples=200)
@given(st.integers(1, 4), st.integers(1, 8), st.integers(1, 8), st.integers(0, 10**6))
def test_the_affine_layer_is_torchs_linear_with_weight_w_transposed(n, k, m, seed):
    spec = MatmulSpec((n, k), (k, m)).with_random(seed)
    trace = matmul_trace(spec)
    linear = F.linear(torch.tensor(spec.x), torch.tensor(spec.w).T, torch.tensor(spec.b))
    np.testing.assert_allclose(trace.result, linear.numpy(), rtol=0, atol=1e-12)


def test_batched_steps_read_the_broadcast_operands():
    spec = MatmulSpec((2, 1, 2, 3), (3, 3, 2), bias=False)
    trace = matmul_trace(spec)
    step = trace.step(trace.step_count - 1)
    assert step.formula == "A[1,2,1,1] = X[1,0,1,:]·W[2,:,1]"
    np.testing.assert_array_equal(step.xs, spec.x[1, 0, 1])
    np.testing.assert_array_equal(step.ws, spec.w[2, :, 1])
    part = trace.slice(step.batch)
    assert (part.x_index, part.w_index, part.a_index) == ((1, 0), (2,), (1, 2))


def test_vector_labels_and_dropped_axes():
    both = matmul_trace(MatmulSpec((3,), (3,)))
    assert both.check.result == () and both.step(both.step_count - 1).formula == "A = X·W"
    column = matmul_trace(MatmulSpec((2, 3), (3,)))
    assert column.step(column.step_count - 1).formula == "A[1] = X[1,:]·W"
    assert column.spec.b is None and not column.spec.has_bias


def test_long_dot_products_are_shortened_on_screen_only():
    trace = matmul_trace(MatmulSpec((1, 20), (20, 1)))
    step = trace.step(trace.step_count - 1)
    assert step.products(6).count("×") == 6 and "…" in step.products(6)
    assert step.products().count("×") == 20


# Values, random numbers, the bias switch and typed text ------------------------------


def test_patterns_and_random_numbers_are_small_integers_or_halves():
    w = pattern_values((2, 4, 5), "w")
    assert set(np.unique(w)) == {-1.0, 0.0, 0.5, 1.0, 2.0}
    assert not any((w[b, :, j] == w[b, 0, j]).all() for b in range(2) for j in range(5))  # no constant column
    a, b = MatmulSpec().with_random(3), MatmulSpec().with_random(3)
    np.testing.assert_array_equal(a.x, b.x)
    assert (a.source, a.seed) == ("random", 3) and not np.array_equal(a.x, MatmulSpec().with_random(4).x)


def test_random_and_bias_are_refused_where_they_mean_nothing():
    with pytest.raises(SpecError) as caught:
        MatmulSpec((4, 784), (784, 100)).with_random(1)
    assert caught.value.code == "matmul_symbolic"
    with pytest.raises(SpecError) as caught:
        MatmulSpec((3,), (3,), bias=False).with_bias(True)
    assert caught.value.code == "matmul_no_bias_axis"
    assert MatmulSpec().with_bias(False).has_bias is False


@pytest.mark.parametrize(
    "text, shape, code",
    [
        ("1 2; 3", (2, 3), "ragged_rows"),
        ("1 2 3", (2, 3), "matmul_rows"),
        ("1 2; 3 4; 5 6", (2, 3), "matmul_rows"),
        ("1 x 3", (2, 3), "not_a_number"),
        ("1 inf", (2,), "not_finite"),
        ("1 2 3", (2,), "matmul_vector_length"),
        ("1", (4, 784), "matmul_values_hidden"),
    ],
)
def test_typed_numbers_must_fit_the_shape(text, shape, code):
    with pytest.raises(SpecError) as caught:
        typed_values(text, shape, "matmul_x", visible=len(shape) < 2 or shape[1] < 100)
    assert caught.value.code == code


def test_typed_numbers_fill_rows_of_the_last_axis():
    np.testing.assert_array_equal(
        typed_values("1 2; 3 4; 5 6; 7 8", (2, 2, 2), "matmul_x", True),
        np.arange(1, 9).reshape(2, 2, 2),
    )
    assert typed_values("  ", (2, 3), "matmul_x", True) is None


def test_with_typed_keeps_the_source_when_nothing_changed():
    spec = MatmulSpec().with_random(5)
    same = spec.with_typed(
        spec.x_shape,
        spec.w_shape,
        spec.values_text("x"),
        spec.values_text("w"),
        spec.values_text("b"),
    )
    assert (same.source, same.seed, same.example) == ("random", 5, "affine")
    np.testing.assert_array_equal(same.w, spec.w)
    reshaped = spec.with_typed((3, 3), (3, 2), "", "", "")
    assert (reshaped.source, reshaped.example, reshaped.x.shape, reshaped.b.shape) == (
        "pattern",
        "custom",
        (3, 3),
        (2,),
    )
    typed = spec.with_typed((1, 2), (2, 1), "1 2", "", "7")
    assert typed.source == "typed" and typed.b.tolist() == [7.0]


def test_overflow_is_refused():
    with pytest.raises(SpecError) as caught:
        matmul_trace(MatmulSpec((1, 2), (2, 1), x=[[1e308, 1e308]], w=[[10.0], [10.0]]))
    assert caught.value.code == "overflow"


def test_a_change_keeps_the_number_of_a_only_while_the_layout_of_a_is_kept():
    with_bias = matmul_trace(MatmulSpec())
    without = matmul_trace(MatmulSpec().with_bias(False))
    at = with_bias.index_of(0, 1, 2)
    kept = kept_index(with_bias, at, without)
    assert (without.step(kept).row, without.step(kept).col) == (1, 2) and kept == at - 1
    wider = matmul_trace(MatmulSpec((2, 3), (3, 5)))
    assert kept_index(with_bias, at, wider) == at  # another layout: the step number
    assert kept_index(with_bias, 1, without) == 1  # a shape rule: the step number
    symbolic = matmul_trace(MatmulSpec((2, 100), (100, 4)))  # A 2×4 again, no numbers
    assert symbolic.index_at(with_bias.position(at)) is None
