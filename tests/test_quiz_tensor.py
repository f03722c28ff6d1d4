"""The tensor lesson's questions against torch itself: each topic's code run here, its answer read from torch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import SpecError
from engine.tensor import tensor_trace
from engine.tensor_quiz import DTYPES, questions
from engine.tensor_spec import PRESETS, TOPICS, TensorSpec
from tests.quiz_bank_support import assert_bank


def torch_x(spec: TensorSpec) -> torch.Tensor:
    x = torch.arange(spec.numel).view(spec.shape)
    return x if spec.transpose is None else x.transpose(*spec.transpose)


def parse_cell(label: str) -> tuple[int, ...]:
    """`y[1, 2]` → (1, 2)."""
    inside = label[label.index("[") + 1 : -1]
    return tuple(int(part) for part in inside.split(","))


def torch_cells(spec: TensorSpec, question) -> None:
    """view / reshape: y (or x, where torch refuses) made by torch; a cell's storage index from torch's strides."""
    x = torch_x(spec)
    sizes = spec.view_sizes
    try:
        y = x.view(*sizes) if spec.topic == "view" else x.reshape(*sizes)
    except RuntimeError:
        y = None
    tensor = x if y is None else y
    cell = parse_cell(question.params["label"])
    assert question.params["label"].startswith("x" if y is None else "y")
    if question.id.startswith("storage_index"):
        expected = tensor.storage_offset() + sum(i * s for i, s in zip(cell, tensor.stride()))
        assert question.answer == expected
    else:  # x's cell holding y's number: x is arange, so its numbers name the cells
        (where,) = zip(*torch.nonzero(x == y[cell], as_tuple=True))
        assert question.choices[question.answer] == f"x[{', '.join(str(int(i)) for i in where)}]"
        assert question.id == ("same_cell" if y.data_ptr() == x.data_ptr() else "copied_from")


def torch_create(spec: TensorSpec, question) -> None:
    if question.id == "rand_range":
        torch.manual_seed(spec.seed)
        x = torch.rand(spec.shape)
        assert question.choices[question.answer] == "range_unit" and 0 <= x.min() and x.max() < 1
    elif question.id == "tensor_dtype":
        x = torch.tensor(np.arange(spec.numel).reshape(spec.shape).tolist())
        assert DTYPES[question.answer] == str(x.dtype).removeprefix("torch.")
    else:
        x = torch.arange(spec.numel).view(spec.shape)
        try:
            x.item()
            refused = False
        except RuntimeError:
            refused = True
        assert question.answer == int(refused) and question.id == ("item_refused" if refused else "item_works")


def torch_inplace(spec: TensorSpec, question) -> None:
    x = torch_x(spec).clone()
    z = x.add(10)
    z_before, x_before = z.clone(), x.clone()
    x.add_(10)
    if question.id == "add_in_place":
        changed = (not torch.equal(x, x_before), not torch.equal(z, z_before))
        assert question.choices[question.answer] == {(True, False): "changes_x"}[changed]
    else:
        before = x.clone()
        x.view(*spec.view_sizes)[0].add_(10)
        assert question.answer == int((x != before).sum())


def torch_numpy(question) -> None:
    shape = (2, 3)
    a = torch.ones(shape)
    b = a.numpy()
    a.add_(1)
    values = {"shared_numpy": b}
    a = np.ones(shape)
    b = torch.from_numpy(a)
    np.add(a, 1, out=a)
    c = torch.tensor(a)
    np.add(a, 1, out=a)
    values["tensor_copy"] = c
    d = b.clone()
    b.add_(1)
    values["clone_shared"] = b
    assert d.flatten()[0] == 3
    assert question.answer == float(values[question.id].flatten()[0])
    assert np.all(np.asarray(values[question.id]) == question.answer)


def check(spec: TensorSpec) -> tuple:
    trace = tensor_trace(spec)
    asked = questions(spec, trace)
    assert_bank(asked, trace.step_count)
    for question in asked:
        if spec.topic == "create":
            torch_create(spec, question)
        elif spec.topic in ("view", "reshape"):
            torch_cells(spec, question)
        elif spec.topic == "inplace":
            torch_inplace(spec, question)
        else:
            torch_numpy(question)
    return asked


@pytest.mark.parametrize("spec", PRESETS, ids=lambda spec: f"{spec.topic}-{spec.view}-{spec.transpose}")
def test_every_preset(spec):
    asked = check(spec)
    assert len(asked) >= (2 if spec.topic == "inplace" else 3)  # inplace has 3 steps: the first cannot be asked


def test_the_default_questions():
    spec = TensorSpec()
    assert [(q.id, q.step) for q in questions(spec, tensor_trace(spec))] == [
        ("rand_range", 3),
        ("tensor_dtype", 4),
        ("item_refused", 6),
    ]


def test_one_element_item_works():
    spec = TensorSpec(shape=(1, 1))
    assert questions(spec, tensor_trace(spec))[-1].id == "item_works"
    check(spec)


@st.composite
def specs(draw) -> TensorSpec:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    numel = math.prod(shape)
    divisors = [d for d in range(1, numel + 1) if numel % d == 0]
    view = draw(st.sampled_from([("-1",), ("-1", str(draw(st.sampled_from(divisors)))), (str(numel + 1), "-1")]))
    transpose = draw(st.none() | st.just((0, len(shape) - 1)))
    try:
        return TensorSpec(draw(st.sampled_from(TOPICS)), shape, view, transpose, draw(st.integers(0, 2**32 - 1)))
    except SpecError:  # past the lesson's 64 elements: refused before any trace
        return TensorSpec()


@settings(max_examples=50, deadline=None)
@given(specs())
def test_random_setups_against_torch(spec):
    check(spec)
