"""What every question bank's test checks besides its answers: marking of typed answers, the words in en and zh.

A bank's own test computes each answer independently (torch or numpy); these
helpers then check that `mark()` takes the answer typed as a student would
(the number as the screen writes it, a shape in two spellings, the option's
number) and refuses a wrong one, and that both catalogues ask and explain it
with the question's params.
"""

from __future__ import annotations

import pytest

from engine.numbers import fmt
from engine.quiz import AnswerError, Question, mark
from tui.i18n import catalogue, t


def assert_marks(question: Question) -> None:
    """Right typed answers are taken, a wrong one and a malformed one are not."""
    if question.kind == "number":
        value = float(question.answer)
        shown = str(int(value)) if value.is_integer() else fmt(value)  # 61706, not fmt's 6.171e4 past 1e7
        right, wrong = [shown, repr(value)], [repr(value + 2 * question.tolerance + 1)]
    elif question.kind == "shape":
        shape = tuple(question.answer)
        right = [str(shape), "x".join(map(str, shape)) or "()"]
        wrong = [str((*shape, 2)), str(tuple(size + 1 for size in shape)) if shape else "(1,)"]
    else:
        count = len(question.choices)
        assert count >= 2 and 0 <= question.answer < count, question
        right, wrong = [str(question.answer + 1)], [str((question.answer + 1) % count + 1)]
    for typed in right:
        assert mark(question, typed).correct, (question, typed)
    for typed in wrong:
        assert not mark(question, typed).correct, (question, typed)
    with pytest.raises(AnswerError):
        mark(question, "abc?")


def assert_words(question: Question) -> None:
    """The question, its explanation and its option keys exist in both languages and take the params."""
    keys = [question.key, question.why_key]
    if question.choice_keys:
        keys += [f"quiz.{question.lesson}.{option}" for option in question.choices]
    for lang in ("en", "zh"):
        for key in keys:
            assert key in catalogue(lang), (lang, key)
            text = t(key, lang, **question.params)
            assert "{" not in text, (lang, key, text)


def assert_bank(questions: tuple[Question, ...], step_count: int) -> None:
    """Ids and steps distinct, every step one that can be asked (from the step before), words and marking right."""
    assert len({q.id for q in questions}) == len(questions), questions
    assert len({q.step for q in questions}) == len(questions), questions
    for question in questions:
        assert 1 <= question.step < step_count, question
        assert isinstance(question.tolerance, float) and question.tolerance >= 0, question
        assert_words(question)
        assert_marks(question)
