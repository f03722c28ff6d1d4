"""Named runs: `tensortour train --preset NAME` starts from one, and every flag given on top of it changes it.

`course` is the PyTorch tutorial "Training a Classifier" (CIFAR-10) that the course
runs, followed in its current form: pytorch/tutorials,
beginner_source/blitz/cifar10_tutorial.py at commit c53e7d4 (the f-string version,
`next(dataiter)`, `torch.flatten`). Its pieces here: the tutorial's `Net`
(conv1 Conv2d(3, 6, 5), MaxPool2d(2, 2), conv2 Conv2d(6, 16, 5), fc1 Linear(400, 120),
fc2 Linear(120, 84), fc3 Linear(84, 10), ReLU; engine/train/models.py "net"), its
transform ToTensor then Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)) (engine/train/datasets.py),
a freshly shuffled order of the 50,000 training images each epoch, batches of 4,
CrossEntropyLoss, SGD(lr=0.001, momentum=0.9), 2 epochs; after training, the
tutorial's closing lines (engine/train/views.py accuracy_event). Its data folder is
`./data`, as the tutorial's `root='./data'`, where torchvision put cifar-10-batches-py.
One CPU thread: a batch of 4 is too small to share, and more threads only wait on
each other (benchmarks/course_time.py: ~2 ms a batch on one thread, many times that
on two when the machine is busy). The tutorial sets no seed; the preset keeps seed 0.
"""

from __future__ import annotations

from engine.errors import SpecError
from engine.train.config import TrainConfig

TUTORIAL = "pytorch/tutorials beginner_source/blitz/cifar10_tutorial.py (commit c53e7d4)"
PRESETS: dict[str, dict[str, object]] = {
    "course": {
        "dataset": "cifar10",
        "data_dir": "data",
        "model": "net",
        "optimizer": "sgd",
        "lr": 0.001,
        "momentum": 0.9,
        "batch_size": 4,
        "epochs": 2,
        "loss": "ce",
        "weight_decay": 0.0,
        "threads": 1,
    },
}


def preset_config(name: str) -> TrainConfig:
    """The run the preset names, every other setting at TrainConfig's default."""
    if name not in PRESETS:
        raise SpecError("train_choice", what="preset", value=name, choices=", ".join(PRESETS))
    return TrainConfig(**PRESETS[name])


# Settings that learn, per model and, where the data matters, per (model, dataset); measured with
# benchmarks/train_defaults.py (Adam, seed 0). TrainConfig's own lr 0.01 suits the MLP on 2-D points and
# digits, and the course's "net"; on shapes it leaves simplecnn at chance (loss ln 10, one class predicted)
# and lenet5 and the MLP barely above it. Adam's lr 0.001 is the usual start for a CNN.
MODEL_DEFAULTS: dict[str, dict[str, object]] = {
    "simplecnn": {"lr": 0.001},
    "lenet5": {"lr": 0.003},
}
PAIR_DEFAULTS: dict[tuple[str, str], dict[str, object]] = {
    ("simplecnn", "shapes"): {"lr": 0.001, "epochs": 5},
    ("lenet5", "shapes"): {"lr": 0.003, "epochs": 8},
    ("net", "shapes"): {"epochs": 5},
    ("mlp", "shapes"): {"lr": 0.003, "epochs": 15},
}


# The student's own data starts from the defaults of the built-in set most like it: small 2-D points, small images.
OWN_LIKE = {"csv": "spiral", "image-folder": "shapes"}


def pair_defaults(model: str, dataset: str) -> dict[str, object]:
    """The settings a run of `model` on `dataset` starts from when no flag or preset gives them."""
    return MODEL_DEFAULTS.get(model, {}) | PAIR_DEFAULTS.get((model, OWN_LIKE.get(dataset, dataset)), {})


def default_config(model: str | None = None, dataset: str | None = None) -> TrainConfig:
    """TrainConfig's defaults with the (model, dataset) pair's own settings on top. For the student's own data
    (which needs a path to be a valid setting) it is the config of the built-in set most like it (OWN_LIKE)."""
    plain = TrainConfig()
    model, dataset = model or plain.model, dataset or plain.dataset
    return plain.with_changes(model=model, dataset=OWN_LIKE.get(dataset, dataset), **pair_defaults(model, dataset))
