"""The RNN lesson's language-modelling data: a short public-domain text as next-character examples.

Each example is a window of SEQUENCE characters x and the same window moved one
character on, y: at every position the target is the character that follows.
Windows do not overlap (neighbours share one character, x's first and y's last),
so a test window never holds a stretch the network saw in training. Imported by
the training process only: it imports torch at the top.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import torch

from engine.errors import SpecError
from engine.presets import ASSETS
from engine.train.config import TrainConfig
from engine.train.dataset import Dataset
from engine.train.toy_data import split

SEQUENCE = 32
TEXT_FILE = ASSETS / "data" / "sonnets.txt"


def read_text() -> str:
    try:
        return TEXT_FILE.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError("data_unreadable", path=str(TEXT_FILE), reason=str(error)) from None


def vocabulary(text: str) -> tuple[str, ...]:
    """Every character of the text once, sorted: a character's index is its class."""
    return tuple(sorted(set(text)))


def encode(text: str, vocab: Sequence[str]) -> list[int]:
    """Characters to indices; a character outside the vocabulary is a ValueError (the caller's bug, not the student's)."""
    index = {char: position for position, char in enumerate(vocab)}
    return [index[char] for char in text]


def decode(indices: Iterable[int], vocab: Sequence[str]) -> str:
    return "".join(vocab[int(i)] for i in indices)


def text_windows(codes: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y), each (N, SEQUENCE): windows every SEQUENCE characters from a seeded offset, in a seeded order."""
    rng = np.random.default_rng(seed)
    offset = int(rng.integers(SEQUENCE))
    starts = np.arange(offset, len(codes) - SEQUENCE, SEQUENCE)
    starts = starts[rng.permutation(len(starts))]
    x = codes[starts[:, None] + np.arange(SEQUENCE)]
    return x, codes[starts[:, None] + np.arange(1, SEQUENCE + 1)]


def load_text_dataset(config: TrainConfig) -> Dataset:
    """The bundled text as a Dataset of kind "text": x and y int64 (N, SEQUENCE), classes = the vocabulary."""
    text = read_text()
    vocab = vocabulary(text)
    x, y = text_windows(np.array(encode(text, vocab), dtype=np.int64), config.seed)
    cut = split(len(x), config.train_split)
    tensors = [torch.from_numpy(np.ascontiguousarray(array)) for array in (x[:cut], y[:cut], x[cut:], y[cut:])]
    source = str(TEXT_FILE.relative_to(ASSETS.parent))
    return Dataset("text", "text", *tensors, class_names=vocab, source=source, extent=None)
