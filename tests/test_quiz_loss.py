"""Loss questions: each answer against torch's losses and torch's autograd on the tiny classifier, at random y and class."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from quiz_bank_support import assert_marks, assert_words

from engine.loss import CLASSES, LossSpec, loss_trace
from engine.loss_curve import BIAS, LABELS, POINTS
from engine.loss_quiz import DIRECTIONS, LOSSES, SLOPES, questions
from engine.quiz import mark
from tui.lessons import lesson

STOPS = np.linspace(-3.0, 3.0, 241)[::10]  # the cursor's stops, as the lesson states them: every 0.25


def classifier_slopes(ws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d accuracy/dw (central difference) and dCE/dw (one torch backward for every w) of the classifier [0, w·x + b]."""
    x, labels = torch.tensor(POINTS, dtype=torch.float64), torch.tensor(LABELS)

    def logits(weights: torch.Tensor) -> torch.Tensor:
        z = weights[:, None] * x + BIAS
        return torch.stack([torch.zeros_like(z), z], dim=2)

    weights = torch.tensor(ws, dtype=torch.float64, requires_grad=True)
    scores = logits(weights)
    losses = F.cross_entropy(scores.reshape(-1, 2), labels.repeat(len(ws)), reduction="none").reshape(len(ws), -1)
    losses.mean(dim=1).sum().backward()  # each w's loss depends on that w only: the sum's gradient is every slope

    def accuracy(values: np.ndarray) -> np.ndarray:
        return (logits(torch.tensor(values)).argmax(dim=2) == labels).double().mean(dim=1).numpy()

    return (accuracy(ws + 1e-6) - accuracy(ws - 1e-6)) / 2e-6, weights.grad.numpy()


@cache
def curve_answers() -> tuple[str, int]:
    """The curve does not depend on y: which slope is not 0 at the first stop, and the stop just past CE's minimum."""
    accuracy_slopes, ce_slopes = classifier_slopes(STOPS)
    moving = {(False, True): "cross_entropy", (True, True): "both"}[(accuracy_slopes[0] != 0, ce_slopes[0] != 0)]
    return moving, next(s for s in range(1, len(STOPS)) if ce_slopes[s - 1] < 0 < ce_slopes[s])


def check(spec: LossSpec) -> tuple:
    trace = loss_trace(spec)
    asked = questions(spec, trace)
    y = torch.tensor(spec.y, dtype=torch.float64)
    target = F.one_hot(torch.tensor(spec.target), CLASSES).double()
    mse = 0.5 * ((y - target) ** 2).sum().item()
    ce = -(target * torch.log(y + 1e-7)).sum().item()
    assert [q.step for q in asked] == sorted({q.step for q in asked}) and asked[0].step >= 1
    for question in asked:
        if question.id == "mse_through":
            c = spec.target
            assert question.step == c
            assert question.answer == pytest.approx(0.5 * ((y - target) ** 2)[: c + 1].sum().item(), abs=1e-12)
        elif question.id == "larger":
            terms = ((y - target) ** 2 != 0) | (target * torch.log(y + 1e-7) != 0)
            assert question.step == int(terms.nonzero().max())  # the running sums first equal the totals
            assert LOSSES[question.answer] == ("mse" if mse > ce else "ce")
        elif question.id == "torch_mse":
            assert question.step == CLASSES
            assert question.answer == pytest.approx(torch.nn.MSELoss()(y, target).item(), abs=1e-12)
        elif question.id == "gradient":
            assert question.step == CLASSES + 1
            assert SLOPES[question.answer] == curve_answers()[0]
        else:
            assert question.step == CLASSES + 1 + curve_answers()[1]
            assert DIRECTIONS[question.answer] == "down"
        assert_marks(question)
        assert_words(question)
    return asked


def test_default_asks_five_questions_from_the_terms_to_the_curve():
    asked = check(LossSpec())
    assert [(q.id, q.step) for q in asked] == [
        ("mse_through", 2),
        ("larger", 7),
        ("torch_mse", 10),
        ("gradient", 11),
        ("direction", 30),
    ]
    assert mark(asked[0], "0.08625").correct and mark(asked[0], "0.0863").correct
    assert not mark(asked[0], "0.08").correct
    assert mark(asked[2], "0.0195").correct and not mark(asked[2], "0.0975").correct


@pytest.mark.parametrize("target", range(CLASSES))
def test_every_class_asks_at_least_four(target):
    assert len(check(LossSpec(target=target))) >= 4


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0, 5, allow_nan=False), min_size=CLASSES, max_size=CLASSES),
    st.integers(0, CLASSES - 1),
    st.booleans(),
)
def test_random_outputs_answers_match_torch(y, target, normalise):
    total = sum(y)
    if normalise and total > 0:
        y = [value / total for value in y]
    check(LossSpec(tuple(y), target))


def test_the_lesson_registry_finds_this_bank():
    assert lesson("loss").quiz.questions is questions
