"""The lessons that exist, in course order. A lesson is listed only once its screen is built."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # textual must not load before the CLI sets its environment variables
    from textual.screen import Screen

LESSONS = ("conv",)

_SCREENS = {"conv": "tui.screens.conv:ConvScreen"}


def make_screen(lesson: str, **options: object) -> "Screen":
    """Import a lesson's screen only when it opens, so the home screen starts fast."""
    module_name, class_name = _SCREENS[lesson].split(":")
    return getattr(import_module(module_name), class_name)(**options)


def lesson_flags(lesson: str):
    """The lesson's module in tui/flags: its command-line flags, setup and `--plain` text."""
    return import_module(f"tui.flags.{lesson}")
