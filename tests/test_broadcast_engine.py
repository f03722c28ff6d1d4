"""The broadcasting engine against the real thing: np.broadcast_shapes, NumPy's and torch's own errors, NumPy's values.

Messages are compared with what NumPy and torch raise for arrays of those
shapes; the arrays are zero-stride views of one 0-d array (np.broadcast_to,
Tensor.expand), so even a (10**6, 10**6) operand costs no memory.
"""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes
from spec_errors import spec_error

from engine.broadcast import (
    COMPARE,
    COMPUTE,
    MISMATCH,
    PREPEND,
    RESULT,
    STRETCH,
    BroadcastSpec,
    broadcast_trace,
)
from engine.broadcast_numpy import numpy_check, numpy_raises
from engine.broadcast_setup import EXAMPLES, BroadcastSetup, parse_shapes
from engine.broadcast_shape import MAX_ELEMENTS, numpy_shape, parse_shape, python_shape
from engine.broadcast_values import UFUNCS, VALUES_LIMIT, as_blocks, broadcast_values
from engine.errors import SpecError


def checked(examples: int = 100) -> settings:
    return settings(derandomize=True, deadline=None, database=None, max_examples=examples)


def numpy_error(shapes, op="add") -> str | None:
    """What NumPy raises for `a op b (op c)` on real (small) arrays of these shapes, None if it works."""
    arrays = [np.zeros(shape, dtype=np.int8) for shape in shapes]
    try:
        result = arrays[0]
        for array in arrays[1:]:
            result = UFUNCS[op](result, array)
    except ValueError as error:
        return str(error)
    return None


def torch_error(shapes) -> str | None:
    """What torch raises for `a + b (+ c)` on real (small) tensors of these shapes, None if it works."""
    tensors = [torch.zeros(shape, dtype=torch.int8) for shape in shapes]
    try:
        result = tensors[0]
        for tensor in tensors[1:]:
            result = result + tensor
    except RuntimeError as error:
        return str(error)
    return None


# Parsing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shape",
    [
        ("3,1", (3, 1)),
        ("(3, 1)", (3, 1)),
        ("3x1", (3, 1)),
        ("3 × 1", (3, 1)),
        ("[3, 1]", (3, 1)),
        ("  3 1 ", (3, 1)),
        ("()", ()),
        ("( )", ()),
        ("(5,)", (5,)),
        ("5,", (5,)),
        ("5", (5,)),
        ("0,4", (0, 4)),
        ("+2,007", (2, 7)),
        (",".join(["1"] * 32), (1,) * 32),
        ("1000000,1000000", (10**6, 10**6)),
    ],
)
def test_shapes_typed_every_usual_way(text, shape):
    assert parse_shape(text, "a") == shape


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "broadcast_empty_shape"),
        ("   ", "broadcast_empty_shape"),
        ("(3,1", "broadcast_unbalanced"),
        ("[3,1)", "broadcast_unbalanced"),
        ("(", "broadcast_unbalanced"),
        ("3,,1", "broadcast_missing_size"),
        ("3x", "broadcast_missing_size"),
        ("(,)", "broadcast_missing_size"),
        ("2.5", "broadcast_not_an_integer"),
        ("3, 1e3", "broadcast_not_an_integer"),
        ("abc", "broadcast_bad_token"),
        ("3;1", "broadcast_bad_token"),
        ("((3))", "broadcast_bad_token"),
        ("__import__('os')", "broadcast_bad_token"),
        ("nan", "broadcast_bad_token"),
        ("-1", "broadcast_negative_size"),
        ("3,-2", "broadcast_negative_size"),
        ("-" + "9" * 40, "broadcast_negative_size"),
        (",".join(["1"] * 33), "broadcast_too_many_dims"),
        ("9" * 5000, "broadcast_too_many_elements"),
        ("4294967296, 4294967296", "broadcast_too_many_elements"),
    ],
)
def test_malformed_shapes_are_refused_with_their_reason(text, code):
    assert spec_error(lambda: parse_shape(text, "b")).code == code


@pytest.mark.parametrize("shape", [(-1,), (3, -1), (2, -3, 4)])
def test_a_negative_size_quotes_torch(shape):
    error = spec_error(lambda: parse_shape(",".join(map(str, shape)), "a"))
    with pytest.raises(RuntimeError) as caught:
        torch.empty(shape)
    assert error.torch_message == str(caught.value)


