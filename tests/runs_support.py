"""Run folders as the trainer leaves them, without training: run.json, metrics.jsonl and a checkpoint stand-in.

The listing never opens checkpoint.pt (no torch), so a few bytes stand in for it.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.train.config import TrainConfig
from engine.train.runs_list import write_run_info


def fake_run(root: Path, name: str, config: TrainConfig, accuracies: list[float], checkpoint: bool = True) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    write_run_info(folder, config)
    lines = [
        {"epoch": epoch, "train_loss": 1.0 / epoch, "test_loss": 1.2 / epoch, "train_acc": acc, "test_acc": acc}
        for epoch, acc in enumerate(accuracies, start=1)
    ]
    (folder / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    if checkpoint:
        (folder / "checkpoint.pt").write_bytes(b"stand-in")
    return folder


def mixed_runs(root: Path) -> dict[str, Path]:
    """Two whole runs, a half-written one, one from an older version and a folder that is no run."""
    runs = {
        "a": fake_run(root, "20260101-100000", TrainConfig(dataset="xor", epochs=3), [0.5, 0.7, 0.9]),
        "b": fake_run(root, "20260101-110000", TrainConfig(dataset="xor", epochs=3, lr=0.001), [0.4, 0.6, 0.8]),
        "half": root / "20260101-120000",
        "older": root / "20260101-090000",
        "foreign": root / "photos",
    }
    runs["half"].mkdir()
    write_run_info(runs["half"], TrainConfig(dataset="moons"))
    (runs["half"] / "metrics.jsonl").write_text('{"epoch": 1, "test_acc": 0.5}\n{"epoch": 2, "te')
    runs["older"].mkdir()
    (runs["older"] / "metrics.jsonl").write_text('{"epoch": 1, "test_acc": 0.75}\n')
    (runs["older"] / "checkpoint.pt").write_bytes(b"old")
    runs["foreign"].mkdir()
    (runs["foreign"] / "cat.png").write_bytes(b"png")
    return runs
