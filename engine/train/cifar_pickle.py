"""CIFAR-10's Python release, `cifar-10-batches-py`, as torchvision downloads it: pickled batches, read safely.

Each batch (data_batch_1..5, test_batch) is a pickled dict: b"data" a uint8
array (N, 3072) of red, green and blue planes, b"labels" a list of N class
numbers, b"batch_label" and b"filenames". The course reads them with
`pickle.load(fo, encoding='bytes')`; unpickling runs whatever callables a file
names, so a file planted in that folder could run any code. Here the unpickler
hands out only what a NumPy array needs to rebuild itself, and refuses every
other global by name before anything from the file is called.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import numpy as np

from engine.errors import SpecError

try:  # NumPy 2 moved the reconstruction function; pickles written under NumPy 1 still name numpy.core.
    from numpy._core.multiarray import _reconstruct
except ImportError:  # NumPy 1.26
    from numpy.core.multiarray import _reconstruct

CLASSES = 10
PIXELS = 3 * 32 * 32


def _empty_array(subtype: object, shape: object, dtype: object) -> np.ndarray:
    """numpy's `_reconstruct`, only as every array pickle calls it: an empty ndarray that BUILD then fills."""
    if subtype is not np.ndarray or shape != (0,):
        raise pickle.UnpicklingError("_reconstruct is only called for an empty ndarray")
    return _reconstruct(subtype, shape, dtype)


def _latin1_bytes(text: object, encoding: object) -> bytes:
    """`_codecs.encode(text, 'latin1')`: how Python 3 writes a bytes object at protocol 2, and nothing else."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("_codecs.encode is only read as latin-1 text to bytes")
    return text.encode("latin1")


def _empty_bytes(*args: object) -> bytes:
    """`bytes()`: how Python 3 writes an empty bytes object at protocol 2."""
    if args:
        raise pickle.UnpicklingError("bytes is only called without arguments")
    return b""


# The whole list of globals a CIFAR-10 batch may name. The published files (pickled by Python 2)
# name only the first four; a batch pickled again by Python 3 at protocol 2 adds the last two.
ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _empty_array,
    ("numpy._core.multiarray", "_reconstruct"): _empty_array,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_bytes,
    ("__builtin__", "bytes"): _empty_bytes,
}


class BatchUnpickler(pickle.Unpickler):
    """pickle.Unpickler that resolves only ALLOWED globals; any other is refused, naming the file and the global."""

    def __init__(self, data: bytes, path: Path) -> None:
        super().__init__(io.BytesIO(data), encoding="bytes")
        self.path = path

    def find_class(self, module: str, name: str) -> object:
        allowed = ALLOWED.get((module, name))
        if allowed is None:
            raise SpecError("data_pickle_refused", path=str(self.path), name=f"{module}.{name}")
        return allowed

    def persistent_load(self, pid: object) -> object:
        raise SpecError("data_pickle_refused", path=str(self.path), name=f"persistent id {pid!r}")


def parse_pickled_batch(data: bytes, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """One pickled CIFAR-10 batch → images (N, 3, 32, 32) uint8 and labels (N,) uint8, every field checked."""
    if not data:
        raise SpecError("data_empty", path=str(path))
    try:
        batch = BatchUnpickler(data, path).load()
    except SpecError:
        raise
    except (
        Exception
    ) as error:  # a damaged pickle fails in many ways (EOFError, ValueError, …): each is the file's fault
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        raise SpecError("data_pickle_unreadable", path=str(path), reason=reason) from None
    if not isinstance(batch, dict):
        raise SpecError("data_pickle_not_batch", path=str(path), found=_kind(batch))
    images = _images(_entry(batch, "data", path), path)
    labels = _labels(_entry(batch, "labels", path), path)
    if len(images) != len(labels):
        raise SpecError("data_pickle_count", path=str(path), n_images=len(images), n_labels=len(labels))
    return images.reshape(-1, 3, 32, 32), labels


def _entry(batch: dict, key: str, path: Path) -> object:
    """The course's keys are bytes (encoding='bytes'); a batch pickled again under Python 3 may use str."""
    for candidate in (key.encode(), key):
        if candidate in batch:
            return batch[candidate]
    found = ", ".join(sorted(repr(name) for name in batch)) or "nothing"
    raise SpecError("data_pickle_missing_key", path=str(path), entry=key, found=found)


def _images(value: object, path: Path) -> np.ndarray:
    if not (isinstance(value, np.ndarray) and value.dtype == np.uint8 and value.ndim == 2 and value.shape[1] == PIXELS):
        raise SpecError("data_pickle_bad_data", path=str(path), found=_kind(value))
    if len(value) == 0:
        raise SpecError("data_empty", path=str(path))
    return np.ascontiguousarray(value)


def _labels(value: object, path: Path) -> np.ndarray:
    """A list of whole numbers 0–9 (a 1-D integer array is taken too); a bool is not a class number."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iu":
        numbers = value.tolist()
    elif isinstance(value, list):
        numbers = value
        odd = next((item for item in numbers if type(item) is not int), None)
        if odd is not None:
            raise SpecError("data_pickle_bad_labels", path=str(path), found=f"list holding {type(odd).__name__}")
    else:
        raise SpecError("data_pickle_bad_labels", path=str(path), found=_kind(value))
    for index, label in enumerate(numbers):
        if not 0 <= label < CLASSES:
            raise SpecError("data_bad_label", path=str(path), label=label, index=index)
    return np.array(numbers, dtype=np.uint8)


def _kind(value: object) -> str:
    """What a field holds, for a message: 'int64 array of 2×3072' or a Python type's name."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of {'×'.join(map(str, value.shape)) or 'one number'}"
    return type(value).__name__
