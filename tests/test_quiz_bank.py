"""Every lesson's question bank at its default setup: enough questions, on steps the trace has, in both languages.

Runs over every lesson in the registry: a lesson without `engine/<id>_quiz.py`
fails here until its questions are written. Whether each answer is right is
each lesson's own test (tests/test_quiz_<id>.py), against torch or NumPy.
"""

from __future__ import annotations

import math
import re

import pytest

from engine.quiz import asked_before
from tui.cli import parse_args
from tui.i18n import LANGUAGES, catalogue, t
from tui.lessons import LESSONS, REGISTRY, make_screen
from tui.screens.lesson import StepLesson

MIN_QUESTIONS = 3


STEP_LESSONS = [entry for entry in REGISTRY if entry.id != "train"]
"""Training asks from the run's settings, not a trace: tests/test_quiz_train.py holds its bank to the same rules."""


def default_screen(entry) -> StepLesson:
    """The lesson's screen at the setup `tensortour <id>` opens with (not mounted: only its trace is read)."""
    screen = make_screen(entry.id, setup=entry.flags.setup_from(parse_args([entry.id])))
    assert isinstance(screen, StepLesson), entry.id
    return screen


@pytest.mark.parametrize("entry", REGISTRY, ids=LESSONS)
def test_every_lesson_has_a_question_bank(entry):
    assert callable(entry.quiz.questions)


@pytest.fixture(params=STEP_LESSONS, ids=[entry.id for entry in STEP_LESSONS])
def bank(request):
    """(the screen at the default setup, every question its quiz module gives for it)."""
    screen = default_screen(request.param)
    return screen, tuple(request.param.quiz.questions(screen.setup, screen.trace))


def test_at_least_three_questions_at_the_default_setup_on_distinct_steps(bank):
    screen, questions = bank
    assert len(asked_before(questions, screen.step_count)) >= MIN_QUESTIONS
    assert len({question.id for question in questions}) == len(questions)


def test_every_question_is_asked_from_a_step_the_trace_has(bank):
    screen, questions = bank
    assert [q.id for q in questions if not 1 <= q.step < screen.step_count] == []


def test_every_question_and_why_reads_in_both_languages(bank):
    screen, questions = bank
    for lang in LANGUAGES:
        words = catalogue(lang)
        for question in questions:
            assert question.key in words and question.why_key in words, (lang, question.id)
            for key in (question.key, question.why_key):
                filled = t(key, lang, **question.params)
                assert "{" not in filled, (lang, key, filled)


def test_answers_are_of_their_kind_and_choices_exist(bank):
    screen, questions = bank
    for question in questions:
        if question.kind == "number":
            assert math.isfinite(float(question.answer)) and question.tolerance >= 0
        elif question.kind == "shape":
            assert all(isinstance(size, int) and size >= 0 for size in question.answer)
        else:
            assert question.kind == "choice" and 0 <= question.answer < len(question.choices) >= 2
            if question.choice_keys:
                missing = [
                    (lang, option)
                    for lang in LANGUAGES
                    for option in question.choices
                    if f"quiz.{question.lesson}.{option}" not in catalogue(lang)
                ]
                assert missing == []


ONES = [
    ("data", ["--size", "1"]),
    ("data", ["--size", "3", "--batch-size", "1"]),
    ("rnn", ["--sequence", "0.5"]),
    ("rnn", ["--sequence", "0.5; 1", "--hidden", "1"]),
    ("optim", ["--steps", "1"]),
    ("conv", ["--kernel-size", "1"]),
    ("pool", ["--size", "1"]),
    ("matmul", ["1", "1"]),
    ("broadcast", ["1", "1"]),
]
"""Setups where a count the questions name is 1."""
ONE_PLURAL = re.compile(
    r"(?<![\d.,×·/])(?<![×·] )\b1 (samples|steps|inputs|updates|cells|elements|points|epochs|batches|numbers|rows)\b"
)


@pytest.mark.parametrize(("lesson_id", "argv"), ONES, ids=[" ".join([lesson, *argv]) for lesson, argv in ONES])
def test_a_count_of_one_takes_the_singular(lesson_id, argv):
    entry = next(entry for entry in REGISTRY if entry.id == lesson_id)
    screen = make_screen(lesson_id, setup=entry.flags.setup_from(parse_args([lesson_id, *argv])))
    words = [
        t(key, "en", **q.params) for q in entry.quiz.questions(screen.setup, screen.trace) for key in (q.key, q.why_key)
    ]
    assert words and [text for text in words if ONE_PLURAL.search(text)] == []
