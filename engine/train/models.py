"""The networks a student can train, built from a TrainConfig, and their summary table.

Every model is an nn.Sequential of named layers, so the summary, the filter view
and a state_dict all speak of the same `conv1`, `fc1`, … . Layers are created in
the order the course's own classes create them, so under the same
torch.manual_seed the weights are the course's weights. Imported only by the
training process: this module imports torch at the top.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from engine.errors import SpecError
from engine.train.config import MODELS, TrainConfig

ACTIVATION_LAYERS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
}
_PREFIXES = {
    nn.Conv2d: "conv",
    nn.Linear: "fc",
    nn.MaxPool2d: "pool",
    nn.AvgPool2d: "pool",
    nn.ReLU: "relu",
    nn.Tanh: "tanh",
    nn.Sigmoid: "sigmoid",
    nn.Flatten: "flatten",
}


@dataclass(frozen=True)
class LayerRow:
    """One row of the summary table shown before training."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    parameters: int


def build_model(config: TrainConfig, input_shape: tuple[int, ...], classes: int) -> nn.Module:
    """The network `config.model` for samples of `input_shape` (no batch dim) and `classes` outputs.

    Weights use torch's default initialisation under whatever seed the caller set.
    """
    input_shape = tuple(int(size) for size in input_shape)
    if config.model not in MODELS:
        raise SpecError("model_unknown", model=config.model, choices=", ".join(MODELS))
    if config.model == "mlp":
        return _mlp(config, input_shape, classes)
    if config.model == "charrnn":
        from engine.train.char_rnn import CharRNN

        return CharRNN(classes, config.hidden[0])
    if len(input_shape) != 3:
        raise SpecError("model_needs_images", model=config.model, shape=_shape_text(input_shape))
    channels, height, width = input_shape
    if config.model == "net":
        features = [
            nn.Conv2d(channels, 6, 5),
            nn.ReLU(),
            nn.MaxPool2d(2, 2),
            nn.Conv2d(6, 16, 5),
            nn.ReLU(),
            nn.MaxPool2d(2, 2),
        ]
        head = _head((120, 84), classes, nn.ReLU)
    elif config.model == "lenet5":
        padding = 2 if (height, width) == (28, 28) else 0
        features = [
            nn.Conv2d(channels, 6, 5, padding=padding),
            nn.Tanh(),
            nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5),
            nn.Tanh(),
            nn.AvgPool2d(2),
        ]
        head = _head((120, 84), classes, nn.Tanh)
    else:
        features = [
            nn.Conv2d(channels, 30, 5, stride=1, padding=0),
            nn.ReLU(),
            nn.MaxPool2d(2),
        ]
        head = _head((100,), classes, nn.ReLU)
    flat = _flat_size(features, config.model, input_shape)
    return _sequential(features + [nn.Flatten()] + head(flat))


def model_summary(model: nn.Module, input_shape: tuple[int, ...]) -> list[LayerRow]:
    """One row per leaf layer in the order the forward pass runs it, from one forward of zeros.

    Output shapes leave out the batch dimension; parameters count the layer's own.
    """
    rows: list[LayerRow] = []
    names = {module: name for name, module in model.named_modules()}

    def record(module: nn.Module, _inputs: tuple, output: torch.Tensor | tuple) -> None:
        if isinstance(output, tuple):  # nn.RNN returns (outputs, last hidden state)
            output = output[0]
        parameters = sum(p.numel() for p in module.parameters(recurse=False))
        rows.append(
            LayerRow(
                names[module],
                type(module).__name__,
                tuple(output.shape[1:]),
                parameters,
            )
        )

    leaves = [module for module in model.modules() if not any(True for _ in module.children())]
    handles = [module.register_forward_hook(record) for module in leaves]
    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(
                torch.zeros(
                    (1, *input_shape),
                    device=device,
                    dtype=getattr(model, "input_dtype", torch.float32),
                )
            )
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return rows


def parameter_count(model: nn.Module) -> int:
    """All trainable numbers in the model: the "total" row of the summary table."""
    return sum(p.numel() for p in model.parameters())


def _mlp(config: TrainConfig, input_shape: tuple[int, ...], classes: int) -> nn.Sequential:
    """Flatten → Linear → activation → … → Linear(classes), with the config's hidden sizes."""
    head = _head(config.hidden, classes, ACTIVATION_LAYERS[config.activation])
    return _sequential([nn.Flatten()] + head(math.prod(input_shape)))


def _head(
    hidden: tuple[int, ...], classes: int, activation: Callable[[], nn.Module]
) -> Callable[[int], list[nn.Module]]:
    """The fully connected part; built once the flattened size is known, after the convolutions."""

    def build(inputs: int) -> list[nn.Module]:
        layers: list[nn.Module] = []
        for size in hidden:
            layers += [nn.Linear(inputs, size), activation()]
            inputs = size
        return layers + [nn.Linear(inputs, classes)]

    return build


def _flat_size(features: list[nn.Module], model: str, input_shape: tuple[int, ...]) -> int:
    """Run zeros through the convolutions; torch's own error says why an input is too small."""
    try:
        with torch.no_grad():
            output = nn.Sequential(*features)(torch.zeros((1, *input_shape)))
    except RuntimeError as error:
        raise SpecError(
            "model_input_too_small",
            torch_message=str(error),
            model=model,
            shape=_shape_text(input_shape),
        ) from None
    return math.prod(output.shape[1:])


def _sequential(layers: list[nn.Module]) -> nn.Sequential:
    """Name layers conv1, pool1, fc1, relu1, … (one `flatten`), the names the summary shows."""
    counts: dict[str, int] = {}
    named: OrderedDict[str, nn.Module] = OrderedDict()
    for layer in layers:
        prefix = _PREFIXES[type(layer)]
        counts[prefix] = counts.get(prefix, 0) + 1
        named[prefix if prefix == "flatten" else f"{prefix}{counts[prefix]}"] = layer
    return nn.Sequential(named)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) or "()"
