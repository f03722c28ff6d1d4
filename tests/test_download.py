"""--download against a loopback HTTP server serving tiny archives in the official formats: checksums, faults, nothing half-written."""

from __future__ import annotations

import gzip
import hashlib
import io
import socket
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import torch
from test_datasets import (
    CIFAR_NAMES,
    IDX_NAMES,
    cifar_arrays,
    cifar_bytes,
    idx_arrays,
    idx_bytes,
    normalised,
)

from engine.errors import SpecError
from engine.train.config import TrainConfig
from engine.train.data_files import CIFAR_FOLDER
from engine.train.datasets import load_dataset
from engine.train.download import (
    CIFAR_ARCHIVE,
    MIRROR_VARIABLE,
    SOURCES,
    download,
    source_url,
)
from tui.i18n import catalogue


class Server:
    """Files by URL path; `cut` paths promise their full length but send half and hang up. Counts every request."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.cut: set[str] = set()
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if self.path in server.cut else body)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture(autouse=True)
def _no_proxy_no_mirror(monkeypatch):
    for name in (
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        MIRROR_VARIABLE,
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def server() -> Iterator[Server]:
    served = Server()
    thread = threading.Thread(target=served.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()
    thread.join(5)


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def serve_mnist(server: Server, dataset: str = "mnist", seed: int = 0) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The four IDX files gzipped under /<dataset>/, as a mirror holds them; returns the arrays and their MD5s."""
    arrays = idx_arrays(seed)
    checksums = {}
    for name, array in arrays.items():
        body = gzip.compress(idx_bytes(array))
        server.files[f"/{dataset}/{name}.gz"] = body
        checksums[f"{name}.gz"] = md5(body)
    return arrays, checksums


