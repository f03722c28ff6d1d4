"""Backpropagation questions: each answer against torch's autograd on the same graph built here, at every preset and random inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from quiz_bank_support import assert_marks, assert_words

from engine.autograd_presets import B1, B2, PRESETS, W1, W2, AutogradSpec
from engine.autograd_quiz import OUTCOMES, questions
from engine.autograd_trace import autograd_trace
from engine.quiz import asked_before, mark
from tui.lessons import lesson


def tensor(value) -> torch.Tensor:
    return torch.tensor(np.asarray(value, dtype=np.float64), requires_grad=True)


def torch_graph(spec: AutogradSpec) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor | None]:
    """Every named value of the preset's graph in torch (non-leaves keep their .grad), the output, and backward's v."""
    if spec.preset == "apples":
        named = {"apple": tensor(spec.apple), "count": tensor(spec.count), "tax": tensor(spec.tax)}
        named["cost"] = named["apple"] * named["count"]
        named["price"] = named["cost"] * named["tax"]
        out, v = named["price"], None
    elif spec.preset == "twolayer":
        named = {"x": tensor(spec.x), "W1": tensor(W1), "b1": tensor(B1), "W2": tensor(W2), "b2": tensor(B2)}
        named["h"] = named["x"] @ named["W1"] + named["b1"]
        named["r"] = torch.relu(named["h"])
        named["s"] = named["r"] @ named["W2"] + named["b2"]
        named["L"] = F.cross_entropy(named["s"], torch.tensor([spec.target]))
        out, v = named["L"], None
    else:
        named = {"x": tensor(spec.x)}
        named["y"] = named["x"] + 2
        named["u"] = named["y"] * named["y"]
        named["z"] = named["u"] * 3
        if spec.preset == "vector":
            out, v = named["z"], torch.tensor(spec.v)
        else:
            named["out"] = named["z"].mean()
            out, v = named["out"], None
    for value in named.values():
        if not value.is_leaf:
            value.retain_grad()
    return named, out, v


def first(value: torch.Tensor) -> float:
    return value.detach().reshape(-1)[0].item()


def check(spec: AutogradSpec) -> tuple:
    trace = autograd_trace(spec)
    asked = questions(spec, trace)
    assert asked == asked_before(asked, trace.step_count)
    named, out, v = torch_graph(spec)
    for question in asked:
        if question.id in ("forward", "output"):
            name = str(question.params["label"]).split("[")[0]
            assert question.answer == pytest.approx(first(named[name]), rel=1e-9, abs=1e-12)
            if question.id == "output":
                assert named[name] is out
        elif question.id in ("leaf_grad", "intermediate", "accumulated"):
            named, out, v = torch_graph(spec)
            out.backward(v, retain_graph=True)
            if question.id == "accumulated":
                out.backward(v)
            name = question.params.get("name", "x")
            assert question.answer == pytest.approx(first(named[name].grad), rel=1e-9, abs=1e-12)
        else:
            if spec.preset == "nograd":
                with torch.no_grad():
                    _, out, v = torch_graph(AutogradSpec(x=spec.x))
            elif spec.preset == "twice":
                named, out, v = torch_graph(spec)
                out.backward(retain_graph=True)
                out.backward()
            with pytest.raises(RuntimeError):
                out.backward()
            assert OUTCOMES[question.answer] == "raises"
        assert_marks(question)
        assert_words(question)
    return asked


def test_course_asks_forward_output_two_gradients():
    asked = check(AutogradSpec())
    assert [(q.id, q.step) for q in asked] == [("forward", 1), ("output", 4), ("intermediate", 8), ("leaf_grad", 9)]
    assert mark(asked[3], "4.5").correct and mark(asked[3], "9/2").correct and not mark(asked[3], "4").correct


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_asks_three_true_questions(preset):
    assert len(check(AutogradSpec(preset=preset))) >= 3


values = st.floats(-5, 5, allow_nan=False).map(lambda value: round(value, 2))


@st.composite
def specs(draw):
    preset = draw(st.sampled_from(PRESETS))
    if preset == "apples":
        return AutogradSpec(preset, apple=draw(values), count=draw(values), tax=draw(values))
    if preset == "twolayer":
        return AutogradSpec(preset, x=np.array([draw(values), draw(values)]), target=draw(st.integers(0, 2)))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    x = np.array([[draw(values) for _ in range(shape[1])] for _ in range(shape[0])])
    gradient = (
        np.array([[draw(values) for _ in range(shape[1])] for _ in range(shape[0])]) if draw(st.booleans()) else None
    )
    return AutogradSpec(preset, x=x, gradient=gradient if preset == "vector" else None)


@settings(max_examples=50, deadline=None)
@given(specs())
def test_random_inputs_answers_match_torch(spec):
    check(spec)


def test_the_lesson_registry_finds_this_bank():
    assert lesson("autograd").quiz.questions is questions
