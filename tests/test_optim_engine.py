"""engine.optim against torch.optim and autograd: gradients, whole paths, single updates, the loop, errors, the plot."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_errors import spec_error

from engine.errors import SpecError
from engine.optim import BOOK_COMPARISON, KINDS, OptimizerSetting, PathSpec, path_trace
from engine.optim_check import (
    NEAR,
    difference,
    spec_from_json,
    spec_to_json,
    torch_free_delta,
    torch_loop_delta,
    torch_optimizer,
    torch_surface,
    torch_update_delta,
)
from engine.optim_loop import LoopSpec, loop_trace
from engine.optim_plot import contour_rows
from engine.optim_setup import LR_LADDER, OptimSetup, format_optimizers, ladder_step, parse_optimizers
from engine.optim_surfaces import SURFACES, gradient
from engine.verify import serve

FAST = settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
TORCH_RUNS = settings(FAST, max_examples=25)


def torch_path(surface: str, setting: OptimizerSetting, start, steps: int) -> np.ndarray:
    """The positions torch.optim visits, free-running, as the course would write it."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = torch_optimizer(setting, [p])
    positions = [p.detach().numpy().copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        torch_surface(surface, p).backward()
        optimizer.step()
        positions.append(p.detach().numpy().copy())
    return np.array(positions)


def settings_strategy():
    return st.builds(
        OptimizerSetting,
        st.sampled_from(KINDS),
        st.floats(1e-3, 3.0),
        st.floats(0.0, 0.99),
    )


@FAST
@given(st.sampled_from(list(SURFACES)), st.floats(-1e3, 1e3), st.floats(-1e3, 1e3))
def test_gradient_is_autograds_to_the_last_bit(surface, x, y):
    p = torch.tensor([x, y], dtype=torch.float64, requires_grad=True)
    torch_surface(surface, p).backward()
    assert gradient(surface, np.array([x, y])).tolist() == p.grad.tolist()


@TORCH_RUNS
@given(
    st.sampled_from(list(SURFACES)),
    settings_strategy(),
    st.tuples(st.floats(-4, 4), st.floats(-4, 4)),
    st.integers(1, 40),
)
def test_paths_follow_torch_optim_on_random_settings(surface, setting, start, steps):
    """Free-running, as a student would run torch; compared while the path is within NEAR of the origin
    (beyond, an exploding run multiplies the last bit in which CPUs differ, see optim_check)."""
    spec = PathSpec(surface, (setting,), start, steps)
    path = path_trace(spec).paths[0]
    expected = torch_path(surface, setting, start, steps)
    with np.errstate(invalid="ignore"):
        near = np.isfinite(expected).all(axis=1) & (np.abs(expected).max(axis=1) < NEAR)
    last = int(np.argmin(near)) if not near.all() else len(near)
    for mine, theirs in zip(path.positions[:last].ravel(), expected[:last].ravel()):
        assert difference(float(mine), float(theirs)) <= 1e-9
    assert torch_free_delta(spec, path) <= 1e-9


@TORCH_RUNS
@given(
    st.sampled_from(list(SURFACES)),
    settings_strategy(),
    st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)),
    st.integers(1, 25),
)
def test_every_update_and_state_is_torchs_from_the_same_state(surface, setting, start, steps):
    """The checker's own measure, on exploding runs too: each update redone by torch.optim agrees to rounding."""
    spec = PathSpec(surface, (setting,), start, steps)
    assert torch_update_delta(spec, path_trace(spec).paths[0]) <= 1e-12


def test_the_books_comparison_is_torchs_path_to_the_last_digits():
    trace = path_trace(PathSpec())
    for path in trace.paths:
        expected = torch_path("book", path.setting, (-7.0, 2.0), 30)
        np.testing.assert_allclose(path.positions, expected, rtol=1e-13, atol=1e-15)
    first = [path.positions[1].tolist() for path in trace.paths]
    # SGD and momentum's first update are x − η·g; AdaGrad's and Adam's move each coordinate by η·sign(g)
    assert first[0] == pytest.approx([-6.335, -1.8]) and first[1] == pytest.approx([-6.93, 1.6])
    assert first[2] == pytest.approx([-5.5, 0.5]) and first[3] == pytest.approx([-6.7, 1.7])


def test_torch_keeps_the_state_the_steps_show():
    """Momentum's b (g itself at first), AdaGrad's h and Adam's m, v are torch's state after each update."""
    spec = PathSpec(steps=3)
    for path in path_trace(spec).paths:
        p = torch.tensor([-7.0, 2.0], dtype=torch.float64, requires_grad=True)
        optimizer = torch_optimizer(path.setting, [p])
        for step in path.steps[1:]:
            optimizer.zero_grad()
            torch_surface("book", p).backward()
            optimizer.step()
            state = optimizer.state[p]
            names = {"buffer": "momentum_buffer", "sum": "sum", "m": "exp_avg", "v": "exp_avg_sq"}
            for name, torch_name in names.items():
                if name in step.state:
                    assert step.state[name] == pytest.approx(tuple(state[torch_name].tolist()), rel=1e-14)
    momentum = path_trace(spec).paths[1]
    assert momentum.steps[1].state["buffer"] == momentum.steps[1].grad
    assert "buffer_before" not in momentum.steps[1].state and "buffer_before" in momentum.steps[2].state


