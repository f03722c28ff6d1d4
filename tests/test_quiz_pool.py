"""The pooling lesson's questions against torch: max_pool2d / avg_pool2d values, winners and window sums."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import SpecError
from engine.pool import MODES, pool_trace
from engine.pool_quiz import questions
from engine.pool_setup import PoolSetup
from engine.presets import INPUTS
from tests.quiz_bank_support import assert_bank


def torch_pooled(setup: PoolSetup, *, total: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """The output (or avg's window sums) and, for max and min, the flat input index each window keeps."""
    x = torch.as_tensor(setup.spec().input)[None]
    options = dict(kernel_size=setup.kernel_size, stride=setup.stride, padding=setup.padding)
    if setup.mode == "avg":
        out = F.avg_pool2d(x, **options, divisor_override=1 if total else None)
        return out[0].numpy(), None
    sign = 1.0 if setup.mode == "max" else -1.0
    out, where = F.max_pool2d(sign * x, **options, return_indices=True)
    return sign * out[0].numpy(), where[0].numpy()


def check(setup: PoolSetup) -> tuple:
    trace = pool_trace(setup.spec())
    asked = questions(setup, trace)
    assert_bank(asked, trace.step_count)
    output, where = torch_pooled(setup)
    width = setup.spec().input.shape[1]
    for question in asked:
        row, col = question.params["row"], question.params["col"]
        assert trace.index_of(row, col) == question.step  # step i reveals out cell i, not before
        if question.id in ("cell", "last_cell"):
            assert abs(question.answer - output[row, col]) <= 1e-9 * max(1.0, abs(output[row, col]))
        elif question.id == "window_sum":
            sums, _ = torch_pooled(setup, total=True)
            assert abs(question.answer - sums[row, col]) <= 1e-9 * max(1.0, abs(sums[row, col]))
        else:
            assert question.id == f"winner_{setup.mode}"
            kept = divmod(int(where[row, col]), width)
            assert question.choices[question.answer].startswith(f"x[{kept[0]},{kept[1]}] = ")
    return asked


def test_default_and_every_input_preset_ask_three_questions():
    for name in INPUTS:
        assert len(check(PoolSetup(input_name=name))) >= 3, name
    assert [q.id for q in check(PoolSetup())] == ["cell", "winner_max", "last_cell"]


def test_each_mode_at_the_default_input():
    assert [q.id for q in check(PoolSetup(mode="avg"))] == ["cell", "window_sum", "last_cell"]
    assert [q.id for q in check(PoolSetup(mode="min"))] == ["cell", "winner_min", "last_cell"]


def test_the_default_questions_in_numbers():
    cell, winner, last = questions(PoolSetup(), pool_trace(PoolSetup().spec()))
    assert (cell.step, cell.answer, cell.params["equation"]) == (1, 15.0, "out[0,1] = max(5, 13, 13, 15) = 15")
    assert winner.choices[winner.answer] == "x[4,1] = 5"


def test_a_single_output_cell_asks_nothing():
    setup = PoolSetup(base_input=np.ones((2, 2)), input_name="custom")
    assert questions(setup, pool_trace(setup.spec())) == ()


def test_non_integer_inputs_are_marked_within_the_digits_shown():
    setup = PoolSetup(base_input=np.array([[0.123456, 2.5, 7.77777, 1.0]] * 2), input_name="custom")
    cell = questions(setup, pool_trace(setup.spec()))[0]
    assert cell.answer == 7.77777 and 0 < cell.tolerance <= 0.0005


@st.composite
def setups(draw) -> PoolSetup:
    height, width = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    image = rng.integers(-3, 10, size=(height, width)) if draw(st.booleans()) else rng.uniform(-10, 10, (height, width))
    kernel = draw(st.integers(1, 4))
    return PoolSetup(
        input_name="custom",
        base_input=image.astype(np.float64),
        mode=draw(st.sampled_from(MODES)),
        kernel_size=kernel,
        stride=draw(st.none() | st.integers(1, 4)),
        padding=draw(st.integers(0, kernel // 2)),
        shift=draw(st.integers(-3, 3)),
    )


@settings(max_examples=40, deadline=None)
@given(setups())
def test_random_setups_against_torch(setup):
    try:
        setup.spec()
    except SpecError:
        return  # a window bigger than the padded input: no trace, no questions
    check(setup)
