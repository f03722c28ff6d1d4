"""Checkpoints: written so that a crash never leaves half a file, read so that a file never runs code.

Saving writes a temporary file beside the target, proves that weights-only
loading accepts it, then swaps it in with os.replace: the old checkpoint stays
whole until the new one is, also when the disk fills up (said as such) or a
second Ctrl+C arrives. Loading opens regular files only (a named pipe would
block) and uses torch.load(weights_only=True) and nothing else; a file it
refuses is reported, never retried unsafely. engine/train/checkpoint_schema.py
checks every part of a loaded checkpoint against the run it is to continue. Torch's own
errors for a text or truncated file are cryptic ("'101'", "Invalid argument"),
so the file's first bytes decide which plain sentence the student reads.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import pickle
import re
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import IO

import torch

from engine.errors import SpecError
from engine.train.interrupts import held
from engine.train.paths import DISK_FULL, NotAFile, open_regular

CHECKPOINT_FORMAT = "tensortour-checkpoint-1"
FIELDS: dict[str, type] = {
    "config": dict,
    "model": dict,
    "optimizer": dict,
    "epoch": int,
    "step": int,
    "rng": dict,
    "history": list,
}
_ZIP_MAGIC = b"PK\x03\x04"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def save_checkpoint(path: Path | str, payload: dict) -> None:
    """Write `payload` to `path` atomically (parent folders created); on any failure the old file is untouched."""
    path = Path(path)
    try:
        check_payload(payload, path)
    except SpecError as error:
        raise ValueError(f"not a checkpoint payload (a bug in the caller, not in the user's input): {error}") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  closed by `with handle` below
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        )
    except OSError as error:
        raise _write_failed(error, path) from None
    temporary = Path(handle.name)
    try:
        try:
            _write(handle, payload, path)
        finally:
            with contextlib.suppress(OSError):  # a full disk fails the flush at close too; _write said why
                handle.close()
        _check_loadable(temporary, path)
        _replace(temporary, path)
    except BaseException:
        with held():
            temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def load_checkpoint(path: Path | str) -> dict:
    """The payload in `path`, read with torch.load(weights_only=True) only; anything else is a SpecError.

    Torch's warnings about the file (an unusual pickle protocol, with a line of its source) are not
    shown: the refusal that follows says what is wrong in the student's words.
    """
    path = Path(path)
    with _open_checkpoint(path) as handle:
        _check_head(handle, path)
        return _torch_load(handle, path)


def _torch_load(handle: IO[bytes], path: Path) -> dict:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            payload = torch.load(handle, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        code = "checkpoint_unsafe" if "GLOBAL" in str(error) else "checkpoint_unreadable"
        raise SpecError(code, torch_message=unpickler_words(str(error)), path=str(path)) from None
    except Exception as error:  # noqa: BLE001  a damaged file makes torch raise KeyError, OSError, EOFError, RuntimeError …
        raise SpecError(
            "checkpoint_unreadable",
            torch_message=str(error) or type(error).__name__,
            path=str(path),
        ) from None
    check_payload(payload, path)
    return payload


def check_payload(payload: object, path: Path) -> None:
    """A TensorTour checkpoint: a dict with the right format tag and every field of the right type."""
    if not isinstance(payload, dict) or "format" not in payload:
        raise SpecError("checkpoint_not_tensortour", path=str(path), found=_describe(payload))
    if payload["format"] != CHECKPOINT_FORMAT:
        raise SpecError(
            "checkpoint_version",
            path=str(path),
            found=str(payload["format"]),
            expected=CHECKPOINT_FORMAT,
        )
    missing = [key for key in FIELDS if key not in payload]
    if missing:
        raise SpecError("checkpoint_missing_keys", path=str(path), keys=", ".join(missing))
    for key, kind in FIELDS.items():
        value = payload[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise SpecError(
                "checkpoint_bad_field",
                path=str(path),
                field=key,
                expected=kind.__name__,
                found=type(value).__name__,
            )


def unpickler_words(message: str) -> str:
    """The line of torch's weights-only refusal that names the object, without its advice to load unsafely."""
    text = _ANSI.sub("", message)
    if "WeightsUnpickler error:" in text:
        text = text.split("WeightsUnpickler error:", 1)[1]
    else:
        text = "\n\n".join(
            part for part in text.split("\n\n") if not part.lstrip().startswith("Weights only load failed")
        )
    text = text.split("Check the documentation", 1)[0].split("Please use `torch.serialization", 1)[0]
    return " ".join(text.split()) or message


