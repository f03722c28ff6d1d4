"""The indexing lesson's engine against NumPy itself.

Expressions are generated from the grammar as text; the test (only the test)
hands that trusted text to Python's eval to get NumPy's answer or exception,
and engine must give the same values, or raise nothing and report NumPy's
exact message from its own checks.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import SpecError
from engine.index import (
    BASIC,
    INTEGER,
    MASK,
    IndexSpec,
    Layout,
    index_trace,
    source_cell,
)
from engine.index_parse import MAX_LENGTH, parse_index
from engine.index_rules import numpy_problem
from engine.index_setup import (
    COURSE_ARRAY,
    EXAMPLES_1D,
    EXAMPLES_2D,
    IndexSetup,
    format_array,
    parse_array,
)

COURSE_ANSWERS = {
    "a[1:, 1:]": [[4.0], [6.0]],
    "a[[0, 1, 2], [0, 1, 0]]": [1.0, 4.0, 5.0],
    "a[a > 2]": [3.0, 4.0, 5.0, 6.0],
    "a[::-1]": [[5.0, 6.0], [3.0, 4.0], [1.0, 2.0]],
    "a[0]": [1.0, 2.0],
    "a[:, 1]": [2.0, 4.0, 6.0],
    "a[a % 2 == 0]": [2.0, 4.0, 6.0],
    "a[(a > 1) & (a < 5)]": [2.0, 3.0, 4.0],
}


def numpy_outcome(expression: str, array: np.ndarray):
    """NumPy's own answer for a trusted, test-generated expression: its result, or (exception type, message)."""
    try:
        return eval(expression, {"__builtins__": {}}, {"a": array}), None  # noqa: S307 - test-generated text only
    except (IndexError, ValueError) as error:
        return None, (type(error).__name__, str(error))


def trace_of(expression: str, array: np.ndarray = COURSE_ARRAY):
    return index_trace(IndexSpec(array, parse_index(expression)))


def check_against_numpy(expression: str, array: np.ndarray) -> None:
    trace = trace_of(expression, array)
    want, raised = numpy_outcome(expression, array)
    if raised:
        own = numpy_problem(parse_index(expression), array)
        assert own is not None and (own.kind, own.message) == raised, expression
        assert (
            trace.problem.kind,
            trace.problem.message,
        ) == raised and trace.numpy_agrees
        assert trace.step_count == 1 and trace.step(0).form == "error"
        return
    assert trace.problem is None, (expression, trace.problem)
    assert trace.result.shape == np.shape(want) and np.array_equal(trace.result, want), expression
    assert np.array_equal(array.reshape(-1)[trace.sources], want) and trace.numpy_agrees
    if np.size(want):
        assert (trace.memory == "view") == np.shares_memory(want, array) == trace.shares_memory
        assert (trace.memory == "view") == (
            trace.kind == BASIC and isinstance(want, np.ndarray)
        )  # a[..., 0] is a 0-d view
    for number in range(trace.result.size):
        element = trace.element(number)
        assert array[element.source] == trace.result.flat[number]
        for index_array in trace.index_arrays:
            picked = int(index_array.values[element.fancy_position]) % array.shape[index_array.axis]
            assert picked == element.source[index_array.axis], (expression, number)
    assert trace.step_count == trace.intro_count + trace.result.size


# The grammar, as text ---------------------------------------------------------

small = st.integers(-4, 4)
space = st.sampled_from(["", "", " "])
optional = st.one_of(st.just(""), small.map(str))
slices = st.builds(
    lambda start, stop, step: f"{start}:{stop}" + (f":{step}" if step is not None else ""),
    optional,
    optional,
    st.one_of(st.none(), st.sampled_from(["", "0", "1", "2", "-1", "-2"])),
)


def list_text(values) -> str:
    return "[" + ", ".join(list_text(v) if isinstance(v, list) else str(v) for v in values) + "]"


