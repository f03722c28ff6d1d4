"""Snapshots at 80×24, both languages, of training on the student's own data: the form with a CSV file named,
and an image folder's run summary saying how the folder was read (events fed, no child process)."""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app
from test_snapshots_train import fed
from test_tui_train import batch, epoch, started

from engine.train.config import TrainConfig
from engine.train.setup import TrainSetup

CSV = TrainConfig(dataset="csv", data_file="points.csv", hidden=(8,), epochs=3)
FOLDER = TrainConfig(dataset="image-folder", image_folder="pets", model="mlp", hidden=(8,), epochs=3)
NOTES = [
    ["own_data.folder_read", {"images": 60, "classes": 2}],
    ["own_data.folder_skipped", {"skipped": 2}],
    ["own_data.folder_resized", {"size": 8, "resized": 43, "images": 60}],
    ["own_data.folder_rgb", {"converted": 43}],
    ["own_data.split", {"train": 48, "test": 12, "seed": 0}],
]


def folder_events() -> list[dict]:
    first = started(FOLDER, "images", ["cat", "dog"])
    first["dataset"] |= {"source": "pets", "notes": NOTES, "train": 48, "test": 12}
    return [first, batch(1, 13, 0.7), epoch(1, 0.69, 0.6, 0.75)]


def test_own_csv_form(snap_compare):
    """`tensortour train --data-file points.csv --lang zh`: the row under the dataset is the CSV file (English: the
    Pilot test in test_tui_own_data.py)."""
    app = make_app("zh", "train", setup=TrainSetup(CSV))
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_own_folder_summary(snap_compare, lang):
    """The summary (s) of an image-folder run: how many images, skipped, resized, converted, and the split."""
    app = make_app(lang, "train", setup=TrainSetup(FOLDER))
    assert snap_compare(app, terminal_size=SIZE, run_before=fed(FOLDER, folder_events()), press=["s"])
