"""engine.conv against torch.nn.functional.conv2d: outputs, steps, formulas, and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import event, given, settings
from hypothesis import strategies as st

from engine.conv import ConvSpec, conv_trace
from engine.errors import SpecError
from engine.matrix import parse_matrix


def torch_conv(input, weight, bias, stride=1, padding=0, dilation=1) -> np.ndarray:  # noqa: A002
    """torch's conv2d in float64 on one (C, H, W) image; raises what torch raises."""
    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))  # noqa: E731
    out = F.conv2d(
        t(input)[None],
        t(weight),
        t(bias),
        stride=stride,
        padding=padding,
        dilation=dilation,
    )
    return out[0].numpy()


def torch_error(*args, **kwargs) -> str:
    with pytest.raises(RuntimeError) as info:
        torch_conv(*args, **kwargs)
    return str(info.value)


@st.composite
def conv_cases(draw):
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    h, w, k = (
        draw(st.integers(1, 12)),
        draw(st.integers(1, 12)),
        draw(st.integers(1, 5)),
    )
    params = dict(
        stride=draw(st.integers(1, 3)),
        padding=draw(st.integers(0, 2)),
        dilation=draw(st.integers(1, 2)),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):  # small integers, as in the lesson
        values = lambda *shape: rng.integers(-3, 10, size=shape).astype(np.float64)  # noqa: E731
    else:
        values = lambda *shape: rng.uniform(-10, 10, size=shape)  # noqa: E731
    return values(c_in, h, w), values(c_out, c_in, k, k), values(c_out), params


@settings(max_examples=250, deadline=None, derandomize=True)
@given(conv_cases())
def test_engine_matches_torch_on_random_specs(case):
    inp, weight, bias, params = case
    try:
        expected = torch_conv(inp, weight, bias, **params)
    except RuntimeError as error:
        event("torch rejects")
        with pytest.raises(SpecError) as info:
            ConvSpec(inp, weight, bias, **params)
        assert info.value.code == "kernel_too_large"
        assert info.value.torch_message == str(error)
        return
    event("torch accepts")
    trace = conv_trace(ConvSpec(inp, weight, bias, **params))
    assert trace.output.shape == expected.shape
    np.testing.assert_allclose(trace.output, expected, rtol=0, atol=1e-9)
    for formula, size, out in zip(trace.formulas, inp.shape[1:], expected.shape[1:]):
        assert formula.result == out
        span = params["dilation"] * (weight.shape[2] - 1)
        assert formula.filled == f"⌊({size} + {2 * params['padding']} − {span} − 1) / {params['stride']}⌋ + 1 = {out}"

    # im2col: same unfolding as torch's F.unfold, and im2col @ kernel columns + bias is the output.
    s, p, d, k = (
        params["stride"],
        params["padding"],
        params["dilation"],
        weight.shape[2],
    )
    unfolded = F.unfold(torch.as_tensor(inp)[None], k, dilation=d, padding=p, stride=s)[0].T.numpy()
    np.testing.assert_array_equal(trace.im2col, unfolded)
    as_matmul = trace.im2col @ trace.kernel_columns + bias
    np.testing.assert_allclose(as_matmul, expected.reshape(len(bias), -1).T, rtol=0, atol=1e-9)

    padded = np.pad(inp, ((0, 0), (p, p), (p, p)))
    for index in range(trace.step_count):
        step = trace.step(index)
        oc, row, col = step.out_channel, step.row, step.col
        assert step.value == pytest.approx(expected[oc, row, col], abs=1e-9)
        assert step.value == pytest.approx(sum(step.channel_sums) + step.bias, abs=1e-9)
        assert step.bias == bias[oc]
        assert len(step.taps) == inp.shape[0] * k * k
        for tap in step.taps:
            assert (tap.row, tap.col) == (row * s + tap.ky * d, col * s + tap.kx * d)
            assert tap.value == padded[tap.channel, tap.row, tap.col]
            assert tap.weight == weight[oc, tap.channel, tap.ky, tap.kx]
            assert tap.product == tap.value * tap.weight
        windows = padded[
            :,
            row * s : row * s + d * (k - 1) + 1 : d,
            col * s : col * s + d * (k - 1) + 1 : d,
        ]
        per_channel = (windows * weight[oc]).sum(axis=(1, 2))
        np.testing.assert_allclose(step.channel_sums, per_channel, rtol=0, atol=1e-9)
        assert step.window == (
            row * s,
            col * s,
            row * s + d * (k - 1),
            col * s + d * (k - 1),
        )