int_lists = st.one_of(
    st.lists(small, max_size=4),
    st.integers(0, 3).flatmap(lambda n: st.lists(st.lists(small, min_size=n, max_size=n), max_size=3)),
    st.recursive(
        st.lists(small, max_size=2),
        lambda inner: st.lists(st.one_of(inner, small), max_size=3),
        max_leaves=6,
    ),
).map(list_text)

comparisons = st.builds(
    lambda modulus, op, value: f"a{modulus} {op} {value}",
    st.sampled_from(["", "", " % 2", " % 3", " % -2"]),
    st.sampled_from([">", ">=", "<", "<=", "==", "!="]),
    small,
)
atoms = st.recursive(
    comparisons.map(lambda c: f"({c})"),
    lambda inner: st.one_of(
        inner.map(lambda m: f"~{m}"),
        st.tuples(inner, st.sampled_from(["&", "|"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
    ),
    max_leaves=4,
)
masks = st.one_of(
    comparisons,
    atoms,
    st.tuples(atoms, st.sampled_from(["&", "|"]), atoms).map(" ".join),
)
items = st.one_of(small.map(str), slices, int_lists, st.just("..."), st.just("None"), masks)
expressions = (
    st.tuples(st.lists(items, min_size=1, max_size=4), space, st.booleans())
    .map(lambda parts: "a[" + ("," + parts[1]).join(parts[0]) + ("," if parts[2] else "") + "]")
    .filter(lambda text: len(text) <= MAX_LENGTH)
)

arrays = st.one_of(
    st.tuples(st.integers(1, 6)),
    st.tuples(st.integers(1, 6), st.integers(1, 6)),
).flatmap(
    lambda shape: st.lists(st.integers(-5, 9), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
        lambda values: np.array(values, dtype=np.float64).reshape(shape)
    )
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(expressions, arrays)
def test_every_expression_of_the_grammar_does_what_numpy_does(expression, array):
    check_against_numpy(expression, array)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(expressions)
def test_the_canonical_text_parses_back_to_the_same_subscript(expression):
    subscript = parse_index(expression)
    assert parse_index(subscript.text) == subscript
    first, _ = numpy_outcome(expression, COURSE_ARRAY)
    again, _ = numpy_outcome(subscript.text, COURSE_ARRAY)
    assert (first is None) == (again is None) and (first is None or np.array_equal(first, again))


GRAMMAR_CHARACTERS = "a[](),:~&|%<>=!-0123456789 .None"


def parsed_or_refused(text: str) -> None:
    """Text the grammar accepts does what NumPy does; anything else is a SpecError of the lesson, never a crash."""
    try:
        parse_index(text)
    except SpecError as error:
        assert error.code.startswith("index_")
        return
    check_against_numpy(text, COURSE_ARRAY)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.text(GRAMMAR_CHARACTERS, max_size=30),
        st.text(max_size=30),
        expressions.map(lambda e: e[: len(e) // 2]),
    )
)
def test_random_text_is_parsed_or_refused_never_crashes(text):
    parsed_or_refused(text)


def test_five_thousand_seeded_random_strings_are_parsed_or_refused():
    rng = random.Random(2024)
    pieces = list(GRAMMAR_CHARACTERS) + [
        "a[",
        "]",
        "a > 2",
        "[0, 1]",
        "1:",
        "::-1",
        "...",
        "None",
        "(",
        ")",
        "é",
        "\t",
    ]
    for _ in range(5000):
        start = "a[" if rng.random() < 0.8 else ""
        parsed_or_refused(start + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))))


# The course -------------------------------------------------------------------


@pytest.mark.parametrize("expression, expected", COURSE_ANSWERS.items())
def test_the_course_examples_give_the_course_answers(expression, expected):
    trace = trace_of(expression)
    assert trace.result.tolist() == expected
    check_against_numpy(expression, COURSE_ARRAY)


@pytest.mark.parametrize("expression", EXAMPLES_2D)
def test_every_2d_example_agrees_with_numpy(expression):
    check_against_numpy(expression, COURSE_ARRAY)


@pytest.mark.parametrize("expression", EXAMPLES_1D)
def test_every_1d_example_agrees_with_numpy(expression):
    check_against_numpy(expression, np.arange(1.0, 7.0))


def test_examples_cover_the_three_kinds_first_and_are_canonical():
    assert [trace_of(e).kind for e in EXAMPLES_2D[:3]] == [BASIC, INTEGER, MASK]
    assert all(parse_index(e).text == e for e in EXAMPLES_2D + EXAMPLES_1D)


def test_integer_arrays_step_through_the_pairs_one_at_a_time():
    trace = trace_of("a[[0, 1, 2], [0, 1, 0]]")
    assert trace.step(0).form == "overview"
    assert [trace.step(i).element.source for i in (1, 2, 3)] == [(0, 0), (1, 1), (2, 0)]
    assert [trace.index_cells(trace.step(i).element) for i in (1, 2, 3)] == [[(0, 0, i), (1, 0, i)] for i in range(3)]
    assert [a.values.tolist() for a in trace.index_arrays] == [[0, 1, 2], [0, 1, 0]]
    assert trace.step(2).marks[(0, 1, 1)] == "current" and trace.step(2).marks[(0, 0, 0)] == "gap"
    assert trace.memory == "copy" and not trace.shares_memory


def test_a_mask_is_shown_first_then_each_true_cell_in_reading_order():
    trace = trace_of("a[a > 2]")
    assert trace.mask.tolist() == (COURSE_ARRAY > 2).tolist()
    overview = trace.step(0)
    assert overview.form == "overview" and set(overview.marks) == {
        (0, 1, 0),
        (0, 1, 1),
        (0, 2, 0),
        (0, 2, 1),
    }
    assert [trace.step(i).element.source for i in range(1, 5)] == [
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
    ]
    assert trace.mask_text == "a > 2"


def test_slices_are_spelled_out_per_axis_and_narrow_the_selection():
    trace = trace_of("a[1:, ::-1]")
    rows, cols = trace.step(0).axis, trace.step(1).axis
    assert (rows.start, rows.stop, rows.step, rows.picked) == (1, 3, 1, (1, 2))
    assert (cols.start, cols.step, cols.picked, cols.stop_before_start) == (
        1,
        -1,
        (1, 0),
        True,
    )
    assert set(trace.step(0).marks) == {(0, r, c) for r in (1, 2) for c in (0, 1)}
    assert trace.step(2).element.equation == "out[0, 0] = a[1, 1] = 4"
    assert trace.memory == "view" and trace.shares_memory
    left_out = trace_of("a[-1]").axes
    assert left_out[0].from_end and left_out[0].picked == (2,) and left_out[1].form == "all"


@pytest.mark.parametrize(
    "expression, message",
    [
        ("a[3]", "index 3 is out of bounds for axis 0 with size 3"),
        (
            "a[[0, 1, 2], [0, 1]]",
            "shape mismatch: indexing arrays could not be broadcast together with shapes (3,) (2,) ",
        ),
        (
            "a[0, 0, 0]",
            "too many indices for array: array is 2-dimensional, but 3 were indexed",
        ),
        ("a[::0]", "slice step cannot be zero"),
        ("a[..., ...]", "an index can only have a single ellipsis ('...')"),
    ],
)
def test_numpy_errors_carry_numpys_exact_words(expression, message):
    trace = trace_of(expression)
    assert trace.problem.message == message and trace.numpy_agrees
    check_against_numpy(expression, COURSE_ARRAY)


def test_engine_falls_back_to_numpys_words_where_its_own_check_is_silent(monkeypatch):
    monkeypatch.setattr("engine.index.numpy_problem", lambda subscript, array: None)
    trace = trace_of("a[3]")
    assert trace.problem.message == "index 3 is out of bounds for axis 0 with size 3"
    assert trace.problem.reason == "numpy" and not trace.numpy_agrees


# The grammar's messages -------------------------------------------------------


@pytest.mark.parametrize(
    "text, code, params",
    [
        ("a[1, 2", "index_expected_end", {"what": "index_close_or_comma", "column": 7}),
        (
            "a[0, 1)",
            "index_expected",
            {"what": "index_close_or_comma", "column": 7, "found": ")"},
        ),
        ("b[0]", "index_expected", {"what": "index_name", "column": 1, "found": "b"}),
        ("a[a > 2 & a < 5]", "index_needs_parens", {"column": 9, "op": "&"}),
        ("a[~a > 2]", "index_needs_parens", {"column": 4, "op": "~"}),
        ("a[1.5]", "index_bad_character", {"column": 4, "char": "."}),
        ("a[01]", "index_bad_number", {"column": 3, "token": "01", "digits": 9}),
        ("a[a % 0 == 1]", "index_modulo_zero", {"column": 7}),
        (
            "a[a]",
            "index_expected",
            {"what": "index_comparison", "column": 4, "found": "]"},
        ),
        (
            "a[[1 2]]",
            "index_expected",
            {"what": "index_close_or_comma", "column": 6, "found": "2"},
        ),
        ("a" + "[0]" * 60, "index_too_long", {"length": 181, "limit": MAX_LENGTH}),
    ],
)
def test_text_outside_the_grammar_names_the_column_and_what_was_expected(text, code, params):
    with pytest.raises(SpecError) as caught:
        parse_index(text)
    assert caught.value.code == code and caught.value.params == params


# Arrays and setups ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shape",
    [
        ("1 2; 3 4; 5 6", (3, 2)),
        ("1 2 3 4", (4,)),
        ("1 2 3 4;", (1, 4)),
        ("[1, 2, 3]", (3,)),
        ("[[1, 2, 3]]", (1, 3)),
    ],
)
def test_one_row_without_a_semicolon_is_1d(text, shape):
    array = parse_array(text)
    assert array.shape == shape
    assert parse_array(format_array(array)).shape == shape


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty_matrix"),
        ("1 2; 3", "ragged_rows"),
        ("1 x", "not_a_number"),
        ("1 inf", "not_finite"),
    ],
)
def test_bad_arrays_are_refused(text, code):
    with pytest.raises(SpecError) as caught:
        IndexSetup().with_array_text(text).spec()
    assert caught.value.code == code


