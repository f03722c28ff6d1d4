"""The nn.Module lesson's questions against torch: the course's Net, SimpleConvNet and a student's file, built
here with torch.nn, their weights' shapes and named_parameters() counted by torch."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F
from course_net import CourseNet
from hypothesis import given, settings
from hypothesis import strategies as st
from module_zoo import ZOO
from torch import nn

from engine.errors import SpecError
from engine.module import ModuleSetup, module_trace
from engine.module_file import FileSpec, call_arguments
from engine.module_file_child import answer
from engine.module_file_result import OwnNet, load_from_json
from engine.module_net import MAX_BATCH
from engine.module_quiz import questions
from engine.module_simple import SimpleConvSpec
from tests.quiz_bank_support import assert_bank


def simple_torch(spec: SimpleConvSpec) -> nn.Module:
    """SimpleConvNet as torch layers, on the meta device: conv, ReLU, 2×2 max pool, two linear layers.

    The flattened size comes from torch's own conv and pool, on one channel of zeros.
    """
    channels, height, width = spec.input_dim
    side = F.max_pool2d(
        F.conv2d(
            torch.zeros(1, 1, height, width),
            torch.zeros(1, 1, spec.filter_size, spec.filter_size),
            stride=spec.stride,
            padding=spec.pad,
        ),
        2,
    )
    with torch.device("meta"):
        return nn.ModuleDict(
            {
                "Conv1": nn.Conv2d(channels, spec.filter_num, spec.filter_size, spec.stride, spec.pad),
                "Affine1": nn.Linear(spec.filter_num * side.numel(), spec.hidden_size),
                "Affine2": nn.Linear(spec.hidden_size, spec.output_size),
            }
        )


def check(setup: ModuleSetup, model: nn.Module, book: bool = False) -> tuple:
    """Each answer from torch's named_parameters(): a weight's shape (the book's W is torch's transposed),
    the running total over the parameters met so far, in the order the lesson meets them."""
    trace = module_trace(setup)
    asked = questions(setup, trace)
    assert_bank(asked, trace.step_count)
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    sizes = {name: p.numel() for name, p in model.named_parameters()}
    for question in asked:
        if question.id in ("so_far", "parameters_so_far"):
            step = trace.step(question.step)
            if setup.view == "params":
                names = list(shapes)[: question.step + 1]
            else:
                met = {trace.step(i).name for i in range(question.step + 1)}
                names = [name for name in shapes if name.rsplit(".", 1)[0] in met]
            assert step.name == question.params["name"]
            assert question.answer == sum(sizes[name] for name in names)
            assert question.answer < sum(sizes.values())  # the status line always shows the whole network's
        elif question.id == "flat_size":  # what the linear layer after it takes in
            assert question.answer == dict(model.named_modules())[question.params["next"]].in_features
        elif question.id == "owner_total":
            owner = question.params["owner"]
            assert question.answer == sum(size for name, size in sizes.items() if name.rsplit(".", 1)[0] == owner)
        elif question.id == "book_layout":
            torch_shape = shapes[question.params["name"]]
            assert question.answer == torch_shape[::-1]
        else:
            name = f"{trace.step(question.step).name}.weight"
            expected = shapes[name][::-1] if book else shapes[name]
            assert question.answer == expected, (name, question)
    return asked


def test_the_course_net_at_its_default_batch_asks_three_questions():
    asked = check(ModuleSetup(), CourseNet())
    assert [(q.id, q.step, q.answer) for q in asked] == [
        ("weight_shape", 3, (16, 6, 5, 5)),
        ("weight_shape_next", 7, (120, 400)),
        ("so_far", 9, 61_156),
    ]


def test_simple_conv_net_asks_for_the_books_layout():
    asked = check(ModuleSetup("simple"), simple_torch(SimpleConvSpec()), book=True)
    assert [(q.id, q.answer) for q in asked] == [
        ("flat_size", 4320),
        ("book_weight_shape", (4320, 100)),
        ("book_weight_shape_next", (100, 10)),
    ]


def test_the_parameters_view():
    net = check(ModuleSetup(view="params"), CourseNet())
    assert [(q.id, q.step, q.answer) for q in net] == [("parameters_so_far", 3, 2_872), ("owner_total", 5, 48_120)]
    simple = check(ModuleSetup("simple", view="params"), simple_torch(SimpleConvSpec()))
    assert [(q.id, q.answer) for q in simple] == [
        ("book_layout", (4320, 100)),
        ("parameters_so_far", 432_880),
        ("owner_total", 1_010),
    ]


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, MAX_BATCH),
    st.integers(1, 12),
    st.integers(1, 7),
    st.integers(0, 3),
    st.integers(1, 3),
    st.integers(1, 200),
    st.integers(1, 3),
    st.integers(8, 32),
)
def test_random_settings_against_torch(batch, filters, size, pad, stride, hidden, channels, side):
    assert len(check(ModuleSetup(batch=batch), CourseNet())) == 3
    try:
        spec = SimpleConvSpec((channels, side, side), filters, size, pad, stride, hidden)
    except SpecError:
        return  # a setting the book's code cannot take: the lesson refuses it
    check(ModuleSetup("simple", simple=spec), simple_torch(spec), book=True)
    check(ModuleSetup("simple", view="params", simple=spec), simple_torch(spec))


@pytest.mark.parametrize("name", ZOO)
def test_a_students_file(tmp_path, name):
    """Questions about a file hold for the file: its rows come from torch's hooks (the child's code, run here)."""
    text, shape, args = ZOO[name]
    path = tmp_path / f"quiz_{name}.py"
    path.write_text(text)
    spec = FileSpec(str(path), "Net", shape, batch=2, args=args)
    load = load_from_json(spec, json.loads(json.dumps(answer(spec.request()))))
    namespace: dict = {}
    exec(compile(text, "zoo", "exec"), namespace)  # our own test text
    positional, keywords = call_arguments(args)
    with torch.device("meta"):
        model = namespace["Net"](*positional, **keywords)
    setup = ModuleSetup("file", own=OwnNet(spec, load, load))
    assert len(check(setup, model)) >= 1
    in_params = ModuleSetup("file", view="params", own=OwnNet(spec, load, load))
    assert questions(in_params, module_trace(setup)) == ()  # the file's trace steps through calls only
