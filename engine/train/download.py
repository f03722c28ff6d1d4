"""`--download`: fetch the official MNIST, Fashion-MNIST and CIFAR-10 (binary) archives and check their MD5s.

Nothing half-written is ever left where a reader would find it: each file
streams into a hidden temp file beside its target and only an intact one (full
length, right checksum) is renamed into place with os.replace; the CIFAR-10
archive is unpacked into a temp folder and its files are moved in one by one.
urllib only, so it honours http_proxy/https_proxy; TENSORTOUR_MIRROR replaces
the servers (for machines behind a firewall).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from engine.errors import SpecError
from engine.train.data_files import (
    CIFAR_FOLDER,
    CIFAR_TEST,
    CIFAR_TRAIN,
    IDX_FILES,
    cifar_folder,
    dataset_folder,
)

MIRROR_VARIABLE = "TENSORTOUR_MIRROR"
CHUNK = 1 << 20
CIFAR_ARCHIVE = "cifar-10-binary.tar.gz"

Report = Callable[[int, int | None, str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """Where a set's files come from: a base URL and the official MD5 of each file (torchvision's list)."""

    base: str
    checksums: Mapping[str, str]


SOURCES = {
    "mnist": Source(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        {
            "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
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
    ),
    "cifar10": Source(
        "https://www.cs.toronto.edu/~kriz/",
        {CIFAR_ARCHIVE: "c32a1d4ab5d03f1284b67883e8d87530"},
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
) -> Path:
    """Fetch what is missing of `dataset` into `data_dir` and return the folder its reader looks in.

    Files already in the reader's folder are kept: plain IDX files as they are, a .gz or the
    CIFAR-10 archive when its MD5 is right, a complete CIFAR-10 folder of either release
    (cifar-10-batches-bin, or the cifar-10-batches-py that torchvision downloads).

    `checksums` replaces the official MD5s (tests serve tiny files of their own).
    `report(done_bytes, total_bytes or None, file_name)` follows each transfer.
    """
    if dataset not in SOURCES:
        raise SpecError("data_no_download", dataset=dataset, choices=", ".join(SOURCES))
    expected = dict(checksums or SOURCES[dataset].checksums)
    source_url(dataset, next(iter(expected)), mirror)  # a mirror urllib cannot open: refused before any folder is made
    if dataset == "cifar10":
        return _cifar(data_dir, expected, mirror, report, timeout)
    folder = dataset_folder(dataset, data_dir)
    for name in IDX_FILES:
        if not (folder / name).is_file():
            _ensure(
                dataset,
                folder / f"{name}.gz",
                expected[f"{name}.gz"],
                mirror,
                report,
                timeout,
            )
    return folder


def _cifar(
    data_dir: Path,
    expected: dict[str, str],
    mirror: str | None,
    report: Report | None,
    timeout: float,
) -> Path:
    """Unpack the archive into a temp folder (tarfile's "data" filter refuses links and paths outside it), then move the batches in."""
    wanted = (*CIFAR_TRAIN, CIFAR_TEST)
    present = cifar_folder(data_dir)
    if present.complete():
        return present.path
    folder = data_dir / CIFAR_FOLDER
    archive = data_dir / CIFAR_ARCHIVE
    _ensure("cifar10", archive, expected[CIFAR_ARCHIVE], mirror, report, timeout)
    unpacked = Path(_writable(data_dir, lambda: tempfile.mkdtemp(prefix=".cifar10-", dir=data_dir)))
    try:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(unpacked, filter="data")
        except (tarfile.TarError, EOFError, OSError) as error:
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


def _ensure(
    dataset: str,
    target: Path,
    md5: str,
    mirror: str | None,
    report: Report | None,
    timeout: float,
) -> None:
    """Download `target` unless it is already there with the right checksum."""
    if target.is_file() and _md5(target) == md5:
        return
    if target.exists() and not target.is_file():
        raise SpecError("data_not_a_file", path=str(target))
    _writable(target.parent, lambda: target.parent.mkdir(parents=True, exist_ok=True))
    url = source_url(dataset, target.name, mirror)
    handle, temp = _writable(
        target.parent,
        lambda: tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent),
    )
    try:
        with os.fdopen(handle, "wb") as out:
            got = _transfer(url, out, target.name, report, timeout)
        if got != md5:
            raise SpecError("data_checksum", url=url, expected=md5, got=got)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def _transfer(url: str, out: BinaryIO, name: str, report: Report | None, timeout: float) -> str:
    """Stream `url` into `out`; the MD5 of what arrived. A short body is an error even when the server closed politely."""
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            done = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if report is not None:
                    report(done, total, name)
    except urllib.error.HTTPError as error:
        raise SpecError("data_download_failed", url=url, reason=f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise SpecError("data_download_failed", url=url, reason=str(error.reason)) from None
    except (http.client.HTTPException, OSError) as error:
        raise SpecError("data_download_failed", url=url, reason=str(error) or type(error).__name__) from None
    if total is not None and done != total:
        raise SpecError(
            "data_download_failed",
            url=url,
            reason=f"the connection closed after {done} of {total} bytes",
        )
    return digest.hexdigest()


def _move_files(source: Path, target: Path) -> None:
    """Each rename is atomic: a reader sees a batch whole or not at all."""
    target.mkdir(exist_ok=True)
    for item in source.iterdir():
        if item.is_file():
            os.replace(item, target / item.name)


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _writable(path: Path, action: Callable[[], T]) -> T:
    """Run a step that creates something under `path`; a refusal (read-only disk, no permission) names the folder."""
    try:
        return action()
    except OSError as error:
        raise SpecError("data_write_failed", path=str(path), reason=error.strerror or str(error)) from None
