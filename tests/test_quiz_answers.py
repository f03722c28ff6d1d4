"""The banks' shared helpers: a tolerance that accepts the number as the screen prints it, options in a telling-nothing order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.numbers import fmt
from engine.quiz import Question, mark
from engine.quiz_answers import choice_of, tolerance_for


def test_integers_are_exact_and_float_noise_is_forgiven():
    assert tolerance_for(24.0) == 0.0
    assert 0 < tolerance_for(6.000000000000001) < 1e-6  # 6 as a sum of floats may land
    assert tolerance_for(3.5) == 0.01 and tolerance_for(0.5108) == 0.001
    assert tolerance_for(207927.00020792626) == 1000  # printed 2.079e5: a hair off 207927 is not "207927" on screen


@settings(max_examples=50)
@given(st.floats(-1e6, 1e6, allow_nan=False).filter(lambda value: abs(value) > 1e-6))
def test_the_number_as_printed_is_right_and_a_tenth_off_is_wrong(value):
    question = Question("conv", "value", 1, "number", value, tolerance=tolerance_for(value))
    assert mark(question, fmt(value)).correct
    assert not mark(question, repr(value * 1.1 + (1 if value.is_integer() else 0))).correct


def test_options_sort_numbers_as_numbers_and_drop_repeats():
    assert choice_of("(10, 2)–(12, 4)", ["(9, 2)–(11, 4)", "(10, 2)–(12, 4)", "(9, 2)–(11, 4)"]) == (
        ("(9, 2)–(11, 4)", "(10, 2)–(12, 4)"),
        1,
    )
    assert choice_of("a[1]", ["a[1]"]) is None
    assert len(choice_of("0", [str(i) for i in range(1, 9)])[0]) == 4
