"""The training lesson's predictions, asked when the student starts a run and revealed by the run itself.

Not a step lesson: `questions(config)` reads only the run's TrainConfig (no
torch, no file but the bundled digits), so the questions can be asked before
the child process starts. `Question.step` names the event that reveals the
answer: STARTED (the model summary and "batch 0/N" appear) or FIRST_BATCH
(the first point of the loss chart). A question whose answer needs the data
files (MNIST, CIFAR-10 sizes) or a model this module does not count is left out.
"""

from __future__ import annotations

import math

from engine.numbers import fmt
from engine.quiz import Question, shape_text
from engine.train.config import TOY_DATASETS, TrainConfig
from engine.train.data_files import CLASS_NAMES
from engine.train.shapes_data import CLASS_NAMES as SHAPE_NAMES
from engine.train.shapes_data import IMAGES, SIDE
from engine.train.toy_data import CLASS_NAMES as TOY_NAMES
from engine.train.toy_data import POINTS, split

LESSON = "train"
STARTED, FIRST_BATCH = 0, 1  # the event that reveals a question's answer
LOSS_TOLERANCE = 0.1  # of ln C: a prediction of the untrained net's loss within 10 % is right
INPUT_SHAPES = {"shapes": (1, SIDE, SIDE), "digits": (1, 8, 8), "mnist": (1, 28, 28), "fashion-mnist": (1, 28, 28)}
INPUT_SHAPES["cifar10"] = (3, 32, 32)
NET_CONVOLUTIONS = ((6, 5), (16, 5))  # the course's Net: Conv2d(C, 6, 5), pool 2, Conv2d(6, 16, 5), pool 2
NET_HIDDEN = (120, 84)


def dataset_size(config: TrainConfig) -> int | None:
    """How many samples the set has before the split, where the config alone says it (None: read from files)."""
    if config.dataset in TOY_DATASETS:
        return POINTS
    if config.dataset == "shapes":
        return IMAGES
    if config.dataset == "digits":
        from engine.presets import digits

        return len(digits()[1])
    return None


def input_shape(config: TrainConfig) -> tuple[int, ...] | None:
    return (2,) if config.dataset in TOY_DATASETS else INPUT_SHAPES.get(config.dataset)


def class_count(config: TrainConfig) -> int | None:
    if config.dataset in TOY_DATASETS:
        return len(TOY_NAMES)
    if config.dataset == "shapes":
        return len(SHAPE_NAMES)
    names = CLASS_NAMES.get(config.dataset)
    return len(names) if names else None


def _linear_layers(inputs: int, hidden: tuple[int, ...], classes: int) -> list[tuple[int, int]]:
    sizes = [inputs, *hidden, classes]
    return list(zip(sizes, sizes[1:]))


def net_sizes(config: TrainConfig) -> list[tuple[int, int, int]] | None:
    """The course's Net: the (channels, height, width) of the image, then after each convolution and each pool."""
    shape = input_shape(config)
    if config.model != "net" or shape is None or len(shape) != 3:
        return None
    sizes = [shape]
    channels, height, width = shape
    for out, kernel in NET_CONVOLUTIONS:
        channels, height, width = out, height - kernel + 1, width - kernel + 1
        sizes.append((channels, height, width))
        height, width = height // 2, width // 2
        sizes.append((channels, height, width))
        if height < 1 or width < 1:
            return None
    return sizes  # type: ignore[return-value]


def parameter_terms(config: TrainConfig) -> list[tuple[str, int]] | None:
    """Each layer's weights and biases as `in·out + out` (`out·in·k·k + out` for a convolution), or None."""
    shape, classes = input_shape(config), class_count(config)
    if shape is None or classes is None:
        return None
    if config.model == "mlp":
        layers = _linear_layers(math.prod(shape), config.hidden, classes)
        return [(f"{a}·{b} + {b}", a * b + b) for a, b in layers]
    sizes = net_sizes(config)
    if sizes is None:
        return None
    terms = []
    for (channels, _, _), (out, kernel) in zip(sizes[::2], NET_CONVOLUTIONS):
        terms.append((f"{out}·{channels}·{kernel}·{kernel} + {out}", out * channels * kernel * kernel + out))
    layers = _linear_layers(math.prod(sizes[-1]), NET_HIDDEN, classes)
    return terms + [(f"{a}·{b} + {b}", a * b + b) for a, b in layers]


def questions(config: TrainConfig) -> tuple[Question, ...]:
    """Batches per epoch, the parameter count and the Net's pooled shape (revealed when the run starts), the
    first batch's loss."""
    asked = []
    size = dataset_size(config)
    if size is not None:
        train = split(size, config.train_split)
        asked.append(
            Question(
                LESSON,
                "batches",
                STARTED,
                "number",
                float(math.ceil(train / config.batch_size)),
                params={"size": size, "train": train, "batch_size": config.batch_size},
            )
        )
    terms = parameter_terms(config)
    if terms is not None:
        asked.append(
            Question(
                LESSON,
                "parameters",
                STARTED,
                "number",
                float(sum(count for _, count in terms)),
                params={"model": config.model, "terms": " + ".join(f"({text})" for text, _ in terms)},
            )
        )
    sizes = net_sizes(config)
    if sizes is not None:
        asked.append(
            Question(
                LESSON,
                "pooled_shape",
                STARTED,
                "shape",
                sizes[-1],
                params={
                    "image": "×".join(map(str, sizes[0][1:])),
                    "sides": " → ".join(str(size[1]) for size in sizes),
                    "shape": shape_text(sizes[-1]),
                },
            )
        )
    classes = class_count(config)
    if config.loss == "ce" and classes:
        expected = math.log(classes)
        asked.append(
            Question(
                LESSON,
                "first_loss",
                FIRST_BATCH,
                "number",
                expected,
                params={"classes": classes, "ln": fmt(expected)},
                tolerance=float(f"{LOSS_TOLERANCE * expected:.2g}"),
            )
        )
    return tuple(asked)