def tar_gz(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return buffer.getvalue()


def cifar_members() -> dict[str, bytes]:
    members = {f"{CIFAR_FOLDER}/{name}": cifar_bytes(*batch) for name, batch in cifar_arrays().items()}
    members[f"{CIFAR_FOLDER}/batches.meta.txt"] = b"airplane\nautomobile\n"
    return members


def serve_cifar(server: Server, archive: bytes) -> dict[str, str]:
    server.files[f"/cifar10/{CIFAR_ARCHIVE}"] = archive
    return {CIFAR_ARCHIVE: md5(archive)}


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_official_sources_and_checksums():
    assert (
        source_url("mnist", "t10k-labels-idx1-ubyte.gz")
        == "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz"
    )
    assert source_url("cifar10", CIFAR_ARCHIVE) == "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
    assert SOURCES["fashion-mnist"].base == "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    assert SOURCES["mnist"].checksums["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert SOURCES["fashion-mnist"].checksums["t10k-labels-idx1-ubyte.gz"] == "bb300cfdad3c16e7a12a480ee83cd310"
    assert SOURCES["cifar10"].checksums[CIFAR_ARCHIVE] == "c32a1d4ab5d03f1284b67883e8d87530"


def test_mirror_variable_replaces_the_servers(monkeypatch):
    monkeypatch.setenv(MIRROR_VARIABLE, "http://mirror.lan/data/")
    assert source_url("fashion-mnist", "a.gz") == "http://mirror.lan/data/fashion-mnist/a.gz"
    assert source_url("mnist", "a.gz", mirror="http://other") == "http://other/mnist/a.gz"


def test_mnist_downloads_verifies_and_loads(server, tmp_path):
    arrays, checksums = serve_mnist(server)
    progress = []
    folder = download(
        "mnist",
        tmp_path,
        mirror=server.url,
        checksums=checksums,
        report=lambda *a: progress.append(a),
    )
    assert folder == tmp_path / "mnist"
    assert files_under(tmp_path) == [
        "mnist",
        *sorted(f"mnist/{name}.gz" for name in IDX_NAMES),
    ]
    body = server.files[f"/mnist/{IDX_NAMES[0]}.gz"]
    assert (len(body), len(body), f"{IDX_NAMES[0]}.gz") in progress
    data = load_dataset(TrainConfig(dataset="mnist", data_dir=str(tmp_path)))
    assert torch.equal(data.x_train, normalised(arrays[IDX_NAMES[0]][:, None], 255.0))


def test_files_already_present_with_the_right_checksum_are_not_fetched_again(server, tmp_path):
    _, checksums = serve_mnist(server)
    download("mnist", tmp_path, mirror=server.url, checksums=checksums)
    fetched = len(server.requests)
    (tmp_path / "mnist" / f"{IDX_NAMES[3]}.gz").write_bytes(b"damaged")
    download("mnist", tmp_path, mirror=server.url, checksums=checksums)
    assert fetched == 4 and server.requests[fetched:] == [f"/mnist/{IDX_NAMES[3]}.gz"]
    assert md5((tmp_path / "mnist" / f"{IDX_NAMES[3]}.gz").read_bytes()) == checksums[f"{IDX_NAMES[3]}.gz"]


def test_wrong_checksum_keeps_nothing(server, tmp_path):
    _, checksums = serve_mnist(server)
    checksums[f"{IDX_NAMES[0]}.gz"] = "0" * 32
    with pytest.raises(SpecError) as caught:
        download("mnist", tmp_path, mirror=server.url, checksums=checksums)
    assert caught.value.code == "data_checksum"
    assert (
        caught.value.params["url"] == f"{server.url}/mnist/{IDX_NAMES[0]}.gz"
        and caught.value.params["expected"] == "0" * 32
    )
    assert files_under(tmp_path) == ["mnist"]


def test_a_cut_connection_keeps_nothing(server, tmp_path):
    _, checksums = serve_mnist(server, "fashion-mnist")
    server.cut.add(f"/fashion-mnist/{IDX_NAMES[0]}.gz")
    with pytest.raises(SpecError) as caught:
        download("fashion-mnist", tmp_path, mirror=server.url, checksums=checksums)
    assert caught.value.code == "data_download_failed" and "closed" in caught.value.params["reason"]
    assert files_under(tmp_path) == ["fashion-mnist"]


def test_an_interrupted_download_keeps_nothing(server, tmp_path):
    """Ctrl+C in the middle of a transfer (here: from the progress callback) leaves no temp file."""
    _, checksums = serve_mnist(server)

    def interrupt(done: int, total: int | None, name: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download("mnist", tmp_path, mirror=server.url, checksums=checksums, report=interrupt)
    assert files_under(tmp_path) == ["mnist"]


def test_http_errors_name_the_url(server, tmp_path):
    with pytest.raises(SpecError) as caught:
        download("mnist", tmp_path, mirror=server.url)
    assert caught.value.code == "data_download_failed"
    assert caught.value.params == {
        "url": f"{server.url}/mnist/{IDX_NAMES[0]}.gz",
        "reason": "HTTP 404 Not Found",
    }
    assert files_under(tmp_path) == ["mnist"]


def test_offline_says_which_url_and_why(tmp_path):
    url = closed_port_url()
    with pytest.raises(SpecError) as caught:
        download("cifar10", tmp_path, mirror=url)
    assert (
        caught.value.code == "data_download_failed" and caught.value.params["url"] == f"{url}/cifar10/{CIFAR_ARCHIVE}"
    )
    assert "refused" in caught.value.params["reason"].lower()
    for lang in ("en", "zh"):
        assert url in catalogue(lang)["error.data_download_failed"].format(**caught.value.params)
    assert files_under(tmp_path) == []


def test_cifar_archive_is_unpacked_then_removed(server, tmp_path):
    checksums = serve_cifar(server, tar_gz(cifar_members()))
    folder = download("cifar10", tmp_path, mirror=server.url, checksums=checksums)
    assert folder == tmp_path / CIFAR_FOLDER
    expected = [
        CIFAR_FOLDER,
        *sorted(f"{CIFAR_FOLDER}/{name}" for name in (*CIFAR_NAMES, "batches.meta.txt")),
    ]
    assert files_under(tmp_path) == expected
    assert load_dataset(TrainConfig(dataset="cifar10", data_dir=str(tmp_path))).x_train.shape == (10, 3, 32, 32)
    download("cifar10", tmp_path, mirror=closed_port_url(), checksums=checksums)
    assert len(server.requests) == 1, "a complete folder is not downloaded again"


@pytest.mark.parametrize(
    "members, links, reason",
    [
        ({**cifar_members(), "../escaped.bin": b"x"}, None, "outside"),
        (cifar_members(), {f"{CIFAR_FOLDER}/link": "/etc/passwd"}, "link"),
        (
            {k: v for k, v in cifar_members().items() if not k.endswith("data_batch_4.bin")},
            None,
            "data_batch_4.bin",
        ),
    ],
    ids=("path escapes", "link escapes", "batch missing"),
)
def test_a_bad_archive_unpacks_nothing(server, tmp_path, members, links, reason):
    data_dir = tmp_path / "data"
    checksums = serve_cifar(server, tar_gz(members, links))
    with pytest.raises(SpecError) as caught:
        download("cifar10", data_dir, mirror=server.url, checksums=checksums)
    assert caught.value.code == "data_archive_bad" and reason in caught.value.params["reason"]
    assert files_under(tmp_path) == ["data", f"data/{CIFAR_ARCHIVE}"], "only the verified archive stays"


def test_a_data_dir_that_is_a_file_cannot_be_written(tmp_path):
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(SpecError) as caught:
        download("mnist", tmp_path / "data", mirror=closed_port_url())
    assert caught.value.code == "data_write_failed" and caught.value.params["path"] == str(tmp_path / "data" / "mnist")


def test_generated_sets_have_nothing_to_download(tmp_path):
    with pytest.raises(SpecError) as caught:
        download("spiral", tmp_path)
    assert caught.value.code == "data_no_download" and "cifar10" in caught.value.params["choices"]


def test_load_dataset_downloads_through_the_mirror_when_asked(server, tmp_path, monkeypatch):
    """Served files are not the official ones, so the official size refuses them: proof the fetch happened, and kept nothing."""
    serve_mnist(server)
    monkeypatch.setenv(MIRROR_VARIABLE, server.url)
    config = TrainConfig(dataset="mnist", data_dir=str(tmp_path), download=True)
    with pytest.raises(SpecError) as caught:
        load_dataset(config)
    assert caught.value.code == "data_download_not_expected" and caught.value.params["url"].startswith(server.url)
    assert files_under(tmp_path) == ["mnist"]


@pytest.mark.parametrize("folder", ("mnist", "MNIST/raw"))
def test_load_dataset_with_download_skips_files_already_there(tmp_path, monkeypatch, folder):
    monkeypatch.setenv(MIRROR_VARIABLE, closed_port_url())
    arrays = idx_arrays()
    (tmp_path / folder).mkdir(parents=True)
    for name, array in arrays.items():
        (tmp_path / folder / name).write_bytes(idx_bytes(array))
    data = load_dataset(TrainConfig(dataset="mnist", data_dir=str(tmp_path), download=True))
    assert data.y_test.tolist() == arrays[IDX_NAMES[3]].tolist()
