"""engine.presets and engine.numbers: the named kernels and inputs, and how numbers are written."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.conv import ConvSpec, conv_trace
from engine.errors import SpecError
from engine.numbers import fmt, fmt_factor
from engine.presets import (
    INPUTS,
    KERNELS,
    digit,
    digits,
    input_preset,
    kernel_preset,
    random_input,
)

TEXTBOOK_3X3 = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "box-blur": np.full((3, 3), 1 / 9),
    "gaussian-blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
}


def test_every_kernel_has_a_textbook_entry():
    assert set(KERNELS) == set(TEXTBOOK_3X3)


@pytest.mark.parametrize("name", sorted(TEXTBOOK_3X3))
def test_kernel_at_3_is_the_textbook_one(name):
    kernel = kernel_preset(name, 3)
    np.testing.assert_allclose(kernel, np.array(TEXTBOOK_3X3[name], dtype=np.float64), rtol=0, atol=1e-15)
    assert kernel_preset(name).shape == (3, 3)  # 3 is the default size
    np.testing.assert_array_equal(kernel_preset(name), kernel)


def test_sobel_y_is_sobel_x_transposed():
    for size in range(1, 8):
        np.testing.assert_array_equal(kernel_preset("sobel-y", size), kernel_preset("sobel-x", size).T)


@pytest.mark.parametrize("name", sorted(TEXTBOOK_3X3))
@pytest.mark.parametrize("size", range(1, 8))
def test_kernel_at_every_size(name, size):
    kernel = kernel_preset(name, size)
    assert kernel.shape == (size, size)
    assert kernel.dtype == np.float64
    assert np.isfinite(kernel).all()
    if name in ("box-blur", "gaussian-blur", "identity"):
        assert kernel.sum() == pytest.approx(1.0, abs=1e-12)
    if name in ("sobel-x", "sobel-y", "laplacian"):
        assert kernel.sum() == pytest.approx(0.0, abs=1e-12)
    if name in ("box-blur", "gaussian-blur"):
        assert (kernel > 0).all()
    # the preset works as a kernel in the lesson, and gives torch's answer
    image = random_input(size, size + 2, size + 3)
    trace = conv_trace(ConvSpec(image[None], kernel[None, None], np.zeros(1), padding=1))
    expected = F.conv2d(torch.tensor(image)[None, None], torch.tensor(kernel)[None, None], padding=1)[0].numpy()
    np.testing.assert_allclose(trace.output, expected, rtol=0, atol=1e-9)


def test_blurs_leave_a_flat_image_flat_and_edge_kernels_see_nothing():
    flat = np.full((1, 9, 9), 7.0)
    for size in (3, 5):
        for name, level in [
            ("box-blur", 7.0),
            ("gaussian-blur", 7.0),
            ("sobel-x", 0.0),
            ("laplacian", 0.0),
        ]:
            output = conv_trace(ConvSpec(flat, kernel_preset(name, size)[None, None], np.zeros(1))).output
            np.testing.assert_allclose(output, level, atol=1e-12)


def test_sobel_x_responds_to_a_vertical_edge():
    output = conv_trace(
        ConvSpec(
            input_preset("vertical-edge")[None],
            kernel_preset("sobel-x")[None, None],
            np.zeros(1),
        )
    ).output[0]
    assert (output[:, 1:3] > 0).all() and (output[:, [0, 3]] == 0).all()


@pytest.mark.parametrize(
    "name, shape",
    [
        ("ramp", (5, 5)),
        ("checkerboard", (6, 6)),
        ("vertical-edge", (6, 6)),
        ("digit", (8, 8)),
        ("digit-28", (28, 28)),
    ],
)
def test_input_preset_shapes(name, shape):
    image = input_preset(name)
    assert image.shape == shape and image.dtype == np.float64 and np.isfinite(image).all()


def test_input_preset_values():
    np.testing.assert_array_equal(input_preset("ramp"), np.arange(1, 26).reshape(5, 5))
    board = input_preset("checkerboard")
    assert set(np.unique(board)) == {0.0, 1.0} and (board[:, 1:] != board[:, :-1]).all()
    assert set(INPUTS) == {"ramp", "checkerboard", "vertical-edge", "digit", "digit-28"}


def test_digit_28_is_torch_nearest_upscale_of_digit_0():
    small = torch.tensor(digit(0))[None, None]
    expected = F.interpolate(small, size=(28, 28), mode="nearest")[0, 0].numpy()
    np.testing.assert_array_equal(input_preset("digit-28"), expected)


def test_digit_0():
    image = digit(0)
    assert image.shape == (8, 8)
    assert image.min() >= 0 and image.max() <= 16 and image.max() > 0
    np.testing.assert_array_equal(image, np.round(image))
    np.testing.assert_array_equal(input_preset("digit"), image)


def test_bundled_digits_file():
    images, labels = digits()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert set(labels.tolist()) == set(range(10))
    assert np.issubdtype(labels.dtype, np.integer)
    assert images.min() == 0 and images.max() == 16
    counts = np.bincount(labels)
    assert counts.min() >= 170 and counts.max() <= 185  # the UCI set is balanced (174..183 per class)


def test_digit_wraps_and_is_a_copy():
    np.testing.assert_array_equal(digit(1797), digit(0))
    np.testing.assert_array_equal(digit(5), digits()[0][5])
    image = digit(0)
    image[:] = -1
    assert digit(0).min() >= 0


def test_random_input_is_reproducible_small_integers():
    a, b = random_input(42, 4, 6), random_input(42, 4, 6)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (4, 6) and a.min() >= -3 and a.max() <= 9
    np.testing.assert_array_equal(a, np.round(a))
    assert not np.array_equal(random_input(1), random_input(2))


@pytest.mark.parametrize(
    "call, what",
    [
        (lambda: kernel_preset("blurry"), "kernel"),
        (lambda: input_preset("cat"), "input"),
    ],
)
def test_unknown_preset(call, what):
    with pytest.raises(SpecError) as info:
        call()
    assert info.value.code == "unknown_preset"
    assert info.value.params["what"] == what
    assert "identity" in info.value.params["choices"] or "ramp" in info.value.params["choices"]


@pytest.mark.parametrize(
    "value, text",
    [
        (3.0, "3"),
        (-0.0, "0"),
        (0.0, "0"),
        (-4.0, "-4"),
        (1 / 9, "0.1111"),
        (-2.5, "-2.5"),
        (0.5, "0.5"),
        (1e-5, "1e-5"),
        (123456.5, "1.235e5"),
        (1234567.0, "1234567"),
        (np.float64(16.0), "16"),
    ],
)
def test_fmt(value, text):
    assert fmt(value) == text


@settings(max_examples=500, derandomize=True)
@given(st.floats(min_value=-1e300, max_value=1e300))
def test_fmt_is_short_and_reads_back_to_4_significant_digits(value):
    text = fmt(value)
    assert len(text) <= 12 and " " not in text and "+0" not in text
    assert float(text) == pytest.approx(value, rel=5e-4, abs=1e-300)
    if value.is_integer() and abs(value) < 1e7:
        assert float(text) == value


def test_fmt_factor():
    assert fmt_factor(-1) == "(-1)"
    assert fmt_factor(-0.25) == "(-0.25)"
    assert fmt_factor(2) == "2"
    assert fmt_factor(-0.0) == "0"
    assert f"2×{fmt_factor(-1)}" == "2×(-1)"