def test_numpy_cannot_hold_what_is_refused_for_size_and_holds_what_is_kept():
    for big in [(2**32, 2**31), (2**63,), (10**10, 10**10)]:
        spec_error(lambda big=big: parse_shape(python_shape(big), "a"))
        with pytest.raises(ValueError):
            np.broadcast_shapes(big, (1,))
    kept = parse_shape("(2147483648, 2147483647, 2)", "a")
    assert np.broadcast_shapes(kept, (1,)) == kept
    assert spec_error(lambda: BroadcastSpec(((2**32, 1), (1, 2**31)))).code == "broadcast_too_many_elements"
    with pytest.raises(ValueError, match="too large"):
        np.broadcast_shapes((2**32, 1), (1, 2**31))
    assert MAX_ELEMENTS == np.iinfo(np.intp).max


@checked(500)
@given(st.text(st.sampled_from(list("0123456789 ,()[]x×-+.eE;a_")), max_size=24) | st.text(max_size=12))
def test_any_text_is_a_shape_or_a_spec_error(text):
    try:
        shape = parse_shape(text, "a")
    except SpecError as error:
        assert error.code.startswith("broadcast_")
    else:
        assert all(isinstance(size, int) and size >= 0 for size in shape) and len(shape) <= 32
        assert parse_shape(python_shape(shape), "a") == shape


def test_three_thousand_random_strings_never_escape_as_anything_but_spec_error():
    rng = random.Random(3)
    alphabet = "0123456789 ,()[]x×-+.eE;a_\t'\"{}"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        try:
            parse_shapes([text, "3"])
        except SpecError:
            pass


def test_two_or_three_shapes_only():
    assert parse_shapes(["3,1", "4", "  "]) == ((3, 1), (4,))
    assert parse_shapes(["3,1", "4", "2,1,1"]) == ((3, 1), (4,), (2, 1, 1))
    assert spec_error(lambda: parse_shapes(["3"])).code == "broadcast_shape_count"
    assert spec_error(lambda: BroadcastSpec(((1,),) * 4)).code == "broadcast_shape_count"
    assert spec_error(lambda: BroadcastSpec(((1,), (1,)), op="divide")).code == "unknown_preset"


def test_shapes_are_written_as_python_numpy_and_torch_write_them():
    assert [python_shape(s) for s in [(), (5,), (3, 1)]] == ["()", "(5,)", "(3, 1)"]
    assert [numpy_shape(s) for s in [(), (5,), (3, 1)]] == ["()", "(5,)", "(3,1)"]


# The rules, step by step ------------------------------------------------------------


def test_the_headline_walk_follows_the_course_rules():
    trace = broadcast_trace(BroadcastSpec(((3, 1), (4,))))
    kinds = [(s.kind, s.rule, s.axis, s.verdict, s.size) for s in trace.steps]
    assert kinds == [
        ("align", 0, None, "", None),
        (PREPEND, 1, None, "", None),
        (COMPARE, 3, 1, "one", 4),
        (COMPARE, 3, 0, "one", 3),
        (RESULT, 4, None, "", None),
        (STRETCH, 5, 1, "one", 4),
        (STRETCH, 5, 0, "one", 3),
        (COMPUTE, 0, None, "", None),
    ]
    assert trace.steps[0].rows == ((3, 1), (None, 4))
    assert trace.steps[1].rows == ((3, 1), (1, 4)) and trace.steps[1].added == {(1, 0)}
    assert [s.result for s in trace.steps[1:4]] == [(None, None), (None, 4), (3, 4)]
    assert trace.steps[5].rows == ((3, 4), (1, 4)) and trace.steps[5].stretched == (0,)
    assert trace.steps[6].rows == ((3, 4), (3, 4)) and trace.steps[6].stretched == (1,)
    assert trace.result_shape == (3, 4) and trace.numpy_message is None and trace.torch_message is None


def test_a_mismatch_stops_at_the_failing_axis_with_both_frameworks_words():
    trace = broadcast_trace(BroadcastSpec(((3, 4), (5,))))
    last = trace.steps[-1]
    assert (last.kind, last.axis, last.from_right, last.sizes, last.verdict) == (
        COMPARE,
        1,
        -1,
        (4, 5),
        MISMATCH,
    )
    assert trace.failing_axis == 1 and not trace.compatible
    assert trace.numpy_message == "operands could not be broadcast together with shapes (3,4) (5,) "
    assert (
        trace.torch_message
        == "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1"
    )
    assert trace.numpy_message == numpy_error(((3, 4), (5,)))
    assert trace.torch_message == torch_error(((3, 4), (5,)))


