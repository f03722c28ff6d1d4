"""`tensortour train --headless`: the training engine in this process, a rich progress bar, one line per epoch.

The engine writes the run directory: metrics.jsonl (one JSON object per finished
epoch) and checkpoint.pt (atomically).
Ctrl+C stops between two batches, saves, and `--resume DIR` continues from there.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from engine.errors import SpecError
from engine.train.config import TrainConfig
from engine.train.events import (
    AccuracyEvent,
    BatchEvent,
    EpochEvent,
    FailedEvent,
    StartedEvent,
    TrainEvent,
)
from tui.i18n import error_text, t, visible
from tui.text.train import accuracy_lines

if TYPE_CHECKING:  # rich.progress costs ~5 ms, and the training lesson imports this module for its words
    from rich.progress import Progress

EXIT_DONE, EXIT_FAILED, EXIT_BAD_SETUP, EXIT_INTERRUPTED = 0, 1, 2, 130


def run_headless(config: TrainConfig, out: str | None = None, resume: str | None = None) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    # no markup: a path or a message may hold "[/x]", which rich would read as a tag (or refuse)
    console = Console(highlight=False, soft_wrap=True, markup=False)
    errors = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
    run_dir = Path(out or resume or Path("runs") / time.strftime("%Y%m%d-%H%M%S"))
    refusal = _resume_refusal(resume)
    if refusal:
        errors.print(f"tensortour: {error_text(refusal)}")
        return EXIT_BAD_SETUP
    from engine.train.commands import run  # torch, after the refusals that need none
    from engine.train.loop import Trainer

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    listener = _Listener(console, errors, progress)
    try:
        trainer = Trainer(config, listener.emit, out=run_dir, resume=Path(resume) if resume else None)
    except SpecError as error:
        errors.print(f"tensortour: {error_text(error)}")
        return EXIT_BAD_SETUP
    listener.emit(trainer.started_event())
    interrupted = []
    previous = signal.signal(
        signal.SIGINT,
        lambda *_: (interrupted.append(True), signal.signal(signal.SIGINT, previous)),
    )
    try:
        with progress:
            listener.track(trainer)
            outcome = run(trainer, stop_requested=lambda: bool(interrupted))
    finally:
        signal.signal(signal.SIGINT, previous)
    if outcome == "failed":
        return EXIT_FAILED
    if outcome == "stopped":
        console.print(
            t(
                "train.headless_interrupted",
                epoch=trainer.epoch,
                step=trainer.step,
                out=visible(str(run_dir)),
            )
        )
        return EXIT_INTERRUPTED
    console.print(t("train.headless_done", out=visible(str(run_dir))))
    return EXIT_DONE


def _resume_refusal(resume: str | None) -> SpecError | None:
    """Why `--resume DIR` cannot be read before anything starts: missing, or a name the system refuses (too long)."""
    if not resume:
        return None
    try:
        Path(resume).stat()
    except (FileNotFoundError, NotADirectoryError):
        return SpecError("train_resume_missing", path=resume)
    except OSError as error:
        return SpecError("checkpoint_os_error", path=resume, reason=error.strerror or str(error))
    return None


def device_words(started: StartedEvent) -> str:
    """The GPU's own name, or "CPU · 2 threads" in the student's language."""
    threads = started.threads
    if started.device == "cpu" and threads is not None:
        key = "train.cpu_thread" if threads == 1 else "train.cpu_threads"
        return t(key, threads=threads)
    return started.device_name or started.device


def epoch_numbers(event: EpochEvent) -> dict[str, object]:
    """An epoch event's numbers as the app and the headless lines write them."""
    return {
        "epoch": event.epoch,
        "train_loss": f"{event.train_loss:.4g}",
        "test_loss": f"{event.test_loss:.4g}",
        "train_acc": f"{event.train_acc:.1%}",
        "test_acc": f"{event.test_acc:.1%}",
        "rate": f"{event.samples_per_s:,.0f}",
        "elapsed": f"{event.elapsed_s:.1f}",
    }


class _Listener:
    """Turns the engine's events into the progress bar, the epoch lines and metrics.jsonl."""

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
        elif isinstance(event, AccuracyEvent):
            self.console.print("\n".join(accuracy_lines(event)), markup=False)
        elif isinstance(event, FailedEvent):
            self.errors.print(f"tensortour: {error_text(event.error())}", style="bold")
        sys.stdout.flush()

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
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE, pad_edge=False)
        for header in ("layer", "kind", "output", "parameters"):
            table.add_column(
                t(f"model.{header}"),
                justify="right" if header == "parameters" else "left",
            )
        for row in event.summary:
            output = "×".join(map(str, row.output))
            table.add_row(row.layer, row.kind, output, f"{row.parameters:,}")
        table.add_row(t("model.total"), "", "", f"{event.parameters:,}", style="bold")
        self.console.print(table)
        if event.epoch:
            self.console.print(t("train.headless_resumed", epoch=event.epoch, step=event.global_step))
