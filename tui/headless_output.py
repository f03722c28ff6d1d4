"""What `train --headless` writes: the progress bars, one line per epoch, and output that may go away.

The run's files matter more than its printout: when the reader of stdout goes
away (`| head -1`, a closed terminal) the run goes on, writes metrics.jsonl and
its checkpoint, and says once on stderr that its output was closed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from rich import box
from rich.console import Console
from rich.table import Table

from engine.train.events import (
    AccuracyEvent,
    BatchEvent,
    EpochEvent,
    FailedEvent,
    HintEvent,
    StartedEvent,
    TrainEvent,
)
from tui.i18n import t, visible
from tui.text.limits import limits_words
from tui.text.own_data import data_notes
from tui.text.train import accuracy_lines, device_words, epoch_numbers, failure_words, hint_text

if TYPE_CHECKING:  # rich.progress costs ~5 ms, and the training lesson imports tui.headless for its words
    from rich.progress import Progress


class Output:
    """A text stream that stops writing, instead of raising, once its reader has gone; `closed_by_reader` then."""

    def __init__(self, stream: TextIO, on_close=None) -> None:
        self.stream = stream
        self.on_close = on_close
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        return self._guard(lambda: self.stream.write(text), len(text))

    def flush(self) -> None:
        self._guard(self.stream.flush, None)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)

    def _guard(self, action, default):
        if self.closed_by_reader:
            return default
        try:
            return action()
        except (OSError, ValueError):
            self._gone()
            return default

    def _gone(self) -> None:
        """Point the descriptor at /dev/null, so that what the stream still buffers (and Python's last flush at
        exit) goes nowhere quietly instead of raising BrokenPipeError once more."""
        self.closed_by_reader = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.stream.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError):
            pass
        if self.on_close is not None:
            self.on_close()


def progress_bar(console: Console) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def download_bar(console: Console) -> Progress:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


class Downloads:
    """engine's download reports (done bytes, total, file name) as one bar per file, shown only while one runs."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar: Progress | None = None
        self.tasks: dict[str, object] = {}

    def __call__(self, done: int, total: int | None, name: str) -> None:
        if self.bar is None:
            self.bar = download_bar(self.console)
            self.bar.start()
        if name not in self.tasks:
            self.tasks[name] = self.bar.add_task(t("data.downloading", name=name), total=total)
        self.bar.update(self.tasks[name], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


class Listener:
    """Turns the engine's events into the progress bar and the epoch lines."""

    def __init__(self, console: Console, errors: Console, progress: Progress) -> None:
        self.console = console
        self.errors = errors
        self.progress = progress
        self.task = None

    def track(self, trainer) -> None:
        total = trainer.config.epochs * trainer.steps_per_epoch
        self.task = self.progress.add_task(
            t("train.headless_training"),
            total=total,
            completed=trainer.global_step,
            detail="",
        )

    def emit(self, event: TrainEvent) -> None:
        if isinstance(event, StartedEvent):
            self._started(event)
        elif isinstance(event, BatchEvent) and self.task is not None:
            detail = t(
                "train.headless_batch",
                epoch=event.epoch,
                loss=f"{event.loss:.4f}",
                rate=f"{event.samples_per_s:,.0f}",
            )
            self.progress.update(self.task, completed=event.global_step, detail=detail)
        elif isinstance(event, EpochEvent):
            self.console.print(t("train.headless_epoch", **epoch_numbers(event)))
        elif isinstance(event, HintEvent):
            self.console.print(t("train_hint.headless", text=hint_text(event)), markup=False, style="bold")
        elif isinstance(event, AccuracyEvent):
            self.console.print("\n".join(accuracy_lines(event)), markup=False)
        elif isinstance(event, FailedEvent):
            self.errors.print(f"tensortour: {failure_words(event)}", style="bold")
        self.console.file.flush()

    def _started(self, event: StartedEvent) -> None:
        data = event.dataset
        self.console.print(
            t(
                "train.headless_started",
                dataset=data.name,
                source=data.source,
                train=data.train,
                test=data.test,
                shape="×".join(map(str, data.input_shape)),
                parameters=f"{event.parameters:,}",
                device=device_words(event),
                out=visible(str(event.out)),
            )
        )
        for line in data_notes(data):
            self.console.print(line, markup=False)
        limits = limits_words(event.limits)
        if limits:
            self.console.print(limits, style="bold")
        table = Table(box=box.SIMPLE, pad_edge=False)
        for header in ("layer", "kind", "output", "parameters"):
            table.add_column(t(f"model.{header}"), justify="right" if header == "parameters" else "left")
        for row in event.summary:
            table.add_row(row.layer, row.kind, "×".join(map(str, row.output)), f"{row.parameters:,}")
        table.add_row(t("model.total"), "", "", f"{event.parameters:,}", style="bold")
        self.console.print(table)
        if event.epoch:
            self.console.print(t("train.headless_resumed", epoch=event.epoch, step=event.global_step))
