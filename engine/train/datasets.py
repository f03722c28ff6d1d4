"""The data a run trains on, as whole tensors: batches are index slices of them, never a per-sample DataLoader.

Images are normalised the way the course's transforms do it: ToTensor's x / max,
then Normalize((0.5,)*C, (0.5,)*C), in float32 and in that order, so the numbers
match torchvision's bit for bit. Toy points stay in their own coordinates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from engine.errors import SpecError
from engine.train.config import TOY_DATASETS, TrainConfig
from engine.train.data_files import (
    CLASS_NAMES,
    cifar_folder,
    dataset_folder,
    digits_source,
    read_cifar,
    read_digits,
    read_idx_set,
)
from engine.train.dataset import Dataset, normalise
from engine.train.download import Report, download
from engine.train.paths import path_kind
from engine.train.shapes_data import CLASS_NAMES as SHAPE_NAMES
from engine.train.shapes_data import shape_images
from engine.train.toy_data import CLASS_NAMES as TOY_NAMES
from engine.train.toy_data import EXTENT, split, toy_points


def load_dataset(config: TrainConfig, report: Report | None = None) -> Dataset:
    """The set `config.dataset` names; a file set (the rest) is fetched first when `config.download`, `report` following the transfer."""
    name = config.dataset
    if name in TOY_DATASETS:
        points, labels = toy_points(name, config.noise, config.seed)
        cut = split(len(points), config.train_split)
        tensors = [torch.from_numpy(array) for array in (points[:cut], labels[:cut], points[cut:], labels[cut:])]
        return Dataset(
            name,
            "points",
            *tensors,
            class_names=TOY_NAMES,
            source=f"generated (seed {config.seed})",
            extent=EXTENT,
        )
    if name == "shapes":
        images, labels = shape_images(config.seed)
        cut = split(len(images), config.train_split)
        arrays = (images[:cut], labels[:cut], images[cut:], labels[cut:])
        return _images(name, arrays, 1.0, SHAPE_NAMES, f"generated (seed {config.seed})")
    if name in ("csv", "image-folder"):
        from engine.train.own_datasets import load_own_dataset

        return load_own_dataset(config)
    if name == "text":
        from engine.train.char_text import load_text_dataset

        return load_text_dataset(config)
    if name == "digits":
        return _images(
            name,
            read_digits(config.seed, config.train_split),
            16.0,
            CLASS_NAMES[name],
            digits_source(),
        )
    data_dir = Path(config.data_dir).expanduser()
    _check_data_dir(data_dir)
    if config.download:
        download(name, data_dir, report=report)
    if name == "cifar10":
        folder = cifar_folder(data_dir)
        return _images(name, read_cifar(folder), 255.0, CLASS_NAMES[name], folder.describe())
    arrays = read_idx_set(name, data_dir)
    arrays = (arrays[0][:, None], arrays[1], arrays[2][:, None], arrays[3])
    return _images(name, arrays, 255.0, CLASS_NAMES[name], str(dataset_folder(name, data_dir)))


def _check_data_dir(data_dir: Path) -> None:
    """--data-dir is a folder, or not there yet (--download makes it); a file, a pipe or a device is named for what it is."""
    try:
        kind = path_kind(data_dir)
    except OSError as error:
        raise SpecError("data_unreadable", path=str(data_dir), reason=error.strerror or str(error)) from None
    if kind not in ("path_folder", "path_missing"):
        raise SpecError("data_dir_not_folder", path=str(data_dir), what=kind)


def _images(
    name: str,
    arrays: tuple[np.ndarray, ...],
    maximum: float,
    class_names: tuple[str, ...],
    source: str,
) -> Dataset:
    x_train, y_train, x_test, y_test = arrays
    return Dataset(
        name,
        "images",
        normalise(x_train, maximum),
        torch.from_numpy(np.asarray(y_train, dtype=np.int64)),
        normalise(x_test, maximum),
        torch.from_numpy(np.asarray(y_test, dtype=np.int64)),
        class_names=class_names,
        source=source,
    )