def test_output_size_formula_is_filled_with_the_numbers():
    inp, weight, bias = np.ones((1, 5, 5)), np.ones((1, 1, 3, 3)), np.zeros(1)
    trace = conv_trace(ConvSpec(inp, weight, bias, stride=2, padding=1, dilation=1))
    height = trace.formulas[0]
    assert height.filled == "⌊(5 + 2 − 2 − 1) / 2⌋ + 1 = 3"
    assert height.symbolic == "H_out = ⌊(H + 2P − D·(K−1) − 1) / S⌋ + 1"
    assert height.result == torch_conv(inp, weight, bias, stride=2, padding=1).shape[1] == 3


def test_step_equation_for_a_hand_example():
    inp = parse_matrix("1 2 3; 4 5 6; 7 8 9", "input")[None]
    weight = parse_matrix("1 0; 0 -1", "kernel")[None, None]
    trace = conv_trace(ConvSpec(inp, weight, np.zeros(1)))
    assert trace.step(0).equation == "out[0,0] = 1×1 + 2×0 + 4×0 + 5×(-1) + 0 = -4"
    assert trace.step(3).equation == "out[1,1] = 5×1 + 6×0 + 8×0 + 9×(-1) + 0 = -4"
    assert torch_conv(inp, weight, np.zeros(1))[0, 0, 0] == -4


def test_step_equation_with_channels_and_bias():
    inp = np.stack([parse_matrix("1 2; 3 4", "input"), parse_matrix("-1 0; 2 0.5", "input")])
    weight = np.array([[[[1.0]], [[2.0]]], [[[0.5]], [[-1.0]]]])  # (2 out, 2 in, 1, 1)
    bias = np.array([0.0, -1.5])
    trace = conv_trace(ConvSpec(inp, weight, bias))
    step = trace.step(trace.index_of(1, 1, 1))
    assert step.equation == "out[1,1,1] = 4×0.5 + 0.5×(-1) + (-1.5) = 0"
    assert trace.step(0).equation == "out[0,0,0] = 1×1 + (-1)×2 + 0 = -1"
    expected = torch_conv(inp, weight, bias)
    assert (expected[1, 1, 1], expected[0, 0, 0]) == (0, -1)


def test_steps_go_in_reading_order_and_clamp():
    rng = np.random.default_rng(7)
    spec = ConvSpec(rng.normal(size=(2, 4, 5)), rng.normal(size=(3, 2, 2, 2)), rng.normal(size=3))
    trace = conv_trace(spec)
    assert trace.output.shape == (3, 3, 4)
    assert trace.step_count == 36
    for index in range(trace.step_count):
        step = trace.step(index)
        assert step.index == index
        assert (step.out_channel, step.row, step.col) == np.unravel_index(index, trace.output.shape)
        assert trace.index_of(step.out_channel, step.row, step.col) == index
    first, last = trace.step(0), trace.step(35)
    assert trace.step(-1) == first and trace.step(-100) == first
    assert trace.step(36) == last and trace.step(10**9) == last
    assert last.label == "out[2,2,3]"


def _base(**changes):
    spec = dict(
        input=np.arange(25.0).reshape(1, 5, 5),
        weight=np.ones((1, 1, 3, 3)),
        bias=np.zeros(1),
    )
    spec.update(changes)
    return spec


