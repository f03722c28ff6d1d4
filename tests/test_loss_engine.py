"""engine.loss and engine.loss_curve against torch.nn.MSELoss, CrossEntropyLoss and autograd; every invalid spec refused."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import SpecError
from engine.loss import (
    CLASSES,
    COURSE_Y,
    CURVE,
    DELTA,
    TERM,
    TOTAL,
    LossSpec,
    loss_trace,
    parse_class,
    parse_y,
)
from engine.loss_check import spec_from_json, spec_to_json, torch_max_delta
from engine.loss_curve import (
    BIAS,
    CURSOR_STRIDE,
    LABELS,
    POINTS,
    accuracy,
    accuracy_curve,
    accuracy_slope,
)
from engine.verify import serve


def torch_numbers(y, target):
    yt = torch.tensor(y, dtype=torch.float64)
    t = torch.nn.functional.one_hot(torch.tensor(target), len(y)).double()
    return {
        "mse": torch.nn.MSELoss(reduction="sum")(yt, t).item() / 2,
        "mean": torch.nn.MSELoss()(yt, t).item(),
        "ce": -(t * torch.log(yt + 1e-7)).sum().item(),
        "logits": torch.nn.CrossEntropyLoss()(torch.log(yt + 1e-7)[None], torch.tensor([target])).item(),
    }


def test_the_courses_example():
    trace = loss_trace(LossSpec())
    assert trace.spec.y == COURSE_Y and trace.spec.target == 2 and trace.spec.t[2] == 1 and sum(trace.spec.t) == 1
    assert math.isclose(trace.mse, 0.0975) and math.isclose(trace.ce, -math.log(0.6 + 1e-7))
    assert (
        math.isclose(trace.mse_mean, 0.0195) and trace.mse_factor == 5 and math.isclose(trace.mse_mean * 5, trace.mse)
    )
    assert trace.sums_to_one and trace.predicted == 2
    assert trace.terms[2].mse_text == "½(0.6 − 1)² = 0.08" and trace.terms[2].ce_text == "−1·log(0.6 + 1e-7) = 0.5108"
    assert trace.terms[0].ce_text == "−0·log(0.1 + 1e-7) = 0" and math.copysign(1, trace.terms[0].cross) == 1  # no −0
    assert math.isclose(trace.log_sum, math.log(1 + CLASSES * DELTA)) and math.isclose(
        trace.ce_logits - trace.ce, trace.log_sum
    )


def test_steps_walk_the_terms_then_the_totals_then_the_curve():
    trace = loss_trace(LossSpec())
    kinds = [trace.step(i).kind for i in range(trace.step_count)]
    assert kinds == [TERM] * CLASSES + [TOTAL] + [CURVE] * len(trace.curve.stops)
    assert trace.step(-5).index == 0 and trace.step(10**6).index == trace.step_count - 1
    running = [term.mse_so_far for term in trace.terms]
    assert running == sorted(running) and math.isclose(running[-1], trace.mse)
    stop = trace.step(trace.curve_start + 3)
    assert stop.stop == 3 and stop.point == trace.curve.stops[3] and trace.curve.stop_index(3) == 3 * CURSOR_STRIDE


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    y=st.lists(st.floats(0, 5, allow_subnormal=False), min_size=CLASSES, max_size=CLASSES),
    target=st.integers(0, CLASSES - 1),
)
def test_every_total_matches_torch(y, target):
    trace = loss_trace(LossSpec(tuple(y), target))
    expected = torch_numbers(y, target)
    assert math.isclose(trace.mse, expected["mse"], rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(trace.mse_mean, expected["mean"], rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(trace.ce, expected["ce"], rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(trace.ce_logits, expected["logits"], rel_tol=1e-12, abs_tol=1e-12)
    assert trace.sums_to_one == (abs(math.fsum(y) - 1) <= 1e-9)
    assert trace.predicted == int(np.argmax(y))


def test_the_curve_matches_torchs_cross_entropy_accuracy_and_autograd_slope():
    curve = accuracy_curve()
    w = torch.tensor(curve.ws, requires_grad=True)
    z = w[:, None] * torch.tensor(POINTS, dtype=torch.float64) + BIAS
    logits = torch.stack([torch.zeros_like(z), z], dim=-1)
    labels = torch.tensor(LABELS)
    losses = torch.stack([torch.nn.functional.cross_entropy(row, labels) for row in logits])
    (slopes,) = torch.autograd.grad(losses.sum(), w)
    np.testing.assert_allclose(curve.losses, losses.detach().numpy(), rtol=1e-13)
    np.testing.assert_array_equal(curve.accuracies, (logits.argmax(-1) == labels).double().mean(-1).numpy())
    np.testing.assert_allclose(
        [p.loss_slope for p in curve.stops],
        slopes.numpy()[::CURSOR_STRIDE],
        rtol=1e-12,
        atol=1e-15,
    )
    assert curve.loss_high == math.ceil(curve.losses.max())


def test_accuracy_is_a_staircase_with_zero_slope_off_its_jumps():
    curve = accuracy_curve()
    changes = np.nonzero(np.diff(curve.accuracies))[0]
    assert len(changes) == len(POINTS)  # one step per point crossing the boundary
    for index in changes:  # each change lies between two samples around a jump −b/x
        assert any(curve.ws[index] < jump < curve.ws[index + 1] for jump in curve.jumps)
    assert all(point.accuracy_slope == 0 for point in curve.stops)
    assert all(point.loss_slope != 0 for point in curve.stops)
    assert abs(accuracy_slope(curve.jumps[0])) > 1e3  # at a jump the difference quotient blows up
    assert [p.correct for p in curve.stops] == [round(float(accuracy(p.w)) * len(POINTS)) for p in curve.stops]


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: LossSpec((0.5, 0.5)), "loss_length"),
        (lambda: LossSpec(COURSE_Y + (0.0,)), "loss_length"),
        (lambda: LossSpec((-0.1,) + COURSE_Y[1:]), "loss_negative"),
        (lambda: LossSpec((float("nan"),) + COURSE_Y[1:]), "not_finite"),
        (lambda: LossSpec(COURSE_Y, 10), "loss_class_range"),
        (lambda: LossSpec(COURSE_Y, -1), "loss_class_range"),
        (lambda: LossSpec(COURSE_Y, 1.5), "not_an_integer"),
        (lambda: LossSpec(COURSE_Y, True), "not_an_integer"),
        (lambda: parse_y("0.1 zero"), "not_a_number"),
        (lambda: parse_y("0.1 inf"), "not_finite"),
        (lambda: parse_class("two"), "not_an_integer"),
    ],
)
def test_invalid_specs_are_refused_with_a_reason(make, code):
    with pytest.raises(SpecError) as caught:
        make()
    assert caught.value.code == code


def test_parse_y_accepts_python_lists_and_commas():
    assert parse_y("[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]") == COURSE_Y
    assert parse_class(" 7 ") == 7
    assert not loss_trace(LossSpec((1.0,) * CLASSES, 0)).sums_to_one


def test_the_child_process_protocol_round_trips_and_agrees():
    spec = LossSpec((0.3, 0, 0, 0.2, 0, 0, 0.5, 0, 0, 0), 6)
    assert spec_from_json(json.loads(json.dumps(spec_to_json(spec)))) == spec
    replies = io.StringIO()
    serve(
        io.StringIO(json.dumps({"id": 1, "lesson": "loss", "spec": spec_to_json(spec)}) + "\n"),
        replies,
    )
    reply = json.loads(replies.getvalue())
    assert reply["id"] == 1 and reply["delta"] <= 1e-12
    assert torch_max_delta(LossSpec()) <= 1e-12
