"""What every step-through lesson shares: stepping and playing, the lesson text, the message line, help.

A lesson subclasses StepLesson, sets LESSON (its id in assets/), keeps its engine
trace in `self.trace` (anything with a `step_count`), yields its own widgets
from `compose_work()` (the frame around them, the lesson text and the key bar
are composed here), and implements `show_step()`. Keys
only change the spec or the index.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from engine.errors import SpecError
from engine.numbers import fmt
from tui.i18n import error_text, lesson_text, lesson_title, t
from tui.keys import help_bindings, translate_bindings
from tui.screens.help import HelpScreen
from tui.widgets.keybar import KeyBar
from tui.widgets.text import Line

SPEEDS = (1, 2, 4, 8, 15, 30)


class LessonText:
    """The lesson's prose beside its work (t shows / hides it, PageUp / PageDown scroll it) and ? help.

    Shared by StepLesson and the training lesson; the screen sets LESSON.
    """

    LESSON: ClassVar[str] = ""

    def compose_text(self) -> ComposeResult:
        """The scrolling lesson text; not focusable, so arrow keys stay with the lesson."""
        with VerticalScroll(id="lesson", can_focus=False):
            yield Static(id="lesson-text")

    def _load_text(self) -> None:
        """After the first frame: rich's Markdown costs ~80 ms to import and more to lay out."""
        from rich.markdown import Markdown

        self.query_one("#lesson-text", Static).update(Markdown(lesson_text(self.LESSON)))

    def action_toggle_text(self) -> None:
        lesson = self.query_one("#lesson")
        lesson.display = not lesson.display

    def action_scroll_text(self, direction: int) -> None:
        lesson = self.query_one("#lesson", VerticalScroll)
        lesson.scroll_relative(y=direction * max(lesson.size.height - 2, 1), animate=False)

    def action_help(self) -> None:
        bindings = help_bindings(self, self.app)
        self.app.push_screen(HelpScreen(lesson_title(self.LESSON), t(f"lesson.{self.LESSON}.summary"), bindings))


class StepLesson(LessonText, Screen[None]):
    """A Screen holding a step index over a trace that the subclass computes with engine."""

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
        Binding("escape", "app.back", "keys.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.index = 0
        self.speed = 2
        self._player: Timer | None = None

    @property
    def step_count(self) -> int:
        return self.trace.step_count

    @property
    def playing(self) -> bool:
        return self._player is not None

    def show_step(self) -> None:
        """Draw step `self.index`; called after every index change."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="work"):
                yield from self.compose_work()
            yield from self.compose_text()
        yield KeyBar()

    def compose_work(self) -> ComposeResult:
        """The lesson's own widgets, top to bottom; a Line#message among them receives say()."""
        raise NotImplementedError

    def on_mount(self) -> None:
        """Textual calls this and then the subclass's own on_mount: subclasses must not call super()."""
        self.title = t("app.title")
        self.sub_title = lesson_title(self.LESSON)
        self.call_after_refresh(self._load_text)

    # Stepping ------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        self.go_to(self.index + delta)

    def action_jump(self, where: int) -> None:
        self.go_to(where if where >= 0 else self.step_count - 1)

    def go_to(self, index: int) -> None:
        index = min(max(index, 0), self.step_count - 1)
        if index != self.index:
            self.index = index
            self.show_step()

    def action_toggle_play(self) -> None:
        if self._player:
            self._stop_playing()
        else:
            if self.index == self.step_count - 1:
                self.index = 0
            self._player = self.set_interval(1 / self.speed, self._tick)
        self.show_step()

    def _tick(self) -> None:
        if self.index >= self.step_count - 1:
            self._stop_playing()
            self.show_step()
        else:
            self.go_to(self.index + 1)

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
        self.show_step()

    def play_state(self) -> str:
        return t("step.playing") if self._player else t("step.paused")

    def show_status(self, key: str, **params: object) -> None:
        """The status line: playing or paused, then the lesson's `key` with step, total and speed filled in."""
        status = t(key, step=self.index + 1, total=self.step_count, speed=self.speed, **params)
        self.query_one("#status", Line).show(f"{self.play_state()} {status}")

    # Checking against torch ----------------------------------------------------

    @work(exclusive=True, group="verify")
    async def check_against_torch(self, spec: object, function: str) -> None:
        """Fill Line#verify with engine's agreement with `function`, computed in the child process."""
        label = self.query_one("#verify", Line)
        label.show(t("step.verify_pending", function=function))
        verdict = await self.app.verifier.check(self.LESSON, spec)
        if verdict.delta is None:
            label.show(t("step.verify_unavailable", reason=verdict.reason))
        elif verdict.delta <= 1e-9:
            label.show(t("step.verify_ok", function=function, delta=fmt(verdict.delta)))
        else:
            label.show(t("step.verify_bad", function=function, delta=fmt(verdict.delta)))
        label.set_class(verdict.delta is not None and verdict.delta > 1e-9, "error")

    # Text, messages, help ------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#message", Line)
        message.show(text)
        message.set_class(error, "error")

    def refuse(self, error: SpecError) -> None:
        """An invalid change: say why, in the student's language, and keep what is on screen."""
        self.say(f"{t('error.prefix')}: {error_text(error)} — {t('error.kept')}", error=True)


