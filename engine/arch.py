"""Classic CNN architectures as data: each layer's output shape, parameters and multiply-adds, with the arithmetic.

A network is a tuple of layer descriptions (engine/arch_nets.py) following the
torchvision definitions. `apply(shape)` on a layer gives its LayerRow: the
output shape from the conv/pool formula with the numbers filled in, the
parameter count (K·K·Cin·Cout + Cout) and the multiply-adds of its weights
(convolutions and linear layers; activations, pooling and dropout have none).
A shape that torch would refuse raises SpecError with torch's own words.
Formulas are written here once, language-free; the screen only adds labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from engine.errors import SpecError

Shape = tuple[int, ...]


def grouped(value: int) -> str:
    """Exact, with thousands separators: 61,100,840."""
    return f"{value:,}"


def compact(value: int) -> str:
    """Three significant digits and K/M/G for the table: 23.3K, 61.1M, 15.5G."""
    if value < 1000:
        return str(value)
    for exponent, suffix in ((3, "K"), (6, "M"), (9, "G"), (12, "T")):
        text = f"{value / 10**exponent:.3g}"
        if float(text) < 1000:
            return text + suffix
    return grouped(value)


KIND_LABELS = {
    "conv": "conv",
    "conv_bn": "conv+bn",
    "maxpool": "maxpool",
    "avgpool": "avgpool",
    "adaptive": "adaptive",
    "relu": "ReLU",
    "tanh": "tanh",
    "dropout": "dropout",
    "flatten": "flatten",
    "linear": "linear",
    "inception": "inception",
}  # the table's "type" column: torch's own short names, the same in every language


def shape_text(shape: Shape) -> str:
    return "×".join(str(size) for size in shape)


def _product(*factors: int) -> str:
    return "·".join(str(factor) for factor in factors)


@dataclass(frozen=True)
class LayerRow:
    """One layer as the lesson shows it: what it is, what comes out, what it costs, and the arithmetic.

    `call` is the torch constructor that builds it; `brief` its few-character
    name in the inception diagram. A rule is the formula in symbols (language-free),
    the matching formula the same with this layer's numbers.
    """

    name: str
    kind: str
    config: str
    call: str
    brief: str
    in_shape: Shape
    out_shape: Shape
    shape_rule: str = ""
    shape_formula: str = ""
    params: int = 0
    params_rule: str = ""
    params_formula: str = ""
    macs: int = 0
    macs_formula: str = ""
    branches: tuple[tuple[LayerRow, ...], ...] = ()

    @property
    def out_text(self) -> str:
        return shape_text(self.out_shape)

    @property
    def in_text(self) -> str:
        return shape_text(self.in_shape)

    @property
    def shape_line(self) -> str:
        return f"{self.shape_rule} = {self.shape_formula}" if self.shape_rule else self.shape_formula

    @property
    def params_line(self) -> str:
        return f"{self.params_rule} = {self.params_formula}" if self.params_rule else self.params_formula


@dataclass(frozen=True)
class Conv:
    """nn.Conv2d(Cin, Cout, K, S, P), or torchvision's BasicConv2d (conv without bias, BatchNorm, ReLU) when `batch_norm`."""

    name: str
    out_channels: int
    kernel: int
    stride: int = 1
    padding: int = 0
    batch_norm: bool = False

    @property
    def kind(self) -> str:
        return "conv_bn" if self.batch_norm else "conv"

    @property
    def config(self) -> str:
        text = f"{self.kernel}×{self.kernel}" + (f"/{self.stride}" if self.stride != 1 else "")
        return text + (f" p{self.padding}" if self.padding else "")

    def call(self, in_channels: int) -> str:
        """BasicConv2d takes only keywords after the channels; Conv2d takes the kernel as it is usually written."""
        options = [f"kernel_size={self.kernel}" if self.batch_norm else str(self.kernel)]
        options += [f"stride={self.stride}"] if self.stride != 1 else []
        options += [f"padding={self.padding}"] if self.padding else []
        return f"{'BasicConv2d' if self.batch_norm else 'Conv2d'}({in_channels}, {self.out_channels}, {', '.join(options)})"

    def apply(self, shape: Shape) -> LayerRow:
        channels, height, width = shape  # C×H×W: the networks flatten once, right before the classifier
        k, s, p, c_out = self.kernel, self.stride, self.padding, self.out_channels
        if height + 2 * p < k or width + 2 * p < k:
            raise SpecError(
                "arch_kernel_too_big",
                torch_message=(
                    f"Calculated padded input size per channel: ({height + 2 * p} x {width + 2 * p}). "
                    f"Kernel size: ({k} x {k}). Kernel size can't be greater than actual input size"
                ),
                layer=self.name,
                k=k,
                padded=height + 2 * p,
            )
        out_h, out_w = ((size + 2 * p - k) // s + 1 for size in (height, width))
        weights = k * k * channels * c_out
        extra, extra_text, extra_rule = (
            (2 * c_out, f"2·{c_out}", "2·Cout") if self.batch_norm else (c_out, str(c_out), "Cout")
        )
        macs = out_h * out_w * c_out * k * k * channels
        return LayerRow(
            name=self.name,
            kind=self.kind,
            config=self.config,
            call=self.call(channels),
            brief=f"{k}×{k} → {c_out}",
            in_shape=shape,
            out_shape=(c_out, out_h, out_w),
            shape_rule="⌊(H+2P−K)/S⌋+1",
            shape_formula=f"⌊({height} + 2·{p} − {k})/{s}⌋ + 1 = {out_h}",
            params=weights + extra,
            params_rule=f"K·K·Cin·Cout+{extra_rule}",
            params_formula=f"{_product(k, k, channels, c_out)} + {extra_text} = {grouped(weights + extra)}",
            macs=macs,
            macs_formula=f"({_product(out_h, out_w, c_out)})·({_product(k, k, channels)}) = {grouped(macs)}",
        )


def pool_size(size: int, kernel: int, stride: int, padding: int, ceil_mode: bool) -> tuple[int, bool]:
    """torch's pooling_output_shape: ⌊ ⌋ or ⌈ ⌉ of (H + 2P − K)/S, + 1; in ceil mode a last window
    that would start in the right padding is dropped. Returns the size and whether that drop happened."""
    out = (size + 2 * padding - kernel + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        return out - 1, True
    return out, False


@dataclass(frozen=True)
class Pool:
    """nn.MaxPool2d / nn.AvgPool2d(K, S, P, ceil_mode): no parameters, and no multiply-adds counted."""

    name: str
    mode: str
    kernel: int
    stride: int
    padding: int = 0
    ceil_mode: bool = False

    @property
    def kind(self) -> str:
        return f"{self.mode}pool"

    @property
    def config(self) -> str:
        text = f"{self.kernel}×{self.kernel}/{self.stride}" + (f" p{self.padding}" if self.padding else "")
        return text + (" ceil" if self.ceil_mode else "")

    @property
    def call(self) -> str:
        options = [str(self.kernel), f"stride={self.stride}"]
        options += [f"padding={self.padding}"] if self.padding else []
        options += ["ceil_mode=True"] if self.ceil_mode else []
        return f"{self.mode.capitalize()}Pool2d({', '.join(options)})"

    def apply(self, shape: Shape) -> LayerRow:
        channels, height, width = shape
        k, s, p = self.kernel, self.stride, self.padding
        (out_h, dropped), (out_w, _) = (pool_size(size, k, s, p, self.ceil_mode) for size in (height, width))
        if out_h < 1 or out_w < 1:
            raise SpecError(
                "arch_pool_too_small",
                torch_message=(
                    f"Given input size: ({channels}x{height}x{width}). "
                    f"Calculated output size: ({channels}x{out_h}x{out_w}). Output size is too small"
                ),
                layer=self.name,
                k=k,
                size=height,
            )
        left, right = ("⌈", "⌉") if self.ceil_mode else ("⌊", "⌋")
        return LayerRow(
            name=self.name,
            kind=self.kind,
            config=self.config,
            call=self.call,
            brief=f"{self.mode} {k}×{k}/{s}",
            in_shape=shape,
            out_shape=(channels, out_h, out_w),
            shape_rule=f"{left}(H+2P−K)/S{right}+1",
            shape_formula=f"{left}({height} + 2·{p} − {k})/{s}{right} + 1"
            + (" − 1" if dropped else "")
            + f" = {out_h}",
        )


@dataclass(frozen=True)
class AdaptiveAvgPool:
    """nn.AdaptiveAvgPool2d((N, N)): whatever comes in, N×N goes out, so the classifier's size never changes."""

    name: str
    size: int
    kind = "adaptive"

    @property
    def config(self) -> str:
        return f"→{self.size}×{self.size}"

    def apply(self, shape: Shape) -> LayerRow:
        channels, height, width = shape
        n = self.size
        return LayerRow(
            self.name,
            self.kind,
            self.config,
            f"AdaptiveAvgPool2d(({n}, {n}))",
            self.config,
            shape,
            (channels, n, n),
        )


@dataclass(frozen=True)
class Elementwise:
    """ReLU, Tanh or Dropout(p): the shape goes through unchanged and nothing is learned."""

    name: str
    kind: str
    p: float = 0.0

    @property
    def config(self) -> str:
        return f"p={self.p:g}" if self.kind == "dropout" else ""

    @property
    def call(self) -> str:
        return f"Dropout(p={self.p:g})" if self.kind == "dropout" else {"relu": "ReLU()", "tanh": "Tanh()"}[self.kind]

    def apply(self, shape: Shape) -> LayerRow:
        return LayerRow(self.name, self.kind, self.config, self.call, self.kind, shape, shape)


@dataclass(frozen=True)
class Flatten:
    """C×H×W planes become one vector of C·H·W numbers, the classifier's input."""

    name: str
    kind = "flatten"
    config = ""

    def apply(self, shape: Shape) -> LayerRow:
        length = math.prod(shape)
        formula = f"{_product(*shape)} = {grouped(length)}"
        return LayerRow(
            self.name,
            self.kind,
            self.config,
            "Flatten()",
            self.kind,
            shape,
            (length,),
            "C·H·W",
            formula,
        )


@dataclass(frozen=True)
class Linear:
    """nn.Linear(in, out): in·out weights and out biases; one multiply-add per weight."""

    name: str
    in_features: int
    out_features: int
    kind = "linear"

    @property
    def config(self) -> str:
        return f"{self.in_features}→{self.out_features}"

    def apply(self, shape: Shape) -> LayerRow:
        n, m = self.in_features, self.out_features
        if len(shape) != 1 or shape[0] != n:
            got = math.prod(shape)
            raise SpecError(
                "arch_linear_mismatch",
                torch_message=f"mat1 and mat2 shapes cannot be multiplied (1x{got} and {n}x{m})",
                layer=self.name,
                got=got,
                expected=n,
            )
        return LayerRow(
            name=self.name,
            kind=self.kind,
            config=self.config,
            call=f"Linear({n}, {m})",
            brief=f"→ {m}",
            in_shape=shape,
            out_shape=(m,),
            params=n * m + m,
            params_rule="In·Out+Out",
            params_formula=f"{n}·{m} + {m} = {grouped(n * m + m)}",
            macs=n * m,
            macs_formula=f"{n}·{m} = {grouped(n * m)}",
        )


class Layer(Protocol):
    """A layer description: what it gives out for an input shape, with the arithmetic."""

    def apply(self, shape: Shape) -> LayerRow: ...


def run(layers: tuple[Layer, ...], shape: Shape) -> tuple[LayerRow, ...]:
    """Each layer applied to what the one before gave out."""
    rows = []
    for layer in layers:
        row = layer.apply(shape)
        rows.append(row)
        shape = row.out_shape
    return tuple(rows)
