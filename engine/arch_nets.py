"""LeNet-5, AlexNet, VGG-16 and GoogLeNet as layer data, and the trace the arch lesson steps through.

The ImageNet networks follow torchvision's definitions layer for layer, with
torchvision's module names (features.0, classifier.1, inception3a …), so their
parameter totals are the published ones: AlexNet 61,100,840, VGG-16
138,357,544, GoogLeNet 6,624,904 (without the auxiliary heads). LeNet-5 is
the version usually rebuilt today (not the course's: its notes' only network
is the CIFAR-10 `Net`): full C3 connections, average pooling without weights,
tanh, a 32×32 input: 61,706 parameters, counted here; the 1998 paper reports
about 60,000 for its own, whose C3 sees only some maps and whose pooling learns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import accumulate

from engine.arch import (
    AdaptiveAvgPool,
    Conv,
    Elementwise,
    Flatten,
    Layer,
    LayerRow,
    Linear,
    Pool,
    Shape,
    run,
)
from engine.arch_inception import Inception
from engine.errors import SpecError

MAX_SIZE = 1024


def _lenet5() -> tuple[Layer, ...]:
    return (
        Conv("conv1", 6, 5),
        Elementwise("tanh1", "tanh"),
        Pool("pool1", "avg", 2, 2),
        Conv("conv2", 16, 5),
        Elementwise("tanh2", "tanh"),
        Pool("pool2", "avg", 2, 2),
        Flatten("flatten"),
        Linear("fc1", 16 * 5 * 5, 120),
        Elementwise("tanh3", "tanh"),
        Linear("fc2", 120, 84),
        Elementwise("tanh4", "tanh"),
        Linear("fc3", 84, 10),
    )


def _classifier(features: int, dropout_first: bool) -> tuple[Layer, ...]:
    """torchvision's classifier: AlexNet puts each Dropout before its Linear, VGG after its ReLU."""
    hidden: list[Layer] = []
    for in_features in (features, 4096):
        block: list[Layer] = [Linear("", in_features, 4096), Elementwise("", "relu")]
        hidden += (
            [Elementwise("", "dropout", 0.5), *block] if dropout_first else [*block, Elementwise("", "dropout", 0.5)]
        )
    layers = [*hidden, Linear("", 4096, 1000)]
    return tuple(_named(layer, f"classifier.{index}") for index, layer in enumerate(layers))


def _named(layer: Layer, name: str) -> Layer:
    return replace(layer, name=name)


def _alexnet() -> tuple[Layer, ...]:
    features: list[Layer] = [
        Conv("", 64, 11, 4, 2), Elementwise("", "relu"), Pool("", "max", 3, 2),
        Conv("", 192, 5, padding=2), Elementwise("", "relu"), Pool("", "max", 3, 2),
        Conv("", 384, 3, padding=1), Elementwise("", "relu"),
        Conv("", 256, 3, padding=1), Elementwise("", "relu"),
        Conv("", 256, 3, padding=1), Elementwise("", "relu"), Pool("", "max", 3, 2),
    ]  # fmt: skip
    named = tuple(_named(layer, f"features.{index}") for index, layer in enumerate(features))
    return (
        *named,
        AdaptiveAvgPool("avgpool", 6),
        Flatten("flatten"),
        *_classifier(256 * 6 * 6, dropout_first=True),
    )


VGG16_CONFIG = (
    64,
    64,
    "M",
    128,
    128,
    "M",
    256,
    256,
    256,
    "M",
    512,
    512,
    512,
    "M",
    512,
    512,
    512,
    "M",
)  # torchvision cfgs["D"]


def _vgg16() -> tuple[Layer, ...]:
    features: list[Layer] = []
    for value in VGG16_CONFIG:
        if value == "M":
            features.append(Pool("", "max", 2, 2))
        else:
            features += [Conv("", value, 3, padding=1), Elementwise("", "relu")]
    named = tuple(_named(layer, f"features.{index}") for index, layer in enumerate(features))
    return (
        *named,
        AdaptiveAvgPool("avgpool", 7),
        Flatten("flatten"),
        *_classifier(512 * 7 * 7, dropout_first=False),
    )


