"""--download against servers that misbehave: no length and no end, the wrong file, a drip, a full disk.

Each is refused with its true reason, early, and nothing half-written is kept.
A loopback server plays the mirror, as in test_download.py.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from run_support import fill, small_disk
from test_datasets import IDX_NAMES, idx_arrays, idx_bytes
from test_download import _no_proxy_no_mirror, files_under  # noqa: F401  (an autouse fixture)

from engine.errors import SpecError
from engine.train.download import SOURCES, download
from tui.i18n import error_text

NAME = f"{IDX_NAMES[0]}.gz"  # the first file download() fetches


class Mirror:
    """Serves `body` for every path: plainly, without a Content-Length, or a byte at a time."""

    def __init__(self, body: bytes, manner: str) -> None:
        self.body, self.manner = body, manner
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                if mirror.manner != "no length":
                    self.send_header("Content-Length", str(len(mirror.body)))
                self.end_headers()
                piece = 1 if mirror.manner == "drip" else 64 * 1024
                try:
                    for start in range(0, len(mirror.body), piece):
                        self.wfile.write(mirror.body[start : start + piece])
                        self.wfile.flush()
                        if mirror.manner == "drip":
                            time.sleep(0.05)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def serve() -> Iterator:
    servers: list[Mirror] = []

    def start(body: bytes, manner: str = "plain") -> Mirror:
        mirror = Mirror(body, manner)
        threading.Thread(target=mirror.httpd.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(mirror)
        return mirror

    yield start
    for mirror in servers:
        mirror.httpd.shutdown()
        mirror.httpd.server_close()


def refusal(mirror: Mirror, data_dir: Path, **options) -> SpecError:
    with pytest.raises(SpecError) as caught:
        download("mnist", data_dir, mirror=mirror.url, **options)
    assert files_under(data_dir) in ([], ["mnist"]), "nothing half-written is kept"
    return caught.value


def test_the_official_sizes_are_the_published_ones():
    assert (
        SOURCES["mnist"].sizes[NAME] == 9_912_422 and SOURCES["cifar10"].sizes["cifar-10-binary.tar.gz"] == 170_052_171
    )
    assert set(SOURCES["fashion-mnist"].sizes) == set(SOURCES["fashion-mnist"].checksums)


def test_a_server_that_sends_no_length_and_no_end_is_cut_at_the_files_size(serve, tmp_path):
    body = gzip.compress(idx_bytes(idx_arrays()[IDX_NAMES[0]]))
    mirror = serve(body + os.urandom(3 << 20), "no length")  # far more than the file it stands for
    seen: list[int] = []
    checksums, sizes = {NAME: hashlib.md5(body).hexdigest()}, {NAME: len(body)}
    error = refusal(mirror, tmp_path, checksums=checksums, sizes=sizes, report=lambda done, *_: seen.append(done))
    assert error.code == "data_download_too_big" and f"{len(body):,}" in error_text(error)
    assert max(seen, default=0) <= len(body), "not a byte past the file's size was written"


def test_a_page_instead_of_the_file_is_refused_by_its_first_bytes(serve, tmp_path):
    page = b"<!DOCTYPE html><html>" + b" " * (4 << 20)
    mirror = serve(page)
    seen: list[int] = []
    sizes = {NAME: len(page)}
    error = refusal(
        mirror, tmp_path, checksums={NAME: "0" * 32}, sizes=sizes, report=lambda done, *_: seen.append(done)
    )
    assert error.code == "data_download_not_expected" and error.params["found"] == "3c 21 44 4f"
    assert seen == [], "refused at its first bytes, before any was written"


def test_a_gzip_of_the_wrong_idx_file_is_refused_by_its_unpacked_header(serve, tmp_path):
    labels = gzip.compress(idx_bytes(idx_arrays()[IDX_NAMES[1]]))
    mirror = serve(labels)
    error = refusal(mirror, tmp_path, checksums={NAME: "0" * 32}, sizes={NAME: len(labels)})
    assert error.code == "data_download_not_expected"
    assert (error.params["found"], error.params["expected"]) == ("00 00 08 01", "00 00 08 03")


def test_a_drip_feeding_server_meets_the_deadline(serve, tmp_path):
    body = gzip.compress(idx_bytes(idx_arrays()[IDX_NAMES[0]]))
    mirror = serve(body, "drip")
    started = time.monotonic()
    error = refusal(mirror, tmp_path, checksums={NAME: "0" * 32}, sizes={NAME: len(body)}, timeout=0.5, deadline_s=0.6)
    assert error.code == "data_download_slow" and time.monotonic() - started < 5
    assert "0.6 seconds" in error_text(error)


def test_a_full_disk_during_a_download_says_so(serve, tmp_path):
    body = gzip.compress(idx_bytes(idx_arrays(train=300)[IDX_NAMES[0]]), compresslevel=0)
    mirror = serve(body)
    with small_disk(tmp_path, 64 * 1024) as disk:
        fill(disk, 16 * 1024)
        error = refusal(mirror, disk / "data", checksums={NAME: hashlib.md5(body).hexdigest()}, sizes={NAME: len(body)})
        assert error.code == "data_disk_full" and error.params["name"] == NAME
        assert "firewall" not in error_text(error) and os.strerror(28) in error_text(error)


def test_headless_shows_a_download_bar(tmp_path, monkeypatch):
    """run_headless hands the engine a reporter that draws one bar per file while it downloads."""
    import io

    from rich.console import Console

    from engine.train import loop as train_loop
    from engine.train.config import TrainConfig
    from tui.headless import run_headless
    from tui.headless_output import Downloads

    reporters = []

    def fetching(config, report=None):
        reporters.append(report)
        raise SpecError("data_download_failed", url="http://mirror/x", reason="test")

    monkeypatch.setattr(train_loop, "load_dataset", fetching)
    assert run_headless(TrainConfig(dataset="mnist", download=True, threads=1), out=str(tmp_path / "run")) == 2
    assert isinstance(reporters[0], Downloads)
    screen = io.StringIO()
    bar = Downloads(Console(file=screen, force_terminal=True, width=100))
    for done in (0, 4_000_000, 9_912_422):
        bar(done, 9_912_422, NAME)
    bar.close()
    assert f"downloading {NAME}" in screen.getvalue() and "9.9" in screen.getvalue()
