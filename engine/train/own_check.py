"""The student's own data checked before a run starts: the whole CSV, or the image folder's layout (no torch, no Pillow).

The form and the command line call it so a bad file is refused where it was named
(exit 2, or the form's refusal line) instead of after the training process has started.
Decoding every image waits for the run (engine/train/own_datasets.py): it is the slow part.
"""

from __future__ import annotations

from pathlib import Path

from engine.train.config import TrainConfig


def own_path(config: TrainConfig) -> Path:
    """The CSV file or image folder the run names, with ~ expanded."""
    return Path(config.data_file if config.dataset == "csv" else config.image_folder).expanduser()


def check_own_data(config: TrainConfig) -> None:
    """SpecError naming the file and the problem, for a run on the student's own data; nothing for any other run."""
    if config.dataset == "csv":
        from engine.train.own_data import read_points_csv

        read_points_csv(own_path(config))
    elif config.dataset == "image-folder":
        from engine.train.image_folder import list_image_folder

        list_image_folder(own_path(config))
