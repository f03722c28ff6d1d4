"""CIFAR-10's Python release (cifar-10-batches-py, as torchvision downloads it): read like the binary one, and safely.

Tiny batches are pickled here with numpy and pickle at protocol 2, the protocol of
the published archive, and read back as the course reads them (encoding='bytes').
A hostile pickle in their place must run nothing and be refused by name.
"""

from __future__ import annotations

import io
import os
import pickle
import pickletools
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_datasets import CIFAR_NAMES, cifar_arrays, write_cifar

from engine.errors import SpecError
from engine.train.cifar_pickle import ALLOWED, parse_pickled_batch
from engine.train.config import TrainConfig
from engine.train.data_files import CIFAR_FOLDER, CIFAR_PY_FOLDER
from engine.train.datasets import load_dataset
from tui.i18n import catalogue, error_text

PY_NAMES = tuple(name.removesuffix(".bin") for name in CIFAR_NAMES)


def batch_dict(images: np.ndarray, labels: np.ndarray) -> dict:
    """A batch as the published files hold it: bytes keys, data (N, 3072) uint8, labels a list of ints."""
    return {
        b"batch_label": b"training batch 1 of 5",
        b"labels": [int(label) for label in labels],
        b"data": images.reshape(len(images), -1),
        b"filenames": [f"image_{i}.png".encode() for i in range(len(images))],
    }


def write_pickled(folder: Path, batches: dict[str, tuple[np.ndarray, np.ndarray]], dump=None) -> None:
    """cifar_arrays() written as cifar-10-batches-py: data_batch_1 … test_batch (no .bin)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (images, labels) in batches.items():
        data = (dump or (lambda obj: pickle.dumps(obj, protocol=2)))(batch_dict(images, labels))
        (folder / name.removesuffix(".bin")).write_bytes(data)


class Python2Pickler(pickle._Pickler):
    """Writes bytes with Python 2's str opcodes, as cPickle wrote the published batches under NumPy 1."""

    dispatch = dict(pickle._Pickler.dispatch)

    def save_bytes(self, obj: bytes) -> None:
        size = len(obj)
        opcode = pickle.SHORT_BINSTRING + bytes([size]) if size < 256 else pickle.BINSTRING + struct.pack("<i", size)
        self.write(opcode + obj)
        self.memoize(obj)

    dispatch[bytes] = save_bytes


def python2_pickle(obj: object) -> bytes:
    stream = io.BytesIO()
    Python2Pickler(stream, protocol=2).dump(obj)
    return stream.getvalue().replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")


