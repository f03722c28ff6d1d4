"""One file over HTTP into an open file, watched all the way: size, first bytes, time, disk.

The official files have known sizes, so a server that announces or sends more is
cut off at once (no header is needed to bound it); every official file is a gzip,
and its unpacked first bytes (an IDX magic number, a tar header) are checked as
soon as they arrive, so a wrong file is refused after a few kilobytes, not after
hundreds of megabytes; a whole transfer has a deadline, so a server dripping a
byte at a time cannot hold a run forever (each read also has its own timeout);
and a write the disk refuses says so, instead of blaming the network.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.errors import SpecError
from engine.train.paths import DISK_FULL

CHUNK = 1 << 20
FALLBACK_CAP = 256 << 20  # no known size (a test's own file): still never more than this
DEADLINE_BASE_S = 120.0
MIN_RATE = 50_000  # bytes a second: the deadline allows a transfer this slow, plus DEADLINE_BASE_S
GZIP_MAGIC = b"\x1f\x8b"
HEAD_LIMIT = 1 << 16  # compressed bytes given to the header check before it gives up looking

Report = Callable[[int, int | None, str], None]


@dataclass(frozen=True)
class Fetch:
    """How a download talks to its server: the per-read timeout, the whole transfer's deadline (None: from the
    size), and who follows the progress."""

    report: Report | None = None
    timeout: float = 30.0
    deadline_s: float | None = None


def transfer(url: str, descriptor: int, target: Path, size: int | None, fetch: Fetch) -> str:
    """Stream `url` into the open file `descriptor` (for `target`); the MD5 of what arrived, or a SpecError."""
    cap = size if size is not None else FALLBACK_CAP
    deadline = fetch.deadline_s if fetch.deadline_s is not None else DEADLINE_BASE_S + cap / MIN_RATE
    started = time.monotonic()
    digest = hashlib.md5(usedforsecurity=False)
    head = _Head(target.name)
    done, announced = 0, None
    try:
        with urllib.request.urlopen(url, timeout=min(fetch.timeout, deadline)) as response:
            announced = _announced(response)
            if announced is not None and (announced > cap or (size is not None and announced != size)):
                raise (
                    _too_big(url, target, cap)
                    if announced > cap
                    else _not_expected(url, target, f"{announced} B", f"{size} B")
                )
            while chunk := response.read1(CHUNK):
                done += len(chunk)
                if done > cap:
                    raise _too_big(url, target, cap)
                head.check(chunk, url)
                _write_all(descriptor, chunk, target, size)
                digest.update(chunk)
                if fetch.report is not None:
                    fetch.report(done, size or announced, target.name)
                if time.monotonic() - started > deadline:
                    raise SpecError("data_download_slow", url=url, seconds=f"{deadline:g}", done=done, size=size or "?")
    except urllib.error.HTTPError as error:
        raise SpecError("data_download_failed", url=url, reason=f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise SpecError("data_download_failed", url=url, reason=str(error.reason)) from None
    except (http.client.HTTPException, OSError) as error:
        raise SpecError("data_download_failed", url=url, reason=str(error) or type(error).__name__) from None
    expected = announced if announced is not None else size
    if expected is not None and done != expected:
        reason = f"the connection closed after {done} of {expected} bytes"
        raise SpecError("data_download_failed", url=url, reason=reason)
    return digest.hexdigest()


class _Head:
    """The first unpacked bytes of an official file: an IDX magic number, or a tar header ("ustar" at 257)."""

    def __init__(self, name: str) -> None:
        if "idx" in name:
            self.offset, self.expected = 0, bytes([0, 0, 8, 3 if "idx3" in name else 1])
        else:
            self.offset, self.expected = 257, b"ustar"
        self.name = name
        self.raw = b""
        self.checked = False

    def check(self, chunk: bytes, url: str) -> None:
        if self.checked:
            return
        self.raw += chunk
        if len(self.raw) < len(GZIP_MAGIC):
            return
        if not self.raw.startswith(GZIP_MAGIC):
            raise _not_expected(url, Path(self.name), _hex(self.raw[:4]), f"{_hex(GZIP_MAGIC)} (gzip)")
        need = self.offset + len(self.expected)
        try:
            unpacked = zlib.decompressobj(wbits=31).decompress(self.raw, need)
        except zlib.error:
            raise _not_expected(url, Path(self.name), "a damaged gzip stream", "gzip") from None
        if len(unpacked) >= need:
            found = unpacked[self.offset : need]
            if found != self.expected:
                raise _not_expected(url, Path(self.name), _hex(found), _hex(self.expected))
            self.checked = True
        elif len(self.raw) > HEAD_LIMIT:
            self.checked = True  # the MD5 at the end still decides; the size cap still bounds it
        if self.checked:
            self.raw = b""


def _announced(response) -> int | None:
    try:
        value = int(response.headers.get("Content-Length") or -1)
    except ValueError:
        return None
    return value if value >= 0 else None


def _write_all(descriptor: int, data: bytes, target: Path, size: int | None) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(descriptor, view) :]
    except OSError as error:
        raise write_refused(error, target, size) from None


def write_refused(error: OSError, target: Path, size: int | None) -> SpecError:
    """A full disk is named with the room the file needs; any other refusal quotes the system."""
    reason = error.strerror or str(error)
    if error.errno in DISK_FULL:
        shown = f"{size:,}" if size is not None else "?"
        return SpecError("data_disk_full", folder=str(target.parent), name=target.name, size=shown, reason=reason)
    return SpecError("data_write_failed", path=str(target.parent), reason=reason)


def _too_big(url: str, target: Path, cap: int) -> SpecError:
    return SpecError("data_download_too_big", url=url, name=target.name, size=f"{cap:,}")


def _not_expected(url: str, target: Path, found: str, expected: str) -> SpecError:
    return SpecError("data_download_not_expected", url=url, name=target.name, found=found, expected=expected)


def _hex(data: bytes) -> str:
    return " ".join(f"{byte:02x}" for byte in data) or "nothing"