def _googlenet() -> tuple[Layer, ...]:
    return (
        Conv("conv1", 64, 7, 2, 3, batch_norm=True),
        Pool("maxpool1", "max", 3, 2, ceil_mode=True),
        Conv("conv2", 64, 1, batch_norm=True),
        Conv("conv3", 192, 3, padding=1, batch_norm=True),
        Pool("maxpool2", "max", 3, 2, ceil_mode=True),
        Inception("inception3a", 64, 96, 128, 16, 32, 32),
        Inception("inception3b", 128, 128, 192, 32, 96, 64),
        Pool("maxpool3", "max", 3, 2, ceil_mode=True),
        Inception("inception4a", 192, 96, 208, 16, 48, 64),
        Inception("inception4b", 160, 112, 224, 24, 64, 64),
        Inception("inception4c", 128, 128, 256, 24, 64, 64),
        Inception("inception4d", 112, 144, 288, 32, 64, 64),
        Inception("inception4e", 256, 160, 320, 32, 128, 128),
        Pool("maxpool4", "max", 2, 2, ceil_mode=True),
        Inception("inception5a", 256, 160, 320, 32, 128, 128),
        Inception("inception5b", 384, 192, 384, 48, 128, 128),
        AdaptiveAvgPool("avgpool", 1),
        Flatten("flatten"),
        Elementwise("dropout", "dropout", 0.2),
        Linear("fc", 1024, 1000),
    )


@dataclass(frozen=True)
class Network:
    """A network's layers, the input it was designed for, and the parameter count its source publishes.

    `source` names who gives that count: torchvision's model docs, or this lesson's own count (`rebuild`, LeNet-5).
    """

    key: str
    title: str
    year: int
    channels: int
    size: int
    published_params: int
    source: str
    layers: tuple[Layer, ...]


NETWORKS: dict[str, Network] = {
    "lenet5": Network("lenet5", "LeNet-5", 1998, 1, 32, 61_706, "rebuild", _lenet5()),
    "alexnet": Network("alexnet", "AlexNet", 2012, 3, 224, 61_100_840, "torchvision", _alexnet()),
    "vgg16": Network("vgg16", "VGG-16", 2014, 3, 224, 138_357_544, "torchvision", _vgg16()),
    "googlenet": Network("googlenet", "GoogLeNet", 2014, 3, 224, 6_624_904, "torchvision", _googlenet()),
}


@dataclass(frozen=True)
class ArchSpec:
    """A network and the side of its square input (None: the size it was designed for)."""

    network: str = "lenet5"
    size: int | None = None

    def __post_init__(self) -> None:
        if self.network not in NETWORKS:
            raise SpecError(
                "arch_unknown_network",
                network=self.network,
                choices=", ".join(NETWORKS),
            )
        if self.size is not None:
            if not isinstance(self.size, int) or isinstance(self.size, bool):
                raise SpecError("not_an_integer", what="arch_size", token=str(self.size))
            if self.size < 1:
                raise SpecError("arch_size_too_small", value=self.size)
            if self.size > MAX_SIZE:
                raise SpecError("too_big", what="arch_size", value=self.size, high=MAX_SIZE)

    def with_network(self, step: int = 0, *, position: int | None = None) -> ArchSpec:
        """Another network at its own input size: `step` places on in NETWORKS' order (wrapping), or the one at `position`."""
        order = list(NETWORKS)
        index = position if position is not None else (order.index(self.network) + step) % len(order)
        return ArchSpec(order[index])

    @property
    def net(self) -> Network:
        return NETWORKS[self.network]

    @property
    def side(self) -> int:
        return self.net.size if self.size is None else self.size

    @property
    def input_shape(self) -> Shape:
        return (self.net.channels, self.side, self.side)


@dataclass(frozen=True)
class ArchTrace:
    """Every layer's row for one spec, and the running totals the screen shows at each step."""

    spec: ArchSpec
    rows: tuple[LayerRow, ...]
    params_so_far: tuple[int, ...]
    macs_so_far: tuple[int, ...]

    @property
    def step_count(self) -> int:
        return len(self.rows)

    @property
    def total_params(self) -> int:
        return self.params_so_far[-1]

    @property
    def total_macs(self) -> int:
        return self.macs_so_far[-1]

    def step(self, index: int) -> LayerRow:
        return self.rows[min(max(index, 0), self.step_count - 1)]

    def flat_rows(self) -> tuple[LayerRow, ...]:
        """Every row and, after an inception block, its branches' layers: all that torch is asked about."""
        return tuple(row for top in self.rows for row in (top, *(layer for branch in top.branches for layer in branch)))


def parse_size(text: str) -> int:
    """A typed input side: ASCII digits only (no eval, no float), else SpecError."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdecimal()):
        raise SpecError("not_an_integer", what="arch_size", token=cleaned)
    return int(cleaned)


def arch_trace(spec: ArchSpec) -> ArchTrace:
    """Run the spec's input shape through its network; a layer torch would refuse raises SpecError."""
    rows = run(spec.net.layers, spec.input_shape)
    return ArchTrace(
        spec,
        rows,
        tuple(accumulate(row.params for row in rows)),
        tuple(accumulate(row.macs for row in rows)),
    )
