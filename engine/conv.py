"""2-D convolution (cross-correlation, as torch.nn.functional.conv2d computes it), step by step.

A ConvSpec is everything the student can set; conv_trace() turns it into a
ConvTrace that holds the whole output and can produce any step on demand, so
stepping back and forth is only an index.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.errors import SpecError
from engine.matrix import MAX_SIDE, check_size
from engine.numbers import fmt, fmt_factor

MAX_IN_CHANNELS = 3
MAX_OUT_CHANNELS = 4
MAX_PADDING = 32
MAX_STRIDE = 64
MAX_DILATION = 32


@dataclass(frozen=True, eq=False)
class ConvSpec:
    """Input (C_in, H, W), weight (C_out, C_in, K, K), bias (C_out,), stride, padding, dilation.

    Validates on construction with the same rules, and for the kernel-size
    rule the same words, as torch.nn.functional.conv2d.
    """

    input: np.ndarray
    weight: np.ndarray
    bias: np.ndarray
    stride: int = 1
    padding: int = 0
    dilation: int = 1

    def __post_init__(self) -> None:
        for name in ("input", "weight", "bias"):
            array = np.array(getattr(self, name), dtype=np.float64)
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        self._validate()

    def _validate(self) -> None:
        if self.input.ndim != 3 or self.input.size == 0:
            raise SpecError("empty_matrix", what="input")
        if self.weight.ndim != 4 or self.weight.size == 0:
            raise SpecError("empty_matrix", what="kernel")
        in_channels, height, width = self.input.shape
        out_channels, weight_in, k_h, k_w = self.weight.shape
        check_size(height, width, "input")
        check_size(k_h, k_w, "kernel")
        if not 1 <= in_channels <= MAX_IN_CHANNELS:
            raise SpecError("in_channels_range", got=in_channels, limit=MAX_IN_CHANNELS)
        if not 1 <= out_channels <= MAX_OUT_CHANNELS:
            raise SpecError("out_channels_range", got=out_channels, limit=MAX_OUT_CHANNELS)
        if k_h != k_w:
            raise SpecError("kernel_not_square", height=k_h, width=k_w)
        if weight_in != in_channels:
            raise SpecError(
                "channel_mismatch",
                input_channels=in_channels,
                kernel_channels=weight_in,
            )
        if self.bias.shape != (out_channels,):
            raise SpecError("bias_shape", expected=out_channels, got=self.bias.size)
        for what, array in (
            ("input", self.input),
            ("kernel", self.weight),
            ("bias", self.bias),
        ):
            if not np.isfinite(array).all():
                raise SpecError(
                    "not_finite",
                    what=what,
                    token=fmt(array[~np.isfinite(array)].flat[0]),
                )
        _check_int("stride", self.stride, 1, MAX_STRIDE, "non-positive stride is not supported")
        _check_int("padding", self.padding, 0, MAX_PADDING, "negative padding is not supported")
        _check_int(
            "dilation",
            self.dilation,
            1,
            MAX_DILATION,
            "dilation should be greater than zero" + (", but got [0, 0]" if self.dilation == 0 else ""),
        )
        padded_h = height + 2 * self.padding
        padded_w = width + 2 * self.padding
        span_h = self.dilation * (k_h - 1) + 1
        span_w = self.dilation * (k_w - 1) + 1
        if span_h > padded_h or span_w > padded_w:
            raise SpecError(
                "kernel_too_large",
                torch_message=(
                    f"Calculated padded input size per channel: ({padded_h} x {padded_w}). "
                    f"Kernel size: ({span_h} x {span_w}). "
                    "Kernel size can't be greater than actual input size"
                ),
                padded_h=padded_h,
                padded_w=padded_w,
                span_h=span_h,
                span_w=span_w,
            )

    @property
    def in_channels(self) -> int:
        return self.input.shape[0]

    @property
    def out_channels(self) -> int:
        return self.weight.shape[0]

    @property
    def kernel_size(self) -> int:
        return self.weight.shape[2]


def _check_int(name: str, value: int, low: int, high: int, torch_message: str) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise SpecError("not_an_integer", what=name, token=str(value))
    if value < low:
        raise SpecError(f"{name}_too_small", torch_message=torch_message, value=value, low=low)
    if value > high:
        raise SpecError("too_big", what=name, value=value, high=high)


@dataclass(frozen=True)
class SizeFormula:
    """H_out = ⌊(H + 2P − D·(K−1) − 1) / S⌋ + 1, with the numbers of one axis."""

    axis: str
    size: int
    padding: int
    dilation: int
    kernel: int
    stride: int

    @property
    def result(self) -> int:
        return (self.size + 2 * self.padding - self.dilation * (self.kernel - 1) - 1) // self.stride + 1

    @property
    def symbolic(self) -> str:
        return f"{self.axis}_out = ⌊({self.axis} + 2P − D·(K−1) − 1) / S⌋ + 1"

    @property
    def filled(self) -> str:
        span = self.dilation * (self.kernel - 1)
        return f"⌊({self.size} + {2 * self.padding} − {span} − 1) / {self.stride}⌋ + 1 = {self.result}"


@dataclass(frozen=True)
class Tap:
    """One product of a step: input[channel, row, col] (padded coordinates) × kernel[ky, kx]."""

    channel: int
    row: int
    col: int
    ky: int
    kx: int
    value: float
    weight: float

    @property
    def product(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class ConvStep:
    """One output cell: where the window sits, every product, the sums."""

    index: int
    out_channel: int
    row: int
    col: int
    taps: tuple[Tap, ...]
    channel_sums: tuple[float, ...]
    bias: float
    value: float
    many_outputs: bool = False

    @property
    def window(self) -> tuple[int, int, int, int]:
        """Top, left, bottom, right (inclusive, padded coordinates) of the window's span."""
        rows = [tap.row for tap in self.taps]
        cols = [tap.col for tap in self.taps]
        return min(rows), min(cols), max(rows), max(cols)

    def channel_expression(self, channel: int) -> str:
        """`1×0 + 2×(-1) + …` for one input channel."""
        return " + ".join(f"{fmt_factor(t.value)}×{fmt_factor(t.weight)}" for t in self.taps if t.channel == channel)

    @property
    def label(self) -> str:
        return f"out[{self.out_channel},{self.row},{self.col}]" if self.many_outputs else f"out[{self.row},{self.col}]"

    @property
    def equation(self) -> str:
        """`out[1,2] = 1×0 + 2×1 + … + b = 7`, channels summed in order."""
        channels = sorted({tap.channel for tap in self.taps})
        parts = [self.channel_expression(c) for c in channels]
        bias = f" + {fmt_factor(self.bias)}" if self.bias != 0 else " + 0"
        return f"{self.label} = {' + '.join(parts)}{bias} = {fmt(self.value)}"


