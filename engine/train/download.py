"""`--download`: fetch the official MNIST, Fashion-MNIST and CIFAR-10 (binary) archives and check their MD5s.

Nothing half-written is ever left where a reader would find it: each file
streams into a hidden temp file beside its target (engine/train/transfer.py
caps it by the official size, checks its first bytes, keeps a deadline and
names a full disk) and only an intact one (full length, right checksum) is
renamed into place with os.replace; the CIFAR-10 archive is unpacked into a
temp folder and its files are moved in one by one.
urllib only, so it honours http_proxy/https_proxy; TENSORTOUR_MIRROR replaces
the servers (for machines behind a firewall).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from engine.errors import SpecError
from engine.train.data_files import (
    CIFAR_FOLDER,
    CIFAR_TEST,
    CIFAR_TRAIN,
    IDX_FILES,
    cifar_folder,
    dataset_folder,
)
from engine.train.paths import DISK_FULL, open_regular, path_kind
from engine.train.transfer import CHUNK, Fetch, Report, transfer, write_refused

MIRROR_VARIABLE = "TENSORTOUR_MIRROR"
CIFAR_ARCHIVE = "cifar-10-binary.tar.gz"
__all__ = ["CIFAR_ARCHIVE", "MIRROR_VARIABLE", "SOURCES", "Report", "download", "source_url"]

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """Where a set's files come from: a base URL, the official MD5 of each file (torchvision's list) and its
    size in bytes, which caps what a server may send."""

    base: str
    checksums: Mapping[str, str]
    sizes: Mapping[str, int]


SOURCES = {
    "mnist": Source(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        {
            "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
        },
        {
            "train-images-idx3-ubyte.gz": 9_912_422,
            "train-labels-idx1-ubyte.gz": 28_881,
            "t10k-images-idx3-ubyte.gz": 1_648_877,
            "t10k-labels-idx1-ubyte.gz": 4_542,
        },
    ),
    "fashion-mnist": Source(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        {
            "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
        },
        {
            "train-images-idx3-ubyte.gz": 26_421_880,
            "train-labels-idx1-ubyte.gz": 29_515,
            "t10k-images-idx3-ubyte.gz": 4_422_102,
            "t10k-labels-idx1-ubyte.gz": 5_148,
        },
    ),
    "cifar10": Source(
        "https://www.cs.toronto.edu/~kriz/",
        {CIFAR_ARCHIVE: "c32a1d4ab5d03f1284b67883e8d87530"},
        {CIFAR_ARCHIVE: 170_052_171},
    ),
}


def source_url(dataset: str, name: str, mirror: str | None = None) -> str:
    """The official URL, or `<mirror>/<dataset>/<name>`: MNIST and Fashion-MNIST share file names, so a mirror keeps one folder each."""
    mirror = mirror or os.environ.get(MIRROR_VARIABLE) or None
    if not mirror:
        return SOURCES[dataset].base + name
    url = f"{mirror.rstrip('/')}/{dataset}/{name}"
    try:
        urllib.request.Request(url)
    except ValueError as error:  # urllib's words: "Invalid IPv6 URL", "unknown url type: 'x/mnist/…'"
        raise SpecError("data_mirror_bad", mirror=mirror, reason=str(error)) from None
    return url


def download(
    dataset: str,
    data_dir: Path,
    mirror: str | None = None,
    report: Report | None = None,
    checksums: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    sizes: Mapping[str, int] | None = None,
    deadline_s: float | None = None,
) -> Path:
    """Fetch what is missing of `dataset` into `data_dir` and return the folder its reader looks in.

    Files already in the reader's folder are kept: plain IDX files as they are, a .gz or the
    CIFAR-10 archive when its MD5 is right, a complete CIFAR-10 folder of either release
    (cifar-10-batches-bin, or the cifar-10-batches-py that torchvision downloads).

    `checksums` and `sizes` replace the official MD5s and sizes (tests serve tiny files of
    their own; without `sizes` such a file is capped at transfer.FALLBACK_CAP).
    `report(done_bytes, total_bytes or None, file_name)` follows each transfer; `timeout`
    bounds each read and `deadline_s` a whole file (by default, from its size).
    """
    if dataset not in SOURCES:
        raise SpecError("data_no_download", dataset=dataset, choices=", ".join(SOURCES))
    source = SOURCES[dataset]
    expected = dict(checksums or source.checksums)
    known = dict(sizes if sizes is not None else {} if checksums else source.sizes)
    fetch = Fetch(report, timeout, deadline_s)
    source_url(dataset, next(iter(expected)), mirror)  # a mirror urllib cannot open: refused before any folder is made
    if dataset == "cifar10":
        return _cifar(data_dir, expected, known, mirror, fetch)
    folder = dataset_folder(dataset, data_dir)
    for name in IDX_FILES:
        if not (folder / name).is_file():
            gz = f"{name}.gz"
            _ensure(dataset, folder / gz, expected[gz], known.get(gz), mirror, fetch)
    return folder


def _cifar(data_dir: Path, expected: dict[str, str], sizes: dict[str, int], mirror: str | None, fetch: Fetch) -> Path:
    """Unpack the archive into a temp folder (tarfile's "data" filter refuses links and paths outside it), then move the batches in."""
    wanted = (*CIFAR_TRAIN, CIFAR_TEST)
    present = cifar_folder(data_dir)
    if present.complete():
        return present.path
    folder = data_dir / CIFAR_FOLDER
    archive = data_dir / CIFAR_ARCHIVE
    _ensure("cifar10", archive, expected[CIFAR_ARCHIVE], sizes.get(CIFAR_ARCHIVE), mirror, fetch)
    unpacked = Path(_writable(data_dir, lambda: tempfile.mkdtemp(prefix=".cifar10-", dir=data_dir)))
    try:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(unpacked, filter="data")
        except OSError as error:
            if error.errno in DISK_FULL:
                raise write_refused(error, unpacked / CIFAR_FOLDER, _unpacked_size(archive)) from None
            raise SpecError("data_archive_bad", path=str(archive), reason=str(error)) from None
        except (tarfile.TarError, EOFError) as error:
            raise SpecError(
                "data_archive_bad",
                path=str(archive),
                reason=str(error) or type(error).__name__,
            ) from None
        inside = unpacked / CIFAR_FOLDER
        for name in wanted:
            if not (inside / name).is_file():
                raise SpecError(
                    "data_archive_bad",
                    path=str(archive),
                    reason=f"{CIFAR_FOLDER}/{name} is not in it",
                )
        _writable(folder, lambda: _move_files(inside, folder))
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    archive.unlink()
    return folder


def _ensure(dataset: str, target: Path, md5: str, size: int | None, mirror: str | None, fetch: Fetch) -> None:
    """Download `target` unless it is already there with the right checksum."""
    kind = path_kind(target)
    if kind == "path_file" and _md5(target) == md5:
        return
    if kind not in ("path_file", "path_missing", "path_broken_link"):
        raise SpecError("data_not_a_file", path=str(target), what=kind)
    _writable(target.parent, lambda: target.parent.mkdir(parents=True, exist_ok=True))
    url = source_url(dataset, target.name, mirror)
    handle, temp = _writable(
        target.parent,
        lambda: tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent),
    )
    try:
        try:
            got = transfer(url, handle, target, size, fetch)
        finally:
            os.close(handle)
        if got != md5:
            raise SpecError("data_checksum", url=url, expected=md5, got=got)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def _unpacked_size(archive: Path) -> int | None:
    """What the archive's members add up to, for the words on a full disk."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            return sum(member.size for member in tar.getmembers())
    except (tarfile.TarError, EOFError, OSError):
        return None


def _move_files(source: Path, target: Path) -> None:
    """Each rename is atomic: a reader sees a batch whole or not at all."""
    target.mkdir(exist_ok=True)
    for item in source.iterdir():
        if item.is_file():
            os.replace(item, target / item.name)


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open_regular(path) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _writable(path: Path, action: Callable[[], T]) -> T:
    """Run a step that creates something under `path`; a refusal (read-only disk, no permission) names the folder."""
    try:
        return action()
    except OSError as error:
        raise SpecError("data_write_failed", path=str(path), reason=error.strerror or str(error)) from None
