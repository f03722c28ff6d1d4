"""The TensorTour application: a home screen, one screen per lesson, help and the command palette."""

from __future__ import annotations

import gc
import inspect
from pathlib import Path, PurePath

from rich.theme import Theme
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.blas import single_threaded_blas
from tui.commands import LessonCommands
from tui.i18n import set_language, t
from tui.keys import translate_bindings
from tui.lessons import lesson as registered
from tui.lessons import make_screen
from tui.screens.too_small import TooSmallScreen, too_small
from tui.verifier import Verifier

HEADINGS = Theme(
    {
        "markdown.h2": "bold underline",
        "markdown.h3": "bold",
        "markdown.h4": "bold italic",
    },
    inherit=True,
)
"""Lesson-text headings by weight, not colour: rich's magenta turns near-invisible under NO_COLOR's grey."""


def _stylesheets(lesson: str | None) -> list[Path]:
    """The start lesson's CSS_PATH files, to be read with the app's own CSS at start-up.

    A screen whose CSS_PATH the app has not read yet makes Textual re-parse every
    stylesheet and restyle the app when it is pushed; read from the start, the same
    rules (a screen's CSS_PATH is not scoped either) cost one parse.
    """
    if lesson is None:
        return []
    with single_threaded_blas():  # the screen's module may bring numpy
        screen = registered(lesson).screen()
    paths = screen.CSS_PATH if isinstance(screen.CSS_PATH, list) else [screen.CSS_PATH]
    folder = Path(inspect.getfile(screen)).parent
    return [(folder / path).resolve() for path in paths if isinstance(path, str | PurePath)]


def _home() -> Screen[None]:
    """The lesson list, imported when first shown: a lesson opened from the command line may never need it."""
    from tui.screens.home import HomeScreen

    return HomeScreen()


class TensorTourApp(App[None]):
    TITLE = "TensorTour"
    COMMANDS = App.COMMANDS | {LessonCommands}
    BINDINGS = [
        Binding("q", "quit", "keys.quit"),
        Binding("ctrl+p", "command_palette", "keys.palette_short", show=False, priority=True),
    ]

    def __init__(self, lang: str = "en", lesson: str | None = None, **lesson_options: object) -> None:
        set_language(lang)
        super().__init__(css_path=_stylesheets(lesson))
        translate_bindings(self)
        self.lang = lang
        self.verifier = Verifier()
        self.module_loader = None  # the child that loads a student's network file, started when first needed
        self._start_lesson = lesson
        self._lesson_options = lesson_options

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.console.push_theme(HEADINGS)
        self.call_later(self._open_first_screen)

    def _open_first_screen(self) -> None:
        """A lesson named on the command line opens straight away; the home screen is made only when needed.

        Called once Textual's start-up batch is over (on_mount runs inside it): frames
        rendered in that batch are never written, yet they count as painted, so a screen
        mounted there would show only what changed after it (no status line) until a
        second frame, and its call_after_refresh work would run ahead of its first frame.
        """
        if self._start_lesson:
            self.open_lesson(self._start_lesson, **self._lesson_options)
        else:
            self.push_screen(_home())
        self.call_after_refresh(self._fit, self.size)
        # tui.cli.main starts the app with the garbage collector off: on again after the first frame
        self.call_after_refresh(gc.enable)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size) -> None:
        """Below the minimum size, say so instead of drawing a screen that cannot fit; take it away once the terminal is large enough."""
        covered = isinstance(self.screen, TooSmallScreen)
        if too_small(*size) and not covered:
            self.push_screen(TooSmallScreen())
        elif covered and not too_small(*size):
            self.pop_screen()

    def action_back(self) -> None:
        """Esc in a lesson: back to the lesson list, which a lesson opened from the command line lacks."""
        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.switch_screen(_home())

    def open_lesson(self, lesson: str, **options: object) -> None:
        # numpy may come with the lesson's screen and engine
        with single_threaded_blas():
            screen = make_screen(lesson, **options)
        self.push_screen(screen)

    async def on_unmount(self) -> None:
        await self.verifier.close()
        if self.module_loader is not None:
            await self.module_loader.close()
