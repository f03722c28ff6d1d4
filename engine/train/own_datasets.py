"""The student's own data as a training set: a CSV of 2-D points or a folder of images, split from the seed.

Points are scaled by the training points' mean and spread (engine/train/own_data.py)
and drawn with their decision boundary like the toy sets; images are normalised
as the built-in image sets are (ToTensor then Normalize(0.5, 0.5)). What was done
to the data travels as `notes` (catalogue keys with values), which the run's
summary shows in the student's language. Imported by the training process only.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.train.config import TrainConfig
from engine.train.dataset import Dataset, normalise
from engine.train.image_folder import list_image_folder, read_folder_images
from engine.train.own_check import own_path
from engine.train.own_data import points_split, read_points_csv, view_extent
from engine.train.toy_data import split


def load_own_dataset(config: TrainConfig) -> Dataset:
    if config.dataset == "csv":
        return _points(config)
    return _images(config)


def _points(config: TrainConfig) -> Dataset:
    data = read_points_csv(own_path(config))
    arrays = points_split(data, config.seed, config.train_split)
    labels = ", ".join(map(str, data.labels))
    classes = ", ".join(map(str, range(len(data.labels))))
    notes = (
        ("own_data.csv_read_header" if data.header else "own_data.csv_read", {"rows": len(data.points)}),
        ("own_data.csv_labels", {"labels": labels, "classes": classes}),
        ("own_data.csv_scaled", {}),
        ("own_data.split", {"train": len(arrays[1]), "test": len(arrays[3]), "seed": config.seed}),
    )
    return Dataset(
        "csv",
        "points",
        *(torch.from_numpy(np.ascontiguousarray(array)) for array in arrays),
        class_names=tuple(str(label) for label in data.labels),
        source=str(data.path),
        extent=view_extent(np.concatenate([arrays[0], arrays[2]])),
        notes=notes,
    )


def _images(config: TrainConfig) -> Dataset:
    listing = list_image_folder(own_path(config))
    decoded = read_folder_images(listing, config.image_size)
    order = np.random.default_rng(config.seed).permutation(len(decoded.classes))
    images, classes = decoded.images[order], decoded.classes[order]
    cut = split(len(images), config.train_split)
    size = config.image_size
    notes = (
        ("own_data.folder_read", {"images": len(images), "classes": len(listing.classes)}),
        ("own_data.folder_skipped", {"skipped": listing.skipped}),
        ("own_data.folder_resized", {"size": size, "resized": decoded.resized, "images": len(images)}),
        ("own_data.folder_rgb", {"converted": decoded.converted}),
        ("own_data.split", {"train": cut, "test": len(images) - cut, "seed": config.seed}),
    )
    return Dataset(
        "image-folder",
        "images",
        normalise(images[:cut], 255.0),
        torch.from_numpy(classes[:cut]),
        normalise(images[cut:], 255.0),
        torch.from_numpy(classes[cut:]),
        class_names=tuple(_printable(name) for name in listing.classes),
        source=str(listing.root),
        notes=notes,
    )


def _printable(name: str) -> str:
    """A folder name as a class name on screen: a control character (an escape sequence in a name would
    move the cursor or recolour the terminal) written as its escape, \\x1b; any language's letters kept."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in name)
