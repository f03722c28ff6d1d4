"""The lessons, in course order. A lesson is listed once its flags module exists (no dead entries).

Each lesson has `tui/flags/<lesson>.py` (command line, setup, `--plain`; it names
its screen in SCREEN as "module:Class") and `assets/lessons/<lang>/<lesson>.md`.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # textual must not load before the CLI sets its environment variables
    from textual.screen import Screen

COURSE = ("perceptron", "activations", "broadcast", "matmul", "index", "loss", "autograd", "conv", "pool", "arch", "rnn", "train")

LESSONS = tuple(lesson for lesson in COURSE if (Path(__file__).parent / "flags" / f"{lesson}.py").exists())


def lesson_flags(lesson: str):
    """The lesson's module in tui/flags: its command-line flags, setup and `--plain` text."""
    return import_module(f"tui.flags.{lesson}")


def make_screen(lesson: str, **options: object) -> "Screen":
    """Import a lesson's screen only when it opens, so the home screen starts fast."""
    module_name, class_name = lesson_flags(lesson).SCREEN.split(":")
    return getattr(import_module(module_name), class_name)(**options)
