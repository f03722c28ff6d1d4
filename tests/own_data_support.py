"""Tiny own-data files for the tests: a CSV of separable 2-D points and a folder of class subfolders of images."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def separable_csv(path: Path, rows: int = 120, labels: tuple[int, int] = (3, 7), header: bool = True) -> Path:
    """Points in metres-scale coordinates (hundreds), label by the side of the line x + y = 0."""
    points = np.random.default_rng(0).normal(0.0, 100.0, (rows, 2))
    lines = ["x,y,label"] if header else []
    lines += [f"{x:.3f},{y:.3f},{labels[int(x + y > 0)]}" for x, y in points]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def image_folder(root: Path, per_class: int = 12) -> Path:
    """root/bright and root/dark: PNG and JPEG images of mixed modes and sizes, plus files that are not images.

    Bright images are light, dark ones dark: any model learns them in an epoch or two.
    """
    from PIL import Image

    modes = ("RGB", "L", "P", "RGBA")
    for name, level in (("dark", 30), ("bright", 220)):
        (root / name / "more").mkdir(parents=True)
        for index in range(per_class):
            side = (16, 24, 32)[index % 3]
            noise = np.random.default_rng(index).integers(0, 30, (side, side, 3))
            image = Image.fromarray((level + noise - 15).clip(0, 255).astype(np.uint8)).convert(modes[index % 4])
            folder = root / name / ("more" if index == 0 else "")
            suffix = ".jpg" if image.mode in ("RGB", "L") and index % 2 else ".PNG"
            image.save(folder / f"{index}{suffix}")
        (root / name / "notes.txt").write_text("not an image")
    (root / ".hidden").mkdir()
    (root / "README.md").write_text("loose file beside the class folders")
    return root


def disk_state(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under `root` with its modification time and bytes: a read changes none of them."""
    state = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            state[str(path)] = (path.stat().st_mtime_ns, path.read_bytes())
    return state
