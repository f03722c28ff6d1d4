"""Readers for the published file formats: IDX (MNIST, Fashion-MNIST) and CIFAR-10's binary and Python releases.

IDX and CIFAR-10 binary are read with numpy.frombuffer (no per-image Python work) and checked
against their own headers before a byte is trusted, so a truncated download or
a wrong file gives a SpecError naming the file and what is wrong with it instead
of a reshape error later. Only regular files are read (engine/train/paths.py),
and an IDX header's sizes are Python ints: a crafted header cannot wrap them. CIFAR-10's Python release (the pickled batches that
torchvision downloads) goes through engine/train/cifar_pickle.py. The bundled
8×8 digits are split here too.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

import numpy as np

from engine.errors import SpecError
from engine.presets import DIGITS_FILE, digits
from engine.train.cifar_pickle import parse_pickled_batch
from engine.train.paths import NotAFile, open_regular, path_kind
from engine.train.toy_data import split

CLASSES = 10
IDX_IMAGES = 0x00000803
IDX_LABELS = 0x00000801
CIFAR_SIDE = 32
CIFAR_RECORD = 1 + 3 * CIFAR_SIDE * CIFAR_SIDE
CIFAR_FOLDER = "cifar-10-batches-bin"
CIFAR_TRAIN = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
CIFAR_TEST = "test_batch.bin"
CIFAR_PY_FOLDER = "cifar-10-batches-py"
CIFAR_PY_TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR_PY_TEST = "test_batch"
IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

DIGIT_NAMES = tuple(str(digit) for digit in range(10))
CLASS_NAMES = {
    "digits": DIGIT_NAMES,
    "mnist": DIGIT_NAMES,
    "fashion-mnist": (
        "T-shirt",
        "trouser",
        "pullover",
        "dress",
        "coat",
        "sandal",
        "shirt",
        "sneaker",
        "bag",
        "boot",
    ),
    "cifar10": (
        "plane",
        "car",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ),
}
# Where each set's files live under --data-dir: our own folder first, then torchvision's layout, then the dir itself.
FOLDERS = {
    "mnist": ("mnist", "MNIST/raw", "."),
    "fashion-mnist": ("fashion-mnist", "FashionMNIST/raw", "."),
    "cifar10": (CIFAR_FOLDER, "."),
}

MAX_IDX_BYTES = 1 << 30  # MNIST's largest file unpacks to 47 MB; a gzip whose header promises more is refused unread

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
T = TypeVar("T")


def dataset_folder(dataset: str, data_dir: Path) -> Path:
    """The folder holding the set's files: the first candidate that has its first file, else where --download puts it."""
    probe = CIFAR_TRAIN[0] if dataset == "cifar10" else IDX_FILES[0]
    for folder in FOLDERS[dataset]:
        candidate = data_dir / folder
        if (candidate / probe).exists() or (candidate / f"{probe}.gz").exists():
            return candidate
    return data_dir / FOLDERS[dataset][0]


def choose_file(path: Path, dataset: str, gzipped_ok: bool = True) -> Path:
    """`path`, or `path.gz` when only that exists; a missing file says that --download can fetch it, and
    anything but a regular file (a folder, a named pipe, /dev/zero, a loop of links) is named for what it is."""
    gzipped = path.with_name(path.name + ".gz")
    try:
        chosen, kind = path, path_kind(path)
        if kind == "path_missing" and gzipped_ok and path_kind(gzipped) != "path_missing":
            chosen, kind = gzipped, path_kind(gzipped)
    except OSError as error:
        raise SpecError("data_unreadable", path=str(path), reason=error.strerror or str(error)) from None
    if kind == "path_missing":
        raise SpecError("data_missing", path=str(path), dataset=dataset)
    if kind != "path_file":
        raise SpecError("data_not_a_file", path=str(chosen), what=kind)
    return chosen


def read_bytes(path: Path, dataset: str, gzipped_ok: bool = True) -> tuple[bytes, Path]:
    """The whole file (a regular file ends); from `path` or `path.gz`."""
    chosen = choose_file(path, dataset, gzipped_ok)
    return _reading(chosen, lambda stream, _size: stream.read()), chosen


