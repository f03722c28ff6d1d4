"""The course's CIFAR-10 `Net` (PyTorch's "Training a classifier" tutorial) as a ModuleTable.

NET_SOURCE is the class exactly as the course writes it; the lesson shows it,
and the torch checker runs this very text (engine/module_torch.py), so the
source on screen is the source that was checked. Each call of forward() is a
row: its line and columns in NET_SOURCE, the output shape for a batch of
CIFAR-sized 3×32×32 images, and the arithmetic from engine/arch.py's layers.
"""

from __future__ import annotations

from engine.arch import Conv, Elementwise, LayerRow, Linear, Pool, Shape, grouped
from engine.module_table import ModuleRow, ModuleTable, NamedParameter

MAX_BATCH = 256
IMAGE: Shape = (3, 32, 32)  # a CIFAR-10 image: 3 colour channels, 32×32 pixels

NET_SOURCE = """\
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
"""

SOURCE_LINES = tuple(NET_SOURCE.splitlines())

# The modules __init__ builds, by attribute, as engine/arch.py layers.
MODULES = {
    "conv1": Conv("conv1", 6, 5),
    "pool": Pool("pool", "max", 2, 2),
    "conv2": Conv("conv2", 16, 5),
    "fc1": Linear("fc1", 16 * 5 * 5, 120),
    "fc2": Linear("fc2", 120, 84),
    "fc3": Linear("fc3", 84, 10),
}
RELU = Elementwise("relu", "relu")
KINDS = {Conv: "Conv2d", Pool: "MaxPool2d", Linear: "Linear"}

# forward()'s calls in the order they run: (row name, the text of the call in the source)
CALLS = (
    ("conv1", "self.conv1"),
    ("relu", "F.relu"),
    ("pool", "self.pool"),
    ("conv2", "self.conv2"),
    ("relu", "F.relu"),
    ("pool", "self.pool"),
    ("view", "x.view"),
    ("fc1", "self.fc1"),
    ("relu", "F.relu"),
    ("fc2", "self.fc2"),
    ("relu", "F.relu"),
    ("fc3", "self.fc3"),
)
VIEW_WIDTH = 16 * 5 * 5


def _defined_at(name: str) -> int:
    return next(number for number, line in enumerate(SOURCE_LINES, 1) if line.strip().startswith(f"self.{name} ="))


def _constructor_arguments(line: int) -> str:
    """`3, 6, 5` from `self.conv1 = nn.Conv2d(3, 6, 5)`: the arguments as the course wrote them."""
    text = SOURCE_LINES[line - 1]
    return text[text.index("(") + 1 : text.rindex(")")]


def _parameters() -> tuple[NamedParameter, ...]:
    """named_parameters() in registration order: each conv and linear layer's weight, then its bias."""
    parameters = []
    in_channels = IMAGE[0]
    for name, layer in MODULES.items():
        if isinstance(layer, Conv):
            weight: Shape = (layer.out_channels, in_channels, layer.kernel, layer.kernel)
            in_channels, outputs = layer.out_channels, layer.out_channels
        elif isinstance(layer, Linear):
            weight, outputs = (layer.out_features, layer.in_features), layer.out_features
        else:
            continue
        parameters += [NamedParameter(f"{name}.weight", weight, name), NamedParameter(f"{name}.bias", (outputs,), name)]
    return tuple(parameters)


PARAMETERS = _parameters()


def _view_row(batch: int, shape: Shape, line: int, span: tuple[int, int]) -> ModuleRow:
    """x.view(-1, 400): the -1 is whatever makes the element count match, here the batch size."""
    count = batch * VIEW_WIDTH
    factors = "·".join(str(size) for size in (batch, *shape))
    return ModuleRow(
        name="view",
        kind="view",
        arguments="-1, 16 * 5 * 5",
        in_shape=(batch, *shape),
        out_shape=(batch, VIEW_WIDTH),
        line=line,
        span=span,
        shape_line=f"-1 = {factors} / {VIEW_WIDTH} = {grouped(count)} / {VIEW_WIDTH} = {batch}",
    )


def _layer_row(name: str, layer_row: LayerRow, batch: int, line: int, span: tuple[int, int]) -> ModuleRow:
    layer = MODULES.get(name)
    defined_at = _defined_at(name) if layer else None
    return ModuleRow(
        name=name,
        kind=KINDS[type(layer)] if layer else "relu",
        arguments=_constructor_arguments(defined_at) if defined_at else "",
        in_shape=(batch, *layer_row.in_shape),
        out_shape=(batch, *layer_row.out_shape),
        params=layer_row.params,
        line=line,
        span=span,
        defined_at=defined_at,
        shape_line=layer_row.shape_line,
        params_line=layer_row.params_line,
    )


def net_table(batch: int = 4) -> ModuleTable:
    """forward() on a batch of `batch` CIFAR-sized images, call by call."""
    rows = []
    shape: Shape = IMAGE
    cursor = SOURCE_LINES.index("    def forward(self, x):")
    for name, text in CALLS:
        cursor = next(index for index in range(cursor, len(SOURCE_LINES)) if text in SOURCE_LINES[index])
        start = SOURCE_LINES[cursor].index(text)
        span, line = (start, start + len(text)), cursor + 1
        if name == "view":
            row = _view_row(batch, shape, line, span)
        else:
            row = _layer_row(name, MODULES.get(name, RELU).apply(shape), batch, line, span)
        rows.append(row)
        shape = row.out_shape[1:]
    return ModuleTable("Net", (batch, *IMAGE), tuple(rows), PARAMETERS, SOURCE_LINES)
