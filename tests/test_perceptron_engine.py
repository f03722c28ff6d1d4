"""The perceptron engine against numpy: truth tables, exact sums at the step, the grid search, the picture.

numpy computes the same step function independently (integer tenths where the
sums must be exact, float64 elsewhere); the engine must agree on every row.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_errors import spec_error

from engine.perceptron import (
    GATES,
    INPUTS,
    STEP,
    PerceptronSpec,
    perceptron_trace,
    separability,
)
from engine.perceptron_plot import (
    COLUMNS,
    ROWS,
    X1_STEP,
    X2_STEP,
    cell_centre,
    line_cells,
    line_char,
    plot_rows,
    point_cell,
)

X = np.array(INPUTS)
NUMPY_GATES = {
    "and": np.logical_and(X[:, 0], X[:, 1]),
    "or": np.logical_or(X[:, 0], X[:, 1]),
    "nand": ~np.logical_and(X[:, 0], X[:, 1]),
    "xor": np.logical_xor(X[:, 0], X[:, 1]),
}
SETTINGS = settings(derandomize=True, deadline=None, max_examples=60)
tenths = st.integers(min_value=-100, max_value=100)


def outputs(trace) -> list[int]:
    return [row.output for row in trace.rows]


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_the_courses_weights_realise_their_gate(gate):
    trace = perceptron_trace(PerceptronSpec(gate))
    spec = trace.spec
    w, b = np.array([float(spec.w1), float(spec.w2)]), float(spec.b)
    assert outputs(trace) == list((X @ w + b > 0).astype(int)) == list(NUMPY_GATES[gate].astype(int))
    assert [row.target for row in trace.rows] == list(NUMPY_GATES[gate].astype(int))
    assert trace.score == 4
    np.testing.assert_allclose([float(row.units[0].total) for row in trace.rows], X @ w + b, atol=1e-15)


def test_the_course_numbers_for_and():
    rows = perceptron_trace(PerceptronSpec("and")).rows
    assert (PerceptronSpec("and").w1, PerceptronSpec("and").b) == (
        Decimal("0.5"),
        Decimal("-0.7"),
    )
    assert [row.units[0].total for row in rows] == [
        Decimal("-0.7"),
        Decimal("-0.2"),
        Decimal("-0.2"),
        Decimal("0.3"),
    ]
    assert rows[3].units[0].equation == "Σ = 0.5·1 + 0.5·1 + (-0.7) = 0.3 > 0 → y = 1"
    assert rows[0].units[0].equation == "Σ = 0.5·0 + 0.5·0 + (-0.7) = -0.7 ≤ 0 → y = 0"


@SETTINGS
@given(tenths, tenths, tenths, st.sampled_from(GATES[:4]))
def test_sums_in_tenths_are_exact_like_integer_numpy(w1, w2, b, gate):
    """In tenths, numpy's integer arithmetic is exact: the engine's Decimal sums must match it, 0 included."""
    trace = perceptron_trace(PerceptronSpec(gate, Decimal(w1) / 10, Decimal(w2) / 10, Decimal(b) / 10))
    sums = X @ np.array([w1, w2]) + b
    assert [row.units[0].total * 10 for row in trace.rows] == [int(s) for s in sums]
    assert outputs(trace) == list((sums > 0).astype(int))
    assert trace.score == int(((sums > 0) == NUMPY_GATES[gate]).sum())


@SETTINGS
@given(*[st.integers(min_value=-1000, max_value=1000) for _ in range(3)])
def test_weights_in_hundredths_agree_with_float_numpy_away_from_the_step(w1, w2, b):
    """Typed weights have at most two decimals; float64 numpy gets the same sums up to rounding."""
    w1, w2, b = w1 / 100, w2 / 100, b / 100
    trace = perceptron_trace(PerceptronSpec("and", w1, w2, b))
    sums = X @ np.array([w1, w2]) + b
    np.testing.assert_allclose([float(row.units[0].total) for row in trace.rows], sums, atol=1e-12)
    clear = np.abs(sums) > 1e-9
    assert np.array_equal(np.array(outputs(trace))[clear], (sums > 0).astype(int)[clear])


def test_a_sum_of_exactly_zero_gives_zero_where_float64_would_not():
    trace = perceptron_trace(PerceptronSpec("and", "0.1", "0.2", "-0.3"))
    assert trace.rows[3].units[0].total == 0 and trace.rows[3].output == 0
    assert 0.1 * 1 + 0.2 * 1 - 0.3 > 0  # what float64 says, and why the engine uses Decimals


def test_steps_of_a_tenth_do_not_drift():
    spec = PerceptronSpec("and", 0, 0, 0)
    for _ in range(7):
        spec = spec.with_step("w1", 1)
    assert spec.w1 == Decimal("0.7") and spec.with_step("b", -3).b == Decimal("-0.3") and STEP == Decimal("0.1")


def test_two_layer_xor_is_nand_and_or_into_and():
    trace = perceptron_trace(PerceptronSpec("xor2"))
    nand = NUMPY_GATES["nand"].astype(int)
    orr = NUMPY_GATES["or"].astype(int)
    assert [row.units[0].output for row in trace.rows] == list(nand)
    assert [row.units[1].output for row in trace.rows] == list(orr)
    assert outputs(trace) == list(np.logical_and(nand, orr).astype(int)) == list(NUMPY_GATES["xor"].astype(int))
    assert [unit.label for unit in trace.rows[0].units] == [
        "s1",
        "s2",
        "y",
    ] and trace.score == 4
    last = trace.rows[3].units
    assert [u.equation for u in last] == [
        "Σ = (-0.5)·1 + (-0.5)·1 + 0.7 = -0.3 ≤ 0 → s1 = 0",
        "Σ = 0.5·1 + 0.5·1 + (-0.2) = 0.8 > 0 → s2 = 1",
        "Σ = 0.5·0 + 0.5·1 + (-0.7) = -0.2 ≤ 0 → y = 0",
    ]


def _brute_force(targets):
    """Every line of the grid, one at a time in Python integers: (separating, best)."""
    grid = range(-10, 11)
    scores = [
        sum((w1 * a + w2 * c + b > 0) == bool(t) for (a, c), t in zip(INPUTS, targets))
        for w1, w2, b in itertools.product(grid, grid, grid)
    ]
    return scores.count(4), max(scores)


@pytest.mark.parametrize("gate", ["and", "or", "nand", "xor"])
def test_grid_search_matches_brute_force(gate):
    targets = tuple(NUMPY_GATES[gate].astype(int))
    found = separability(targets)
    assert found.lines == 21**3
    assert (found.separating, found.best) == _brute_force(targets)
    w1, w2, b = found.example
    assert perceptron_trace(PerceptronSpec(gate, w1, w2, b)).score == found.best


def test_no_line_separates_xor_the_best_get_three():
    search = perceptron_trace(PerceptronSpec("xor")).search
    assert (search.separating, search.best) == (0, 3)
    assert perceptron_trace(PerceptronSpec("xor")).score == 3  # the starting weights are among the best


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: PerceptronSpec("nor"), "perceptron_unknown_gate"),
        (lambda: PerceptronSpec("and", "abc"), "not_a_number"),
        (lambda: PerceptronSpec("and", "nan"), "not_finite"),
        (lambda: PerceptronSpec("and", "1", "-10.1"), "perceptron_weight_range"),
        (lambda: PerceptronSpec("and", "0.125"), "perceptron_weight_decimals"),
        (lambda: PerceptronSpec("and", 1 / 3), "perceptron_weight_decimals"),
        (lambda: PerceptronSpec("and", b=float("inf")), "not_finite"),
        (
            lambda: PerceptronSpec("xor2").with_weights(w1="1"),
            "perceptron_fixed_network",
        ),
        (
            lambda: PerceptronSpec("and", 10).with_step("w1", 1),
            "perceptron_weight_range",
        ),
    ],
)
def test_invalid_specs_are_refused(make, code):
    assert spec_error(make).code == code


def test_points_sit_on_their_cells_with_the_wanted_digit():
    trace = perceptron_trace(PerceptronSpec("xor"))
    rows = plot_rows(trace, current=3)
    for row in trace.rows:
        r, c = point_cell(*row.x)
        assert cell_centre(r, c) == (row.x[0], row.x[1])
        text, styles = rows[r][1 + c]
        assert text == str(row.target) and "point" in styles.split()
        assert ("wrong" in styles.split()) == (not row.correct) and ("current" in styles.split()) == (row.index == 3)


@settings(derandomize=True, deadline=None, max_examples=25)
@given(tenths, tenths, tenths)
def test_the_shading_is_the_side_where_the_sum_is_positive(w1, w2, b):
    trace = perceptron_trace(PerceptronSpec("and", Decimal(w1) / 10, Decimal(w2) / 10, Decimal(b) / 10))
    rows = plot_rows(trace)
    cols, rs = np.meshgrid(np.arange(COLUMNS), np.arange(ROWS))
    x1, x2 = -0.5 + 0.1 * cols, 1.5 - 0.25 * rs
    positive = (w1 * x1 + w2 * x2 + b) / 10 > 1e-9
    negative = (w1 * x1 + w2 * x2 + b) / 10 < -1e-9
    for r in range(ROWS):
        for c in range(COLUMNS):
            text, styles = rows[r][1 + c]
            if "point" in styles or styles == "line":
                continue
            assert (text == "░") == bool(positive[r, c]) or not (positive[r, c] or negative[r, c])


@settings(derandomize=True, deadline=None, max_examples=25)
@given(tenths, tenths, tenths)
def test_line_cells_lie_within_half_a_cell_of_the_line(w1, w2, b):
    unit = PerceptronSpec("and", Decimal(w1) / 10, Decimal(w2) / 10, Decimal(b) / 10).unit
    cells = line_cells(unit)
    if not unit.has_line:
        assert cells == set()
    reach = abs(unit.w1) * X1_STEP / 2 + abs(unit.w2) * X2_STEP / 2
    for r, c in cells:
        assert abs(unit.total(*cell_centre(r, c))) <= reach + Decimal("1e-20")


@pytest.mark.parametrize(
    "weights, char",
    [
        (("0.5", "0.5", "-0.7"), "╲"),
        (("1", "0", "-0.5"), "│"),
        (("0", "1", "-0.5"), "─"),
        (("0.5", "-0.5", "0"), "╱"),
    ],
)
def test_the_line_is_drawn_with_its_direction(weights, char):
    unit = PerceptronSpec("and", *weights).unit
    assert line_char(unit) == char
    assert line_cells(unit)
