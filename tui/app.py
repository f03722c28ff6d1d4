"""The TensorTour application: a home screen, one screen per lesson, help and the command palette."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import re
import signal
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.theme import Theme
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.color import Color
from textual.command import CommandPalette
from textual.filter import LineFilter
from textual.screen import Screen

from tui.blas import single_threaded_blas
from tui.commands import LessonCommands
from tui.i18n import set_language, t
from tui.keys import translate_bindings
from tui.lessons import lesson as registered
from tui.lessons import make_screen
from tui.screens.too_small import TooSmallScreen, too_small
from tui.verifier import Verifier

if TYPE_CHECKING:
    from tui.lesson_file import LessonFile

HEADINGS = Theme(
    {
        "markdown.h2": "bold underline",
        "markdown.h3": "bold",
        "markdown.h4": "bold italic",
    },
    inherit=True,
)
"""Lesson-text headings by weight, not colour: rich's magenta turns near-invisible under NO_COLOR's grey."""


class DropControlCharacters(LineFilter):
    """Drop control characters from what is drawn, whatever widget draws them.

    A field shows what was pasted or given on the command line as it is, and
    Textual writes an ESC in it to the terminal raw: `--data-dir $'\\e]0;pwned\\a'`
    set the window's title. Messages show such characters escaped (tui.i18n.visible);
    here they are dropped, which keeps every line's width (a control character takes
    no cell).
    """

    CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not self.CONTROL.search("".join(segment.text for segment in segments if not segment.control)):
            return segments
        cleaned = (
            segment if segment.control else Segment(self.CONTROL.sub("", segment.text), segment.style)
            for segment in segments
        )
        return [segment for segment in cleaned if segment.text or segment.control]


DROP_CONTROL_CHARACTERS = DropControlCharacters()


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


_SYSTEM_COMMANDS = {
    "Change the current theme": "theme",
    "Quit the application as soon as possible": "quit",
    "Hide the keys and widget help panel": "keys_hide",
    "Show help for the focused widget and a summary of available keys": "keys_show",
    "Minimize the widget and restore to normal size": "minimize",
    "Maximize the focused widget": "maximize",
    "Save an SVG 'screenshot' of the current screen": "screenshot",
}
"""Textual's system commands by their (unique) English help line, to the catalogue's `palette.<key>`."""


def _home() -> Screen[None]:
    """The lesson list, imported when first shown: a lesson opened from the command line may never need it."""
    from tui.screens.home import HomeScreen

    return HomeScreen()


END_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
SIGNAL_PATIENCE_S = 10.0  # how long a run may take to finish its batch and save when the app is told to end


class TensorTourApp(App[None]):
    TITLE = "TensorTour"
    COMMANDS = App.COMMANDS | {LessonCommands}
    BINDINGS = [
        Binding("q", "quit", "keys.quit"),
        Binding("ctrl+p", "command_palette", "keys.palette", show=False, priority=True),
    ]

    quiz_by_default = True
    """Whether lessons ask their questions on the way when `quiz` is not given (the tests' conftest turns it off)."""

    def __init__(
        self, lang: str = "en", lesson: str | None = None, quiz: bool | None = None, **lesson_options: object
    ) -> None:
        set_language(lang)
        super().__init__(css_path=_stylesheets(lesson))
        translate_bindings(self)
        self.lang = lang
        # lessons stop before a step that answers a question and ask it; `--no-quiz` turns that off (Q still asks)
        self.quiz_on = self.quiz_by_default if quiz is None else quiz
        self.verifier = Verifier()
        self.module_loader = None  # the child that loads a student's network file, started when first needed
        self._start_lesson = lesson
        self._runs_dir = lesson_options.pop("runs_dir", None)  # `tensortour runs`: the runs page opens first
        self._lesson_options = lesson_options

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), DROP_CONTROL_CHARACTERS]

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.console.push_theme(HEADINGS)
        self._catch_end_signals()
        self.call_later(self._open_first_screen)

    def _catch_end_signals(self) -> None:
        """SIGTERM and SIGHUP end the app the way q does: training runs stop after their batch and save, then
        Textual gives the terminal back (no alternate screen, no mouse reporting left on). Unhandled, either
        would kill the app where it stands, terminal and all."""
        self._end_signal: int | None = None
        loop = asyncio.get_running_loop()
        for signum in END_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._end_by_signal, signum)

    def _end_by_signal(self, signum: int) -> None:
        """The first signal stops the runs (each within SIGNAL_PATIENCE_S) and exits; a second exits at once."""
        if self._end_signal is not None:
            self._stop_runs_now()
            self.exit(return_code=128 + signum)
            return
        self._end_signal = signum
        self.run_worker(self._stop_runs_then_exit(signum), group="end-signal")

    async def _stop_runs_then_exit(self, signum: int) -> None:
        if "tui.run_controller" in sys.modules:  # no run was ever started otherwise
            from tui.run_controller import stop_every_run

            await stop_every_run(SIGNAL_PATIENCE_S)
        self.exit(return_code=128 + signum)

    def _stop_runs_now(self) -> None:
        if "tui.run_controller" in sys.modules:
            from tui.run_controller import kill_every_run

            kill_every_run()

    def _open_first_screen(self) -> None:
        """A lesson named on the command line opens straight away; the home screen is made only when needed.

        Called once Textual's start-up batch is over (on_mount runs inside it): frames
        rendered in that batch are never written, yet they count as painted, so a screen
        mounted there would show only what changed after it (no status line) until a
        second frame, and its call_after_refresh work would run ahead of its first frame.
        """
        if self._start_lesson:
            self.open_lesson(self._start_lesson, **self._lesson_options)
        elif self._runs_dir is not None:
            self.open_runs(self._runs_dir)
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

    def open_lesson(self, lesson: str, source: LessonFile | None = None, **options: object) -> None:
        """Open `lesson` with `options` (its setup); `source` is the lesson file they came from, if any."""
        # numpy may come with the lesson's screen and engine
        with single_threaded_blas():
            screen = make_screen(lesson, **options)
        screen.source = source
        self.push_screen(screen)

    def open_runs(self, root: str | Path) -> None:
        """The runs page: the runs under `root` listed, to compare, resume or delete."""
        from tui.screens.runs import RunsScreen

        self.push_screen(RunsScreen(root))

    # Textual's own words, in the student's language ------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=t("palette.placeholder")))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=t("palette.themes")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands (Theme, Quit, Keys, Maximize, Screenshot …) under the catalogue's words for them."""
        for command in super().get_system_commands(screen):
            key = _SYSTEM_COMMANDS.get(command.help)
            if key:
                command = command._replace(title=t(f"palette.{key}"), help=t(f"palette.{key}_help"))
            yield command

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's "Do you want to quit?" notice, translated."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(t("app.quit_notice", binding=key), title=t("app.quit_title"), markup=False)
                return

    async def on_unmount(self) -> None:
        await self.verifier.close()
        if self.module_loader is not None:
            await self.module_loader.close()
