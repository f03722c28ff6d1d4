"""How a run's events become the live view: progress lines, the loss chart and the right pane.

TrainScreen mixes this in; it owns the run (a RunController) and the keys, this
owns what the events draw. The controller applies them at most four times a
second (APPLY_INTERVAL_S): between two repaints an event a newer one
`can_replace` is not drawn, but every batch loss still reaches the chart
(`chart_replaced`); epoch, saved, failed and done are never dropped.
`apply_event` draws one event at once (tests feed recorded ones there).
When an image run is done, the right pane shows the tutorial's closing accuracy
lines (the "accuracy" view, one more for `v` to cycle through).
"""

from __future__ import annotations

import time

from textual.widgets import Static

from engine.train.config import TrainConfig
from engine.train.events import (
    AccuracyEvent,
    BatchEvent,
    BoundaryEvent,
    DoneEvent,
    EpochEvent,
    FailedEvent,
    HintEvent,
    ImagesEvent,
    LrEvent,
    SavedEvent,
    StartedEvent,
    StoppedEvent,
    TrainEvent,
)
from tui.i18n import display_name, t, visible
from tui.screens.train_views import (
    boundary_legend,
    epoch_text,
    failure_text,
    filter_tiles,
    progress_text,
    sample_tiles,
    stopped_text,
    summary_text,
)
from tui.text.train import accuracy_lines, hint_text
from tui.widgets.confusion import Confusion
from tui.widgets.heatmap import HalfBlocks, boundary_picture, gallery
from tui.widgets.loss_chart import LossChart
from tui.widgets.text import Line

APPLY_INTERVAL_S = 0.25
BOUNDARY_INTERVAL_S = 0.25  # the boundary is the costliest repaint (~1/3 of the UI's time while training a 2-D set)
IMAGE_VIEWS = ("confusion", "samples", "filters")


