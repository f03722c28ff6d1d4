"""What every step-through lesson shares: the setup and its trace, stepping, the one change cycle.

A lesson screen is a `StepLesson[Setup, Trace]`. It says how a setup becomes a
trace (`trace_for`), draws a whole new trace (`draw_trace`) and one step
(`show_step`), and names what the torch checker compares (`check_target`). Keys
only ever change the setup (through `apply`) or the step index (a reactive the
shell clamps); this module owns the rest: refusing an invalid setup with the
reason and keeping the last good one, keeping the student's place across a
change, the status, check and message lines, play, the lesson text and help.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar, Generic, TypeVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from engine.errors import SpecError
from engine.numbers import fmt
from engine.trace import Trace, kept_index
from tui.i18n import error_text, lesson_text, lesson_title, t
from tui.keys import help_bindings, translate_bindings
from tui.lessons import lesson_flags
from tui.screens.files import FILE_BINDINGS, SavesFiles
from tui.screens.quizzing import Quizzing
from tui.widgets.keybar import KeyBar
from tui.widgets.quiz import QuizPanel
from tui.widgets.text import Line

SPEEDS = (1, 2, 4, 8, 15, 30)
TEXT_BESIDE_FROM = 100  # columns: narrower terminals give the work the whole width, the text opens with t
TEXT_WIDE_FROM = 120  # columns: wider terminals give the text a third of the width

SetupT = TypeVar("SetupT")
TraceT = TypeVar("TraceT", bound=Trace)


class LessonText:
    """The lesson's prose beside its work (t shows / hides it, PageUp / PageDown scroll it) and ? help.

    Shared by StepLesson and the training lesson; the screen sets LESSON. Below
    TEXT_BESIDE_FROM columns the text starts closed, so matrices get the width.
    """

    LESSON: ClassVar[str] = ""
    HELP_FIRST: ClassVar[list[Binding]] = []
    """Keys help lists before the screen's bindings, though no binding of the screen runs them (a form's Tab)."""
    # the student's t, once pressed; None follows the terminal's width
    _text_choice: bool | None = None

    _resumed_before = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual restyles every widget of a screen it resumes. On the first resume the
        screen was styled as it mounted, moments ago: that pass waits for the first frame."""
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False
            self.call_after_refresh(self.update_node_styles, animate=False)

    def compose_text(self) -> ComposeResult:
        """The scrolling lesson text; not focusable, so arrow keys stay with the lesson."""
        with VerticalScroll(id="lesson", can_focus=False):
            yield Static(id="lesson-text")

    def _load_text(self) -> None:
        """After the first frame: rich's Markdown costs ~80 ms to import and more to lay out."""
        from tui.widgets.lesson_markdown import LessonMarkdown

        self.query_one("#lesson-text", Static).update(LessonMarkdown(lesson_text(self.LESSON)))

    def fit_text(self, width: int) -> None:
        """Open or close the text for a terminal `width` columns wide, unless the student chose with t."""
        lesson = self.query_one("#lesson")
        lesson.display = self._text_choice if self._text_choice is not None else width >= TEXT_BESIDE_FROM
        lesson.set_class(width >= TEXT_WIDE_FROM, "-wide")

    def action_toggle_text(self) -> None:
        lesson = self.query_one("#lesson")
        self._text_choice = not lesson.display
        lesson.display = self._text_choice

    def action_scroll_text(self, direction: int) -> None:
        lesson = self.query_one("#lesson", VerticalScroll)
        if not lesson.display:
            self._text_choice = lesson.display = True
        lesson.scroll_relative(y=direction * max(lesson.size.height - 2, 1), animate=False)

    def action_help(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.help import HelpScreen

        first = [replace(binding, description=t(binding.description)) for binding in self.HELP_FIRST]
        bindings = first + help_bindings(self, self.app)
        self.app.push_screen(HelpScreen(lesson_title(self.LESSON), t(f"lesson.{self.LESSON}.summary"), bindings))


class StepLesson(Quizzing, SavesFiles, LessonText, Screen[None], Generic[SetupT, TraceT]):
    """A lesson's setup, the trace engine computed from it, and the step being shown."""

    DEFAULT_CSS = """
    StepLesson {
        #body { height: 1fr; }
        #column { width: 1fr; }
        #work { height: 1fr; padding: 0 1; overflow-y: auto; scrollbar-size-vertical: 1; }
        #lesson { width: 28; border-left: vkey $panel; padding: 0 1; scrollbar-size-vertical: 1; }
        #lesson.-wide { width: 33%; }
        #lesson-text { width: 100%; }
        #step-lines { height: auto; max-height: 60%; padding: 0 1; overflow-y: auto; scrollbar-size-vertical: 1; }
        #quiz { margin: 0 1; }
        #narration { height: auto; text-style: italic; display: none; }
        #status { height: auto; text-style: bold; }
        #verify { height: auto; color: $success; display: none; }
        #message { height: auto; display: none; }
        #verify.error, #message.error { color: $error; text-style: bold; }
    }
    """

    BINDINGS = [
        Binding("right,l", "step(1)", "keys.next", key_display="→"),
        Binding("left,h", "step(-1)", "keys.prev", key_display="←"),
        Binding("space", "toggle_play", "keys.play", key_display="Space"),
        Binding("plus,equals_sign", "speed(1)", "keys.faster", show=False),
        Binding("minus", "speed(-1)", "keys.slower", show=False),
        Binding("home", "jump(0)", "keys.first", show=False),
        Binding("end", "jump(-1)", "keys.last", show=False),
        Binding("t", "toggle_text", "keys.text", show=False),
        Binding("pageup", "scroll_text(-1)", "keys.text_up", show=False),
        Binding("pagedown", "scroll_text(1)", "keys.text_down", show=False),
        Binding("question_mark,f1", "help", "keys.help", key_display="?"),
        Binding("Q", "quiz_me", "keys.quiz_me", show=False),
        *FILE_BINDINGS,
        Binding("escape", "back", "keys.back", show=False),
    ]

    index: reactive[int] = reactive(0, always_update=True, init=False)
    """The step shown; setting it is the whole API (clamped to the trace, then drawn)."""

    def __init__(self, setup: SetupT) -> None:
        super().__init__()
        translate_bindings(self)
        self.setup: SetupT = setup
        self.trace: TraceT = self.trace_for(setup)
        self.speed = 2
        self._player: Timer | None = None
        self._checked: object = None
        # an index a subclass sets in __init__ is drawn on mount, not before
        self._drawn = False

    # What a lesson writes ------------------------------------------------------

    def trace_for(self, setup: SetupT) -> TraceT:
        """The trace engine computes for `setup`; raises SpecError when the setup cannot work."""
        raise NotImplementedError

    def compose_work(self) -> ComposeResult:
        """The lesson's own widgets, top to bottom; the status, check and message lines follow (the shell's)."""
        raise NotImplementedError

    def draw_trace(self) -> None:
        """Draw what a new trace changes for every step (the matrices, the formula); show_step follows."""

    def show_step(self) -> None:
        """Draw step `self.index`: move the marks, rewrite the arithmetic and the status line."""
        raise NotImplementedError

    def check_target(self) -> tuple[object, str] | None:
        """(spec, the torch function's name) for the checker child, or None where this trace is not checked."""
        return None

    # The shell -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="column"):
                with Vertical(id="work"):
                    yield from self.compose_work()
                # below the scrolling work, never docked over it: Textual drops a wide (Chinese) character
                # that straddles the edge of a widget drawn over another (textual#6357)
                with Vertical(id="step-lines"):
                    yield Line(id="narration", markup=False)
                    yield Line(id="status", markup=False)
                    yield Line(id="verify", markup=False)
                    yield Line(id="message", markup=False)
            yield from self.compose_text()
        yield QuizPanel(id="quiz")
        yield KeyBar()

    def on_mount(self) -> None:
        """Textual calls this after the subclass's own on_mount: subclasses must not call super()."""
        self.title = t("app.title")
        self.sub_title = lesson_title(self.LESSON)
        self.fit_text(self.app.size.width)
        self._drawn = True
        self.draw_trace()
        self.show_step()
        self._narrate()
        beyond = [note.step for note in self.source.narration if note.step > self.step_count] if self.source else []
        if beyond:
            self.say(t("lesson_file.narration_unused", step=beyond[0], total=self.step_count))
        self.call_after_refresh(self._load_text)
        self.call_after_refresh(self.verify)

    def on_resize(self, event: events.Resize) -> None:
        self.fit_text(event.size.width)

    @property
    def step_count(self) -> int:
        return self.trace.step_count

    def validate_index(self, index: int) -> int:
        return min(max(index, 0), self.trace.step_count - 1)

    def watch_index(self) -> None:
        if self._drawn:
            self.show_step()
            self._narrate()
            self.quiz_follow_step()

    def apply(
        self,
        make: Callable[[], SetupT],
        message: str | Callable[[], str] = "",
        *,
        index: int | Callable[[TraceT], int] | None = None,
    ) -> SpecError | None:
        """Adopt the setup `make` builds, or refuse it: say why and keep the last good one.

        Returns the refusal (None once adopted); see `adopt` for the rest.
        """
        error = self.adopt(make, message, index=index)
        if error is not None:
            self.refuse(error)
        return error

    def adopt(
        self,
        make: Callable[[], SetupT],
        message: str | Callable[[], str] = "",
        *,
        index: int | Callable[[TraceT], int] | None = None,
    ) -> SpecError | None:
        """Adopt the setup `make` builds, or return its SpecError and change nothing (a dialog shows it itself).

        The new trace opens at `index` (a number, or one read from the new trace),
        else at the step showing what the old one showed (`index_after_change`);
        `message` (a callable reads the adopted setup) goes to the message line;
        the checker is asked again.
        """
        try:
            setup = make()
            trace = self.trace_for(setup)
        except SpecError as error:
            return error
        old_trace, old_index = self.trace, self.index
        self.setup, self.trace = setup, trace
        self._file_setup_shown = None
        self.quiz_setup_changed()
        self.draw_trace()
        if index is None:
            self.index = self.index_after_change(old_trace, old_index)
        else:
            self.index = index(trace) if callable(index) else index
        self.say(message() if callable(message) else message)
        self.verify()
        return None

    def index_after_change(self, old_trace: TraceT, old_index: int) -> int:
        """The same output cell or layer where the new trace has it, else the same step number."""
        return kept_index(old_trace, old_index, self.trace)

    # A lesson file's narration -------------------------------------------------

    _file_setup_shown: bool | None = None
    """Whether the setup on screen is still the lesson file's (None: not yet compared since the last change)."""

    def _narrate(self) -> None:
        """The file's words for this step, while the setup is the file's own (a changed one may not fit them)."""
        if self.source is None:
            return
        if self._file_setup_shown is None:
            flags_of = lesson_flags(self.LESSON).flags_of
            self._file_setup_shown = flags_of(self.setup) == flags_of(self.source.setup)
        words = self.source.narration_at(self.index + 1) if self._file_setup_shown else ""
        line = self.query_one("#narration", Line)
        line.display = bool(words)
        line.show(words)

    def handout_stem(self) -> str:
        return f"{self.LESSON}-step-{self.index + 1}"

    # Stepping ------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        self.index = self.forward_to(self.validate_index(self.index + delta))

    def action_jump(self, where: int) -> None:
        self.index = self.forward_to(where if where >= 0 else self.step_count - 1)

    @property
    def playing(self) -> bool:
        return self._player is not None

    def action_toggle_play(self) -> None:
        if self._player:
            self._stop_playing()
            self.index = self.index
        else:
            self._player = self.set_interval(1 / self.speed, self._tick)
            self.index = 0 if self.index == self.step_count - 1 else self.index

    def _tick(self) -> None:
        if self.index >= self.step_count - 1:
            self._stop_playing()
        self.index = self.forward_to(min(self.index + 1, self.step_count - 1)) if self._player else self.index

    def _stop_playing(self) -> None:
        if self._player:
            self._player.stop()
        self._player = None

    def action_speed(self, delta: int) -> None:
        position = SPEEDS.index(self.speed) if self.speed in SPEEDS else 1
        self.speed = SPEEDS[min(max(position + delta, 0), len(SPEEDS) - 1)]
        if self._player:
            self._player.stop()
            self._player = self.set_interval(1 / self.speed, self._tick)
        self.index = self.index

    def play_state(self) -> str:
        return t("step.playing") if self._player else t("step.paused")

    def show_status(self, key: str, **params: object) -> None:
        """The status line: playing or paused, then the lesson's `key` with step, total and speed filled in."""
        status = t(key, step=self.index + 1, total=self.step_count, speed=self.speed, **params)
        self.query_one("#status", Line).show(f"{self.play_state()} {status}")

    # Checking against torch ----------------------------------------------------

    def verify(self) -> None:
        """Ask the checker child about the current spec, once per spec."""
        target = self.check_target()
        if target is not None and target[0] is not self._checked:
            self._checked = target[0]
            self.check_against_torch(*target)

    @work(exclusive=True, group="verify")
    async def check_against_torch(self, spec: object, function: str) -> None:
        """Fill Line#verify with engine's agreement with `function`, computed in the child process."""
        self.show_check(t("step.verify_pending", function=function))
        verdict = await self.app.verifier.check(self.LESSON, spec)
        if verdict.delta is None:
            self.show_check(t("step.verify_unavailable", reason=verdict.reason))
        elif verdict.delta <= 1e-9:
            self.show_check(t("step.verify_ok", function=function, delta=fmt(verdict.delta)))
        else:
            self.show_check(
                t("step.verify_bad", function=function, delta=fmt(verdict.delta)),
                error=True,
            )

    def show_check(self, text: str, error: bool = False) -> None:
        """The check line: hidden until a lesson has something checked to say."""
        label = self.query_one("#verify", Line)
        label.display = True
        label.show(text)
        label.set_class(error, "error")

    # Messages ------------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#message", Line)
        message.display = bool(text)
        message.show(text)
        message.set_class(error, "error")

    def refuse(self, error: SpecError) -> None:
        """An invalid change: say why, in the student's language, and keep what is on screen."""
        self.say(f"{t('error.prefix')}: {error_text(error)} — {t('error.kept')}", error=True)
