"""A run directory's two files: metrics.jsonl (one JSON line per finished epoch) and checkpoint.pt.
(A third, run.json, holds the settings for listings that must not load torch: engine/train/runs_list.py.)

They must always tell the same story. A metrics line is appended whole or not at
all (a full disk or an interrupt leaves no half line), a run never starts in a
directory that holds another run, and resuming rewrites metrics.jsonl from the
checkpoint's own history: epochs trained after the checkpoint was saved (a
killed process) are dropped, never counted twice.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from engine.errors import SpecError
from engine.train.interrupts import held
from engine.train.paths import DISK_FULL

CHECKPOINT_NAME = "checkpoint.pt"
METRICS_NAME = "metrics.jsonl"
RUN_FILES = (CHECKPOINT_NAME, METRICS_NAME)


def run_folder(resume: Path) -> Path:
    """`--resume DIR` names the run directory; a checkpoint file itself is accepted too (its folder is the run's)."""
    return resume if resume.is_dir() else resume.parent


def checkpoint_path(resume: Path) -> Path:
    return resume / CHECKPOINT_NAME if resume.is_dir() else resume


def holds_run(folder: Path | str) -> bool:
    """Whether `folder` holds a run's checkpoint or metrics (anything under those names counts)."""
    return any(os.path.lexists(Path(folder) / name) for name in RUN_FILES)


def refuse_other_run(out: Path, resuming: Path | None) -> None:
    """A new run never overwrites another: `out` may hold a run only when it is the one being resumed."""
    same = resuming is not None and same_place(out, resuming)
    if not same and holds_run(out):
        raise SpecError("train_out_has_run", path=str(out))


def make_run_dir(out: Path) -> None:
    """The run directory exists before any training, or the run is refused in plain words."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SpecError("train_write_failed", path=str(out), reason=error.strerror or str(error)) from None


def append_metrics(out: Path, metrics: dict) -> None:
    """Add one line, whole: a write cut short (a full disk, an interrupt) is cut back to where the file ended."""
    path = out / METRICS_NAME
    line = (json.dumps(metrics) + "\n").encode()
    with held():
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as error:
            raise _failed(error, path, metrics["epoch"]) from None
        try:
            end = os.lseek(descriptor, 0, os.SEEK_END)
            try:
                _write_all(descriptor, line)
            except OSError as error:
                os.ftruncate(descriptor, end)
                raise _failed(error, path, metrics["epoch"]) from None
        finally:
            os.close(descriptor)


def rewrite_metrics(out: Path, history: list[dict]) -> None:
    """metrics.jsonl as the checkpoint's history says, replaced in one step (the old file stays until the new one is whole)."""
    path = out / METRICS_NAME
    text = "".join(json.dumps(metrics) + "\n" for metrics in history).encode()
    try:
        replace_whole(path, text)
    except OSError as error:
        raise _failed(error, path, history[-1]["epoch"] if history else 0) from None


def replace_whole(path: Path, data: bytes) -> None:
    """Put `data` at `path` in one step: written beside it under a hidden name, then renamed over it.

    A reader sees the old file or the new one, never a mix; a failed write (a full
    disk, a read-only folder) raises OSError and leaves the old file as it was.
    """
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            _write_all(descriptor, data)
        finally:
            os.close(descriptor)
        with held():
            os.replace(temporary, path)
    finally:
        with held():
            Path(temporary).unlink(missing_ok=True)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _failed(error: OSError, path: Path, epoch: int) -> SpecError:
    reason = error.strerror or str(error)
    if error.errno in DISK_FULL:
        return SpecError("metrics_disk_full", path=str(path), folder=str(path.parent), epoch=epoch, reason=reason)
    return SpecError("train_write_failed", path=str(path), reason=reason)


def same_place(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
