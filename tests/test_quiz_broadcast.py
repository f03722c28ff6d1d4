"""The broadcasting lesson's questions: each answer equals NumPy's (and torch's) own, for every example and random shapes.

NumPy's `broadcast_shapes` and `broadcast_to` say what the shapes make; the
engine's trace is only asked which question it poses at which step.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.broadcast import broadcast_trace
from engine.broadcast_quiz import NO, questions
from engine.broadcast_setup import EXAMPLES, BroadcastSetup, named_setup
from engine.quiz import AnswerError, asked_before, mark


def bank(setup: BroadcastSetup) -> dict[str, object]:
    trace = broadcast_trace(setup.spec())
    return {question.id: question for question in asked_before(questions(setup, trace), trace.step_count)}


def numpy_result(shapes) -> tuple[int, ...] | None:
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


def copy_moves(shapes, result) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Rule 5 axis by axis from the right: (shape before, shape after) of the first operand copied on each axis,
    the shapes NumPy's broadcast_to makes."""
    ndim = len(result)
    current = [np.zeros(shape)[(np.newaxis,) * (ndim - len(shape))].shape for shape in shapes]
    moves = []
    for axis in reversed(range(ndim)):
        stretched = [k for k, shape in enumerate(current) if shape[axis] == 1 and result[axis] != 1]
        if stretched:
            before = current[stretched[0]]
        for k in stretched:
            current[k] = np.broadcast_to(
                np.zeros(current[k]), current[k][:axis] + (result[axis],) + current[k][axis + 1 :]
            ).shape
        if stretched:
            moves.append((before, current[stretched[0]]))
    return moves


def check(setup: BroadcastSetup) -> None:
    shapes = setup.shapes
    asked = bank(setup)
    result = numpy_result(shapes)
    ndim = max(len(shape) for shape in shapes)
    shorter = [shape for shape in shapes if len(shape) < ndim]
    if "prepended" in asked:
        assert asked["prepended"].answer == np.zeros(shorter[0])[(np.newaxis,) * (ndim - len(shorter[0]))].shape
    if result is None:
        assert asked["fits"].answer == NO and "result_shape" not in asked
        with pytest.raises(RuntimeError):
            torch.broadcast_shapes(*shapes)
        return
    assert "fits" not in asked
    if ndim:
        assert asked["result_shape"].answer == result == tuple(torch.broadcast_shapes(*shapes))
    moves = copy_moves(shapes, result)
    if moves:
        before, after = moves[0]
        assert asked["copies"].answer == math.prod(after) - math.prod(before)
    if len(moves) > 1:
        assert asked["stretched_shape"].answer == moves[1][1]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_asks_numpys_answers(name):
    check(BroadcastSetup(name))


@pytest.mark.parametrize("name", sorted(set(EXAMPLES) - {"mismatch"}))
def test_every_example_but_the_mismatch_asks_at_least_three(name):
    """The mismatch has three steps (align, prepend, the failing axis): two questions are all it can ask."""
    assert len(bank(BroadcastSetup(name))) >= 3


def test_the_default_asks_the_issues_question_and_marks_it_as_typed():
    asked = bank(BroadcastSetup())
    shape = asked["result_shape"]
    assert shape.params["operands"] == "a (3, 1), b (4,)" and shape.answer == (3, 4)
    for typed in ("(3, 4)", "3,4", "3x4", "[3, 4]"):
        assert mark(shape, typed).correct
    assert not mark(shape, "(4, 3)").correct
    with pytest.raises(AnswerError):
        mark(shape, "three by four")
    assert mark(asked["copies"], "9").correct and not mark(asked["copies"], "12").correct
    assert mark(asked["prepended"], "(1, 4)").correct


def test_the_mismatch_is_a_choice_marked_by_its_number():
    fits = bank(BroadcastSetup("mismatch"))["fits"]
    assert mark(fits, str(NO + 1)).correct and not mark(fits, "1").correct
    with pytest.raises(AnswerError):
        mark(fits, "3")


@st.composite
def operand_shapes(draw):
    """Two or three shapes: mostly trimmed and 1-ed views of one shape (they fit), sometimes anything."""
    target = draw(st.lists(st.integers(0, 4), min_size=0, max_size=4))
    count = draw(st.integers(2, 3))
    if draw(st.booleans()) and target:
        return tuple(tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=4))) for _ in range(count))
    shapes = []
    for _ in range(count):
        kept = target[draw(st.integers(0, len(target))) :]
        shapes.append(tuple(1 if draw(st.booleans()) else size for size in kept))
    return tuple(shapes)


@settings(max_examples=50, deadline=None)
@given(operand_shapes(), st.sampled_from(["add", "subtract", "multiply"]))
def test_random_shapes_ask_numpys_answers(shapes, op):
    check(named_setup(shapes, op))
