"""Convolution questions: each answer against torch's conv2d and a count made here, at every preset and at random setups."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from quiz_bank_support import assert_marks, assert_words

from engine.conv import conv_trace
from engine.conv_quiz import corners, questions
from engine.conv_setup import CUSTOM, ConvSetup
from engine.errors import SpecError
from engine.presets import INPUTS, KERNELS
from engine.quiz import asked_before, mark
from tui.lessons import lesson


def torch_output(setup: ConvSetup) -> np.ndarray:
    spec = setup.spec()
    out = F.conv2d(
        torch.tensor(spec.input[None]),
        torch.tensor(spec.weight),
        torch.tensor(spec.bias),
        stride=spec.stride,
        padding=spec.padding,
        dilation=spec.dilation,
    )
    return out[0].numpy()


def cell_of(output: np.ndarray, index: int) -> tuple[int, int, int]:
    return tuple(int(i) for i in np.unravel_index(index, output.shape))


def check(setup: ConvSetup) -> tuple:
    """Every question of `setup` against torch (values) and the conv arithmetic done here (windows, padding)."""
    trace = conv_trace(setup.spec())
    asked = questions(setup, trace)
    output = torch_output(setup)
    spec = setup.spec()
    assert asked == asked_before(asked, trace.step_count)
    for question in asked:
        channel, row, col = cell_of(output, question.step)
        if question.id == "channel":  # channel 1's kernel is on screen from its first cell: ask the next one
            assert channel == 1 and (row, col) != (0, 0)
        if question.kind == "number" and question.id != "padding":
            assert question.answer == pytest.approx(float(output[channel, row, col]), abs=1e-9)
            assert cell_of(output, question.step - 1)[0] == channel  # its kernel was on screen the step before
        elif question.id == "padding":
            height, width = spec.input.shape[1:]
            span = spec.dilation * np.arange(spec.kernel_size)
            rows = row * spec.stride + span - spec.padding
            cols = col * spec.stride + span - spec.padding
            outside = sum(not (0 <= r < height and 0 <= c < width) for r in rows for c in cols)
            assert question.answer == outside * spec.in_channels
        else:
            top, left = row * spec.stride, col * spec.stride
            far = spec.dilation * (spec.kernel_size - 1)
            assert question.choices[question.answer] == corners(top, left, top + far, left + far)
        assert_marks(question)
        assert_words(question)
    return asked


def test_default_setup_asks_window_and_two_values():
    asked = check(ConvSetup())
    assert [(q.id, q.step) for q in asked] == [("window", 1), ("value", 4), ("value_last", 8)]
    assert mark(asked[1], "8").correct and not mark(asked[1], "7").correct
    assert mark(asked[0], "1").correct  # (0, 1)–(2, 3) sorts first


@pytest.mark.parametrize("kernel", list(KERNELS))
@pytest.mark.parametrize("input_name", list(INPUTS))
def test_every_preset_asks_three_true_questions(input_name, kernel):
    setup = ConvSetup(input_name=input_name, kernel_name=kernel)
    assert len(check(setup)) >= 3


def test_padding_stride_and_channels_bring_their_own_questions():
    asked = check(ConvSetup(stride=2, padding=1, in_channels=2, out_channels=2, bias=(0.5, -1.0)))
    assert {q.id for q in asked} >= {"window", "channel", "padding"}


@st.composite
def setups(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = draw(st.integers(1, 4))
    base_kernel = rng.integers(-3, 4, (size, size)).astype(float)
    height, width = draw(st.integers(2, 7)), draw(st.integers(2, 7))
    base_input = rng.integers(-5, 6, (height, width)).astype(float)
    if draw(st.booleans()):
        base_input = base_input / 4
    out_channels = draw(st.integers(1, 3))
    return ConvSetup(
        input_name=CUSTOM,
        base_input=base_input,
        kernel_name=CUSTOM,
        base_kernel=base_kernel,
        stride=draw(st.integers(1, 3)),
        padding=draw(st.integers(0, 2)),
        dilation=draw(st.integers(1, 2)),
        in_channels=draw(st.integers(1, 3)),
        out_channels=out_channels,
        bias=tuple(float(b) for b in rng.integers(-2, 3, out_channels)),
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setups())
def test_random_setups_answers_match_torch(setup):
    try:
        setup.spec()
    except SpecError:
        assume(False)
    check(setup)


def test_the_lesson_registry_finds_this_bank():
    assert lesson("conv").quiz.questions is questions
