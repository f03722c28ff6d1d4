"""The tensor lesson's engine against torch: views, strides, contiguity, reshape copies, refusals, torch.rand.

Random shapes, transposes and views (Hypothesis) go to both the engine and
torch; shapes, strides, offsets, the number each cell reads and every refusal's
class and words must agree. Torch's words are never written here: the expected
message is whatever this torch raises.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_errors import spec_error
from tensor_cases import setups

from engine import tensor_create
from engine.tensor import tensor_trace
from engine.tensor_check import spec_from_json, spec_to_json, torch_max_delta
from engine.tensor_create import torch_rand
from engine.tensor_layout import Layout, Refused, compute_stride, infer_size, memory_chunks, reshape, view
from engine.tensor_parse import MAX_ELEMENTS, parse_seed, parse_shape, parse_transpose, parse_view
from engine.tensor_spec import PRESETS, TOPICS, TensorSpec, view_choices


def torch_source(shape, transpose):
    x = torch.arange(math.prod(shape)).view(shape)
    return x if transpose is None else x.transpose(*transpose)


def engine_source(shape, transpose):
    x = Layout.contiguous(shape)
    return x if transpose is None else x.transpose(*transpose)


def same_tensor(layout: Layout, tensor: torch.Tensor) -> None:
    """Sizes, strides, offset, and the storage index each cell reads (x is arange, so its number)."""
    assert layout.shape == tuple(tensor.shape)
    assert layout.strides == tuple(tensor.stride())
    assert layout.offset == tensor.storage_offset()
    np.testing.assert_array_equal(layout.storage_indices(), tensor.numpy())


@settings(max_examples=100, deadline=None)
@given(setups())
def test_view_is_torchs_view_or_torchs_refusal(setup):
    shape, transpose, requested = setup
    x, ours = torch_source(shape, transpose), engine_source(shape, transpose)
    assert ours.is_contiguous == x.is_contiguous()
    same_tensor(ours, x)
    try:
        expected = x.view(requested)
    except RuntimeError as error:
        with pytest.raises(Refused) as refused:
            view(ours, requested)
        assert refused.value.error.kind == "RuntimeError" and refused.value.error.message == str(error)
        assert refused.value.rule != "stride" or not x.is_contiguous()  # what the lesson's sentence says
        return
    got = view(ours, requested)
    same_tensor(got, expected)
    assert got.is_contiguous == expected.is_contiguous()


@settings(max_examples=100, deadline=None)
@given(setups())
def test_reshape_is_a_view_where_torch_shares_and_a_contiguous_copy_where_not(setup):
    shape, transpose, requested = setup
    x, ours = torch_source(shape, transpose), engine_source(shape, transpose)
    try:
        expected = x.reshape(requested)
    except RuntimeError as error:
        with pytest.raises(Refused) as refused:
            reshape(ours, requested)
        assert refused.value.error.message == str(error)
        return
    got, copied = reshape(ours, requested)
    assert copied == (expected.untyped_storage().data_ptr() != x.untyped_storage().data_ptr())
    assert got.shape == tuple(expected.shape) and got.strides == tuple(expected.stride())
    if not copied:
        same_tensor(got, expected)


@settings(max_examples=100, deadline=None)
@given(setups())
def test_a_view_fails_exactly_when_it_cuts_across_a_memory_chunk(setup):
    """What the lesson says of the stride refusal: the view's running products must reach the end of each of x's
    memory chunks; then, and only then, computeStride finds strides."""
    shape, transpose, requested = setup
    ours = engine_source(shape, transpose)
    try:
        sizes = infer_size(requested, ours.numel)
    except Refused:
        return
    ends, run = set(), 1
    for chunk in memory_chunks(ours):
        run *= math.prod(ours.shape[d] for d in chunk)
        ends.add(run)
    cuts = {math.prod(sizes[: i + 1]) for i in range(len(sizes))}
    assert (compute_stride(ours, sizes) is not None) == (ends <= cuts)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(-6, 6), st.integers(-6, 6))
def test_transpose_out_of_range_quotes_torch(ndim, first, second):
    x = torch.zeros((1,) * ndim)
    try:
        expected = x.transpose(first, second)
    except IndexError as error:
        with pytest.raises(Refused) as refused:
            Layout.contiguous((1,) * ndim).transpose(first, second)
        assert refused.value.error == refused.value.error.__class__("IndexError", str(error))
        assert spec_error(lambda: TensorSpec(shape=(1,) * ndim, transpose=(first, second))).torch_message == str(error)
        return
    assert Layout.contiguous((1,) * ndim).transpose(first, second).shape == tuple(expected.shape)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, MAX_ELEMENTS))
def test_rand_is_torchs_own_for_the_seed(seed, count):
    torch.manual_seed(seed)
    np.testing.assert_array_equal(torch_rand(seed, count), torch.rand(count).double().numpy())


def test_item_refusal_is_torchs():
    for numel in (2, 24):
        with pytest.raises(RuntimeError) as caught:
            torch.arange(numel).item()
        assert tensor_create.item_refusal(numel).message == str(caught.value)


@pytest.mark.parametrize("spec", PRESETS, ids=lambda spec: f"{spec.topic}-{'x'.join(map(str, spec.shape))}")
def test_every_example_agrees_with_torch_running_its_code(spec):
    assert torch_max_delta(spec) == 0.0
    assert spec_from_json(spec_to_json(spec)) == spec


@settings(max_examples=25, deadline=None)
@given(setups(), st.sampled_from(TOPICS), st.integers(0, 99))
def test_random_setups_agree_with_torch_in_every_topic(setup, topic, seed):
    shape, transpose, requested = setup
    spec = TensorSpec(topic, shape, tuple(map(str, requested)), transpose, seed)
    assert torch_max_delta(spec) == 0.0


def test_the_checker_catches_a_wrong_number(monkeypatch):
    monkeypatch.setattr(tensor_create, "torch_rand", lambda seed, count: np.full(count, 0.5))
    assert torch_max_delta(TensorSpec("create")) > 0


def test_the_checker_catches_a_wrong_refusal(monkeypatch):
    monkeypatch.setattr("engine.tensor_layout.VIEW_REFUSED", "something else")
    assert torch_max_delta(TensorSpec("view", (2, 3, 4), ("-1", "6"), (0, 1))) == math.inf


def test_every_cell_of_a_view_names_the_same_storage_cell_in_x_and_y():
    trace = tensor_trace(PRESETS[1])
    for step in trace.steps:
        y, x = step.addresses
        assert y.position == x.position and y.value == x.value
    assert trace.step(8).addresses[0].formula == "y[1, 2] = storage[0 + 1·6 + 2·1] = storage[8] = 8"


def test_a_reshape_copy_takes_xs_numbers_in_reading_order():
    trace = tensor_trace(TensorSpec("reshape", (3, 4), ("12",), (0, 1)))
    assert trace.steps[0].kind == "reshape_copy"
    copied = [step.copied_from.value for step in trace.steps]
    assert copied == torch.arange(12).view(3, 4).t().reshape(12).tolist()


def test_parsing_keeps_the_courses_products_and_refuses_malformed_text():
    assert parse_shape("(2, 3, 4)") == parse_shape("2 3 4") == (2, 3, 4)
    assert parse_view("-1, 16 * 5 * 5") == ("-1", "16*5*5")
    assert parse_transpose("") is None and parse_transpose("0,1") == (0, 1)
    assert parse_seed("42") == 42
    for text, code in [
        ("", "tensor_empty"),
        ("2,,3", "tensor_missing_size"),
        ("2,a", "tensor_bad_size"),
        ("(2,3", "tensor_unbalanced"),
        ("1,2,3,4,5", "tensor_too_many_dims"),
        ("0,3", "tensor_size_too_small"),
        ("65", "tensor_too_many_elements"),
    ]:
        assert spec_error(lambda text=text: parse_shape(text)).code == code
    assert spec_error(lambda: parse_view("-1, 6.5")).code == "tensor_bad_size"
    assert spec_error(lambda: parse_view("5000")).code == "tensor_view_size_range"
    assert spec_error(lambda: parse_transpose("0")).code == "tensor_transpose_two"
    assert spec_error(lambda: parse_seed("-1")).code == "tensor_seed_range"


def test_view_choices_end_with_one_torch_refuses():
    for numel in (1, 5, 24, 64):
        choices = view_choices(numel)
        assert choices[0] == ("-1",)
        with pytest.raises(RuntimeError):
            torch.arange(numel).view(*map(int, choices[-1]))
