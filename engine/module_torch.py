"""The module lesson's two networks as real torch modules, measured (engine.module_check and the tests; never the app).

The course's Net is not rewritten here: NET_SOURCE, the very text the lesson
shows, is compiled and run, and every torch call its forward() makes is
recorded with a TorchFunctionMode, with the source line it came from. The
book's SimpleConvNet is NumPy code; its torch equivalent below follows the
book's constructor line for line (W2 sized by the book's own formula), so
torch fails exactly where the book's network would not fit. Shapes are
measured on the meta device (no memory, any size); the zero_grad story runs
on the CPU for Net, so that "zeros" is checked as numbers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from engine.arch import Shape
from engine.module import GRAD_PHASES
from engine.module_net import IMAGE, NET_SOURCE
from engine.module_simple import POOL, SimpleConvSpec

NET_FILENAME = "<the course's Net>"

GradState = tuple[str, Shape]


def course_net_class() -> type[nn.Module]:
    """The class NET_SOURCE defines, compiled under its own file name so that its lines can be found in frames."""
    namespace: dict = {"__name__": "course"}
    exec(compile(NET_SOURCE, NET_FILENAME, "exec"), namespace)  # our own constant text, never typed input
    return namespace["Net"]


class Affine(nn.Linear):
    """The book's Affine: it reshapes each sample to one row itself, then x·W + b (torch stores W as out×in)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.reshape(x.shape[0], -1))


class SimpleConvNet(nn.Module):
    """The book's SimpleConvNet with torch layers: the same constructor, the same arithmetic, the same layer names."""

    def __init__(
        self,
        input_dim: Shape = (1, 28, 28),
        conv_param: dict | None = None,
        hidden_size: int = 100,
        output_size: int = 10,
        weight_init_std: float = 0.01,
    ) -> None:
        super().__init__()
        conv_param = conv_param or {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        filter_num = conv_param["filter_num"]
        filter_size = conv_param["filter_size"]
        filter_pad = conv_param["pad"]
        filter_stride = conv_param["stride"]
        input_size = input_dim[1]
        # The book divides by the stride here, so a stride of 0 stops its constructor (ZeroDivisionError) before
        # any layer exists; this one goes on, so that nn.Conv2d can say what torch says about such a stride.
        conv_output_size = (input_size - filter_size + 2 * filter_pad) / filter_stride + 1 if filter_stride else 0
        pool_output_size = int(filter_num * (conv_output_size / 2) * (conv_output_size / 2))

        self.Conv1 = nn.Conv2d(input_dim[0], filter_num, filter_size, filter_stride, filter_pad)
        self.Relu1 = nn.ReLU()
        self.Pool1 = nn.MaxPool2d(POOL, POOL)
        self.Affine1 = Affine(pool_output_size, hidden_size)
        self.Relu2 = nn.ReLU()
        self.Affine2 = Affine(hidden_size, output_size)
        self.last_layer = nn.Softmax(dim=1)
        for layer in (self.Conv1, self.Affine1, self.Affine2):
            nn.init.normal_(layer.weight, std=weight_init_std)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.children():
            x = layer(x)
        return x


def simple_net(spec: SimpleConvSpec, device: str = "meta") -> SimpleConvNet:
    conv_param = {
        "filter_num": spec.filter_num,
        "filter_size": spec.filter_size,
        "pad": spec.pad,
        "stride": spec.stride,
    }
    with torch.device(device):
        return SimpleConvNet(spec.input_dim, conv_param, spec.hidden_size, spec.output_size, spec.weight_init_std)


@dataclass(frozen=True)
class Call:
    """One torch call that forward() made: torch's function (conv2d, relu, view …), its output shape, its line."""

    function: str
    shape: Shape
    line: int


class _Recorder(TorchFunctionMode):
    """Records the torch calls made directly from the course's forward(), with their line in NET_SOURCE."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != NET_FILENAME:
            frame = frame.f_back
        if frame is not None and isinstance(out, torch.Tensor):
            self.calls.append(Call(getattr(func, "__name__", str(func)), tuple(out.shape), frame.f_lineno))
        return out


def net_calls(batch: int) -> list[Call]:
    """The course's forward() on `batch` CIFAR-sized images, on the meta device: each call, its shape and line."""
    with torch.device("meta"):
        net = course_net_class()()
    with _Recorder() as recorder, torch.no_grad():
        net(torch.empty(batch, *IMAGE, device="meta"))
    return recorder.calls


def module_outputs(model: nn.Module, input_shape: Shape) -> list[tuple[str, Shape]]:
    """Each direct child's name and output shape for one input of `input_shape` (the batch dimension dropped)."""
    outputs: list[tuple[str, Shape]] = []
    for name, child in model.named_children():
        child.register_forward_hook(lambda _m, _i, out, name=name: outputs.append((name, tuple(out.shape[1:]))))
    with torch.no_grad():
        model(torch.empty(1, *input_shape, device="meta"))
    return outputs


def simple_error(spec_options: dict) -> str | None:
    """torch's message for SimpleConvNet with these arguments on one zero image on the CPU, or None if it runs."""
    conv_keys = ("filter_num", "filter_size", "pad", "stride")
    conv_param = {key: spec_options[key] for key in conv_keys}
    rest = {key: value for key, value in spec_options.items() if key not in conv_keys}
    try:
        model = SimpleConvNet(conv_param=conv_param, **rest)
        with torch.no_grad():
            model(torch.zeros(1, *spec_options["input_dim"]))
    except RuntimeError as error:
        return str(error)
    return None


def named_shapes(model: nn.Module) -> list[tuple[str, Shape]]:
    return [(name, tuple(parameter.shape)) for name, parameter in model.named_parameters()]


def _grads(model: nn.Module, zeroed: bool) -> list[GradState]:
    """Each parameter's .grad: ("none", ()), ("tensor", shape), or after zeroing ("zeros", shape) where every value is 0.

    On the meta device there are no values to look at: there a zeroed .grad counts by its presence and shape.
    """
    states: list[GradState] = []
    for parameter in model.parameters():
        grad = parameter.grad
        if grad is None:
            states.append(("none", ()))
        elif zeroed and (grad.device.type == "meta" or not bool(grad.any())):
            states.append(("zeros", tuple(grad.shape)))
        else:
            states.append(("tensor", tuple(grad.shape)))
    return states


def grad_story(model: nn.Module, input_shape: Shape, device: str) -> dict[str, list[GradState]]:
    """What .grad holds after each phase of the story, run for real: backward, zero_grad(), backward, zero_grad(False)."""
    x = torch.empty(2, *input_shape, device=device).normal_()
    weights = torch.empty(model(x).shape, device=device).normal_()

    def loss() -> torch.Tensor:
        """A weighted sum: a softmax output's plain sum is 1 whatever the weights, so it has no gradient."""
        return (model(x) * weights).sum()

    story = {"fresh": _grads(model, zeroed=False)}
    loss().backward()
    story["backward"] = _grads(model, zeroed=False)
    model.zero_grad()
    story["zero_grad"] = _grads(model, zeroed=False)
    loss().backward()
    model.zero_grad(set_to_none=False)
    story["zeros"] = _grads(model, zeroed=True)
    assert tuple(story) == GRAD_PHASES
    return story