def test_a_diverging_run_overflows_then_turns_nan_as_in_torch():
    setting = OptimizerSetting("sgd", 0.95)
    path = path_trace(PathSpec("rosenbrock", (setting,), steps=30)).paths[0]
    broken, nan = path.first_nonfinite(), path.first_nan()
    assert broken is not None and nan is not None and broken <= nan
    expected = torch_path("rosenbrock", setting, (-1.2, 1.0), 30)
    assert (np.isnan(expected) == np.isnan(path.positions)).all()
    assert (np.isinf(expected) == np.isinf(path.positions)).all()
    assert np.isnan(path.values[-1]) and path.first_outside(SURFACES["rosenbrock"].window) < broken


def test_a_path_that_leaves_the_plot_and_comes_back_is_off_it_only_meanwhile():
    path = path_trace(PathSpec("bowl", (OptimizerSetting("momentum", 1.5),), steps=60)).paths[0]
    inside = path.inside(SURFACES["bowl"].window)
    assert not inside.all() and inside[-1]  # momentum at η = 1.5 swings off the plot and back, several times
    for index in range(61):
        since = path.outside_since(SURFACES["bowl"].window, index)
        assert (since is None) == bool(inside[index])
        if since is not None:
            assert not inside[since : index + 1].any() and (since == 0 or inside[since - 1])


def test_sgd_beyond_two_over_the_curvature_grows_each_update_by_the_factor():
    path = path_trace(PathSpec(optimizers=(OptimizerSetting("sgd", 1.05),), steps=40)).paths[0]
    ys = path.positions[:, 1]
    np.testing.assert_allclose(ys[1:] / ys[:-1], 1 - 1.05 * 2)
    assert path.first_outside(SURFACES["book"].window) is not None and path.first_nonfinite() is None


@pytest.mark.parametrize(
    "make, optimizer",
    [
        (lambda: OptimizerSetting("sgd", -0.5), lambda p: torch.optim.SGD(p, lr=-0.5)),
        (lambda: OptimizerSetting("adam", -2.0), lambda p: torch.optim.Adam(p, lr=-2.0)),
        (lambda: OptimizerSetting("adagrad", -1.0), lambda p: torch.optim.Adagrad(p, lr=-1.0)),
        (lambda: OptimizerSetting("momentum", 0.1, -0.9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=-0.9)),
    ],
)
def test_refusals_quote_torchs_words(make, optimizer):
    with pytest.raises(ValueError) as refused:
        optimizer([torch.zeros(2, requires_grad=True)])
    assert spec_error(make).torch_message == str(refused.value)


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: OptimizerSetting("rmsprop", 0.1), "optim_unknown_kind"),
        (lambda: OptimizerSetting("sgd", math.inf), "not_finite"),
        (lambda: PathSpec(optimizers=BOOK_COMPARISON * 2), "optim_optimizer_count"),
        (lambda: PathSpec(steps=0), "optim_steps_range"),
        (lambda: PathSpec(start=(1e7, 0.0)), "optim_start_range"),
        (lambda: PathSpec(surface="himmelblau"), "optim_unknown_surface"),
        (lambda: parse_optimizers("sgd 0.1 0.9"), "optim_too_many_numbers"),
        (lambda: parse_optimizers("adam x"), "not_a_number"),
        (lambda: parse_optimizers(" , "), "optim_optimizer_count"),
        (lambda: OptimSetup().with_momentum_step(0, 1), "optim_momentum_only"),
        (lambda: LoopSpec(iterations=0), "optim_iterations_range"),
    ],
)
def test_impossible_settings_are_refused_with_a_reason(make, code):
    assert spec_error(make).code == code


@given(st.lists(settings_strategy(), min_size=1, max_size=4))
@settings(max_examples=50, deadline=None, derandomize=True)
def test_the_dialogs_text_reads_back_to_the_same_optimizers(chosen):
    assert parse_optimizers(format_optimizers(tuple(chosen))) == tuple(chosen)


TYPED = st.lists(st.sampled_from([*"0123456789 ,;.-+eEnaifx", "sgd", "adam", "momentum", "adagrad"]), max_size=20).map(
    "".join
)


