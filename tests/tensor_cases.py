"""Random setups of the tensor lesson for the Hypothesis tests of its engine and its words."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from engine.tensor_parse import MAX_ELEMENTS

SIZES = st.integers(1, 4)


@st.composite
def setups(draw):
    """A shape of 1–4 dims within the lesson's bounds, maybe a transpose, and a view that may well be refused."""
    shape = tuple(draw(st.lists(SIZES, min_size=1, max_size=4)))
    while math.prod(shape) > MAX_ELEMENTS:
        shape = shape[1:]
    ndim = len(shape)
    transpose = draw(st.none() | st.tuples(st.integers(-ndim, ndim - 1), st.integers(-ndim, ndim - 1)))
    numel = math.prod(shape)
    size = st.sampled_from([-1, -1, 1, 2, 3, 4, 6, 8, 12, numel, 0, -2, 5])
    requested = tuple(draw(st.lists(size, min_size=1, max_size=4)))
    return shape, transpose, requested
