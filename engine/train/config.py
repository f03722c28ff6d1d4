"""What a training run is: dataset, model and hyperparameters, validated before any torch work.

The same frozen TrainConfig comes from the command line, from the lesson's form,
travels to the training child process as JSON and is stored in checkpoints.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import asdict, dataclass, fields, replace

from engine.errors import SpecError

TOY_DATASETS = ("circle", "xor", "gauss", "spiral", "moons")
IMAGE_DATASETS = ("digits", "shapes", "mnist", "fashion-mnist", "cifar10")
TEXT_DATASETS = ("text",)
OWN_DATASETS = ("csv", "image-folder")  # the student's own: 2-D points from --data-file, images from --image-folder
OWN_PATH = {"csv": "data_file", "image-folder": "image_folder"}  # the setting that names where each one is
DATASETS = TOY_DATASETS + IMAGE_DATASETS + TEXT_DATASETS + OWN_DATASETS
FILE_DATASETS = ("mnist", "fashion-mnist", "cifar10")
MODELS = ("mlp", "net", "lenet5", "simplecnn", "charrnn")
CONV_MODELS = ("net", "lenet5", "simplecnn")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
OPTIMIZERS = ("sgd", "adam")
LOSSES = ("ce", "mse")
DEVICES = ("auto", "cpu", "cuda", "mps")
MAX_HIDDEN = 4096
MAX_LAYERS = 8
MIN_IMAGE_SIZE = 8
MAX_IMAGE_SIZE = 64  # an --image-folder of 20,000 images at 64×64 is already ~1 GB as float32
MAX_SEED = 2**64 - 1  # torch.manual_seed's range
# What `--resume` may change; every other setting is the run's own. More epochs train it further, a learning
# rate applies from there on (the app's [ and ] change it mid-run too), and the data may have moved.
RESUME_CHANGES = ("epochs", "lr", "device", "threads", "amp", "data_dir", "download", "data_file", "image_folder")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a run's numbers (with the seed, the same numbers twice on CPU)."""

    dataset: str = "spiral"
    noise: float = 0.1
    train_split: float = 0.8
    data_dir: str = "data"
    download: bool = False
    data_file: str = ""
    image_folder: str = ""
    image_size: int = 32
    model: str = "mlp"
    hidden: tuple[int, ...] = (32, 32)
    activation: str = "relu"
    optimizer: str = "adam"
    lr: float = 0.01
    momentum: float = 0.9
    batch_size: int = 32
    epochs: int = 100
    loss: str = "ce"
    weight_decay: float = 0.0
    seed: int = 0
    device: str = "auto"
    threads: int = 0
    amp: bool = False  # bf16 autocast on a CUDA GPU that has it (engine/train/device.py: autocast)

    def __post_init__(self) -> None:
        _check_hidden(self.hidden)
        object.__setattr__(self, "hidden", tuple(self.hidden))
        for name in ("data_dir", "download", "data_file", "image_folder", "amp"):
            value = getattr(self, name)
            if not isinstance(value, bool if name in ("download", "amp") else str):
                raise SpecError("train_bad_value", what=name, value=_shown(value))
        for name, choices in (
            ("dataset", DATASETS),
            ("model", MODELS),
            ("activation", ACTIVATIONS),
            ("optimizer", OPTIMIZERS),
            ("loss", LOSSES),
            ("device", DEVICES),
        ):
            value = getattr(self, name)
            if not isinstance(value, str) or value not in choices:
                raise SpecError("train_choice", what=name, value=_shown(value), choices=", ".join(choices))
        _finite(self.lr, "lr", low=0.0, low_open=True)
        _finite(self.noise, "noise", low=0.0, high=1.0)
        _finite(
            self.train_split,
            "train_split",
            low=0.0,
            high=1.0,
            low_open=True,
            high_open=True,
        )
        _finite(self.momentum, "momentum", low=0.0, high=1.0, high_open=True)
        _finite(self.weight_decay, "weight_decay", low=0.0)
        for name, low in (("batch_size", 1), ("epochs", 1)):
            value = getattr(self, name)
            if not _whole(value) or value < low:
                raise SpecError("train_at_least", what=name, low=low, value=_shown(value))
        if not _whole(self.image_size) or not MIN_IMAGE_SIZE <= self.image_size <= MAX_IMAGE_SIZE:
            raise SpecError(
                "train_between",
                what="image_size",
                low=MIN_IMAGE_SIZE,
                high=MAX_IMAGE_SIZE,
                value=_shown(self.image_size),
            )
        for name, high in (("seed", MAX_SEED), ("threads", usable_cores())):
            value = getattr(self, name)
            if not _whole(value) or not 0 <= value <= high:
                code = "train_threads" if name == "threads" else "train_between"
                raise SpecError(code, what=name, low=0, high=high, value=_shown(value))
        if self.dataset in OWN_PATH and not getattr(self, OWN_PATH[self.dataset]).strip():
            flag = "--" + OWN_PATH[self.dataset].replace("_", "-")
            raise SpecError("own_needs_path", dataset=self.dataset, flag=flag)
        if self.model in CONV_MODELS and self.is_toy:
            raise SpecError("train_needs_images", model=self.model, dataset=self.dataset)
        if (self.model == "charrnn") != (self.dataset in TEXT_DATASETS):
            raise SpecError("train_text_needs_charrnn", model=self.model, dataset=self.dataset)

    @property
    def is_toy(self) -> bool:
        """A 2-D point set (a toy set or the student's CSV): the lesson draws its decision boundary."""
        return self.dataset in TOY_DATASETS or self.dataset == "csv"

    def to_json(self) -> dict:
        data = asdict(self)
        data["hidden"] = list(self.hidden)
        return data

    @classmethod
    def from_json(cls, data: dict) -> TrainConfig:
        """Unknown keys are ignored (a newer checkpoint); missing keys take the defaults."""
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def with_changes(self, **changes: object) -> TrainConfig:
        return replace(self, **changes)


