"""The runs under a folder, read without torch: run.json (the settings) and metrics.jsonl (one line an epoch).

A listing must never crash on what it finds: a folder a run was still writing
(no epoch yet, a cut-off line), a run from a version that wrote no run.json, or
a folder that is no run at all is each listed as what it is. Deleting removes
only a folder that holds nothing but a run's own files.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

from engine.errors import SpecError
from engine.train.config import TrainConfig
from engine.train.presets import default_config
from engine.train.run_files import CHECKPOINT_NAME, METRICS_NAME

RUN_INFO_NAME = "run.json"
RUN_INFO_VERSION = 1
OWN_FILES = (CHECKPOINT_NAME, METRICS_NAME, RUN_INFO_NAME)
NOT_SETTINGS = ("dataset", "model", "epochs", "data_dir", "download", "device", "threads")
# what a listed folder is: a run, one still being written (or cut off), one from an older version, not a run
RUN, HALF_WRITTEN, OLDER, NOT_A_RUN = "run", "half_written", "older", "not_a_run"


@dataclass(frozen=True)
class RunSummary:
    """One folder as the runs page and `tensortour runs --plain` show it."""

    path: Path
    kind: str
    dataset: str = ""
    model: str = ""
    changed: dict[str, object] = field(default_factory=dict)
    epochs_done: int = 0
    epochs: int | None = None
    best_test_acc: float | None = None
    date: str = ""
    history: tuple[dict, ...] = ()
    config: TrainConfig | None = None  # from run.json; None where the folder has none readable

    @property
    def resumable(self) -> bool:
        return self.kind in (RUN, OLDER) and (self.path / CHECKPOINT_NAME).is_file()


def write_run_info(out: Path, config: TrainConfig) -> None:
    """run.json beside the checkpoint, replaced in one step, so a listing reads the settings without torch."""
    info = {"version": RUN_INFO_VERSION, "created": time.strftime("%Y-%m-%d %H:%M"), "config": config.to_json()}
    old = read_json(out / RUN_INFO_NAME)
    if isinstance(old, dict) and isinstance(old.get("created"), str):
        info["created"] = old["created"]  # a resumed run keeps the date it began
    try:
        descriptor, temporary = tempfile.mkstemp(dir=out, prefix=f".{RUN_INFO_NAME}.", suffix=".tmp")
    except OSError as error:
        raise SpecError(
            "train_write_failed", path=str(out / RUN_INFO_NAME), reason=error.strerror or str(error)
        ) from None
    try:
        with os.fdopen(descriptor, "w") as file:
            json.dump(info, file)
        os.replace(temporary, out / RUN_INFO_NAME)
    except OSError as error:
        raise SpecError(
            "train_write_failed", path=str(out / RUN_INFO_NAME), reason=error.strerror or str(error)
        ) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_metrics(path: Path) -> tuple[list[dict], bool]:
    """The whole epoch lines of metrics.jsonl, and whether any line was cut off or not an epoch."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return [], False
    lines, broken = [], False
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            broken = True
            continue
        if isinstance(record, dict) and isinstance(record.get("epoch"), int):
            lines.append(record)
        else:
            broken = True
    return lines, broken


def changed_settings(config: TrainConfig) -> dict[str, object]:
    """The settings that differ from the defaults of the run's model and dataset (a pair's own lr and epochs are
    defaults too), apart from those the list shows in columns."""
    default = default_config(config.model, config.dataset)
    return {
        item.name: getattr(config, item.name)
        for item in fields(TrainConfig)
        if item.name not in NOT_SETTINGS and getattr(config, item.name) != getattr(default, item.name)
    }


def summarize(folder: Path) -> RunSummary:
    """What `folder` holds, never raising for what is in it."""
    if not folder.is_dir() or not any((folder / name).exists() for name in OWN_FILES):
        return RunSummary(folder, NOT_A_RUN, date=_modified(folder))
    history, broken = read_metrics(folder / METRICS_NAME)
    accuracies = [r["test_acc"] for r in history if isinstance(r.get("test_acc"), (int, float))]
    common = {
        "epochs_done": max((r["epoch"] for r in history), default=0),
        "best_test_acc": max(accuracies) if accuracies else None,
        "history": tuple(history),
        "date": _modified(folder),
    }
    info = read_json(folder / RUN_INFO_NAME)
    if not (folder / RUN_INFO_NAME).exists():
        return RunSummary(folder, OLDER, **common)
    try:
        config = TrainConfig.from_json(info["config"])  # type: ignore[index]
    except Exception:  # anything in a damaged run.json: the folder is listed as half-written
        return RunSummary(folder, HALF_WRITTEN, **common)
    if isinstance(info.get("created"), str):  # type: ignore[union-attr]
        common["date"] = info["created"]  # type: ignore[index]
    whole = (folder / CHECKPOINT_NAME).is_file() and history and not broken
    return RunSummary(
        folder,
        RUN if whole else HALF_WRITTEN,
        dataset=config.dataset,
        model=config.model,
        changed=changed_settings(config),
        epochs=config.epochs,
        config=config,
        **common,
    )


def list_runs(root: Path) -> list[RunSummary]:
    """Every folder under `root`: runs newest first (by their runs/<timestamp> name), then what is no run;
    an unreadable or missing root lists nothing."""
    try:
        folders = [entry for entry in root.iterdir() if entry.is_dir()]
    except OSError:
        return []
    return sorted(
        (summarize(folder) for folder in folders), key=lambda run: (run.kind != NOT_A_RUN, run.path.name), reverse=True
    )


def delete_run(folder: Path) -> bool:
    """Remove `folder` only when it holds a run's own files and nothing else (a leftover .tmp counts as its own)."""
    if folder.is_symlink():
        return False
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    own = [name for name in names if name in OWN_FILES or (name.startswith(".") and name.endswith(".tmp"))]
    if len(own) != len(names) or not any(name in OWN_FILES for name in names):
        return False
    for name in own:
        (folder / name).unlink(missing_ok=True)
    folder.rmdir()
    return True


def _modified(folder: Path) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(folder.stat().st_mtime))
    except OSError:
        return ""
