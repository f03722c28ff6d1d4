"""The student's own images: a folder with one subfolder per class, the layout torchvision's ImageFolder reads.

    pets/cat/1.png  pets/cat/2.jpg  pets/dog/a.jpeg …   → classes "cat", "dog" (sorted folder names)

As in ImageFolder, a class folder's images are found in it and in its subfolders,
in sorted order. Our choices, said on screen: only .png, .jpg and .jpeg files
are read (any case) and every other file is skipped and counted; folders whose
name starts with "." (.ipynb_checkpoints, .git) are not classes; each image is
converted to RGB (grey, palette and transparent images too) and stretched to
image_size × image_size; an image Pillow cannot decode stops the run, naming it.
Listing needs no Pillow, so the form and the command line check the layout before
anything starts; decoding (Pillow, imported here only then) runs with the training.
Nothing in the folder is ever written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import SpecError
from engine.train.own_data import check_path
from engine.train.paths import NotAFile, open_regular

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MAX_IMAGES = 20_000  # at 64×64 RGB in float32 that is ~1 GB; a bigger set wants a real data loader
MAX_ENTRIES = 100_000  # files and folders looked at in all; a folder of hundreds of thousands is refused early
MAX_CLASSES = 100
MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo decodes; a "decompression bomb" is refused before it does


@dataclass(frozen=True)
class FolderListing:
    """What the folder holds: class names, each image with its class, and how many files were skipped."""

    root: Path
    classes: tuple[str, ...]
    files: tuple[tuple[Path, int], ...]
    skipped: int  # files that are not .png/.jpg/.jpeg, loose files beside the class folders, hidden folders


@dataclass(frozen=True)
class FolderImages:
    """Decoded images (N, 3, size, size) uint8 with their classes, and what had to change to get there."""

    images: np.ndarray
    classes: np.ndarray
    resized: int  # images of another size, stretched to size × size
    converted: int  # images not in RGB (grey, palette, RGBA, CMYK …), converted


def list_image_folder(root: Path) -> FolderListing:
    """The classes and image files under `root`, checked for the layout; no image is opened."""
    check_path(root, want_folder=True)
    entries = _entries(root)
    class_names = sorted(name for name, is_dir in entries if is_dir and not name.startswith("."))
    skipped = sum(1 for name, is_dir in entries if not is_dir or name.startswith("."))
    if not class_names:
        raise SpecError("own_no_classes", path=str(root))
    if len(class_names) == 1:
        raise SpecError("own_one_class_folder", path=str(root), name=class_names[0])
    if len(class_names) > MAX_CLASSES:
        raise SpecError("own_many_classes", path=str(root), count=len(class_names), limit=MAX_CLASSES)
    files: list[tuple[Path, int]] = []
    seen = len(entries)
    for label, name in enumerate(class_names):
        found = 0
        for folder, held in _walk(root / name):
            seen += len(held)
            if seen > MAX_ENTRIES:
                raise SpecError("own_too_many_files", path=str(root), limit=f"{MAX_ENTRIES:,}")
            for file_name, is_dir in held:
                if is_dir and not file_name.startswith("."):
                    continue
                if not is_dir and not file_name.startswith(".") and file_name.lower().endswith(IMAGE_SUFFIXES):
                    files.append((folder / file_name, label))
                    found += 1
                else:
                    skipped += 1
            if len(files) > MAX_IMAGES:
                raise SpecError("own_too_many_images", path=str(root), limit=f"{MAX_IMAGES:,}")
        if not found:
            raise SpecError("own_class_empty", path=str(root / name))
    return FolderListing(root, tuple(class_names), tuple(files), skipped)


def read_folder_images(listing: FolderListing, size: int) -> FolderImages:
    """Every image decoded by Pillow, converted to RGB and resized; the first one that fails is named."""
    images = np.empty((len(listing.files), 3, size, size), dtype=np.uint8)
    classes = np.array([label for _, label in listing.files], dtype=np.int64)
    resized = converted = 0
    for index, (path, _) in enumerate(listing.files):
        with _opened(path) as image:
            if image.mode != "RGB":
                converted += 1
            if image.size != (size, size):
                resized += 1
            rgb = _decoded(path, image, size)
        images[index] = np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1)
    return FolderImages(images, classes, resized, converted)


@contextmanager
def _opened(path: Path) -> Iterator:
    """The image at `path`, opened (header only) as PNG or JPEG, and closed after, its file too (Pillow leaves
    a file it was handed open); anything else is refused naming the file."""
    from PIL import Image, UnidentifiedImageError

    try:
        handle = open_regular(path)
    except NotAFile as error:
        raise SpecError("data_not_a_file", path=str(path), what=error.kind) from None
    except OSError as error:
        raise SpecError("data_unreadable", path=str(path), reason=error.strerror or str(error)) from None
    with handle:
        if os.fstat(handle.fileno()).st_size > MAX_IMAGE_BYTES:
            raise SpecError("own_image_too_large", path=str(path), limit=f"{MAX_IMAGE_BYTES // 2**20} MB")
        try:
            image = Image.open(handle, formats=["PNG", "JPEG"])
        except UnidentifiedImageError:
            raise SpecError("own_not_image", path=str(path)) from None
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise SpecError("own_bad_image", path=str(path), reason=str(error) or type(error).__name__) from None
        with image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise SpecError("own_image_too_large", path=str(path), limit=f"{MAX_PIXELS:,} pixels")
            yield image


def _decoded(path: Path, image, size: int):
    """The whole image decoded, in RGB, stretched to size × size (bilinear, as torchvision's Resize)."""
    from PIL import Image

    try:
        rgb = image.convert("RGB")
        return rgb if rgb.size == (size, size) else rgb.resize((size, size), Image.Resampling.BILINEAR)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise SpecError("own_bad_image", path=str(path), reason=str(error) or type(error).__name__) from None


def _entries(folder: Path) -> list[tuple[str, bool]]:
    """(name, is a folder) of what `folder` holds, stopping once there are more than MAX_ENTRIES."""
    entries = []
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                entries.append((entry.name, _is_dir(entry)))
                if len(entries) > MAX_ENTRIES:
                    raise SpecError("own_too_many_files", path=str(folder), limit=f"{MAX_ENTRIES:,}")
    except OSError as error:
        raise SpecError("data_unreadable", path=str(folder), reason=error.strerror or str(error)) from None
    return entries


def _walk(folder: Path) -> Iterator[tuple[Path, list[tuple[str, bool]]]]:
    """(folder, what it holds as (name, is a folder)) for `folder` and each subfolder under it, in sorted order;
    a stack rather than recursion, so a folder nested a thousand deep is only slow, never a crash."""
    stack = [folder]
    while stack:
        current = stack.pop()
        entries = sorted(_entries(current))
        yield current, entries
        below = [current / name for name, is_dir in entries if is_dir and not name.startswith(".")]
        stack += [path for path in reversed(below) if not path.is_symlink()]


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
