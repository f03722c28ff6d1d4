"""Helpers for the tests that attack a run: a tiny run, reading its two files, a small disk to fill.

A run "agrees" when metrics.jsonl holds whole JSON lines only and its lines are
the checkpoint's history (all of them after a stop that saved; at least all of
them after a kill or a failure, which a resume then drops).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from engine.train.checkpoint import load_checkpoint
from engine.train.config import TrainConfig

TINY = TrainConfig(dataset="xor", hidden=(8,), epochs=3, batch_size=128, threads=1, device="cpu")
TIMING = ("samples_per_s", "elapsed_s")


def metrics_lines(run_dir: Path) -> list[dict]:
    """Every line of metrics.jsonl, each of which must be one whole JSON object ending in a newline."""
    path = run_dir / "metrics.jsonl"
    if not path.exists():
        return []
    text = path.read_text()
    assert text == "" or text.endswith("\n"), f"a partial last line: {text[-60:]!r}"
    return [json.loads(line) for line in text.splitlines()]


def saved_history(run_dir: Path) -> list[dict] | None:
    path = run_dir / "checkpoint.pt"
    return load_checkpoint(path)["history"] if path.exists() else None


def assert_agree(run_dir: Path, exactly: bool) -> None:
    """metrics.jsonl and the checkpoint tell one story (`exactly`: the same epochs; else the checkpoint's first)."""
    lines, history = metrics_lines(run_dir), saved_history(run_dir)
    if history is None:
        assert not exactly or lines == [], "metrics without a checkpoint after a stop that saves"
        return
    assert lines[: len(history)] == history
    if exactly:
        assert len(lines) == len(history)


def without_timing(history: list[dict]) -> list[dict]:
    return [{key: value for key, value in epoch.items() if key not in TIMING} for epoch in history]


def same_weights(a: dict, b: dict) -> bool:
    return list(a) == list(b) and all(torch.equal(a[name], b[name]) for name in a)


def can_mount_tmpfs() -> bool:
    return os.geteuid() == 0 and Path("/proc/filesystems").exists() and "tmpfs" in Path("/proc/filesystems").read_text()


@contextlib.contextmanager
def small_disk(parent: Path, size: int) -> Iterator[Path]:
    """A folder on a tmpfs of `size` bytes (rounded to pages), unmounted afterwards; the test is skipped where
    mounting is not allowed (not root, a container without the capability): patched-writer tests cover it there."""
    if not can_mount_tmpfs():
        pytest.skip("a tmpfs cannot be mounted here")
    folder = parent / f"disk-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode:
        pytest.skip(f"a tmpfs cannot be mounted here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def fill(folder: Path, leave: int) -> None:
    """Fill the disk holding `folder` until about `leave` bytes are free."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(folder / ".filler", "wb") as handle:
        with contextlib.suppress(OSError):
            handle.write(b"\0" * max(0, free - leave))


def no_space() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
