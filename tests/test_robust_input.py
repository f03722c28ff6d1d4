"""Bad input never crashes and is refused before anything is built (issue 15: 7, 8, 9, 19, the long paste).

Each refusal is engine's SpecError in the lesson's words; where torch refuses the same
thing its words are quoted, taken from torch here at test time. A sweep over every
lesson's flags (Hypothesis) holds the same rule for values nobody listed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import signal

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_errors import spec_error

from engine.conv_setup import ConvSetup
from engine.errors import SpecError
from engine.loss import LossSpec, loss_trace, parse_y
from engine.pool_setup import PoolSetup
from tui.cli import build_parser
from tui.i18n import QUOTE_LIMIT, error_text, t
from tui.lessons import LESSONS, lesson, lesson_flags
from tui.screens.text_dialog import caret

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # a newline may separate lines of a message


def torch_refusal(call) -> str:
    with pytest.raises(RuntimeError) as caught:
        call()
    return str(caught.value)


class Hang(Exception):
    pass


@contextlib.contextmanager
def at_most(seconds: int):
    """A value that hangs (10⁹ kernels stacked one by one) fails the example instead of the run."""

    def stop(*_):
        raise Hang(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# 7: conv's channel counts -------------------------------------------------------------


@pytest.mark.parametrize("count", [0, -1, -5, 5, 10**9, 2**64])
def test_output_channels_out_of_range_are_refused_before_any_kernel_is_stacked(count):
    with at_most(5):
        error = spec_error(lambda: ConvSetup(out_channels=count).spec())
    assert error.code == "out_channels_range" and error.params == {"got": count, "limit": 4}
    weight = (count, 1, 3, 3)
    if count <= 0:
        assert error.torch_message == torch_refusal(lambda: F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(weight)))
    else:
        assert error.torch_message is None  # torch would build it: the limit is the lesson's screen


def test_negative_input_channels_quote_torch():
    error = spec_error(lambda: ConvSetup(in_channels=-2).spec())
    assert error.code == "in_channels_range"
    assert error.torch_message == torch_refusal(lambda: torch.ones(1, -2, 5, 5))


# 9 and its siblings: numbers past float64 -----------------------------------------------


@pytest.mark.parametrize(
    "y, index",
    [
        ("1e200 0 0 0 0 0 0 0 0 0", 0),
        ("0 0 0 0 0 0 0 0 0 1.7e308", 9),
        (" ".join(["1e154"] * 10), 1),  # each square fits; their sum does not
    ],
)
def test_a_loss_whose_squares_overflow_is_refused(y, index):
    error = spec_error(lambda: LossSpec(parse_y(y)))
    assert error.code == "loss_overflow" and error.params["index"] == index


def test_the_largest_y_that_fits_still_gets_a_finite_trace():
    trace = loss_trace(LossSpec((1e150,) * 10))
    assert np.isfinite([trace.mse, trace.ce, trace.squared_sum, trace.mse_mean]).all()


def test_a_pool_window_past_float_range_is_refused_not_an_overflow_error():
    error = spec_error(lambda: PoolSetup(kernel_size=10**400).spec())
    assert error.code.startswith("pool_")


# 8: autograd's 1×1 x ----------------------------------------------------------------------


@pytest.mark.parametrize("x", ["1", "5;", "0", "1e-320"])
def test_a_one_by_one_x_is_a_lesson_not_a_crash(x):
    args = build_parser(["autograd"]).parse_args(["autograd", "--x", x])
    assert "x[0,0]" in lesson("autograd").text.plain(lesson_flags("autograd").setup_from(args))


# 19 and the long paste: what a message quotes ----------------------------------------------


def test_a_100k_character_paste_is_quoted_by_its_ends_around_a_mark():
    pasted = "1" + "x" * 99_998 + "9"
    said = error_text(SpecError("not_a_number", what="input", token=pasted))
    assert len(said) < 220
    end = QUOTE_LIMIT * 2 // 5
    start = QUOTE_LIMIT - end
    assert f"'{pasted[:start]}{t('error.cut', n=f'{len(pasted) - start - end:,}')}{pasted[-end:]}'" in said


def test_an_int_of_thousands_of_digits_is_shortened_too():
    said = error_text(SpecError("too_big", what="stride", value=10**4299, high=8))
    assert len(said) < 220 and t("error.cut", n=f"{4300 - QUOTE_LIMIT:,}") in said
    computed = error_text(SpecError("too_big", what="stride", value=10**5000, high=8))  # past str()'s limit
    assert "10**" in computed and len(computed) < 100


def test_control_characters_are_escaped_on_both_sides_of_the_cut():
    said = error_text(SpecError("not_a_number", what="input", token="\x1b[31m" + "x" * 500 + "\x07"))
    assert not CONTROL.search(said) and "\\x1b[31m" in said and "\\x07" in said


def test_the_caret_under_a_typed_control_character_points_at_its_escape():
    assert caret("a\x1bb", 3) == "a\\x1bb\n     ^"


# Every lesson's flags, any value -----------------------------------------------------------

SWEPT = [name for name in LESSONS if name != "train"]  # train's values are checked by engine.train's own tests
DISPLAY = {"help", "plain", "lang", "color", "fps", "no_mouse"}
NASTY = [
    "0",
    "-1",
    "-0",
    "1000000000",
    "2147483648",
    "18446744073709551616",
    "1e308",
    "1e200",
    "-1e200",
    "1e-320",
    "nan",
    "inf",
    "1e400",
    "",
    " ",
    "5;",
    "1;",
    ";",
    ",",
    "[[1]]",
    "9" * 4300,
    "1e154 " * 10,
    "\x1b]0;pwned\x07\x1b[31m",
]
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
values = st.one_of(
    st.sampled_from(NASTY),
    numbers,
    st.lists(numbers, min_size=1, max_size=12).map(" ".join),
    st.lists(st.lists(numbers, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=4).map("; ".join),
    st.text(max_size=12),
)


def lesson_options(name: str) -> tuple[argparse.ArgumentParser, list[argparse.Action]]:
    parser = build_parser([name])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
    return parser, [a for a in sub._actions if a.option_strings and a.dest not in DISPLAY]


@pytest.mark.parametrize("name", SWEPT)
def test_any_flag_values_give_a_walk_through_or_one_clear_refusal(name):
    parser, options = lesson_options(name)
    choice = st.sampled_from(options).flatmap(
        lambda option: st.tuples(
            st.just(option.option_strings[-1]),
            st.sampled_from([*option.choices, "\x1b[31m"]) if option.choices else values,
        )
    )

    @settings(max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(choice, min_size=1, max_size=3))
    def check(flags):
        argv = [name] + [f"{flag}={value}" for flag, value in flags]
        stderr = io.StringIO()
        with at_most(5), contextlib.redirect_stderr(stderr):
            try:
                setup = lesson_flags(name).setup_from(parser.parse_args(argv))
                assert lesson(name).text.plain(setup)
            except SystemExit as exit:
                assert exit.code == 2 and not CONTROL.search(stderr.getvalue().rstrip("\n"))
            except SpecError as error:
                said = error_text(error)
                assert not CONTROL.search(said) and len(said) < 1200, said

    check()