def read_idx(path: Path, dataset: str, images: bool) -> tuple[np.ndarray, Path]:
    """An IDX3 image file as (N, rows, cols) uint8, or an IDX1 label file as (N,) uint8, checked against its header.

    The header is read first and the body only up to the size it promises (one byte more, to see
    trailing data), so a gzip that would unpack to gigabytes is refused after its first bytes.
    """
    chosen = choose_file(path, dataset)
    magic, dims = (IDX_IMAGES, 3) if images else (IDX_LABELS, 1)

    def read(stream: BinaryIO, plain_size: int | None) -> np.ndarray:
        head = stream.read(4 + 4 * dims)
        shape = _idx_shape(head, chosen, magic, dims, plain_size)
        expected = len(head) + math.prod(shape)
        if plain_size is not None and plain_size != expected:
            code = "data_truncated" if plain_size < expected else "data_trailing"
            raise SpecError(code, path=str(chosen), expected=expected, got=plain_size)
        if expected > MAX_IDX_BYTES:
            raise SpecError("data_too_large", path=str(chosen), expected=expected, limit=MAX_IDX_BYTES)
        body = stream.read(expected - len(head) + 1)
        if len(head) + len(body) < expected:
            raise SpecError("data_truncated", path=str(chosen), expected=expected, got=len(head) + len(body))
        if len(head) + len(body) > expected:
            raise SpecError("data_trailing_unpacked", path=str(chosen), expected=expected)
        return np.frombuffer(body, dtype=np.uint8).reshape(shape)

    array = _reading(chosen, read)
    if not images:
        check_labels(array, chosen)
    return array, chosen