def globals_named(data: bytes) -> list[str]:
    """The globals a pickle names, in the order it names them."""
    return [arg.replace(" ", ".") for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"]


def load(data_dir: Path):
    return load_dataset(TrainConfig(dataset="cifar10", model="net", data_dir=str(data_dir)))


def refusal(data: bytes, path: Path = Path("data_batch_1")) -> SpecError:
    with pytest.raises(SpecError) as caught:
        parse_pickled_batch(data, path)
    return caught.value


# ---- reading ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["python3", "published"])
def test_pickled_batches_load_exactly_as_the_binary_ones(tmp_path, style):
    batches = cifar_arrays(seed=3, per_batch=3)
    write_cifar(tmp_path / "bin" / CIFAR_FOLDER, batches)
    write_pickled(tmp_path / "py" / CIFAR_PY_FOLDER, batches, python2_pickle if style == "published" else None)
    binary, pickled = load(tmp_path / "bin"), load(tmp_path / "py")
    for field in ("x_train", "y_train", "x_test", "y_test"):
        assert getattr(pickled, field).equal(getattr(binary, field)), field
    assert pickled.class_names == binary.class_names and len(pickled.y_train) == 15
    assert pickled.source == f"{tmp_path / 'py' / CIFAR_PY_FOLDER}: torchvision's pickled batches"
    assert binary.source == f"{tmp_path / 'bin' / CIFAR_FOLDER}: binary batches"


def test_the_published_format_names_only_numpys_array_globals():
    images, labels = cifar_arrays(per_batch=2)["data_batch_1.bin"]
    data = python2_pickle(batch_dict(images, labels))
    assert set(globals_named(data)) == {"numpy.core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype"}
    loaded = pickle.loads(data, encoding="bytes")  # what the course's unpickle() sees
    assert loaded[b"data"].shape == (2, 3072) and loaded[b"labels"] == labels.tolist()


def test_a_complete_folder_wins_and_binary_comes_first(tmp_path):
    batches = cifar_arrays(per_batch=1)
    write_pickled(tmp_path / CIFAR_PY_FOLDER, batches)
    (tmp_path / CIFAR_FOLDER).mkdir()
    (tmp_path / CIFAR_FOLDER / "data_batch_1.bin").write_bytes(b"")  # begun, never finished
    assert load(tmp_path).source.endswith("torchvision's pickled batches")
    write_cifar(tmp_path / CIFAR_FOLDER, batches)
    assert load(tmp_path).source.endswith("binary batches")


def test_data_dir_may_be_the_pickled_folder_itself(tmp_path):
    write_pickled(tmp_path, cifar_arrays(per_batch=1))
    assert load(tmp_path).source == f"{tmp_path}: torchvision's pickled batches"


def test_nothing_there_names_both_folders_and_download(tmp_path):
    with pytest.raises(SpecError) as caught:
        load(tmp_path)
    message = error_text(caught.value)
    assert caught.value.code == "data_cifar_missing" and "--download" in message
    assert str(tmp_path / CIFAR_FOLDER / "data_batch_1.bin") in message
    assert str(tmp_path / CIFAR_PY_FOLDER / "data_batch_1") in message


# ---- hostile files --------------------------------------------------------------------------------------------------


class RunsACommand:
    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


class WritesAFile:
    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


@pytest.mark.parametrize("payload", [RunsACommand, WritesAFile])
@pytest.mark.parametrize("where", ["whole file", "as the labels"])
def test_a_hostile_pickle_in_place_of_a_batch_runs_nothing_and_is_refused_by_name(tmp_path, payload, where):
    batches = cifar_arrays(per_batch=1)
    folder = tmp_path / CIFAR_PY_FOLDER
    write_pickled(folder, batches)
    marker = tmp_path / "marker"
    hostile = payload(marker)
    if where == "as the labels":
        images, labels = batches["data_batch_1.bin"]
        hostile = {**batch_dict(images, labels), b"labels": hostile}
    data = pickle.dumps(hostile, protocol=2)
    (folder / "data_batch_1").write_bytes(data)
    pickle.loads(pickle.dumps(payload(tmp_path / "proof"), protocol=2))  # an ordinary unpickler would run it
    assert (tmp_path / "proof").exists()
    with pytest.raises(SpecError) as caught:
        load(tmp_path)
    assert not marker.exists()
    allowed = {f"{module}.{name}" for module, name in ALLOWED}
    refused = next(name for name in globals_named(data) if name not in allowed)
    assert caught.value.code == "data_pickle_refused" and caught.value.params["name"] == refused
    for lang in ("en", "zh"):
        message = catalogue(lang)["error.data_pickle_refused"].format(**caught.value.params)
        assert str(folder / "data_batch_1") in message and refused in message
    assert "nothing from the file was run" in error_text(caught.value)


def test_numpys_own_names_are_held_to_what_an_array_pickle_does():
    """An allowed global used another way (a non-empty _reconstruct, a codec other than latin-1) is refused too."""
    big = b"\x80\x02cnumpy._core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x05\x85C\x01b\x87R."
    codec = b"\x80\x02c_codecs\nencode\nX\x03\x00\x00\x00abcX\x06\x00\x00\x00rot_13\x86R."
    loader = b"\x80\x02cnumpy\nload\nX\x01\x00\x00\x00x\x85R."
    for data, code in (
        (big, "data_pickle_unreadable"),
        (codec, "data_pickle_unreadable"),
        (loader, "data_pickle_refused"),
    ):
        assert refusal(data).code == code, data


# ---- truncated and malformed files -----------------------------------------------------------------------------------

VALID = pickle.dumps(batch_dict(*cifar_arrays(per_batch=2)["data_batch_1.bin"]), protocol=2)


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=1, max_value=len(VALID) - 1))
def test_a_batch_cut_short_anywhere_is_refused_as_unreadable(cut):
    error = refusal(VALID[:cut], Path("data_batch_2"))
    assert error.code == "data_pickle_unreadable" and "data_batch_2" in error_text(error)


