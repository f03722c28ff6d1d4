"""engine.matrix: what a student types into the input and kernel fields."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.errors import SpecError
from engine.matrix import MAX_SIDE, format_matrix, parse_matrix


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 2; 3 4", [[1, 2], [3, 4]]),
        ("1,2\n3,4", [[1, 2], [3, 4]]),
        ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]]),
        ("[1, 2, 3]", [[1, 2, 3]]),
        ("   1    2 ;\t 3   4  ;  ", [[1, 2], [3, 4]]),
        ("1, 2,\n\n3 ,4\n", [[1, 2], [3, 4]]),
        ("-1 0.5; -2.25 +3", [[-1, 0.5], [-2.25, 3]]),
        ("1e-3 -2.5E2; .5 7.", [[0.001, -250], [0.5, 7]]),
        ("7", [[7]]),
    ],
)
def test_accepts(text, expected):
    result = parse_matrix(text, "input")
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, np.array(expected, dtype=np.float64))


@pytest.mark.parametrize("text", ["", "  ;  ", "\n\n", "[[]]", ";;;"])
def test_empty(text):
    with pytest.raises(SpecError) as info:
        parse_matrix(text, "kernel")
    assert info.value.code == "empty_matrix"
    assert info.value.params["what"] == "kernel"


def test_ragged_rows_say_which_row():
    with pytest.raises(SpecError) as info:
        parse_matrix("1 2; 3", "input")
    assert info.value.code == "ragged_rows"
    assert info.value.params == {"what": "input", "row": 2, "got": 1, "expected": 2}


def test_ragged_later_row():
    with pytest.raises(SpecError) as info:
        parse_matrix("1 2; 3 4; 5 6 7", "kernel")
    assert (info.value.code, info.value.params["row"], info.value.params["got"]) == (
        "ragged_rows",
        3,
        3,
    )


@pytest.mark.parametrize(
    "text, token",
    [("1 x", "x"), ("1 2; 3 four", "four"), ("1 2 3 0x10", "0x10"), ("1.2.3", "1.2.3")],
)
def test_not_a_number_names_the_token(text, token):
    with pytest.raises(SpecError) as info:
        parse_matrix(text, "input")
    assert info.value.code == "not_a_number"
    assert info.value.params["token"] == token


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1 2; NaN 4", "Infinity", "1e999"])
def test_not_finite(text):
    with pytest.raises(SpecError) as info:
        parse_matrix(text, "input")
    assert info.value.code == "not_finite"


@pytest.mark.parametrize("height, width", [(65, 65), (65, 1), (1, 65)])
def test_too_large(height, width):
    text = "; ".join(" ".join("1" for _ in range(width)) for _ in range(height))
    with pytest.raises(SpecError) as info:
        parse_matrix(text, "input")
    assert info.value.code == "too_large"
    assert (info.value.params["height"], info.value.params["width"]) == (height, width)
    assert info.value.params["limit"] == MAX_SIDE == 64


def test_largest_allowed():
    text = "\n".join(" ".join(str(r * 64 + c) for c in range(64)) for r in range(64))
    np.testing.assert_array_equal(parse_matrix(text, "input"), np.arange(64 * 64.0).reshape(64, 64))


def _check_parse_or_spec_error(text: str) -> None:
    try:
        result = parse_matrix(text, "input")
    except SpecError as error:
        assert error.code in {
            "empty_matrix",
            "ragged_rows",
            "not_a_number",
            "not_finite",
            "too_large",
        }
        return
    assert isinstance(result, np.ndarray) and result.dtype == np.float64
    assert result.ndim == 2 and 1 <= result.shape[0] <= MAX_SIDE and 1 <= result.shape[1] <= MAX_SIDE
    assert np.isfinite(result).all()


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.text())
def test_any_text_parses_or_raises_spec_error(text):
    _check_parse_or_spec_error(text)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.text(alphabet="0123456789 .,;-+eE[]\n\tnaifxNAIF_", max_size=60))
def test_number_like_text_parses_or_raises_spec_error(text):
    _check_parse_or_spec_error(text)


def test_parse_agrees_with_numpy():
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(5, 7)) * 1000
    text = "\n".join(",".join(repr(v) for v in row) for row in matrix.tolist())
    np.testing.assert_array_equal(parse_matrix(text, "input"), matrix)
    np.testing.assert_array_equal(parse_matrix(str(matrix.tolist()), "input"), matrix)
    printed = np.round(matrix)  # numpy's own print-out, pasted: "[[ 1. -2.]\n [ 3.  4.]]"
    np.testing.assert_array_equal(parse_matrix(str(printed), "input"), printed)


def test_format_matrix_shows_what_the_student_typed():
    assert format_matrix(parse_matrix("1 2; 3 4", "input")) == "1 2; 3 4"
    assert format_matrix(parse_matrix("-1,0.5\n-0,2.25", "input")) == "-1 0.5; 0 2.25"
    assert format_matrix(np.full((1, 2), 1 / 9)) == "0.1111111111111111 0.1111111111111111"


# Any finite float: the edit dialog must give back exactly the kernel it was opened with.
any_matrices = st.tuples(st.integers(1, 8), st.integers(1, 8)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.floats(allow_nan=False, allow_infinity=False))
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(any_matrices)
def test_format_matrix_round_trips(matrix):
    np.testing.assert_array_equal(parse_matrix(format_matrix(matrix), "kernel"), matrix)