@dataclass(frozen=True, eq=False)
class ConvTrace:
    """All a convolution lesson shows for one spec: padded input, output, formulas, steps."""

    spec: ConvSpec
    padded: np.ndarray
    output: np.ndarray
    formulas: tuple[SizeFormula, SizeFormula]

    @property
    def step_count(self) -> int:
        return self.output.size

    @property
    def out_height(self) -> int:
        return self.output.shape[1]

    @property
    def out_width(self) -> int:
        return self.output.shape[2]

    def step(self, index: int) -> ConvStep:
        """Step `index` walks output channels, then rows, then columns, like reading a book."""
        index = min(max(index, 0), self.step_count - 1)
        out_channel, rest = divmod(index, self.out_height * self.out_width)
        row, col = divmod(rest, self.out_width)
        spec = self.spec
        top, left = row * spec.stride, col * spec.stride
        taps = []
        for channel in range(spec.in_channels):
            for ky in range(spec.kernel_size):
                for kx in range(spec.kernel_size):
                    r, c = top + ky * spec.dilation, left + kx * spec.dilation
                    taps.append(
                        Tap(
                            channel,
                            r,
                            c,
                            ky,
                            kx,
                            float(self.padded[channel, r, c]),
                            float(spec.weight[out_channel, channel, ky, kx]),
                        )
                    )
        sums = tuple(float(sum(t.product for t in taps if t.channel == ch)) for ch in range(spec.in_channels))
        return ConvStep(
            index=index,
            out_channel=out_channel,
            row=row,
            col=col,
            taps=tuple(taps),
            channel_sums=sums,
            bias=float(spec.bias[out_channel]),
            value=float(self.output[out_channel, row, col]),
            many_outputs=spec.out_channels > 1,
        )

    def index_of(self, out_channel: int, row: int, col: int) -> int:
        return (out_channel * self.out_height + row) * self.out_width + col

    def position(self, index: int) -> tuple[int, int, int]:
        """The output cell step `index` computes: (out channel, row, col)."""
        channel, rest = divmod(index, self.out_height * self.out_width)
        return (channel, *divmod(rest, self.out_width))

    def index_at(self, position: tuple[int, int, int]) -> int | None:
        channel, row, col = position
        inside = channel < self.spec.out_channels and row < self.out_height and col < self.out_width
        return self.index_of(channel, row, col) if inside else None

    @cached_property
    def im2col(self) -> np.ndarray:
        """The padded input unfolded: one row per output position, one column per (channel, ky, kx)."""
        spec = self.spec
        rows = []
        for row in range(self.out_height):
            for col in range(self.out_width):
                top, left = row * spec.stride, col * spec.stride
                window = self.padded[
                    :,
                    top : top + spec.dilation * (spec.kernel_size - 1) + 1 : spec.dilation,
                    left : left + spec.dilation * (spec.kernel_size - 1) + 1 : spec.dilation,
                ]
                rows.append(window.reshape(-1))
        return np.array(rows)

    @property
    def kernel_columns(self) -> np.ndarray:
        """The weight as one column per output channel, matching im2col's column order."""
        return self.spec.weight.reshape(self.spec.out_channels, -1).T


def conv_trace(spec: ConvSpec) -> ConvTrace:
    """Compute the whole output once; steps are read from it on demand."""
    pad = spec.padding
    padded = np.pad(spec.input, ((0, 0), (pad, pad), (pad, pad)))
    formulas = (
        SizeFormula("H", spec.input.shape[1], pad, spec.dilation, spec.kernel_size, spec.stride),
        SizeFormula("W", spec.input.shape[2], pad, spec.dilation, spec.kernel_size, spec.stride),
    )
    out_h, out_w = formulas[0].result, formulas[1].result
    d, k, s = spec.dilation, spec.kernel_size, spec.stride
    output = np.empty((spec.out_channels, out_h, out_w))
    for ky in range(k):
        for kx in range(k):
            patch = padded[
                :,
                ky * d : ky * d + s * (out_h - 1) + 1 : s,
                kx * d : kx * d + s * (out_w - 1) + 1 : s,
            ]
            contribution = np.einsum("oc,chw->ohw", spec.weight[:, :, ky, kx], patch)
            output = contribution if ky == kx == 0 else output + contribution
    output = output + spec.bias[:, None, None]
    if not np.isfinite(output).all():
        raise SpecError("overflow")
    output.setflags(write=False)
    return ConvTrace(spec=spec, padded=padded, output=output, formulas=formulas)


__all__ = [
    "ConvSpec",
    "ConvStep",
    "ConvTrace",
    "SizeFormula",
    "Tap",
    "conv_trace",
    "MAX_SIDE",
]