def parse_hidden(text: str) -> tuple[int, ...]:
    """'16,16' or '32 32' → (16, 16); the sizes of the MLP's hidden layers."""
    words = text.replace(",", " ").split()
    try:
        sizes = tuple(int(word) for word in words)
    except ValueError:
        raise SpecError("train_hidden", value=text, layers=MAX_LAYERS, high=MAX_HIDDEN) from None
    TrainConfig(hidden=sizes or (0,))
    return sizes


def usable_cores() -> int:
    """The cores this process may run on: the most CPU threads a run may ask for (torch crashes far above it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _check_hidden(hidden: object) -> None:
    """1 to MAX_LAYERS whole numbers from 1 to MAX_HIDDEN, in a tuple or list (a checkpoint may hold anything)."""
    sizes = list(hidden) if isinstance(hidden, (tuple, list)) else None
    if (
        sizes is None
        or not 1 <= len(sizes) <= MAX_LAYERS
        or any(not _whole(size) or not 1 <= size <= MAX_HIDDEN for size in sizes)
    ):
        shown = ",".join(map(_shown, sizes)) if sizes is not None else _shown(hidden)
        raise SpecError("train_hidden", value=shown, layers=MAX_LAYERS, high=MAX_HIDDEN)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value: object) -> str | int | float:
    """A value as a message quotes it: numbers and text as they are, anything else by its repr, cut short."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def parse_whole(text: str, what: str) -> int | float:
    """A typed whole number, exactly ('18446744073709551615' stays that), or '1e3' as 1000; else the float,
    which TrainConfig then refuses in the words of the command line."""
    try:
        return int(text)
    except ValueError:
        number = parse_number(text, what)
    return int(number) if number.is_integer() else number


def parse_number(text: str, what: str) -> float:
    """A typed number such as '1e-3'; anything else names the field."""
    try:
        return float(text)
    except ValueError:
        raise SpecError("train_not_number", what=what, value=text) from None


def _finite(
    value: float,
    what: str,
    low: float,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) <= sys.float_info.max
    if ok:
        ok = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        upper = "∞" if high == math.inf else f"{high:g}"
        interval = f"{'(' if low_open else '['}{low:g}, {upper}{')' if high_open or high == math.inf else ']'}"
        raise SpecError("train_range", what=what, value=_shown(value), interval=interval)