def _idx_shape(head: bytes, path: Path, magic: int, dims: int, plain_size: int | None) -> tuple[int, ...]:
    """The dimensions an IDX header declares, as Python ints (their product may pass 2**63)."""
    found = int.from_bytes(head[:4], "big")
    if len(head) >= 4 and found != magic:
        raise SpecError("data_bad_magic", path=str(path), got=f"0x{found:08x}", expected=f"0x{magic:08x}")
    if len(head) < 4 + 4 * dims:
        got = plain_size if plain_size is not None else len(head)
        raise SpecError("data_truncated", path=str(path), expected=4 + 4 * dims, got=got)
    shape = tuple(int.from_bytes(head[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    if any(size == 0 for size in shape[1:]):
        raise SpecError("data_bad_dims", path=str(path), got="×".join(map(str, shape[1:])))
    return shape


def _reading(chosen: Path, read: Callable[[BinaryIO, int | None], T]) -> T:
    """`read(stream, size)` on the regular file `chosen`, unpacked when it ends in .gz (size None then)."""
    try:
        with open_regular(chosen) as handle:
            if chosen.suffix != ".gz":
                return read(handle, os.fstat(handle.fileno()).st_size)
            with gzip.GzipFile(fileobj=handle, mode="rb") as stream:
                return read(stream, None)
    except NotAFile as error:
        raise SpecError("data_not_a_file", path=str(chosen), what=error.kind) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise SpecError("data_bad_gzip", path=str(chosen), reason=str(error) or type(error).__name__) from None
    except OSError as error:
        raise SpecError("data_unreadable", path=str(chosen), reason=error.strerror or str(error)) from None


def check_labels(labels: np.ndarray, path: Path) -> None:
    if labels.size and int(labels.max()) >= CLASSES:
        index = int(np.argmax(labels >= CLASSES))
        raise SpecError("data_bad_label", path=str(path), label=int(labels[index]), index=index)


def read_idx_set(dataset: str, data_dir: Path) -> Arrays:
    """MNIST or Fashion-MNIST: train images, train labels, test images, test labels (uint8)."""
    folder = dataset_folder(dataset, data_dir)
    arrays, paths = [], []
    for name in IDX_FILES:
        array, path = read_idx(folder / name, dataset, images="images" in name)
        arrays.append(array)
        paths.append(path)
    for first in (0, 2):
        _same_count(arrays[first], paths[first], arrays[first + 1], paths[first + 1])
        if len(arrays[first]) == 0:
            raise SpecError("data_empty", path=str(paths[first]))
    if arrays[0].shape[1:] != arrays[2].shape[1:]:
        raise SpecError(
            "data_shape_mismatch",
            path=str(paths[2]),
            got="×".join(map(str, arrays[2].shape[1:])),
            other=str(paths[0]),
            expected="×".join(map(str, arrays[0].shape[1:])),
        )
    return arrays[0], arrays[1], arrays[2], arrays[3]


def parse_cifar(data: bytes, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """One CIFAR-10 binary batch: records of 1 label byte + 3,072 pixel bytes (R, G, B planes) → (N, 3, 32, 32), (N,)."""
    if len(data) == 0:
        raise SpecError("data_empty", path=str(path))
    if len(data) % CIFAR_RECORD:
        raise SpecError("data_record_length", path=str(path), size=len(data), record=CIFAR_RECORD)
    records = np.frombuffer(data, dtype=np.uint8).reshape(-1, CIFAR_RECORD)
    labels = records[:, 0]
    check_labels(labels, path)
    return records[:, 1:].reshape(-1, 3, CIFAR_SIDE, CIFAR_SIDE), labels


@dataclass(frozen=True)
class CifarFolder:
    """Where CIFAR-10's six batches are and in which release: binary (.bin records) or pickled (torchvision's)."""

    path: Path
    pickled: bool

    @property
    def names(self) -> tuple[str, ...]:
        """The five training batches, then the test batch."""
        return (*CIFAR_PY_TRAIN, CIFAR_PY_TEST) if self.pickled else (*CIFAR_TRAIN, CIFAR_TEST)

    def started(self) -> bool:
        return (self.path / self.names[0]).exists()

    def complete(self) -> bool:
        return all((self.path / name).is_file() for name in self.names)

    def describe(self) -> str:
        """The source line the run shows, saying which release was read."""
        release = "torchvision's pickled batches" if self.pickled else "binary batches"
        return f"{self.path}: {release}"


def cifar_folder(data_dir: Path) -> CifarFolder:
    """The first complete set among cifar-10-batches-bin, torchvision's cifar-10-batches-py, then --data-dir itself
    (binary before pickled in each place); else the first begun one, so its missing file is named; else where
    --download puts the binary release."""
    candidates = [
        CifarFolder(data_dir / CIFAR_FOLDER, pickled=False),
        CifarFolder(data_dir / CIFAR_PY_FOLDER, pickled=True),
        CifarFolder(data_dir, pickled=False),
        CifarFolder(data_dir, pickled=True),
    ]
    complete = next((folder for folder in candidates if folder.complete()), None)
    return complete or next((folder for folder in candidates if folder.started()), candidates[0])


def read_cifar(folder: CifarFolder) -> Arrays:
    """CIFAR-10's five training batches and its test batch (uint8), from either release."""
    if not folder.started():
        raise SpecError(
            "data_cifar_missing",
            path=str(folder.path / folder.names[0]),
            pickled=str(folder.path.parent / CIFAR_PY_FOLDER / CIFAR_PY_TRAIN[0]),
            dataset="cifar10",
        )
    parse = parse_pickled_batch if folder.pickled else parse_cifar
    batches = [parse(*read_bytes(folder.path / name, "cifar10", gzipped_ok=False)) for name in folder.names]
    train_x = np.concatenate([images for images, _ in batches[:-1]])
    train_y = np.concatenate([labels for _, labels in batches[:-1]])
    return train_x, train_y, batches[-1][0], batches[-1][1]


def read_digits(seed: int, train_split: float) -> Arrays:
    """The bundled 8×8 digits (pixels 0..16) as (N, 1, 8, 8) float64, shuffled from the seed and split."""
    images, labels = digits()
    order = np.random.default_rng(seed).permutation(len(images))
    images, labels = images[order][:, None], labels[order].astype(np.int64)
    cut = split(len(images), train_split)
    return images[:cut], labels[:cut], images[cut:], labels[cut:]


def digits_source() -> str:
    return str(DIGITS_FILE.relative_to(DIGITS_FILE.parents[2]))


def _same_count(images: np.ndarray, images_path: Path, labels: np.ndarray, labels_path: Path) -> None:
    if len(images) != len(labels):
        raise SpecError(
            "data_count_mismatch",
            images=str(images_path),
            n_images=len(images),
            labels=str(labels_path),
            n_labels=len(labels),
        )