def test_zero_d_and_zero_size_axes():
    scalar = broadcast_trace(BroadcastSpec(((), ())))
    assert scalar.result_shape == () and [s.kind for s in scalar.steps] == [
        "align",
        PREPEND,
        RESULT,
        COMPUTE,
    ]
    empty = broadcast_trace(BroadcastSpec(((0, 3), (1, 3))))
    assert empty.result_shape == (0, 3) == np.broadcast_shapes((0, 3), (1, 3))
    assert not broadcast_trace(BroadcastSpec(((0,), (3,)))).compatible


def test_every_example_agrees_with_numpy():
    for example in EXAMPLES.values():
        trace = broadcast_trace(BroadcastSetup(example.name).spec())
        assert numpy_check(trace, broadcast_values(trace)).agrees, example.name


# Agreement with NumPy and torch on many cases ---------------------------------------------


def check_agreement(input_shapes, result_shape) -> None:
    trace = broadcast_trace(BroadcastSpec(input_shapes))
    assert trace.result_shape == result_shape == np.broadcast_shapes(*input_shapes)
    assert trace.steps[-1].kind == COMPUTE
    compared = [s for s in trace.steps if s.kind == COMPARE]
    assert [s.axis for s in compared] == list(reversed(range(trace.spec.ndim)))
    assert all(s.size == trace.result_shape[s.axis] for s in compared)
    assert trace.steps[-1].rows == (trace.result_shape,) * len(input_shapes)


@checked(300)
@given(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=32, max_side=6))
def test_two_shapes_agree_with_np_broadcast_shapes(shapes):
    check_agreement(shapes.input_shapes, shapes.result_shape)


@checked(400)
@given(mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=10, max_side=6))
def test_three_shapes_agree_with_np_broadcast_shapes(shapes):
    check_agreement(shapes.input_shapes, shapes.result_shape)


@checked(200)
@given(mutually_broadcastable_shapes(num_shapes=3, min_dims=20, max_dims=32, max_side=3))
def test_three_shapes_of_up_to_32_dims_agree(shapes):
    check_agreement(shapes.input_shapes, shapes.result_shape)


def test_thousands_of_random_shapes_fit_exactly_when_numpy_and_torch_say_so():
    """Random shapes, mostly incompatible: the verdict and both messages match the frameworks' own."""
    rng = random.Random(2024)
    incompatible = 0
    for _ in range(3000):
        shapes = tuple(
            tuple(rng.choice((0, 1, 1, 2, 3, 4)) for _ in range(rng.randint(0, 5)))
            for _ in range(rng.choice((2, 2, 3)))
        )
        trace = broadcast_trace(BroadcastSpec(shapes))
        said = numpy_error(shapes)
        assert trace.compatible == (said is None)
        assert trace.numpy_message == said
        assert trace.torch_message == torch_error(shapes)
        incompatible += not trace.compatible
    assert incompatible > 1000


@checked(500)
@given(st.lists(st.lists(st.integers(0, 5), max_size=6).map(tuple), min_size=2, max_size=3))
def test_compatibility_verdict_agrees_with_whether_numpy_raises(shapes):
    shapes = tuple(shapes)
    trace = broadcast_trace(BroadcastSpec(shapes))
    try:
        expected = np.broadcast_shapes(*shapes)
    except ValueError:
        expected = None
    assert trace.result_shape == expected
    assert trace.numpy_message == numpy_error(shapes)
    assert trace.torch_message == torch_error(shapes)
    if expected is None:
        failing = trace.steps[-1]
        assert failing.verdict == MISMATCH and len({size for size in failing.sizes if size != 1}) > 1


@checked(300)
@given(
    st.lists(st.lists(st.integers(0, 4), max_size=4).map(tuple), min_size=2, max_size=3),
    st.sampled_from(["add", "subtract", "multiply"]),
)
def test_messages_for_every_operation_are_numpys_own(shapes, op):
    spec = BroadcastSpec(tuple(shapes), op)
    trace = broadcast_trace(spec)
    assert trace.numpy_message == numpy_error(spec.shapes, op) == numpy_raises(trace)