IMAGES, LABELS = cifar_arrays(per_batch=3)["test_batch.bin"]
GOOD = batch_dict(IMAGES, LABELS)
MALFORMED = {
    "empty file": (None, "data_empty"),
    "not a pickle": (b"not a pickle at all", "data_pickle_unreadable"),
    "a list": ([GOOD], "data_pickle_not_batch"),
    "no labels": ({b"data": GOOD[b"data"]}, "data_pickle_missing_key"),
    "no data": ({b"labels": GOOD[b"labels"]}, "data_pickle_missing_key"),
    "data as a list": ({**GOOD, b"data": GOOD[b"data"].tolist()}, "data_pickle_bad_data"),
    "data of int64": ({**GOOD, b"data": GOOD[b"data"].astype(np.int64)}, "data_pickle_bad_data"),
    "data as images": ({**GOOD, b"data": IMAGES}, "data_pickle_bad_data"),
    "data of 1024 pixels": ({**GOOD, b"data": GOOD[b"data"][:, :1024]}, "data_pickle_bad_data"),
    "no images": ({**GOOD, b"data": GOOD[b"data"][:0], b"labels": []}, "data_empty"),
    "labels as text": ({**GOOD, b"labels": b"123"}, "data_pickle_bad_labels"),
    "labels of floats": ({**GOOD, b"labels": [1.0, 2.0, 3.0]}, "data_pickle_bad_labels"),
    "labels of bools": ({**GOOD, b"labels": [True, False, True]}, "data_pickle_bad_labels"),
    "label 10": ({**GOOD, b"labels": [1, 10, 2]}, "data_bad_label"),
    "label -1": ({**GOOD, b"labels": [1, 2, -1]}, "data_bad_label"),
    "a huge label": ({**GOOD, b"labels": [1, 2, 10**30]}, "data_bad_label"),
    "one label short": ({**GOOD, b"labels": [1, 2]}, "data_pickle_count"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_batch_is_refused_naming_the_file_and_the_fault(tmp_path, case):
    content, code = MALFORMED[case]
    data = b"" if content is None else content if isinstance(content, bytes) else pickle.dumps(content, protocol=2)
    folder = tmp_path / CIFAR_PY_FOLDER
    write_pickled(folder, cifar_arrays(per_batch=1))
    (folder / "test_batch").write_bytes(data)
    with pytest.raises(SpecError) as caught:
        load(tmp_path)
    assert caught.value.code == code
    for lang in ("en", "zh"):
        assert str(folder / "test_batch") in catalogue(lang)[f"error.{code}"].format(**caught.value.params)


def test_the_messages_say_what_was_found():
    path = Path("data_batch_1")
    cases = {
        "data of int64": "int64 array of 3×3072",
        "a list": "found list",
        "labels of floats": "list holding float",
        "no labels": "(its keys: b'data')",
    }
    for case, words in cases.items():
        assert words in error_text(refusal(pickle.dumps(MALFORMED[case][0], protocol=2), path)), case


def test_keys_written_as_text_by_python_3_are_read_too():
    data = pickle.dumps({key.decode(): value for key, value in GOOD.items()}, protocol=2)
    images, labels = parse_pickled_batch(data, Path("test_batch"))
    assert images.shape == (3, 3, 32, 32) and np.array_equal(images, IMAGES) and labels.tolist() == LABELS.tolist()
