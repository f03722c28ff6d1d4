"""What a path really is, and opening only regular files.

A named pipe would make a read wait forever for a writer, /dev/zero never ends,
and a loop of symbolic links is not "missing": each is named for what it is
(`kind`, a key of the catalogue's words: words.path_fifo …) before anything is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}  # a write refused for want of space

_MODES = (
    (stat.S_ISREG, "path_file"),
    (stat.S_ISDIR, "path_folder"),
    (stat.S_ISFIFO, "path_fifo"),
    (stat.S_ISCHR, "path_char_device"),
    (stat.S_ISBLK, "path_block_device"),
    (stat.S_ISSOCK, "path_socket"),
)


class NotAFile(Exception):
    """`path` is not a regular file: `kind` says what it is (path_missing, path_fifo, path_symlink_loop …)."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(f"{path}: {kind}")
        self.path = str(path)
        self.kind = kind


def path_kind(path: Path | str) -> str:
    """path_file, path_folder, path_fifo, … or path_missing / path_broken_link / path_symlink_loop; other OSErrors pass."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        kind = _missing_kind(path, error)
        if kind is None:
            raise
        return kind
    return mode_kind(mode)


def mode_kind(mode: int) -> str:
    return next((kind for test, kind in _MODES if test(mode)), "path_special")


def open_regular(path: Path | str) -> BinaryIO:
    """The regular file at `path`, open for reading; NotAFile for anything else (checked on the open file, no race).

    O_NONBLOCK makes opening a named pipe return at once instead of waiting for a writer.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        kind = _missing_kind(path, error)
        if kind is None:
            raise
        raise NotAFile(path, kind) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(path, mode_kind(mode))
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _missing_kind(path: Path | str, error: OSError) -> str | None:
    if error.errno == errno.ELOOP:
        return "path_symlink_loop"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return "path_broken_link" if os.path.islink(path) else "path_missing"
    return None