class LiveView:
    """The latest events of the current run and the drawing they cause (a mixin for TrainScreen)."""

    state: str
    config: TrainConfig
    image_view: str
    run_out: str | None
    _asked: str | None  # TrainScreen's: Esc or e pressed once during a run, its "press again" on the message line
    _progress_rows = "2 1fr 1"  # as train.tcss sets them

    def clear_run(self, config: TrainConfig) -> None:
        """Forget the last run's events: a new run starts with the model summary in the right pane."""
        self.started: StartedEvent | None = None
        self.batch: BatchEvent | None = None
        self.epoch: EpochEvent | None = None
        self.boundary: BoundaryEvent | None = None
        self.images: ImagesEvent | None = None
        self.accuracy: AccuracyEvent | None = None
        self.hint: HintEvent | None = None  # why the last epoch's run is not learning; None when nothing was wrong
        self.failure: FailedEvent | None = None  # why the run failed: one about its data is said again on the form
        self.lr: float | None = config.lr
        self.view = "summary"
        self._summary_pinned = False

    def chart_replaced(self, event: TrainEvent) -> None:
        """A batch that a newer one replaced before it was drawn still goes on the loss chart."""
        if isinstance(event, BatchEvent):
            self._chart_batch(event)

    def apply_event(self, event: TrainEvent) -> None:
        """Draw one event from the child (tests feed recorded ones here)."""
        handler = getattr(self, f"_on_{event.KIND}", None)
        if handler is not None:
            handler(event)

    def _on_started(self, event: StartedEvent) -> None:
        self.started = event
        self.state = "running"
        self.lr = event.lr
        self.query_one(LossChart).reset(event.epochs)
        self.query_one("#summary", Static).update(summary_text(event))
        self._show_progress()

    def _on_batch(self, event: BatchEvent) -> None:
        self.batch = event
        self.lr = event.lr
        self._chart_batch(event)
        self._show_progress()

    def _chart_batch(self, event: BatchEvent) -> None:
        steps = event.steps_per_epoch or 1
        self.query_one(LossChart).add_batch(event.epoch - 1 + event.step / steps, event.loss)

    def _on_epoch(self, event: EpochEvent) -> None:
        self.epoch = event
        self.hint = None
        self.query_one(LossChart).add_epoch(event.epoch, event.train_loss, event.test_loss)
        self.query_one("#epoch-line", Line).show(epoch_text(event))
        self._show_progress()

    def _on_hint(self, event: HintEvent) -> None:
        """Said on the message line, unless that line holds Esc's or e's "press again" (a run says its hint after
        every epoch, which wiped the question before it could be read); the run's last words repeat the hint."""
        self.hint = event
        if self._asked is None:
            self.say(hint_text(event), error=True)

    def _with_hint(self, text: str) -> str:
        """A run that ends still not learning keeps saying what to try after its last words (the message line
        holds three lines; what the run showed was said after its epoch)."""
        return f"{text} {hint_text(self.hint, evidence=False)}" if self.hint else text

    def _on_boundary(self, event: BoundaryEvent) -> None:
        """Keep the newest; draw it now, or when a quarter second has passed since the last drawing."""
        first = self.boundary is None
        self.boundary = event
        if self.view == "summary" and not self._summary_pinned:
            self.view = "boundary"
        if self._boundary_due:
            return
        wait = self._boundary_drawn + BOUNDARY_INTERVAL_S - time.monotonic()
        if first or wait <= 0:
            self._show_view()
        else:
            self._boundary_due = True
            self.set_timer(wait, self._show_view)

    def _on_images(self, event: ImagesEvent) -> None:
        self.images = event
        if self.view == "summary" and not self._summary_pinned:
            self.view = self.image_view
        self._show_view()

    def _on_accuracy(self, event: AccuracyEvent) -> None:
        """Training is over: the tutorial's closing lines take the right pane (unless the summary is pinned)."""
        self.accuracy = event
        if not self._summary_pinned:
            self.view = "accuracy"
        self._show_view()

    def result_views(self) -> tuple[str, ...]:
        """What `v` cycles through: the image views, and the closing lines once the run has them."""
        return IMAGE_VIEWS + (("accuracy",) if self.accuracy else ())

    def _on_paused(self, _event: TrainEvent) -> None:
        self.state = "paused"
        self._show_progress()
        self.say(t("train_ui.paused_hint"))

    def _on_resumed(self, _event: TrainEvent) -> None:
        self.state = "running"
        self._show_progress()
        self.say("")

    def _on_lr(self, event: LrEvent) -> None:
        self.lr = event.lr
        self._show_progress()
        self.say(t("train_ui.lr_now", lr=f"{self.lr:g}"))

    def _on_saved(self, event: SavedEvent) -> None:
        saved = event.path
        self.say(t("train_ui.saved", path=saved) if saved else t("train_ui.not_saved"))

    def _on_stopped(self, event: StoppedEvent) -> None:
        self.state = "stopped"
        self._show_progress()
        self.say(self._with_folder(self._with_hint(stopped_text(event))), error=self.hint is not None)

    def _with_folder(self, text: str) -> str:
        return " ".join(part for part in (text, self.folder_words()) if part)

    def folder_words(self) -> str:
        """'Run folder: /abs/runs/…', said when a run starts and when it stops."""
        return t("train_ui.run_folder", path=visible(self.run_out)) if self.run_out else ""

    def _on_done(self, event: DoneEvent) -> None:
        self.state = "done"
        self._show_progress()
        acc = event.test_acc
        shown = f"{acc:.1%}" if acc is not None else "–"
        done = t("train_ui.done", epoch=event.epoch, acc=shown)
        self.say(self._with_folder(self._with_hint(done)), error=self.hint is not None)

    def _on_failed(self, event: FailedEvent) -> None:
        self.state = "failed"
        self.failure = event
        self._show_progress()
        self.say(
            f"{t('train_ui.failed')}: {failure_text(event)} {t('train_ui.failed_hint')}",
            error=True,
        )

    # Drawing -----------------------------------------------------------------------

    def _show_progress(self) -> None:
        text = progress_text(self.state, self.started, self.batch, self.epoch, self.lr, self.config)
        progress = self.query_one("#progress", Line)
        progress.show(text)
        self._fit_progress_row(progress, text)

    def _fit_progress_row(self, progress: Line, text: str) -> None:
        """The grid's first row holds the progress lines: two, and those a server's limits line wraps to."""
        live = self.query_one("#live")
        width = progress.content_size.width or max(1, live.size.width - 2)
        lines = progress.get_content_height(live.size, live.size, width) if text.count("\n") > 1 else 2
        rows = f"{max(2, lines)} 1fr 1"
        if rows != self._progress_rows:
            self._progress_rows = rows
            live.styles.grid_rows = rows

    def _show_view(self) -> None:
        """The right pane: the model summary, the decision boundary, or one of the image views."""
        self._boundary_due = False
        view = self.view
        missing = {"boundary": self.boundary, "accuracy": self.accuracy}.get(view, self.images) is None
        if view != "summary" and missing:
            view = "summary"  # until the first picture of that kind arrives
        shown = {
            "summary": "summary",
            "boundary": "boundary",
            "confusion": "confusion",
            "accuracy": "accuracy-pane",
        }.get(view, "pictures")
        for name in ("summary", "boundary", "confusion", "pictures", "accuracy-pane"):
            self.query_one(f"#{name}").display = name == shown
        self.set_class(view == "accuracy", "-accuracy")
        pane = self.query_one("#view")
        classes = [display_name(name) for name in self.started.dataset.classes] if self.started else []
        if view == "summary":
            pane.border_title = t("train_ui.view_summary")
        elif view == "boundary" and self.boundary:
            pane.border_title = t("train_ui.view_boundary", legend=boundary_legend(classes))
            self._draw_boundary(self.boundary)
            self._boundary_drawn = time.monotonic()
        elif view == "accuracy" and self.accuracy:
            pane.border_title = t("train_ui.view_accuracy")
            self.query_one("#accuracy", Static).update("\n".join(accuracy_lines(self.accuracy)))
        elif self.images:
            pane.border_title = t(f"train_ui.view_{view}", layer=self.images.filter_title)
            self._draw_images(view, self.images, classes)

    def _draw_boundary(self, event: BoundaryEvent) -> None:
        started = self.started
        classes = max(2, len(started.dataset.classes)) if started else 2
        points = started.points if started else []
        self.query_one("#boundary", HalfBlocks).show(
            lambda rows, cols: boundary_picture(
                rows,
                cols,
                event.label,
                event.confidence,
                classes,
                points,
                event.extent,
            )
        )

    def _draw_images(self, view: str, images: ImagesEvent, classes: list[str]) -> None:
        if view == "confusion":
            self.query_one(Confusion).show(images.confusion, classes, images.per_class_acc)
            return
        tiles, captions = sample_tiles(images, classes) if view == "samples" else filter_tiles(images)
        self.query_one("#pictures", HalfBlocks).show(lambda rows, cols: gallery(rows, cols, tiles, captions))

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#message", Line)
        message.show(text)
        message.set_class(error, "error")
