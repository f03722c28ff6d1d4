"""Indexing questions: each answer against NumPy indexing the array itself, at every example and at random setups."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from quiz_bank_support import assert_marks, assert_words

from engine.errors import SpecError
from engine.index import index_trace
from engine.index_quiz import indices_text, questions
from engine.index_setup import EXAMPLES_1D, EXAMPLES_2D, IndexSetup
from engine.quiz import asked_before, mark
from tui.lessons import lesson


def numpy_index(array: np.ndarray, expression: str) -> np.ndarray:
    """NumPy's own answer: the expression evaluated on `array` (the test's own strings, no builtins)."""
    return np.asarray(eval(expression, {"__builtins__": {}}, {"a": array}))  # noqa: S307


def check(setup: IndexSetup) -> tuple:
    """Values from NumPy's result; the cell from where that value sits in a (the arrays here hold distinct values)."""
    trace = index_trace(setup.spec())
    asked = questions(setup, trace)
    assert asked == asked_before(asked, trace.step_count)
    for question in asked:
        if question.id.startswith("axis"):
            size, text = question.params["size"], question.params["text"]
            kept = np.atleast_1d(numpy_index(np.arange(size), f"a[{text}]"))
            assert question.choices[question.answer] == indices_text(tuple(int(i) for i in kept))
        else:
            result = numpy_index(setup.array, setup.expression).reshape(-1)
            number = question.step - trace.intro_count
            if question.kind == "number":
                assert question.answer == result[number]
            else:
                cell = np.argwhere(setup.array == result[number])[0]
                assert question.choices[question.answer] == "a[" + ", ".join(map(str, cell)) + "]"
        assert_marks(question)
        assert_words(question)
    return asked


def test_default_asks_the_second_axis_a_value_and_a_cell():
    asked = check(IndexSetup())
    assert [(q.id, q.step) for q in asked] == [("axis_slice", 1), ("value", 2), ("source", 3)]
    assert mark(asked[0], str(asked[0].choices.index("1") + 1)).correct
    assert mark(asked[1], "4").correct and not mark(asked[1], "6").correct


@pytest.mark.parametrize("expression", EXAMPLES_2D)
def test_every_2d_example(expression):
    asked = check(IndexSetup(expression=expression))
    trace = index_trace(IndexSetup(expression=expression).spec())
    # one question a step, none on the first: a short walk asks fewer; NumPy's refusals have one step
    assert len(asked) >= min(3, trace.step_count - 1) or trace.problem


@pytest.mark.parametrize("expression", EXAMPLES_1D)
def test_every_1d_example(expression):
    setup = IndexSetup(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), expression)
    trace = index_trace(setup.spec())
    assert len(check(setup)) >= min(3, trace.step_count - 1) or trace.problem


def slice_text(draw) -> str:
    parts = [draw(st.sampled_from(["", "0", "1", "2", "-1", "-2", "5"])) for _ in range(2)]
    step = draw(st.sampled_from(["", "", "1", "2", "-1"]))
    return ":".join(parts) + (":" + step if step else "")


@st.composite
def setups(draw):
    height, width = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    array = rng.permutation(height * width).astype(float).reshape(height, width) - 3
    kind = draw(st.sampled_from(["basic", "integer", "mask", "1-D"]))
    if kind == "1-D":
        array = array.reshape(-1)
        expression = draw(
            st.sampled_from([f"a[{slice_text(draw)}]", f"a[{[draw(st.integers(-2, 3)) for _ in range(3)]}]"])
        )
    elif kind == "basic":
        items = [draw(st.sampled_from([slice_text(draw), str(draw(st.integers(-2, 2)))])) for _ in range(2)]
        expression = f"a[{items[0]}, {items[1]}]"
    elif kind == "integer":
        rows = draw(st.lists(st.integers(-height, height - 1), min_size=1, max_size=3))
        expression = f"a[{rows}, {draw(st.integers(-width, width - 1))}]"
    else:
        expression = f"a[a > {draw(st.integers(-4, 8))}]"
    return IndexSetup(array, expression)


@settings(max_examples=50, deadline=None)
@given(setups())
def test_random_setups_answers_match_numpy(setup):
    try:
        setup.spec()
    except SpecError:
        return
    check(setup)


def test_the_lesson_registry_finds_this_bank():
    assert lesson("index").quiz.questions is questions
