"""The training lesson: a form, then a real run in a child process, watched live.

The run is engine's training loop in `python -m engine.train.child`, started,
read and stopped by a RunController (tui/run_controller.py): this screen only
writes commands and draws events, so torch never loads here and every key is
answered at once (a key handler only writes a line to the child). What the
events draw is in train_live.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from engine.errors import SpecError
from engine.train.own_check import check_own_data
from engine.train.run_files import CHECKPOINT_NAME, holds_run, run_folder
from engine.train.setup import TrainSetup
from tui.i18n import lesson_title, t
from tui.keys import translate_bindings
from tui.run_controller import RunController
from tui.screens.files import FILE_BINDINGS, SavesFiles
from tui.screens.lesson import LessonText
from tui.screens.train_form import PATH_ROW, FormSelect, TrainForm, config_from_texts, error_field
from tui.screens.train_live import APPLY_INTERVAL_S, IMAGE_VIEWS, LiveView
from tui.screens.train_narration import TrainNarration
from tui.screens.train_quiz import HeldQuizPanel, TrainQuizzing
from tui.screens.train_views import run_dir
from tui.training_process import TrainingProcess
from tui.widgets.confusion import Confusion
from tui.widgets.heatmap import HalfBlocks
from tui.widgets.keybar import KeyBar
from tui.widgets.loss_chart import TEST_MARKER, TRAIN_MARKER, LossChart
from tui.widgets.text import Line

RUN_ACTIONS = {
    "pause",
    "resume",
    "step",
    "stop",
    "reset",
    "save",
    "lr",
    "form",
    "next_view",
    "summary",
}
ENDED = ("stopped", "done", "failed")


class TrainScreen(TrainQuizzing, TrainNarration, LiveView, SavesFiles, LessonText, Screen[None]):
    CSS_PATH = "train.tcss"
    LESSON = "train"
    AUTO_FOCUS = ""  # the form focuses Start itself; with --start a hidden Select must not take Space

    HELP_FIRST = [
        Binding("tab,shift+tab", "", "keys.train_form_fields"),
        Binding("enter", "", "keys.train_form_start"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pause", "keys.train_pause", key_display="Space"),
        Binding("space", "resume", "keys.train_resume", key_display="Space"),
        Binding("n", "step", "keys.train_step"),
        Binding("x", "stop", "keys.train_stop"),
        Binding("r", "reset", "keys.train_reset", show=False),
        Binding("w", "save", "keys.train_save", show=False),
        Binding("[", "lr(0.5)", "keys.train_lr_down"),
        Binding("]", "lr(2.0)", "keys.train_lr_up"),
        Binding("e", "form", "keys.train_form"),
        Binding("v", "next_view", "keys.train_view"),
        Binding("s", "summary", "keys.train_summary", show=False),
        Binding("l", "runs", "keys.train_runs", show=False),
        Binding("t", "toggle_text", "keys.text", show=False),
        Binding("pageup", "scroll_text(-1)", "keys.text_up", show=False),
        Binding("pagedown", "scroll_text(1)", "keys.text_down", show=False),
        Binding("question_mark,f1", "help", "keys.help", key_display="?"),
        *FILE_BINDINGS,
        Binding("escape", "leave('back')", "keys.back", show=False),
        Binding("q", "leave('quit')", "keys.quit"),
    ]

    def __init__(self, setup: TrainSetup | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.setup = setup or TrainSetup()
        self.config = self.setup.config
        self.runs = RunController(
            self,
            self.apply_event,
            replaced=self.chart_replaced,
            interval_s=APPLY_INTERVAL_S,
        )
        self.state = "form"
        self.image_view = IMAGE_VIEWS[0]
        self.runs_started = 0
        self.run_out: str | None = None
        self._leaving = False
        self._asked: str | None = None  # the key pressed once while a run goes (Esc, e): a second press does it
        self.clear_run(self.config)
        self._boundary_due = False
        self._boundary_drawn = 0.0

    @property
    def process(self) -> TrainingProcess | None:
        return self.runs.process

    # Layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Few containers, since every frame lays them all out: #live is one grid."""
        yield Header()
        with Vertical(id="work"):
            yield TrainForm(self.config, id="form")
            with Container(id="live"):
                yield Line(id="progress", markup=False)
                yield LossChart(id="chart")
                with Vertical(id="view"):
                    yield Static(id="summary", markup=False)
                    yield HalfBlocks(id="boundary")
                    yield Confusion(id="confusion")
                    yield HalfBlocks(id="pictures")
                    with VerticalScroll(id="accuracy-pane"):
                        yield Static(id="accuracy", markup=False)
                yield Line(id="epoch-line", markup=False)
            yield Line(id="narration", markup=False)
            yield HeldQuizPanel(id="quiz")
            yield Line(id="message", markup=False)
        yield from self.compose_text()
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = lesson_title(self.LESSON)
        self.query_one("#lesson").display = False
        self.query_one("#chart").border_title = t("train_ui.chart_title", train=TRAIN_MARKER, test=TEST_MARKER)
        self.call_after_refresh(self._load_text)
        if self.setup.start:
            self.start(self.config)
        else:
            self._show_form()

    def _show_form(self) -> None:
        self.state = "form"
        self.query_one("#live").display = False
        form = self.query_one(TrainForm)
        form.display = True
        form.focus_start()
        self.refresh_bindings()

    def _show_live(self) -> None:
        self.query_one(TrainForm).display = False
        self.query_one("#live").display = True
        self.set_focus(None)
        self.refresh_bindings()

    @property
    def state(self) -> str:
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        """The key bar follows the run (check_action), so it is asked again whenever the state changes."""
        self._state = value
        if self.is_mounted:
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The form shows (and answers) only the keys that mean something before a run; Space is Pause while
        the run goes and Resume while it is paused; once it has ended, no key that commands a run (Space, n, x, w, [ ])."""
        if self.state == "form":
            return action not in RUN_ACTIONS
        if action in ("pause", "step", "stop", "lr", "save") and self.state in ENDED:
            return False
        if action == "pause":
            return self.state != "paused"
        if action == "resume":
            return self.state == "paused"
        return True

    # Starting and stopping ---------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id and event.input.id.startswith("field-"):
            self.start_from_form()

    def on_form_select_submitted(self, event: FormSelect.Submitted) -> None:
        self.start_from_form()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.start_from_form()

    def start_from_form(self) -> bool:
        """Start a run with what the form says, or say on the form why not (nothing starts)."""
        from engine.train.limits import load_limits

        form = self.query_one(TrainForm)
        try:
            config = config_from_texts(form.texts(), self.config)
            check_own_data(config)  # a bad CSV or image folder is refused here, naming the file, before a run starts
            load_limits().check(config.threads, config.device)  # a server's limits, said before a child starts
        except SpecError as error:
            form.show_error(error)
            return False
        form.show_error(None)
        if not self.quiz_before_run(config):
            self.start(config)
        return True

    def setup_to_save(self) -> TrainSetup | None:
        """What the form says (None, with the form saying why, if it says something invalid), or the run's settings."""
        if self.state != "form":
            return TrainSetup(self.config, start=True)
        form = self.query_one(TrainForm)
        try:
            config = config_from_texts(form.texts(), self.config)
        except SpecError as error:
            form.show_error(error)
            return None
        return TrainSetup(config)

    def start(self, config, note: str = "") -> None:
        """A fresh run of `config`: the views are cleared now (`note` on the message line), the child starts in a worker."""
        self.config = config
        self.state = "starting"
        self.clear_run(config)
        self.quiz_forget()
        self.hide_narration()
        self.set_class(not config.is_toy, "-images")
        self.query_one(LossChart).reset(config.epochs)
        self.query_one("#summary", Static).update(t("train_ui.starting", dataset=config.dataset, model=config.model))
        self.query_one("#epoch-line", Line).show("")
        self._show_view()
        self._show_live()
        self._show_progress()
        out, resume, moved = self._next_run_place()
        self.run_out = out
        self.say(moved or " ".join(part for part in (note, self.folder_words()) if part))
        self.runs_started += 1
        changes = self.setup.changes if resume else None
        self.runs.start(config.to_json(), out, resume=resume, changes=changes)

    def _next_run_place(self) -> tuple[str, str | None, str]:
        """Where the next run writes, what it resumes, and the words when it moved: the first run goes where the
        command line said (--out, --resume; the child refuses an --out that holds another run, saying why). A
        later one (r, or the form again) starts afresh: in --out while that holds no run, else in a new
        runs/<timestamp>, said on the message line, so that pressing r never overwrites the run before it."""
        setup = self.setup
        if self.runs_started == 0:
            first = setup.out or (_run_folder(setup.resume) if setup.resume else run_dir())
            return os.path.abspath(first), setup.resume, ""
        if setup.out and not holds_run(setup.out):
            return os.path.abspath(setup.out), None, ""
        fresh = os.path.abspath(run_dir())
        if setup.out or setup.resume:
            return fresh, None, t("train_ui.new_folder", old=setup.out or _run_folder(setup.resume), new=fresh)
        return fresh, None, ""

    def on_unmount(self) -> None:
        """However the screen goes (the app exits, a test ends), no child may outlive it."""
        self.runs.kill_now()

    # Keys --------------------------------------------------------------------------

    def _can_command(self) -> bool:
        """A child to command; otherwise the key says what it would need."""
        if self.process is not None and self.state in ("running", "paused", "starting"):
            return True
        self.say(t("train_ui.not_running"))
        return False

    def action_resume(self) -> None:
        self.action_pause()

    def action_pause(self) -> None:
        if self._can_command():
            pausing = self.state != "paused"
            self.runs.send({"cmd": "pause" if pausing else "resume"})
            self.say(t("train_ui.pausing" if pausing else "train_ui.resuming"))

    def action_step(self) -> None:
        if not self._can_command():
            return
        if self.state != "paused":
            self.say(t("train_ui.step_needs_pause"))
            return
        self.runs.send({"cmd": "step"})

    def action_stop(self) -> None:
        """x: stop after the batch in progress, saving (the child says when); x again: at once, keeping the
        checkpoint saved last."""
        if self.state == "stopping":
            self.runs.kill_now()
            checkpoint = Path(self.run_out or "") / CHECKPOINT_NAME
            saved = self.run_out is not None and checkpoint.is_file()
            self.say(t("train_ui.stopped_now", path=checkpoint) if saved else t("train_ui.stopped_now_unsaved"))
            return
        if self._can_command():
            self.state = "stopping"
            self._show_progress()
            self.say(t("train_ui.stopping"))
            self.runs.stop(then=self._stopped)

    def _stopped(self) -> None:
        if self.state == "stopping":
            self.state = "stopped"
            self._show_progress()

    def action_reset(self) -> None:
        if self.state == "form":
            self.say(t("train_ui.not_running"))
            return
        self.start(self.config, note=t("train_ui.reset"))

    def action_save(self) -> None:
        if self._can_command():
            self.runs.send({"cmd": "save"})
            self.say(t("train_ui.saving"))

    def action_lr(self, factor: float) -> None:
        if self._can_command():
            self.runs.send({"cmd": "lr", "factor": factor})
            self.say(t("train_ui.lr_asked", factor="½" if factor < 1 else "2"))

    def _asks_first(self, key: str) -> bool:
        """Esc and e while a run goes: the first press keeps it running and says so; pressed again, they act."""
        if self.state not in ("starting", "running", "paused") or self._asked == key:
            self._asked = None
            return False
        self._asked = key
        self.say(t(f"train_ui.asks_{key}"))
        return True

    def action_form(self) -> None:
        if self.state == "form" or self._asks_first("form"):
            return
        failure = self.failure if self.state == "failed" else None
        self.state = "form"
        self.runs.forget()
        self.runs.stop(then=self._stopped)
        form = self.query_one(TrainForm)
        form.fill(self.config)
        self.say("")
        self.quiz_forget()
        self._show_form()
        if failure is not None and error_field(failure.error()) == PATH_ROW:  # a damaged image: fix it on the form
            form.show_error(failure.error())

    def action_next_view(self) -> None:
        if self.state == "form":
            return
        if self.config.is_toy:
            self.say(t("train_ui.toy_views"))
            return
        views = self.result_views()
        if self.view in views:
            self.image_view = views[(views.index(self.view) + 1) % len(views)]
        self.view = self.image_view
        self._summary_pinned = False
        if not self.images:
            self.say(t("train_ui.images_after_epoch"))
        self._show_view()

    def action_summary(self) -> None:
        if self.state == "form":
            return
        if self.view == "summary":
            self._summary_pinned = False
            self.view = (
                "boundary" if self.config.is_toy and self.boundary else self.image_view if self.images else "summary"
            )
        else:
            self._summary_pinned = True
            self.view = "summary"
        self._show_view()

    def action_runs(self) -> None:
        """l: the runs page for the folder this lesson's runs go to (a run going on keeps going under it)."""
        self.app.open_runs(Path(self.run_out).parent if self.run_out else Path("runs"))

    def action_leave(self, how: str) -> None:
        """Esc and q: the child stops first as x stops it (after its batch, saving), then the screen or the
        app goes; pressed again while it waits, the child is stopped at once."""
        if self._leaving:
            self.runs.kill_now()
            return
        if how == "back" and self._asks_first("back"):
            return
        self._leaving = True
        running = self.process is not None and self.process.returncode is None
        self.say(t("train_ui.leaving") if running else "")
        self.runs.forget()
        self.runs.stop(then=self.app.exit if how == "quit" else self.app.action_back)


def _run_folder(resume: str) -> str:
    return str(run_folder(Path(resume)))