class _Writes:
    """The temporary file as torch.save sees it, keeping the OSError of a failed write.

    Torch's zip writer reports a full disk as "unexpected pos 64 vs 0"; the error kept
    here lets the student read "No space left on device" instead.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self.handle.write(data)
        except OSError as error:
            self.error = error
            raise

    def flush(self) -> None:
        self.handle.flush()


def _write(handle: IO[bytes], payload: dict, path: Path) -> None:
    """torch.save into the open temporary file and push it to the disk before it replaces anything."""
    writes = _Writes(handle)
    try:
        torch.save(payload, writes)
        handle.flush()
        os.fsync(handle.fileno())
    except OSError as error:
        raise _write_failed(error, path) from None
    except (pickle.PicklingError, TypeError, AttributeError, RuntimeError) as error:
        if writes.error is not None:
            raise _write_failed(writes.error, path) from None
        raise SpecError("checkpoint_not_saveable", torch_message=str(error), path=str(path)) from None


def _write_failed(error: OSError, path: Path) -> SpecError:
    """A full disk is named as such, saying whether an older checkpoint is still there; any other failure quotes the system."""
    if error.errno in DISK_FULL:
        code = "checkpoint_disk_full" if os.path.lexists(path) else "checkpoint_disk_full_none"
        return SpecError(code, path=str(path), folder=str(path.parent), reason=_reason(error))
    return SpecError("checkpoint_write_failed", path=str(path), reason=_reason(error))


def _check_loadable(temporary: Path, path: Path) -> None:
    """What cannot be read back with weights_only=True is not written (mmap: the tensors are not read)."""
    try:
        torch.load(temporary, map_location="cpu", weights_only=True, mmap=True)
    except pickle.UnpicklingError as error:
        raise SpecError(
            "checkpoint_not_saveable",
            torch_message=unpickler_words(str(error)),
            path=str(path),
        ) from None


def _replace(temporary: Path, path: Path) -> None:
    """The atomic step: readers see the old file or the new one, never a mix."""
    try:
        with held():
            os.replace(temporary, path)
    except OSError as error:
        raise _write_failed(error, path) from None


def _open_checkpoint(path: Path) -> IO[bytes]:
    """The checkpoint file, open; a folder, a named pipe, a device or a loop of links is refused for what it is."""
    try:
        return open_regular(path)
    except NotAFile as error:
        code = {"path_missing": "checkpoint_missing", "path_folder": "checkpoint_is_directory"}.get(error.kind)
        params = {} if code else {"what": error.kind}
        raise SpecError(code or "checkpoint_not_regular", path=str(path), **params) from None
    except OSError as error:
        raise SpecError("checkpoint_os_error", path=str(path), reason=_reason(error)) from None


def _check_head(handle: IO[bytes], path: Path) -> None:
    """Name text and truncated files before torch guesses."""
    try:
        size = os.fstat(handle.fileno()).st_size
        head = handle.read(4096)
        cut = size == 0 or (head.startswith(_ZIP_MAGIC) and not zipfile.is_zipfile(handle))
        handle.seek(0)
    except OSError as error:
        raise SpecError("checkpoint_os_error", path=str(path), reason=_reason(error)) from None
    if cut:
        raise SpecError("checkpoint_truncated", path=str(path), size=size)
    if _looks_like_text(head):
        raise SpecError("checkpoint_text", path=str(path))


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 with no NUL byte; a torch file starts with a zip header or pickle's 0x80, neither of which is text."""
    if b"\x00" in head or head.startswith(_ZIP_MAGIC):
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a character cut by the window is fine
    except UnicodeDecodeError:
        return False
    return True


def _describe(payload: object) -> str:
    """What a foreign torch file holds, in Python's words: 'Tensor', 'OrderedDict {conv1.weight, …}'."""
    name = type(payload).__name__
    if not isinstance(payload, dict):
        return name
    keys = [str(key) for key in list(payload)[:3]]
    return f"{name} {{{', '.join(keys)}{', …' if len(payload) > 3 else ''}}}"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable across a power cut where the system allows it (not Windows, not every network
    file system); the new checkpoint is already complete and in place, so a refusal here loses nothing."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