@checked(200)
@given(
    st.integers(2, 3).flatmap(lambda n: mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=4, max_side=4))
)
def test_small_values_are_numpys_broadcast_result(shapes):
    for op in UFUNCS:
        trace = broadcast_trace(BroadcastSpec(shapes.input_shapes, op))
        values = broadcast_values(trace)
        if values is None:
            assert max(trace.element_counts) > VALUES_LIMIT
            continue
        operands = [
            np.arange(1, np.prod(s, dtype=int) + 1).reshape(s) * 10**k for k, s in enumerate(shapes.input_shapes)
        ]
        expected = operands[0]
        for operand in operands[1:]:
            expected = UFUNCS[op](expected, operand)
        assert np.array_equal(values.result, expected) and values.result.shape == expected.shape
        for view, operand in zip(values.at(trace.steps[-1]), operands):
            assert np.array_equal(view.values, np.broadcast_to(operand, trace.result_shape))
            if view.values.size:  # the cells that are not copies are the operand itself, in order
                assert view.values[~view.copied].tolist() == operand.ravel().tolist()


def test_the_copies_of_one_stretch_step_are_marked_fresh():
    trace = broadcast_trace(BroadcastSpec(((3, 1), (4,))))
    views = broadcast_values(trace).at(trace.steps[5])  # a stretched along axis 1
    assert views[0].values.tolist() == [[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]]
    assert views[0].copied_cells(fresh=True) == [(0, r, c) for r in range(3) for c in range(1, 4)]
    assert views[1].values.tolist() == [[10, 20, 30, 40]] and views[1].copied_cells() == []
    last = broadcast_values(trace).at(trace.steps[6])
    assert last[0].copied_cells(fresh=True) == [] and len(last[0].copied_cells()) == 9
    assert last[1].copied_cells(fresh=True) == [(0, r, c) for r in (1, 2) for c in range(4)]


def test_any_array_is_laid_out_as_grid_blocks():
    assert as_blocks(np.array(7))[0].shape == (1, 1, 1)
    assert as_blocks(np.arange(4))[0].shape == (1, 1, 4)
    blocks, labels = as_blocks(np.arange(24).reshape(2, 3, 4))
    assert blocks.shape == (2, 3, 4) and labels == ("[0,:,:]", "[1,:,:]")
    assert as_blocks(np.zeros((2, 0, 4)))[0].shape == (2, 0, 4)


# Big shapes stay symbolic ------------------------------------------------------------------


def test_a_trillion_elements_step_through_instantly_without_allocating():
    tracemalloc.start()
    try:
        for shapes in [
            ((10**6, 1), (1, 10**6)),
            ((10**6, 10**6), (10**6,)),
            ((10**4,) * 3, (1, 10**4, 1), (7, 1, 1, 1)),
        ]:
            spec = BroadcastSpec(shapes)
            trace = broadcast_trace(spec)
            assert broadcast_values(trace) is None
            steps = [trace.step(i) for i in range(trace.step_count)]
            assert steps[-1].index == trace.step_count - 1
            assert numpy_check(trace, None).agrees
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
    assert broadcast_trace(BroadcastSpec(((10**6, 1), (1, 10**6)))).result_elements == 10**12


@pytest.mark.parametrize(
    "shapes",
    [
        ((10**6, 10**6), (3,)),
        ((10**6, 1), (1, 10**6), (5, 1)),
        ((2**40, 3), (2**20, 1, 4)),
    ],
)
def test_huge_mismatches_quote_numpy_and_torch_on_zero_stride_arrays(shapes):
    trace = broadcast_trace(BroadcastSpec(shapes))
    views = [np.broadcast_to(np.int8(0), shape) for shape in shapes]
    tensors = [torch.zeros((), dtype=torch.int8).expand(shape) for shape in shapes]
    joined = np.broadcast_shapes(*shapes[:2]) if len(shapes) == 3 else None
    with pytest.raises(ValueError) as numpy_caught:
        np.add(np.broadcast_to(np.int8(0), joined), views[2]) if joined else np.add(*views)
    with pytest.raises(RuntimeError) as torch_caught:
        torch.zeros((), dtype=torch.int8).expand(joined) + tensors[2] if joined else tensors[0] + tensors[1]
    assert trace.numpy_message == str(numpy_caught.value) == numpy_raises(trace)
    assert trace.torch_message == str(torch_caught.value)