@given(TYPED, TYPED, TYPED, TYPED)
@settings(max_examples=100, deadline=None, derandomize=True)
def test_anything_typed_in_the_dialogs_is_a_setup_or_a_reason(optimizers, start, steps, lr):
    """The dialogs' texts never raise anything but SpecError (which the dialog shows), whatever is typed."""
    for make in (
        lambda: path_trace(OptimSetup().with_texts(optimizers, start, steps).paths),
        lambda: loop_trace(OptimSetup().with_loop_texts(lr, steps).loop),
    ):
        try:
            make()
        except SpecError as error:
            assert error.code


def test_the_learning_rate_ladder_passes_the_books_values_and_stops_at_its_ends():
    assert {0.95, 0.1, 1.5, 0.3} <= set(LR_LADDER)
    assert ladder_step(LR_LADDER, 0.95, 1) == 1.0 and ladder_step(LR_LADDER, 0.95, -1) == 0.5
    assert ladder_step(LR_LADDER, 0.2, 1) == 0.3 and ladder_step(LR_LADDER, LR_LADDER[-1], 1) == LR_LADDER[-1]


@given(st.floats(0.001, 0.05), st.integers(1, 6), st.booleans())
@settings(max_examples=30, deadline=None, derandomize=True)
def test_the_loop_is_torchs_line_by_line(lr, iterations, zero_grad):
    assert torch_loop_delta(LoopSpec(lr, iterations, zero_grad)) <= 1e-12


def test_without_zero_grad_backward_adds_the_new_gradient_to_the_old():
    kept = loop_trace(LoopSpec(zero_grad=False)).steps
    cleared = loop_trace(LoopSpec()).steps
    second = next(s for s in kept if (s.iteration, s.line) == (2, "backward"))
    assert second.weight_grad == second.before_weight_grad + second.fresh_weight_grad
    assert second.before_weight_grad == -27.5 and cleared[4].weight_grad == -27.5  # iteration 1: the same
    assert next(s for s in cleared if (s.iteration, s.line) == (2, "zero_grad")).weight_grad is None
    assert torch_loop_delta(LoopSpec(zero_grad=False)) <= 1e-12 and torch_loop_delta(LoopSpec()) <= 1e-12


def test_without_zero_grad_the_step_says_what_this_batch_alone_would_give():
    step = next(s for s in loop_trace(LoopSpec(zero_grad=False)).steps if (s.iteration, s.line) == (2, "step"))
    net = torch.nn.Linear(1, 1).double()
    with torch.no_grad():
        net.weight.fill_(step.before_weight)
        net.bias.fill_(step.before_bias)
    x = torch.arange(1.0, 5.0, dtype=torch.float64)[:, None]
    torch.nn.functional.mse_loss(net(x), 2 * x + 1).backward()
    assert (step.fresh_weight_grad, step.fresh_bias_grad) == pytest.approx(
        (net.weight.grad.item(), net.bias.grad.item())
    )
    assert step.cleared_weight == pytest.approx(step.before_weight - 0.02 * net.weight.grad.item())
    assert loop_trace(LoopSpec()).steps[5].cleared_weight is None


def test_the_plot_numbers_each_head_and_marks_the_focus():
    trace = path_trace(PathSpec())
    numbered = list(enumerate(trace.paths, start=1))
    rows = contour_rows("book", numbered, 30, 2, 40, 10)
    assert len(rows) == 10 and all(sum(len(text) for text, _ in row) == 40 for row in rows)
    heads = {text: styles for row in rows for text, styles in row if "head" in styles.split()}
    assert "current" in heads["2"].split() and "+" in [text for row in rows for text, _ in row]
    assert all(
        set(text) <= {" "} | {chr(c) for c in range(0x2800, 0x2900)} | set("1234+") for row in rows for text, _ in row
    )


def test_a_head_off_the_plot_is_clamped_to_its_edge_and_a_nan_path_has_none():
    far = path_trace(PathSpec(optimizers=(OptimizerSetting("sgd", 1.05),), steps=40)).paths[0]
    rows = contour_rows("book", [(1, far)], 40, 1, 30, 8)
    assert [styles for row in rows for text, styles in row if text == "1"] == ["path1 head current off"]
    broken = path_trace(PathSpec("rosenbrock", (OptimizerSetting("sgd", 0.95),))).paths[0]
    assert "1" not in [text for row in contour_rows("rosenbrock", [(1, broken)], 30, 1, 30, 8) for text, _ in row]


@pytest.mark.parametrize("spec", [PathSpec("saddle", BOOK_COMPARISON[1:3], (-3.0, 0.5), 12), LoopSpec(0.05, 4, False)])
def test_the_checker_child_answers_through_json(spec):
    assert spec_from_json(json.loads(json.dumps(spec_to_json(spec)))) == spec
    replies = io.StringIO()
    serve(io.StringIO(json.dumps({"id": 1, "lesson": "optim", "spec": spec_to_json(spec)}) + "\n"), replies)
    assert json.loads(replies.getvalue())["delta"] <= 1e-12
