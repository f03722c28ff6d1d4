"""Predict before reveal: a question about a step, its answer computed by the engine, and the marking.

A lesson's questions come from `engine/<lesson>_quiz.py`, whose
`questions(setup, trace) -> tuple[Question, ...]` reads the very trace the
screen steps through, so every answer holds for the setup on screen, preset or
typed. A question is asked just before its `step` is shown (that step reveals
the answer). The words are keys: `quiz.<lesson>.<id>` asks,
`quiz.<lesson>.<id>_why` explains with the numbers (both filled from `params`),
and a choice's options are `quiz.<lesson>.<option>` or literal labels.

Marking is pure: `mark(question, typed)` parses what the student typed for the
question's kind and says whether it is right; a malformed answer raises
AnswerError, so the screen can keep the question open and say what it expects.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from engine.errors import SpecError

Kind = Literal["number", "shape", "choice"]
MAX_TYPED = 200  # characters of an answer; a paste past this is refused, not parsed


@dataclass(frozen=True)
class Question:
    """One prediction: asked before step `step` (0-based) is shown, answered by `answer`.

    `answer` is a float (kind "number", right within `tolerance`, absolute), a
    tuple of ints (kind "shape") or the index into `choices` (kind "choice").
    `choices` are option keys under `quiz.<lesson>.` when `choice_keys`, else
    labels shown as they are (a class name, a shape).
    """

    lesson: str
    id: str
    step: int
    kind: Kind
    answer: float | tuple[int, ...] | int
    params: Mapping[str, object] = field(default_factory=dict)
    tolerance: float = 0.0
    choices: tuple[str, ...] = ()
    choice_keys: bool = False

    @property
    def key(self) -> str:
        return f"quiz.{self.lesson}.{self.id}"

    @property
    def why_key(self) -> str:
        return f"quiz.{self.lesson}.{self.id}_why"


@dataclass(frozen=True)
class Verdict:
    """What the student gave (parsed) and whether it is right."""

    correct: bool
    given: float | tuple[int, ...] | int


class AnswerError(SpecError):
    """An answer that is not of the question's kind: `quiz.answer_<kind>` says what is expected."""


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FRACTION = re.compile(r"^([+-]?\d+)\s*/\s*(\d+)$")


def parse_number(typed: str) -> float:
    """`2.5`, `-3`, `1e-3`, `1/3`, `−0.5` (a typographic minus) or `2,5` is not a number: `2.5` is."""
    text = typed.strip().replace("−", "-")
    if len(text) > MAX_TYPED:
        raise AnswerError("answer_too_long", limit=MAX_TYPED)
    if _NUMBER.match(text):
        return float(text)
    fraction = _FRACTION.match(text)
    if fraction and int(fraction.group(2)) != 0:
        return int(fraction.group(1)) / int(fraction.group(2))
    raise AnswerError("answer_number", got=typed)


_SHAPE_WRAPPERS = re.compile(r"^(torch\.Size\(\s*)?[\(\[]?(?P<inner>.*?)[\)\]]?(\s*\))?$")


def parse_shape(typed: str) -> tuple[int, ...]:
    """`(3, 4)`, `3,4`, `3 4`, `3x4`, `3×4`, `[3, 4]`, `torch.Size([3, 4])`; `()` is a scalar's shape."""
    text = typed.strip()
    if len(text) > MAX_TYPED:
        raise AnswerError("answer_too_long", limit=MAX_TYPED)
    match = _SHAPE_WRAPPERS.match(text)
    inner = match.group("inner") if match else text
    parts = [part for part in re.split(r"[\s,x×*]+", inner.strip()) if part]
    if not parts and text in ("()", "[]", "torch.Size([])"):
        return ()
    if not parts or not all(part.isdigit() for part in parts):
        raise AnswerError("answer_shape", got=typed)
    return tuple(int(part) for part in parts)


def parse_choice(typed: str, count: int) -> int:
    """The option's number as shown, 1 to `count`; returns the 0-based index."""
    text = typed.strip()
    if text.isdigit() and 1 <= int(text) <= count:
        return int(text) - 1
    raise AnswerError("answer_choice", got=typed, count=count)


def mark(question: Question, typed: str) -> Verdict:
    """Parse `typed` for the question's kind and compare it with the engine's answer."""
    if question.kind == "number":
        given = parse_number(typed)
        expected = float(question.answer)  # type: ignore[arg-type]
        right = math.isclose(given, expected, rel_tol=0.0, abs_tol=question.tolerance + 1e-12)
        return Verdict(right, given)
    if question.kind == "shape":
        given_shape = parse_shape(typed)
        return Verdict(given_shape == question.answer, given_shape)
    index = parse_choice(typed, len(question.choices))
    return Verdict(index == question.answer, index)


def answer_text(question: Question) -> str:
    """The answer as the reveal writes it, language-free: `6`, `37752832`, `0.3799`, `(3, 4)`, or the choice's number."""
    from engine.numbers import fmt

    if question.kind == "number":
        value = float(question.answer)  # type: ignore[arg-type]
        return str(int(value)) if value.is_integer() else fmt(value)  # 37752832 whole, not 3.775e7
    if question.kind == "shape":
        return shape_text(question.answer)  # type: ignore[arg-type]
    return str(int(question.answer) + 1)  # type: ignore[arg-type]


def shape_text(shape: tuple[int, ...]) -> str:
    """As Python writes a tuple: `(3,)`, `(3, 4)`, `()`."""
    return str(tuple(shape))


def asked_before(questions: tuple[Question, ...], step_count: int) -> tuple[Question, ...]:
    """The questions a trace of `step_count` steps can ask: a step to reveal, one before it to ask from.

    Sorted by step; one question per step (the first one listed wins), so
    stepping forward meets at most one question at a time.
    """
    seen: set[int] = set()
    kept = []
    for question in sorted(questions, key=lambda q: q.step):
        if 1 <= question.step < step_count and question.step not in seen:
            seen.add(question.step)
            kept.append(question)
    return tuple(kept)
