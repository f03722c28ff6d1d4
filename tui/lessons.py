"""The lessons, in course order: the one place a lesson is declared.

A lesson is five parts (DESIGN.md, "A lesson, declared once") and one line in
REGISTRY below. Its words (title and summary in both languages) live in the
catalogues under `lesson.<id>.*`, its prose in `assets/lessons/<lang>/<id>.md`.
The parts are named by import path and loaded only when used: the command line
must not import textual before it sets textual's environment, `--plain` must
load neither textual nor torch, and the home screen must not pay for the
engines of lessons nobody opened. A test resolves every path.

`Lesson.flags` is `tui/flags/<id>.py` (argparse → setup) and `Lesson.text` is
`tui/text/<id>.py` (the words the screen and `--plain` print, `plain(setup)`
among them); neither imports textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # textual must not load before the CLI sets its environment variables
    from textual.screen import Screen


@dataclass(frozen=True)
class Lesson:
    """A lesson's parts. `checker` is the engine module the torch checker child runs (None: not checked there)."""

    id: str
    screen_module: str
    screen_class: str
    checker: str | None

    @property
    def flags(self) -> ModuleType:
        """`tui/flags/<id>.py`: argparse → setup; never imports textual."""
        return import_module(f"tui.flags.{self.id}")

    @property
    def text(self) -> ModuleType:
        """`tui/text/<id>.py`: the lesson's words and `plain(setup)` for `--plain`; never imports textual."""
        return import_module(f"tui.text.{self.id}")

    @property
    def quiz(self) -> ModuleType:
        """`engine/<id>_quiz.py`: `questions(setup, trace)`, the predictions asked on the way (engine/quiz.py)."""
        return import_module(f"engine.{self.id}_quiz")

    def screen(self) -> type[Screen]:
        return getattr(import_module(self.screen_module), self.screen_class)


def _lesson(lesson_id: str, screen_class: str, checked: bool = True) -> Lesson:
    return Lesson(
        lesson_id,
        f"tui.screens.{lesson_id}",
        screen_class,
        f"engine.{lesson_id}_check" if checked else None,
    )


REGISTRY: tuple[Lesson, ...] = (
    _lesson("perceptron", "PerceptronScreen", checked=False),
    _lesson("activations", "ActivationsScreen"),
    _lesson("broadcast", "BroadcastScreen", checked=False),
    _lesson("matmul", "MatmulScreen", checked=False),
    _lesson("index", "IndexScreen", checked=False),
    _lesson("loss", "LossScreen"),
    _lesson("autograd", "AutogradScreen"),
    _lesson("conv", "ConvScreen"),
    _lesson("pool", "PoolScreen"),
    _lesson("arch", "ArchScreen"),
    _lesson("rnn", "RnnScreen"),
    _lesson("tensor", "TensorScreen"),
    _lesson("module", "ModuleScreen"),
    _lesson("optim", "OptimScreen"),
    _lesson("data", "DataScreen"),
    _lesson("train", "TrainScreen", checked=False),
)

LESSONS: tuple[str, ...] = tuple(lesson.id for lesson in REGISTRY)
_BY_ID = {lesson.id: lesson for lesson in REGISTRY}


def lesson(lesson_id: str) -> Lesson:
    return _BY_ID[lesson_id]


def lesson_flags(lesson_id: str) -> ModuleType:
    return _BY_ID[lesson_id].flags


def make_screen(lesson_id: str, **options: object) -> Screen:
    """Import a lesson's screen only when it opens, so the home screen starts fast."""
    return _BY_ID[lesson_id].screen()(**options)
