"""What the training lesson writes and draws from the child's events: plain functions, no widgets.

The screen (tui/screens/train.py) keeps the run's latest events and hands them
here; these return the text of a line or the pictures for a pane, so they can
be read (and tested) apart from the event plumbing.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from engine.train.config import TrainConfig
from engine.train.events import (
    BatchEvent,
    EpochEvent,
    FailedEvent,
    ImagesEvent,
    StartedEvent,
    StoppedEvent,
)
from tui.i18n import catalogue, t
from tui.text.limits import limits_words
from tui.text.own_data import data_notes
from tui.text.train import device_words, epoch_numbers, failure_words
from tui.widgets.heatmap import POINT_GLYPHS, RGB, diverging, grey

RIGHT, WRONG = (60, 200, 90), (240, 80, 70)

Tiles = tuple[list[np.ndarray], list[tuple[str, RGB | None]]]


def run_dir() -> str:
    """runs/<timestamp>, made unique: a reset within the same second must not reuse the last run's folder."""
    base = Path("runs") / time.strftime("%Y%m%d-%H%M%S")
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return str(candidate)


def clock(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):
        return "–"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def failure_text(event: FailedEvent) -> str:
    """A failed event in the student's words (and where the run's checkpoint stands), or the code itself."""
    if f"error.{event.code}" in catalogue("en"):
        try:
            return failure_words(event)
        except (KeyError, IndexError, ValueError):
            pass
    params = (f"{key}={value}" for key, value in event.params.items())
    return " ".join([event.code, *params, event.torch_message or ""]).strip()


def progress_text(
    state: str,
    started: StartedEvent | None,
    batch: BatchEvent | None,
    epoch: EpochEvent | None,
    lr: float | None,
    config: TrainConfig,
) -> str:
    """Where the run is (epoch, batch, ETA, speed), then device, memory, lr and test accuracy, then the server's
    limits when an administrator set any."""
    if batch is not None:
        where = {
            "epoch": batch.epoch,
            "step": batch.step,
            "steps": batch.steps_per_epoch,
        }
    else:
        steps = started.steps_per_epoch if started else "?"
        where = {"epoch": started.epoch if started else 0, "step": 0, "steps": steps}
    first = t(
        "train_ui.progress",
        state=t(f"train_ui.state_{state}"),
        epochs=started.epochs if started else config.epochs,
        eta=clock(batch.eta_s if batch else None),
        rate=f"{batch.samples_per_s if batch else 0:,.0f}",
        **where,
    )
    details = [(device_words(started) if started else "") or config.device]
    if batch is not None and batch.memory_mb is not None:
        details.append(t("train_ui.memory", mb=f"{batch.memory_mb:,.0f}"))
    details.append(t("train_ui.lr", lr=f"{lr:g}" if lr is not None else "–"))
    if epoch is not None:
        details.append(t("train_ui.test_acc", acc=f"{epoch.test_acc:.1%}"))
    limits = limits_words(started.limits) if started else ""
    return "\n".join([first, " · ".join(details), *([limits] if limits else [])])


def epoch_text(event: EpochEvent) -> str:
    return t("train_ui.epoch_line", **epoch_numbers(event))


def stopped_text(event: StoppedEvent) -> str:
    """The stopped event counts finished epochs and the batches done in the next one."""
    if event.step:
        where = t("train_ui.stopped_in", epoch=event.epoch + 1, step=event.step)
    else:
        where = t("train_ui.stopped_after", epoch=event.epoch)
    return f"{where} {t('train_ui.stopped')}"


def summary_text(started: StartedEvent) -> str:
    """The data, then the model's layers with output shapes and parameter counts, as the course prints them."""
    data = started.dataset
    rows = [
        (
            f"{row.layer} {row.kind}",
            "×".join(map(str, row.output)),
            f"{row.parameters:,}",
        )
        for row in started.summary
    ]
    header = (
        t("train_ui.col_layer"),
        t("train_ui.col_output"),
        t("train_ui.col_params"),
    )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    data_line = t(
        "train_ui.data_line",
        name=data.name,
        train=data.train,
        test=data.test,
        source=data.source,
    )
    lines = [data_line, *data_notes(data)]
    lines += [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in [header, *rows]]
    lines.append(t("train_ui.total_params", count=f"{started.parameters:,}"))
    return "\n".join(lines)


def boundary_legend(classes: list[str]) -> str:
    return "  ".join(f"{POINT_GLYPHS[i % len(POINT_GLYPHS)]} {name}" for i, name in enumerate(classes))


def sample_tiles(images: ImagesEvent, classes: list[str]) -> Tiles:
    """The test images with "✓ prediction" or "✗ prediction/true class" under each."""

    def name(index: int) -> str:
        return classes[index] if index < len(classes) else str(index)

    tiles = [_rgb(np.asarray(sample.image, np.float32)) for sample in images.samples]
    captions = [
        (f"✓ {name(s.pred)}", RIGHT) if s.pred == s.true else (f"✗ {name(s.pred)}/{name(s.true)}", WRONG)
        for s in images.samples
    ]
    return tiles, captions


def filter_tiles(images: ImagesEvent) -> Tiles:
    tiles = [diverging(np.asarray(kernel, np.float32)) for kernel in images.filters]
    return tiles, [(str(index + 1), None) for index in range(len(tiles))]


def _rgb(image: np.ndarray) -> np.ndarray:
    """(C, H, W) in 0..1 → (H, W, 3) uint8: grey for one channel, colour for three."""
    if image.shape[0] == 3:
        return (np.clip(image.transpose(1, 2, 0), 0, 1) * 255).astype(np.uint8)
    return grey(image.mean(0))
