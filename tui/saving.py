"""Files the app writes for a student or teacher (setups, SVG handouts): whole or not at all, never over another.

A file appears under its name only once it is complete (written to a hidden
temporary name, then linked or renamed into place), so a crash or a full disk
never leaves half a file; and a name already taken is never written over.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

HANDOUTS_VARIABLE = "TENSORTOUR_HANDOUTS"
MAX_NUMBER = 999


def output_folder() -> Path:
    """$TENSORTOUR_HANDOUTS if set, else the current directory, as an absolute path."""
    return Path(os.path.expanduser(os.environ.get(HANDOUTS_VARIABLE) or os.getcwd())).absolute()


def write_new(path: Path, content: str) -> Path:
    """Write `content` to `path`, which must not exist yet (FileExistsError); returns the absolute path.

    os.link puts the finished file in place and fails if the name is taken, even
    when another program takes it meanwhile. Where a file system has no hard links,
    os.replace does it after a last look that the name is still free.
    """
    path = Path(path).absolute()
    if path.exists():
        raise FileExistsError(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    try:
        with open(partial, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(partial, path)
        except FileExistsError:
            raise
        except OSError:
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def write_numbered(folder: Path, stem: str, suffix: str, content: str) -> Path:
    """Write to `stem.suffix` in `folder`, or `stem-2.suffix`, `stem-3.suffix` … if taken; returns the path written."""
    for number in range(1, MAX_NUMBER + 1):
        name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
        try:
            return write_new(folder / name, content)
        except FileExistsError:
            continue
    raise FileExistsError(folder / f"{stem}-{MAX_NUMBER}{suffix}")
