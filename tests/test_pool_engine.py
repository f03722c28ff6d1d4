"""engine.pool against torch.nn.functional.max_pool2d / avg_pool2d and autograd: outputs, steps, gradients, errors."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.errors import SpecError
from engine.matrix import parse_matrix
from engine.pool import (
    MAX_WINDOW,
    MODES,
    PoolSpec,
    conv_parameters,
    fmt_cell,
    pool_trace,
)
from engine.pool_check import spec_from_json, spec_to_json, torch_max_delta
from engine.pool_setup import MAX_SHIFT, PoolSetup, shifted
from engine.verify import serve


def torch_pool(image, mode="max", kernel_size=2, stride=None, padding=0, upstream=None):
    """torch on one (1, H, W) image in float64; min is −max_pool2d(−x). Raises what torch raises."""
    x = torch.as_tensor(np.asarray(image, dtype=np.float64))[None].requires_grad_(upstream is not None)
    options = dict(kernel_size=kernel_size, stride=stride, padding=padding)
    if mode == "avg":
        out = F.avg_pool2d(x, **options)
    elif mode == "max":
        out = F.max_pool2d(x, **options)
    else:
        out = -F.max_pool2d(-x, **options)
    if upstream is None:
        return out[0].detach().numpy()
    out.backward(torch.tensor(np.asarray(upstream, dtype=np.float64))[None])
    return out[0].detach().numpy(), x.grad[0].numpy()


def torch_error(image, **options) -> str:
    with pytest.raises(RuntimeError) as info:
        torch_pool(image, **options)
    return str(info.value)


def _random_image(draw, h: int, w: int) -> np.ndarray:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):  # small integers, as in the lesson: ties happen
        return rng.integers(-3, 10, size=(h, w)).astype(np.float64)
    return rng.uniform(-10, 10, size=(h, w))


@st.composite
def valid_cases(draw):
    """Settings torch accepts: K ≥ 1, S ≥ 1 or auto, P ≤ K/2, and an input the window fits in."""
    k = draw(st.integers(1, 6))
    options = dict(
        mode=draw(st.sampled_from(MODES)),
        kernel_size=k,
        stride=draw(st.one_of(st.none(), st.integers(1, 4))),
        padding=draw(st.integers(0, k // 2)),
    )
    smallest = max(1, k - 2 * options["padding"])
    return _random_image(draw, draw(st.integers(smallest, 10)), draw(st.integers(smallest, 10))), options


@st.composite
def any_cases(draw):
    """Anything near the edges, including what torch rejects: zero or negative numbers, big padding, big windows."""
    options = dict(
        mode=draw(st.sampled_from(MODES)),
        kernel_size=draw(st.integers(-1, 6)),
        stride=draw(st.one_of(st.none(), st.integers(-1, 4))),
        padding=draw(st.integers(-1, 3)),
    )
    return _random_image(draw, draw(st.integers(1, 6)), draw(st.integers(1, 6))), options


@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(valid_cases())
def test_engine_matches_torch_and_autograd_on_random_specs(case):
    image, options = case
    trace = pool_trace(PoolSpec(image, **options))
    expected, grad = torch_pool(image, **options, upstream=trace.upstream)
    np.testing.assert_array_equal(trace.output, expected)
    np.testing.assert_array_equal(trace.input_grad(), grad)
    _check_steps(trace)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(any_cases())
def test_engine_accepts_what_torch_accepts_and_rejects_with_its_words(case):
    image, options = case
    try:
        expected = torch_pool(image, **options)
    except RuntimeError as error:
        event("torch rejects")
        with pytest.raises(SpecError) as info:
            PoolSpec(image, **options)
        assert info.value.torch_message == str(error)
        assert info.value.code.startswith("pool_")
        return
    event("torch accepts")
    np.testing.assert_array_equal(pool_trace(PoolSpec(image, **options)).output, expected)


def _check_steps(trace) -> None:
    """Each step's window, values, choice and text agree with the padded input and the output."""
    spec = trace.spec
    k, s, p = spec.kernel_size, spec.actual_stride, spec.padding
    pad_value = {"max": -np.inf, "avg": 0.0, "min": np.inf}[spec.mode]
    np.testing.assert_array_equal(trace.padded, np.pad(spec.input, p, constant_values=pad_value))
    for formula, size, out in zip(trace.formulas, spec.input.shape, trace.output.shape):
        assert formula.result == out
        assert formula.filled == f"⌊({size} + {2 * p} − {k}) / {s}⌋ + 1 = {out}"
    previous = np.zeros(trace.padded.shape)
    for index in range(trace.step_count):
        step = trace.step(index)
        assert (step.row, step.col) == divmod(index, trace.out_width)
        assert step.window == (
            step.row * s,
            step.col * s,
            step.row * s + k - 1,
            step.col * s + k - 1,
        )
        window = trace.padded[step.top : step.top + k, step.left : step.left + k]
        assert step.values == tuple(window.reshape(-1))
        assert step.value == trace.output[step.row, step.col]
        listed = ", ".join(fmt_cell(v) for v in step.values)
        if spec.mode == "avg":
            assert step.chosen_cell is None
            assert step.total / (k * k) == step.value
            assert step.reduction.startswith(f"avg({listed}) = ")
            assert step.reduction.endswith(f"/{k * k} = {fmt_cell(step.value)}")
        else:
            first = int(np.argmax(window) if spec.mode == "max" else np.argmin(window))
            assert step.chosen_cell == (step.top + first // k, step.left + first % k)
            assert trace.padded[step.chosen_cell] == step.value and np.isfinite(step.value)
            assert step.reduction == f"{spec.mode}({listed}) = {fmt_cell(step.value)}"
        grad, so_far = trace.grad_step(index), trace.padded_grad(index)
        added = so_far - previous
        assert set(zip(*np.nonzero(added))) <= set(grad.targets)
        for cell in grad.targets:
            assert added[cell] == pytest.approx(grad.share, abs=1e-12)
        previous = so_far
    np.testing.assert_array_equal(previous, trace.padded_grad())


def test_hand_examples_spell_out_the_reduction():
    image = parse_matrix("3 1 2 0; 4 1 5 9; 2 6 5 3; 5 8 9 7", "input")
    max_trace = pool_trace(PoolSpec(image, "max", 2))
    assert max_trace.step(0).equation == "out[0,0] = max(3, 1, 4, 1) = 4"
    assert max_trace.step(0).chosen_cell == (1, 0)
    avg_trace = pool_trace(PoolSpec(image, "avg", 2))
    assert avg_trace.step(0).equation == "out[0,0] = avg(3, 1, 4, 1) = 9/4 = 2.25"
    assert avg_trace.step(3).reduction == "avg(5, 3, 9, 7) = 24/4 = 6"
    min_trace = pool_trace(PoolSpec(image, "min", 2, padding=1))
    assert min_trace.step(0).equation == "out[0,0] = min(+∞, +∞, +∞, 3) = 3"
    assert pool_trace(PoolSpec(image, "max", 2, padding=1)).step(0).reduction == "max(−∞, −∞, −∞, 3) = 3"
    assert torch_pool(image, "avg", 2)[0, 0] == 2.25 and torch_pool(image, "max", 2)[0, 0] == 4


def test_output_size_formula_with_numbers_and_floor():
    trace = pool_trace(PoolSpec(np.ones((5, 7)), "max", 2))
    height, width = trace.formulas
    assert height.symbolic == "H_out = ⌊(H + 2P − K) / S⌋ + 1"
    assert height.filled == "⌊(5 + 0 − 2) / 2⌋ + 1 = 2" and width.filled == "⌊(7 + 0 − 2) / 2⌋ + 1 = 3"
    assert trace.output.shape == torch_pool(np.ones((5, 7)), "max", 2).shape == (2, 3)


def test_max_backward_routes_to_the_argmax_and_overlaps_add_up():
    image = parse_matrix("1 3 3 2; 3 0 1 3", "input")
    trace = pool_trace(PoolSpec(image, "max", 2, stride=1))
    np.testing.assert_array_equal(trace.upstream, [[1, 2, 3]])
    np.testing.assert_array_equal(trace.input_grad(), [[0, 3, 3, 0], [0, 0, 0, 0]])  # ties: first in reading order
    np.testing.assert_array_equal(trace.input_grad(), torch_pool(image, "max", 2, 1, upstream=trace.upstream)[1])
    assert trace.grad_step(1).target_label == "x[0,1]"
    np.testing.assert_array_equal(trace.input_grad(0), [[0, 1, 0, 0], [0, 0, 0, 0]])


def test_avg_backward_spreads_and_padding_shares_are_lost():
    trace = pool_trace(PoolSpec(np.ones((3, 3)), "avg", 2, padding=1))
    first = trace.grad_step(0)
    assert (first.upstream, first.share, len(first.targets), first.dropped) == (
        1,
        0.25,
        4,
        3,
    )
    _, grad = torch_pool(np.ones((3, 3)), "avg", 2, padding=1, upstream=trace.upstream)
    np.testing.assert_array_equal(trace.input_grad(), grad)
    assert trace.padded_grad().sum() == trace.upstream.sum()  # nothing is lost before the ring is cut off
    assert trace.input_grad().sum() < trace.upstream.sum()


def test_parameters_are_zero_next_to_a_conv_of_the_same_window():
    spec = PoolSpec(np.ones((6, 6)), "max", 3)
    conv = torch.nn.Conv2d(1, 1, 3)
    assert spec.parameters == 0 and sum(p.numel() for p in torch.nn.MaxPool2d(3).parameters()) == 0
    assert conv_parameters(3) == sum(p.numel() for p in conv.parameters()) == 10
    assert conv_parameters(2, 3, 4) == sum(p.numel() for p in torch.nn.Conv2d(3, 4, 2).parameters())


@pytest.mark.parametrize(
    "kernel_size, stride, relation",
    [(2, None, "tile_auto"), (3, 3, "tile"), (3, 2, "overlap"), (2, 3, "skip")],
)
def test_stride_relation(kernel_size, stride, relation):
    spec = PoolSpec(np.ones((6, 6)), "max", kernel_size, stride)
    assert spec.stride_relation == relation
    assert spec.stride_is_auto is (stride is None) and spec.actual_stride == (stride or kernel_size)


def _image():
    return np.arange(25.0).reshape(5, 5)


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize(
    "options, code, words",
    [
        (
            dict(kernel_size=3, stride=1, padding=2),
            "pool_padding_too_big",
            "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1",
        ),
        (dict(kernel_size=1, padding=1), "pool_padding_too_big", "kernel_size=1"),
        (
            dict(kernel_size=3, stride=0),
            "pool_stride_zero",
            "stride should not be zero",
        ),
        (
            dict(kernel_size=0),
            "pool_stride_zero",
            "stride should not be zero",
        ),  # stride auto = K = 0
        (
            dict(kernel_size=0, stride=1),
            "pool_kernel_not_positive",
            "kernel size should be greater than zero",
        ),
        (
            dict(kernel_size=3, stride=-1),
            "pool_stride_negative",
            "stride should be greater than zero",
        ),
        (
            dict(kernel_size=3, padding=-1),
            "pool_padding_negative",
            "pad must be non-negative, but got pad: -1",
        ),
        (dict(kernel_size=6), "pool_output_too_small", "Output size is too small"),
        (
            dict(kernel_size=9, stride=2),
            "pool_output_too_small",
            "Calculated output size: (1x-1x-1)",
        ),
    ],
)
def test_rejected_with_torchs_own_words(mode, options, code, words):
    expected = torch_error(_image(), mode=mode, **options)
    assert words in expected
    with pytest.raises(SpecError) as info:
        PoolSpec(_image(), mode, **options)
    assert (info.value.code, info.value.torch_message) == (code, expected)


def test_max_and_avg_quote_the_same_padding_rule_in_torch_2_13():
    """The brief expected different wording; torch 2.13 checks padding in the shared output-size function first."""
    options = dict(kernel_size=3, stride=1, padding=2)
    assert torch_error(_image(), mode="max", **options) == torch_error(_image(), mode="avg", **options)


@pytest.mark.parametrize(
    "image, options, code",
    [
        (np.ones((65, 3)), {}, "too_large"),
        (np.ones((3, 65)), {}, "too_large"),
        (np.zeros((0, 3)), {}, "empty_matrix"),
        (np.ones(4), {}, "empty_matrix"),
        (np.array([[1.0, np.nan]]), {}, "not_finite"),
        (np.array([[1.0, np.inf]]), {}, "not_finite"),
        (np.ones((40, 40)), dict(kernel_size=MAX_WINDOW + 1), "too_big"),
        (np.ones((4, 4)), dict(mode="median"), "pool_unknown_mode"),
        (np.full((2, 2), 1e308), dict(mode="avg"), "pool_overflow"),
    ],
)
def test_rejected_by_engine_rules(image, options, code):
    with pytest.raises(SpecError) as info:
        pool_trace(PoolSpec(image, **options))
    assert info.value.code == code


def test_limits_themselves_are_accepted():
    assert pool_trace(PoolSpec(np.ones((64, 64)), "avg", MAX_WINDOW, padding=8)).output.shape == (5, 5)


@pytest.mark.parametrize("name", ["kernel_size", "stride", "padding"])
@pytest.mark.parametrize("value", [1.5, 2.0, True, "2"])
def test_non_integer_settings_rejected(name, value):
    with pytest.raises(SpecError) as info:
        PoolSpec(np.ones((4, 4)), **{name: value})
    assert (info.value.code, info.value.params["what"]) == (
        "not_an_integer",
        f"pool_{name}",
    )


# Shifts ----------------------------------------------------------------------


def test_shift_fills_with_zeros_and_reports_unchanged_outputs():
    image = parse_matrix("1 2 3; 4 5 6", "input")
    np.testing.assert_array_equal(shifted(image, 1), [[0, 1, 2], [0, 4, 5]])
    np.testing.assert_array_equal(shifted(image, -2), [[3, 0, 0], [6, 0, 0]])
    np.testing.assert_array_equal(shifted(image, 3), np.zeros((2, 3)))
    np.testing.assert_array_equal(shifted(image, -5), np.zeros((2, 3)))
    assert PoolSetup(base_input=image).shift_report() is None


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pixels", [1, -1, 2, 3])
def test_shift_report_counts_what_torch_leaves_unchanged(mode, pixels):
    setup = PoolSetup(input_name="digit", mode=mode, shift=pixels)
    report = setup.shift_report()
    before = torch_pool(setup.base_input, mode, 2)
    after = torch_pool(shifted(setup.base_input, pixels), mode, 2)
    assert (report.unchanged, report.total) == (
        int((before == after).sum()),
        before.size,
    )
    assert set(report.changed) == set(zip(*map(lambda a: a.tolist(), np.nonzero(before != after))))


def test_max_pooling_keeps_more_of_the_digit_than_avg_after_a_shift():
    reports = {mode: PoolSetup(mode=mode, shift=1).shift_report() for mode in MODES}
    assert reports["max"].unchanged > reports["avg"].unchanged


@pytest.mark.parametrize("pixels", [MAX_SHIFT + 1, -MAX_SHIFT - 1])
def test_shift_out_of_range_is_refused(pixels):
    with pytest.raises(SpecError) as info:
        PoolSetup(shift=pixels)
    assert info.value.code == "pool_shift_range"


def test_setup_keys():
    setup = PoolSetup()
    assert [
        setup.mode,
        setup.with_next_mode().mode,
        setup.with_next_mode().with_next_mode().mode,
    ] == ["max", "avg", "min"]
    assert setup.with_stride_step(-1).stride == 1 and setup.with_stride_step(1).stride == 3
    assert setup.with_next_input().input_name == "digit-28"
    typed = setup.with_input(np.ones((3, 3)))
    assert typed.input_name == "custom" and setup.with_input(setup.base_input.copy()).input_name == "digit"
    assert setup.with_random_input(4).base_input.shape == setup.base_input.shape


# Typed text never gets further than a SpecError -----------------------------------


TYPED = st.text(st.sampled_from(list("0123456789 ;,.-+eEnaifx[]\n")), max_size=30)


@settings(max_examples=2000, deadline=None, derandomize=True, database=None)
@given(TYPED, st.sampled_from(MODES), st.integers(-1, 4), st.integers(-1, 2))
def test_any_typed_input_gives_a_trace_or_a_spec_error(text, mode, kernel_size, padding):
    try:
        setup = PoolSetup(mode=mode, kernel_size=kernel_size, padding=padding).with_input(parse_matrix(text, "input"))
        trace = pool_trace(setup.spec())
    except SpecError:
        return
    assert trace.step(trace.step_count - 1).equation.startswith("out[")


# The child-process check -------------------------------------------------------


def test_the_checker_round_trips_and_agrees_with_torch():
    for mode in MODES:
        spec = PoolSetup(input_name="ramp", mode=mode, kernel_size=3, stride=2, padding=1).spec()
        again = spec_from_json(json.loads(json.dumps(spec_to_json(spec))))
        assert (again.mode, again.kernel_size, again.stride, again.padding) == (
            mode,
            3,
            2,
            1,
        )
        np.testing.assert_array_equal(again.input, spec.input)
        assert torch_max_delta(spec) == 0
    assert spec_from_json(spec_to_json(PoolSpec(np.ones((4, 4))))).stride is None


def test_the_verify_server_answers_pool_requests():
    spec = PoolSetup(mode="avg", padding=1).spec()
    requests = [
        {"id": 1, "lesson": "pool", "spec": spec_to_json(spec)},
        {"id": 2, "lesson": "pool", "spec": {**spec_to_json(spec), "padding": 2}},
    ]
    replies = io.StringIO()
    serve(io.StringIO("".join(json.dumps(r) + "\n" for r in requests)), replies)
    first, second = (json.loads(line) for line in replies.getvalue().splitlines())
    assert first == {"id": 1, "delta": 0.0}
    assert "SpecError" in second["error"] and re.search(r"pad should be at most half", second["error"])
