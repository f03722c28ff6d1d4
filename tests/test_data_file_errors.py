"""A malformed MNIST (IDX) or CIFAR-10 file is refused with what is wrong with it, in the student's words."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from test_datasets import (
    IDX_NAMES,
    cifar_arrays,
    idx_arrays,
    idx_bytes,
    write_cifar,
    write_idx,
)

from engine.errors import SpecError
from engine.train.config import TrainConfig
from engine.train.data_files import CIFAR_FOLDER, CIFAR_RECORD
from engine.train.datasets import load_dataset
from tui.i18n import catalogue, error_text


def _mnist_error(tmp_path: Path, damage) -> SpecError:
    write_idx(tmp_path / "mnist", idx_arrays())
    damage(tmp_path / "mnist")
    with pytest.raises(SpecError) as caught:
        load_dataset(TrainConfig(dataset="mnist", data_dir=str(tmp_path)))
    return caught.value


def _rewrite(path: Path, change) -> None:
    path.write_bytes(change(path.read_bytes()))


def _make_dir(path: Path) -> None:
    path.unlink()
    path.mkdir()


MNIST_DAMAGE = {
    "missing": (lambda d: (d / IDX_NAMES[2]).unlink(), "data_missing", IDX_NAMES[2]),
    "directory": (
        lambda d: _make_dir(d / IDX_NAMES[0]),
        "data_not_a_file",
        IDX_NAMES[0],
    ),
    "truncated": (
        lambda d: _rewrite(d / IDX_NAMES[0], lambda b: b[:-100]),
        "data_truncated",
        IDX_NAMES[0],
    ),
    "trailing": (
        lambda d: _rewrite(d / IDX_NAMES[1], lambda b: b + b"\0"),
        "data_trailing",
        IDX_NAMES[1],
    ),
    "short header": (
        lambda d: _rewrite(d / IDX_NAMES[3], lambda b: b[:6]),
        "data_truncated",
        IDX_NAMES[3],
    ),
    "labels as images": (
        lambda d: (d / IDX_NAMES[0]).write_bytes((d / IDX_NAMES[1]).read_bytes()),
        "data_bad_magic",
        IDX_NAMES[0],
    ),
    "label 10": (
        lambda d: (d / IDX_NAMES[3]).write_bytes(idx_bytes(np.array([1, 10, 2], dtype=np.uint8))),
        "data_bad_label",
        IDX_NAMES[3],
    ),
    "count mismatch": (
        lambda d: (d / IDX_NAMES[1]).write_bytes(idx_bytes(np.arange(4, dtype=np.uint8))),
        "data_count_mismatch",
        IDX_NAMES[1],
    ),
    "zero columns": (
        lambda d: (d / IDX_NAMES[2]).write_bytes(idx_bytes(np.zeros((3, 28, 0), dtype=np.uint8))),
        "data_bad_dims",
        IDX_NAMES[2],
    ),
    "test size differs": (
        lambda d: (d / IDX_NAMES[2]).write_bytes(idx_bytes(np.zeros((3, 20, 20), dtype=np.uint8))),
        "data_shape_mismatch",
        IDX_NAMES[2],
    ),
    "no images": (
        lambda d: [
            (d / n).write_bytes(idx_bytes(np.zeros((0, 28, 28) if "images" in n else 0, np.uint8)))
            for n in IDX_NAMES[:2]
        ],
        "data_empty",
        IDX_NAMES[0],
    ),
    "cut gzip": (
        lambda d: (
            (d / IDX_NAMES[0]).unlink(),
            (d / f"{IDX_NAMES[0]}.gz").write_bytes(gzip.compress(idx_bytes(idx_arrays()[IDX_NAMES[0]]))[:100]),
        ),
        "data_bad_gzip",
        IDX_NAMES[0],
    ),
}


@pytest.mark.parametrize("case", MNIST_DAMAGE)
def test_malformed_idx_files_are_named_with_the_fault(tmp_path, case):
    damage, code, file_name = MNIST_DAMAGE[case]
    error = _mnist_error(tmp_path, damage)
    assert error.code == code
    assert file_name in " ".join(str(value) for value in error.params.values())
    for lang in ("en", "zh"):
        assert file_name in catalogue(lang)[f"error.{code}"].format(**error.params)


def test_missing_file_points_at_download(tmp_path):
    error = _mnist_error(tmp_path, lambda d: (d / IDX_NAMES[0]).unlink())
    assert "--download" in error_text(error) and error.params["dataset"] == "mnist"


def test_truncated_file_says_how_many_bytes(tmp_path):
    error = _mnist_error(tmp_path, lambda d: _rewrite(d / IDX_NAMES[0], lambda b: b[:-100]))
    assert (error.params["expected"], error.params["got"]) == (
        16 + 5 * 784,
        16 + 5 * 784 - 100,
    )


CIFAR_DAMAGE = {
    "missing": (
        lambda d: (d / "data_batch_3.bin").unlink(),
        "data_missing",
        "data_batch_3.bin",
    ),
    "directory": (
        lambda d: _make_dir(d / "test_batch.bin"),
        "data_not_a_file",
        "test_batch.bin",
    ),
    "record length": (
        lambda d: _rewrite(d / "data_batch_2.bin", lambda b: b[:-1]),
        "data_record_length",
        "data_batch_2.bin",
    ),
    "empty": (
        lambda d: (d / "data_batch_5.bin").write_bytes(b""),
        "data_empty",
        "data_batch_5.bin",
    ),
    "label 10": (
        lambda d: _rewrite(d / "test_batch.bin", lambda b: bytes([10]) + b[1:]),
        "data_bad_label",
        "test_batch.bin",
    ),
}


@pytest.mark.parametrize("case", CIFAR_DAMAGE)
def test_malformed_cifar_files_are_named_with_the_fault(tmp_path, case):
    damage, code, file_name = CIFAR_DAMAGE[case]
    write_cifar(tmp_path / CIFAR_FOLDER, cifar_arrays())
    damage(tmp_path / CIFAR_FOLDER)
    with pytest.raises(SpecError) as caught:
        load_dataset(TrainConfig(dataset="cifar10", data_dir=str(tmp_path)))
    assert caught.value.code == code and file_name in error_text(caught.value)


def test_record_length_error_says_the_sizes(tmp_path):
    write_cifar(tmp_path / CIFAR_FOLDER, cifar_arrays())
    _rewrite(tmp_path / CIFAR_FOLDER / "data_batch_1.bin", lambda b: b + b"\0" * 5)
    with pytest.raises(SpecError) as caught:
        load_dataset(TrainConfig(dataset="cifar10", data_dir=str(tmp_path)))
    assert caught.value.params == {
        "path": str(tmp_path / CIFAR_FOLDER / "data_batch_1.bin"),
        "size": 2 * CIFAR_RECORD + 5,
        "record": 3073,
    }


def test_an_empty_data_dir_names_the_first_file_where_download_would_put_it(tmp_path):
    with pytest.raises(SpecError) as caught:
        load_dataset(TrainConfig(dataset="cifar10", data_dir=str(tmp_path)))
    assert caught.value.params["path"] == str(tmp_path / CIFAR_FOLDER / "data_batch_1.bin")