def test_an_array_larger_than_the_screen_allows_is_refused():
    with pytest.raises(SpecError) as caught:
        IndexSpec(np.zeros((13, 2)), parse_index("a[0]"))
    assert caught.value.code == "too_large"


def test_next_example_cycles_and_a_new_ndim_restarts_the_examples():
    setup = IndexSetup()
    seen = [setup.expression]
    for _ in range(len(EXAMPLES_2D)):
        setup = setup.with_next_example()
        seen.append(setup.expression)
    assert seen[:3] == list(EXAMPLES_2D[:3]) and seen[-1] == EXAMPLES_2D[0]
    assert setup.with_array_text("1 2 3").expression == EXAMPLES_1D[0]
    typed = setup.with_expression("a[ 1 ]")
    assert typed.expression == "a[1]" and typed.with_next_example().expression == EXAMPLES_2D[0]
    assert typed.with_array_text("1 2 3").expression == "a[1]"


def test_layout_puts_leading_axes_in_blocks():
    layout = Layout((2, 3, 1, 2))
    assert (layout.blocks, layout.rows, layout.cols) == (6, 1, 2)
    assert layout.cell(7) == (3, 0, 1) and layout.cell_at((1, 0, 0, 1)) == (3, 0, 1)
    assert layout.captions("out")[:2] == ("out[0, 0]", "out[0, 1]")
    assert Layout(()).cell(0) == (0, 0, 0) and Layout((0, 2)).cells(np.empty((0, 2))).size == 0
    assert source_cell((4,)) == (0, 0, 4) and source_cell((1, 2)) == (0, 1, 2)
