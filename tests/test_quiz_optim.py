"""The optimizer lesson's questions against torch: autograd's gradient and Hessian, torch.optim's steps, and
the course's loop on nn.Linear(1, 1) with nn.MSELoss."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.optim import KINDS, OptimizerSetting, PathSpec, path_trace
from engine.optim_loop import LoopSpec, loop_trace
from engine.optim_quiz import questions
from engine.optim_setup import LOOP, OptimSetup
from engine.optim_surfaces import SURFACES
from engine.quiz import AnswerError, asked_before, mark
from tui.i18n import t

FUNCTIONS = {
    "book": lambda p: p[0] ** 2 / 20 + p[1] ** 2,
    "bowl": lambda p: p[0] ** 2 + p[1] ** 2,
    "saddle": lambda p: p[0] ** 2 - p[1] ** 2,
    "rosenbrock": lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2,
}


def torch_optimizer(setting: OptimizerSetting, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    if setting.kind == "sgd":
        return torch.optim.SGD(params, lr=setting.lr)
    if setting.kind == "momentum":
        return torch.optim.SGD(params, lr=setting.lr, momentum=setting.momentum)
    if setting.kind == "adagrad":
        return torch.optim.Adagrad(params, lr=setting.lr)
    return torch.optim.Adam(params, lr=setting.lr)


def torch_path(spec: PathSpec, setting: OptimizerSetting) -> tuple[list[list[float]], float]:
    """Every position after each update, and f at the last one."""
    point = torch.tensor(spec.origin, dtype=torch.float64, requires_grad=True)
    optimizer = torch_optimizer(setting, [point])
    positions = [point.tolist()]
    for _ in range(spec.steps):
        optimizer.zero_grad()
        FUNCTIONS[spec.surface](point).backward()
        optimizer.step()
        positions.append(point.tolist())
    with torch.no_grad():
        return positions, float(FUNCTIONS[spec.surface](point))


def typed(value: float) -> str:
    return repr(float(value))


def check_paths(setup: OptimSetup) -> int:
    spec = setup.paths
    asked = questions(setup, path_trace(spec))
    assert len(asked_before(asked, spec.steps + 1)) == len(asked)
    first_positions, _ = torch_path(spec, spec.optimizers[0])
    for question in asked:
        if question.id == "gradient":
            start = torch.tensor(spec.origin, dtype=torch.float64, requires_grad=True)
            FUNCTIONS[spec.surface](start).backward()
            expected = float(start.grad[0])
        elif question.id == "position":
            expected = first_positions[2][0]
        elif question.id == "diverge":
            start = torch.tensor(spec.origin, dtype=torch.float64)
            hessian = torch.autograd.functional.hessian(FUNCTIONS[spec.surface], start)
            point = torch.tensor(SURFACES[spec.surface].point, dtype=torch.float64)
            sizes = [
                abs(1 - spec.optimizers[0].lr * float(hessian[axis, axis]))
                for axis in range(2)
                if start[axis] != point[axis]
            ]
            expected = 0 if max(sizes) < 1 else 1 if max(sizes) > 1 else 2
        else:
            finals = [torch_path(spec, setting)[1] for setting in spec.optimizers]
            finals = [math.inf if math.isnan(f) else f for f in finals]
            expected = finals.index(min(finals))
        if question.kind == "number":
            right, wrong = typed(expected), typed(expected + 2 * question.tolerance + 1)
        else:
            right, wrong = str(expected + 1), str((expected + 1) % len(question.choices) + 1)
        assert mark(question, right).correct, (question, right)
        assert not mark(question, wrong).correct, (question, wrong)
        assert t(question.key, **question.params) and t(question.why_key, **question.params)
    return len(asked)


def torch_loop(spec: LoopSpec) -> dict[str, float]:
    """The course's loop: loss, ∂L/∂w and w of iteration 1, and w.grad after iteration 2's backward()."""
    net = torch.nn.Linear(1, 1).double()
    with torch.no_grad():
        net.weight.fill_(0.5)
        net.bias.fill_(0.0)
    inputs = torch.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=torch.float64)
    labels = torch.tensor([[3.0], [5.0], [7.0], [9.0]], dtype=torch.float64)
    optimizer = torch.optim.SGD(net.parameters(), lr=spec.lr)
    seen: dict[str, float] = {}
    for iteration in (1, 2):
        if spec.zero_grad:
            optimizer.zero_grad()
        loss = torch.nn.MSELoss()(net(inputs), labels)
        loss.backward()
        if iteration == 1:
            seen.update(loss=loss.item(), weight_grad=net.weight.grad.item())
        else:
            seen["grad_again"] = float(net.weight.grad)
        optimizer.step()
        if iteration == 1:
            seen["weight"] = net.weight.item()
    seen["grad_again_accumulated"] = seen["grad_again"]
    return seen


def check_loop(spec: LoopSpec) -> int:
    setup = OptimSetup(page=LOOP, loop=spec)
    trace = loop_trace(spec)
    asked = questions(setup, trace)
    assert len(asked_before(asked, trace.step_count)) == len(asked)
    expected = torch_loop(spec)
    for question in asked:
        value = expected[question.id]
        assert mark(question, typed(value)).correct, (question, value)
        assert not mark(question, typed(value + 2 * question.tolerance + 1)).correct
        assert t(question.key, **question.params) and t(question.why_key, **question.params)
    return len(asked)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_surface_with_the_books_optimizers(surface: str) -> None:
    assert check_paths(OptimSetup(paths=PathSpec(surface=surface))) >= 3


@pytest.mark.parametrize("zero_grad", [True, False])
def test_the_loop_page(zero_grad: bool) -> None:
    assert check_loop(LoopSpec(zero_grad=zero_grad)) == 4


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    surface=st.sampled_from(list(SURFACES)),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=4),
    rates=st.lists(st.sampled_from([0.0, 0.01, 0.1, 0.5, 0.95, 1.0, 1.05, 3.0]), min_size=4, max_size=4),
    start=st.tuples(st.integers(-5, 5), st.integers(-3, 3)),
    steps=st.integers(1, 12),
)
def test_any_paths(surface: str, kinds: list[str], rates: list[float], start: tuple[int, int], steps: int) -> None:
    settings_ = tuple(OptimizerSetting(kind, rate) for kind, rate in zip(kinds, rates))
    check_paths(OptimSetup(paths=PathSpec(surface, settings_, (float(start[0]), float(start[1])), steps)))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(lr=st.floats(0.0, 0.2), iterations=st.integers(1, 4), zero_grad=st.booleans())
def test_any_loop(lr: float, iterations: int, zero_grad: bool) -> None:
    check_loop(LoopSpec(lr, iterations, zero_grad))


def test_an_overflowing_answer_is_left_out() -> None:
    setup = OptimSetup(paths=PathSpec("rosenbrock", (OptimizerSetting("sgd", 1e90),), (1e6, 1e6), steps=3))
    assert math.isinf(path_trace(setup.paths).paths[0].positions[2][0])
    assert "position" not in {question.id for question in questions(setup, path_trace(setup.paths))}


def test_malformed_answers_are_refused() -> None:
    gradient, _, diverge, _ = questions(OptimSetup(), path_trace(PathSpec()))
    with pytest.raises(AnswerError):
        mark(gradient, "minus 0.7")
    with pytest.raises(AnswerError):
        mark(diverge, "4")
