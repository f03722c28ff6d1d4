"""The RNN lesson's second page: a character-level RNN trained live in the training child process.

The pane runs one TrainingProcess at a time through a RunController
(tui/run_controller.py) and draws its events: the loss as a number and a
sparkline of every batch, and the newest text the network samples.
Numbers come from the child; the pane only formats them. A run is stopped after
its time limit (the child's own training time, from the batch events), when the
student presses x, when the page is left, and killed if the pane goes away.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from engine.numbers import fmt
from engine.train.events import (
    BatchEvent,
    EpochEvent,
    FailedEvent,
    SampleEvent,
    StartedEvent,
    TrainEvent,
)
from tui.i18n import t
from tui.run_controller import ProcessFactory, RunController
from tui.training_process import TrainingProcess
from tui.widgets.text import Line

RUNNING = frozenset({"starting", "training"})


class LanguageModelPane(Vertical):
    """One training run at a time; `start(config, limit_s)`, `stop()`, and events drawn as they come."""

    process_factory: ProcessFactory = TrainingProcess  # tests put a scripted one here

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.runs = RunController(
            self,
            self.apply_event,
            replaced=self._record_loss,
            factory=self.process_factory,
        )
        self.state = "idle"
        self.limit_s = 0.0
        self.hidden = 0
        self.started: StartedEvent | None = None
        self.batch: BatchEvent | None = None
        self.epoch: EpochEvent | None = None
        self.losses: list[float] = []
        self.first_loss: float | None = None
        self._stop_reason = "stopped"

    def compose(self) -> ComposeResult:
        yield Line(id="lm-status", markup=False)
        yield Line(id="lm-model", markup=False)
        yield Line(id="lm-data", markup=False)
        yield Line(id="lm-loss", markup=False)
        with Vertical(id="lm-chart"):
            yield Sparkline([], id="lm-spark")
        yield Static(id="lm-sample", markup=False)
        yield Line(id="lm-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#lm-chart").border_title = t("rnn_lm.spark_title")
        self.query_one("#lm-keys", Line).show(t("rnn_lm.keys"))
        self._reset_view()

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    @property
    def process(self) -> TrainingProcess | None:
        return self.runs.process

    # Starting and stopping ---------------------------------------------------------

    def start(self, config, limit_s: float) -> None:
        """A fresh run: the view is cleared now, an older child is stopped and the new one started in a worker."""
        self.limit_s = limit_s
        self.hidden = config.hidden[0]
        self.state = "starting"
        self.started = self.batch = self.epoch = None
        self.losses, self.first_loss = [], None
        self._reset_view()
        self.runs.start(config.to_json(), None)

    def stop(self, reason: str = "stopped") -> None:
        """Ask the child to stop (it says `stopped`); the reason picks the words shown then."""
        if not self.running:
            return
        self._stop_reason = reason
        self.state = "stopping"
        self._show_status()
        run = self.runs.run
        self.runs.stop(then=lambda: self._stopped(run))

    def _stopped(self, run: int) -> None:
        if run == self.runs.run and self.state == "stopping":
            self.state = self._stop_reason
            self._show_status()

    def on_unmount(self) -> None:
        """However the pane goes (the screen is left, the app quits), no child may outlive it."""
        self.runs.kill_now()

    # Events ------------------------------------------------------------------------

    def _on_started(self, event: StartedEvent) -> None:
        self.started = event
        if self.state == "starting":
            self.state = "training"
        dataset = event.dataset
        parameters = f"{event.parameters:,}"
        model = t("rnn_lm.model", v=len(dataset.classes), h=self.hidden, parameters=parameters)
        self.query_one("#lm-model", Line).show(model)
        self.query_one("#lm-data", Line).show(
            t(
                "rnn_lm.data",
                source=dataset.source,
                train=dataset.train,
                test=dataset.test,
                t=(dataset.input_shape or ["?"])[0],
            )
        )
        self._show_status()

    def _record_loss(self, event: TrainEvent) -> None:
        """Every batch's loss goes on the sparkline, also one a newer batch replaced before it was drawn."""
        if isinstance(event, BatchEvent):
            self.losses.append(event.loss)
            if self.first_loss is None:
                self.first_loss = event.loss

    def _on_batch(self, event: BatchEvent) -> None:
        self.batch = event
        self._record_loss(event)
        self.query_one("#lm-spark", Sparkline).data = list(self.losses)
        self._show_loss()
        self._show_status()
        if self.state == "training" and event.elapsed_s >= self.limit_s:
            self.stop("timed_out")

    def _on_epoch(self, event: EpochEvent) -> None:
        self.epoch = event
        self._show_loss()

    def _on_sample(self, event: SampleEvent) -> None:
        sample = self.query_one("#lm-sample", Static)
        sample.update(Text.assemble((event.prompt, "bold underline"), event.text))
        sample.border_title = t("rnn_lm.sample_title", step=event.global_step)
        sample.border_subtitle = t("rnn_lm.sample_prompt")

    def _on_stopped(self, _event: TrainEvent) -> None:
        if self.state in ("stopping", "training"):
            self.state = self._stop_reason if self.state == "stopping" else "stopped"
        self._show_status()

    def _on_done(self, _event: TrainEvent) -> None:
        self.state = "done"
        self._show_status()

    def _on_failed(self, event: FailedEvent) -> None:
        # the train lesson's wording of a failed run; loaded only when one fails
        from tui.screens.train_views import failure_text

        self.state = "failed"
        self._show_status()
        self.query_one("#lm-keys", Line).show(failure_text(event))
        self.query_one("#lm-keys").add_class("error")

    def apply_event(self, event: TrainEvent) -> None:
        """Draw one event from the child, as the RunController hands them over."""
        handler = getattr(self, f"_on_{event.KIND}", None)
        if handler is not None:
            handler(event)

    # Drawing -----------------------------------------------------------------------

    def _reset_view(self) -> None:
        self.query_one("#lm-model", Line).show("")
        self.query_one("#lm-data", Line).show("")
        self.query_one("#lm-spark", Sparkline).data = []
        sample = self.query_one("#lm-sample", Static)
        sample.update(t("rnn_lm.sample_none"))
        sample.border_title = sample.border_subtitle = ""
        self.query_one("#lm-keys", Line).show(t("rnn_lm.keys"))
        self.query_one("#lm-keys").remove_class("error")
        self._show_loss()
        self._show_status()

    def _show_loss(self) -> None:
        line = self.query_one("#lm-loss", Line)
        if self.batch is None:
            line.show(t("rnn_lm.loss_none"))
            return
        loss, first = fmt(self.batch.loss), fmt(self.first_loss)
        if self.epoch is not None:
            test = fmt(self.epoch.test_loss)
            line.show(t("rnn_lm.loss_test", loss=loss, first=first, test=test))
        else:
            line.show(t("rnn_lm.loss", loss=loss, first=first))

    def _show_status(self) -> None:
        batch = self.batch
        step = batch.global_step if batch else 0
        numbers = {
            "step": step,
            "elapsed": f"{batch.elapsed_s if batch else 0.0:.1f}",
            "limit": f"{self.limit_s:g}",
        }
        if self.state == "training" and batch:
            epochs = self.started.epochs if self.started else "?"
            text = t("rnn_lm.training", epoch=batch.epoch, epochs=epochs, **numbers)
        elif self.state == "training":
            text = t("rnn_lm.starting")
        elif self.state in ("stopped", "timed_out", "done"):
            epochs = self.epoch.epoch if self.epoch else 0
            text = t(f"rnn_lm.{self.state}", epochs=epochs, **numbers)
        else:
            text = t(f"rnn_lm.{self.state}")
        self.query_one("#lm-status", Line).show(text)
