"""The four networks built from real torch.nn modules, for engine.arch_check and the tests (never the app).

Written to match torchvision's source (models/alexnet.py, vgg.py with
cfgs["D"], googlenet.py with aux_logits=False) and LeNet-5 as usually rebuilt;
torchvision itself is not installed. One difference in form: torchvision
calls torch.flatten in forward(), here it is an nn.Flatten module named
`flatten`, so a hook can see it. Everything lives on the `meta` device: no
weights are allocated and a forward pass only propagates shapes, so even
VGG-16 is measured at once. Multiply-adds come from torch's own
FlopCounterMode (FLOPs / 2).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from engine.arch_nets import VGG16_CONFIG, ArchSpec

Measured = tuple[tuple[int, ...], int, int]


class BasicConv2d(nn.Module):
    """torchvision.models.googlenet.BasicConv2d: conv without bias, BatchNorm(eps=0.001), ReLU."""

    def __init__(self, in_channels: int, out_channels: int, **options: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **options)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    """torchvision.models.googlenet.Inception, its third branch's 3×3 (for the paper's 5×5) included."""

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3red: int,
        ch3x3: int,
        ch5x5red: int,
        ch5x5: int,
        pool_proj: int,
    ) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(in_channels, ch3x3red, kernel_size=1),
            BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        self.branch3 = nn.Sequential(
            BasicConv2d(in_channels, ch5x5red, kernel_size=1),
            BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1),
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
            BasicConv2d(in_channels, pool_proj, kernel_size=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class GoogLeNet(nn.Sequential):
    """torchvision's GoogLeNet(aux_logits=False, transform_input=False): its modules in forward() order."""

    def __init__(self) -> None:
        pool = {"stride": 2, "ceil_mode": True}
        super().__init__()
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, **pool)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, **pool)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, **pool)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, **pool)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, 1000)


def _alexnet() -> nn.Module:
    features = nn.Sequential(
        nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
    )  # fmt: skip
    classifier = nn.Sequential(
        nn.Dropout(p=0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
        nn.Dropout(p=0.5), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
        nn.Linear(4096, 1000),
    )  # fmt: skip
    return _torchvision_layout(features, 6, classifier)


def _vgg16() -> nn.Module:
    layers: list[nn.Module] = []
    in_channels = 3
    for value in VGG16_CONFIG:  # torchvision's make_layers(cfgs["D"], batch_norm=False)
        if value == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers += [
                nn.Conv2d(in_channels, value, kernel_size=3, padding=1),
                nn.ReLU(inplace=True),
            ]
            in_channels = value
    classifier = nn.Sequential(
        nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=0.5),
        nn.Linear(4096, 1000),
    )  # fmt: skip
    return _torchvision_layout(nn.Sequential(*layers), 7, classifier)


def _torchvision_layout(features: nn.Module, pooled: int, classifier: nn.Module) -> nn.Module:
    """features → avgpool → flatten → classifier, named as torchvision names them."""
    model = nn.Sequential()
    model.features = features
    model.avgpool = nn.AdaptiveAvgPool2d((pooled, pooled))
    model.flatten = nn.Flatten()
    model.classifier = classifier
    return model


def _lenet5() -> nn.Module:
    """LeNet-5 as usually rebuilt (as engine/train/models.py builds it for a 32×32 input), with the lesson's layer names."""
    model = nn.Sequential()
    for name, module in (
        ("conv1", nn.Conv2d(1, 6, 5)), ("tanh1", nn.Tanh()), ("pool1", nn.AvgPool2d(2)),
        ("conv2", nn.Conv2d(6, 16, 5)), ("tanh2", nn.Tanh()), ("pool2", nn.AvgPool2d(2)),
        ("flatten", nn.Flatten()), ("fc1", nn.Linear(400, 120)), ("tanh3", nn.Tanh()),
        ("fc2", nn.Linear(120, 84)), ("tanh4", nn.Tanh()), ("fc3", nn.Linear(84, 10)),
    ):  # fmt: skip
        model.add_module(name, module)
    return model


BUILDERS = {
    "lenet5": _lenet5,
    "alexnet": _alexnet,
    "vgg16": _vgg16,
    "googlenet": GoogLeNet,
}


def torch_model(network: str) -> nn.Module:
    """The network on the meta device, in eval mode: shapes and parameter counts, no memory for weights."""
    with torch.device("meta"):
        model = BUILDERS[network]()
    return model.eval()


def torch_layers(spec: ArchSpec) -> dict[str, Measured]:
    """For every module, by name ("" for the whole network): (output shape without the batch,
    parameter count, multiply-adds by torch's FlopCounterMode)."""
    model = torch_model(spec.network)
    shapes: dict[str, tuple[int, ...]] = {}
    for name, module in model.named_modules():
        module.register_forward_hook(lambda _m, _i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:])))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.empty(1, *spec.input_shape, device="meta"))
    flops = counter.get_flop_counts()
    root = type(model).__name__
    return {
        name: (
            shapes[name],
            sum(p.numel() for p in module.parameters()),
            sum(flops.get(f"{root}.{name}" if name else "Global", {}).values()) // 2,
        )
        for name, module in model.named_modules()
        if name in shapes
    }


def torch_error(spec: ArchSpec) -> str | None:
    """torch's message for the spec's input, or None if torch accepts it.

    The meta forward finds the failing layer; that layer alone is then run on
    the CPU on zeros, so the message is the one a student gets on the CPU (the
    meta kernels word a few of them differently).
    """
    model = torch_model(spec.network)
    last: list[tuple[nn.Module, tuple[int, ...]]] = []
    for module in model.modules():
        module.register_forward_pre_hook(lambda m, args: last.append((m, tuple(args[0].shape))))
    try:
        with torch.no_grad():
            model(torch.empty(1, *spec.input_shape, device="meta"))
    except RuntimeError:
        module, shape = last[-1]
        try:
            with torch.no_grad():
                module.to_empty(device="cpu")(torch.zeros(shape))
        except RuntimeError as error:
            return str(error)
        raise
    return None
