"""Matrix-product questions: each answer against torch.matmul and counts made here, at every example and at random setups."""

from __future__ import annotations

from math import prod

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from quiz_bank_support import assert_marks, assert_words

from engine.errors import SpecError
from engine.matmul import matmul_trace
from engine.matmul_quiz import pair_label, questions
from engine.matmul_spec import EXAMPLES, MatmulSpec
from engine.quiz import asked_before, mark
from tui.lessons import lesson


def product(spec: MatmulSpec) -> np.ndarray:
    a = torch.matmul(torch.tensor(spec.x), torch.tensor(spec.w))
    return (a + torch.tensor(spec.b) if spec.has_bias else a).numpy()


def check(spec: MatmulSpec) -> tuple:
    """Counts from the shapes alone, values from torch, the pair from where the value sits in A."""
    trace = matmul_trace(spec)
    asked = questions(spec, trace)
    assert asked == asked_before(asked, trace.step_count)
    shape_steps = len(trace.shape_steps)
    for question in asked:
        if question.id == "multiply_adds":
            result = np.broadcast_shapes(spec.x_shape[:-2], spec.w_shape[:-2])
            rows = spec.x_shape[-2] if len(spec.x_shape) > 1 else 1
            cols = spec.w_shape[-1] if len(spec.w_shape) > 1 else 1
            assert question.answer == prod(result) * rows * cols * spec.x_shape[-1]
        elif question.id == "parameters":
            assert question.answer == prod(spec.w_shape) + spec.w_shape[-1]
        else:
            a = product(spec)
            number = question.step - shape_steps
            if question.kind == "number" and number >= 1:  # its batch's matrices were on screen the step before
                assert np.unravel_index(number, a.shape)[:-2] == np.unravel_index(number - 1, a.shape)[:-2]
            if question.kind == "number":
                assert question.answer == pytest.approx(float(a.reshape(-1)[number]), abs=1e-9)
            else:
                *batch, row, col = np.unravel_index(number, a.shape)
                x_batch = (
                    tuple(
                        0 if size == 1 else int(i)
                        for i, size in zip(batch[-len(spec.x_shape[:-2]) :], spec.x_shape[:-2])
                    )
                    if spec.x_shape[:-2]
                    else ()
                )
                w_batch = (
                    tuple(
                        0 if size == 1 else int(i)
                        for i, size in zip(batch[-len(spec.w_shape[:-2]) :], spec.w_shape[:-2])
                    )
                    if spec.w_shape[:-2]
                    else ()
                )
                assert question.choices[question.answer] == pair_label(x_batch, w_batch, int(row), int(col))
        assert_marks(question)
        assert_words(question)
    return asked


def test_default_asks_work_parameters_a_value_and_a_pair():
    asked = check(MatmulSpec())
    assert [(q.id, q.step) for q in asked] == [("multiply_adds", 1), ("parameters", 2), ("value", 3), ("pair", 10)]
    assert mark(asked[0], "24").correct and not mark(asked[0], "8").correct
    assert mark(asked[2], "6").correct
    assert asked[3].choices[asked[3].answer] == "X[1,:]·W[:,3]"


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_asks_what_it_can(name):
    asked = check(MatmulSpec().with_example(name))
    # a refused product shows every rule from the first step; mnist has no numbers, so no dot product
    assert len(asked) >= {"mismatch": 0, "mnist": 2}.get(name, 3)


@st.composite
def specs(draw):
    batch = draw(st.sampled_from([(), (), (2,), (1,), (3,)]))
    w_batch = draw(st.sampled_from([batch, (), (1,)])) if batch else ()
    rows, inner, cols = (draw(st.integers(1, 4)) for _ in range(3))
    x_shape = draw(st.sampled_from([(*batch, rows, inner), (inner,)])) if not batch else (*batch, rows, inner)
    w_shape = draw(st.sampled_from([(*w_batch, inner, cols), (inner,)])) if not w_batch else (*w_batch, inner, cols)
    spec = MatmulSpec(x_shape, w_shape, draw(st.booleans()) and len(w_shape) > 1)
    return spec.with_random(draw(st.integers(0, 10**6))) if draw(st.booleans()) else spec


@settings(max_examples=50, deadline=None)
@given(specs())
def test_random_setups_answers_match_torch(spec):
    try:
        matmul_trace(spec)
    except SpecError:
        return
    check(spec)


def test_the_lesson_registry_finds_this_bank():
    assert lesson("matmul").quiz.questions is questions
