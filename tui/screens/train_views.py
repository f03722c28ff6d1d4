"""What the training lesson writes and draws from the child's events: plain functions, no widgets.

The screen (tui/screens/train.py) keeps the run's latest events and hands them
here; these return the text of a line or the pictures for a pane, so they can
be read (and tested) apart from the event plumbing.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from engine.errors import SpecError
from tui.headless import device_words, epoch_numbers
from tui.i18n import catalogue, error_text, t
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
    if seconds is None or seconds != seconds:
        return "–"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def failure_text(event: dict) -> str:
    """A failed event in the student's words: the catalogue's sentence for its code, or the code itself."""
    code, params = str(event.get("code", "")), dict(event.get("params") or {})
    error = SpecError(code, event.get("torch_message"), **params)
    if f"error.{code}" in catalogue("en"):
        try:
            return error_text(error)
        except (KeyError, IndexError, ValueError):
            pass
    return " ".join([code, *(f"{k}={v}" for k, v in params.items()), event.get("torch_message") or ""]).strip()


def progress_text(state: str, started: dict, batch: dict, epoch: dict, lr: float | None, device: str) -> str:
    """Two lines: where the run is (epoch, batch, ETA, speed), then device, memory, lr and test accuracy."""
    first = t(
        "train_ui.progress",
        state=t(f"train_ui.state_{state}"),
        epoch=batch.get("epoch", started.get("epoch", 0)),
        epochs=started.get("epochs", "?"),
        step=batch.get("step", 0),
        steps=batch.get("steps_per_epoch", started.get("steps_per_epoch", "?")),
        eta=clock(batch.get("eta_s")),
        rate=f"{batch.get('samples_per_s', 0):,.0f}",
    )
    details = [device_words(started) or device]
    if batch.get("memory_mb") is not None:
        details.append(t("train_ui.memory", mb=f"{batch['memory_mb']:,.0f}"))
    details.append(t("train_ui.lr", lr=f"{lr:g}" if lr is not None else "–"))
    if epoch:
        details.append(t("train_ui.test_acc", acc=f"{epoch['test_acc']:.1%}"))
    return f"{first}\n{' · '.join(details)}"


def epoch_text(event: dict) -> str:
    return t("train_ui.epoch_line", **epoch_numbers(event))


def stopped_text(event: dict) -> str:
    """The stopped event counts finished epochs and the batches done in the next one."""
    epoch, step = event.get("epoch", 0), event.get("step", 0)
    where = t("train_ui.stopped_in", epoch=epoch + 1, step=step) if step else t("train_ui.stopped_after", epoch=epoch)
    return f"{where} {t('train_ui.stopped')}"


def summary_text(started: dict) -> str:
    """The data, then the model's layers with output shapes and parameter counts, as the course prints them."""
    data = started.get("dataset", {})
    rows = [(f"{row['layer']} {row['kind']}", "×".join(map(str, row["output"])), f"{row['parameters']:,}") for row in started.get("summary", [])]
    header = (t("train_ui.col_layer"), t("train_ui.col_output"), t("train_ui.col_params"))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [t("train_ui.data_line", name=data.get("name", ""), train=data.get("train", 0), test=data.get("test", 0), source=data.get("source", ""))]
    lines += [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in [header, *rows]]
    lines.append(t("train_ui.total_params", count=f"{started.get('parameters', 0):,}"))
    return "\n".join(lines)


def boundary_legend(classes: list[str]) -> str:
    return "  ".join(f"{POINT_GLYPHS[i % len(POINT_GLYPHS)]} {name}" for i, name in enumerate(classes))


def sample_tiles(images: dict, classes: list[str]) -> Tiles:
    """The test images with "✓ prediction" or "✗ prediction/true class" under each."""
    name = lambda index: classes[index] if index < len(classes) else str(index)  # noqa: E731
    samples = images.get("samples", [])
    tiles = [_rgb(np.asarray(sample["image"], np.float32)) for sample in samples]
    captions = [
        (f"✓ {name(s['pred'])}", RIGHT) if s["pred"] == s["true"] else (f"✗ {name(s['pred'])}/{name(s['true'])}", WRONG) for s in samples
    ]
    return tiles, captions


def filter_tiles(images: dict) -> Tiles:
    tiles = [diverging(np.asarray(kernel, np.float32)) for kernel in images.get("filters", [])]
    return tiles, [(str(index + 1), None) for index in range(len(tiles))]


def _rgb(image: np.ndarray) -> np.ndarray:
    """(C, H, W) in 0..1 → (H, W, 3) uint8: grey for one channel, colour for three."""
    if image.shape[0] == 3:
        return (np.clip(image.transpose(1, 2, 0), 0, 1) * 255).astype(np.uint8)
    return grey(image.mean(0))