@pytest.mark.parametrize(
    "changes, code, text",
    [
        (dict(stride=0), "stride_too_small", "non-positive stride is not supported"),
        (dict(stride=-1), "stride_too_small", "non-positive stride is not supported"),
        (dict(padding=-1), "padding_too_small", "negative padding is not supported"),
        (
            dict(dilation=0),
            "dilation_too_small",
            "dilation should be greater than zero, but got [0, 0]",
        ),
        (
            dict(weight=np.ones((1, 1, 7, 7))),
            "kernel_too_large",
            "Kernel size can't be greater than actual input size",
        ),
        (dict(dilation=3), "kernel_too_large", "Kernel size: (7 x 7)"),
        (dict(input=np.ones((1, 2, 8))), "kernel_too_large", "(2 x 8)"),
        (
            dict(input=np.ones((1, 2, 2)), padding=1, weight=np.ones((1, 1, 5, 5))),
            "kernel_too_large",
            "(4 x 4)",
        ),
    ],
)
def test_rejected_with_torchs_own_words(changes, code, text):
    spec = _base(**changes)
    expected = torch_error(**spec)
    assert text in expected
    with pytest.raises(SpecError) as info:
        ConvSpec(**spec)
    assert info.value.code == code
    assert info.value.torch_message == expected
    assert expected in str(info.value)


@pytest.mark.parametrize(
    "changes, code, torch_rejects",
    [
        (
            dict(input=np.ones((4, 5, 5)), weight=np.ones((1, 4, 3, 3))),
            "in_channels_range",
            False,
        ),
        (
            dict(weight=np.ones((5, 1, 3, 3)), bias=np.zeros(5)),
            "out_channels_range",
            False,
        ),
        (dict(weight=np.ones((1, 2, 3, 3))), "channel_mismatch", True),
        (dict(bias=np.zeros(2)), "bias_shape", True),
        (dict(bias=np.zeros((1, 1))), "bias_shape", True),
        (dict(input=np.ones((1, 65, 65))), "too_large", False),
        (dict(input=np.ones((1, 3, 65))), "too_large", False),
        (dict(stride=65), "too_big", False),
    ],
)
def test_rejected_by_engine_rules(changes, code, torch_rejects):
    spec = _base(**changes)
    if torch_rejects:
        torch_error(**spec)
    else:
        torch_conv(**spec)  # torch would compute it; the lesson sets a limit
    with pytest.raises(SpecError) as info:
        ConvSpec(**spec)
    assert info.value.code == code


def test_limits_themselves_are_accepted():
    ConvSpec(**_base(input=np.ones((3, 64, 64)), weight=np.ones((4, 3, 3, 3)), bias=np.zeros(4)))


@pytest.mark.parametrize("field", ["input", "weight", "bias"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_numbers_rejected(field, bad):
    spec = _base()
    spec[field] = spec[field].copy()
    spec[field].flat[0] = bad
    with pytest.raises(SpecError) as info:
        ConvSpec(**spec)
    assert info.value.code == "not_finite"


@pytest.mark.parametrize("name", ["stride", "padding", "dilation"])
@pytest.mark.parametrize("value", [1.5, 1.0, True, "1", None])
def test_non_integer_settings_rejected(name, value):
    with pytest.raises(SpecError) as info:
        ConvSpec(**_base(**{name: value}))
    assert info.value.code == "not_an_integer"
    assert info.value.params["what"] == name


def test_numpy_integers_are_integers():
    spec = ConvSpec(**_base(stride=np.int64(2), padding=np.int32(1)))
    assert conv_trace(spec).output.shape == (1, 3, 3)


# --- engine bugs found while writing these tests (see the report); strict, so a fix shows up ---


def test_negative_dilation_quotes_torch():
    with pytest.raises(SpecError) as info:
        ConvSpec(**_base(dilation=-1))
    assert info.value.torch_message == torch_error(**_base(dilation=-1))


@pytest.mark.parametrize("inp, kernel", [("1 2 3 4 5; 6 7 8 9 10", "1 2 3; 4 5 6"), ("1; 2; 3", "1; 2; 3")])
def test_non_square_kernel_is_rejected_or_right(inp, kernel):
    image, weight = (
        parse_matrix(inp, "input")[None],
        parse_matrix(kernel, "kernel")[None, None],
    )
    try:
        spec = ConvSpec(image, weight, np.zeros(1))
    except SpecError:
        return
    np.testing.assert_allclose(conv_trace(spec).output, torch_conv(image, weight, np.zeros(1)), atol=1e-9)


def test_non_finite_kernel_names_the_kernel():
    with pytest.raises(SpecError) as info:
        ConvSpec(**_base(weight=np.full((1, 1, 3, 3), np.nan)))
    assert info.value.params["what"] != "input"
