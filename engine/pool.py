"""2-D pooling (max, average, min) as torch.nn.functional.max_pool2d / avg_pool2d compute it, step by step.

A PoolSpec is everything the student can set; pool_trace() turns it into a
PoolTrace holding the padded input, the output, the chosen cells and the
gradient of the backward pass, so stepping back and forth is only an index.
Min pooling has no torch function: it is −max_pool2d(−x), so it pads with +∞.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from engine.errors import SpecError
from engine.matrix import check_size
from engine.numbers import fmt

MODES = ("max", "avg", "min")
MAX_WINDOW = 16
MAX_STRIDE = 64
PAD_VALUE = {"max": -np.inf, "avg": 0.0, "min": np.inf}
TORCH_FUNCTION = {
    "max": "F.max_pool2d",
    "avg": "F.avg_pool2d",
    "min": "−F.max_pool2d(−x)",
}  # F = torch.nn.functional


def fmt_cell(value: float) -> str:
    """A number as fmt writes it, and the padding of max and min pooling as −∞ and +∞."""
    if np.isinf(value):
        return "−∞" if value < 0 else "+∞"
    return fmt(value)


def conv_parameters(kernel_size: int, in_channels: int = 1, out_channels: int = 1) -> int:
    """Weights and biases of a conv layer with the same window: what pooling does without."""
    return kernel_size * kernel_size * in_channels * out_channels + out_channels


@dataclass(frozen=True, eq=False)
class PoolSpec:
    """A 2-D input pooled by a K×K window with stride S (None: S = K, torch's default) and padding P.

    Validates on construction in the order torch 2.13 checks, quoting its words.
    """

    input: np.ndarray
    mode: str = "max"
    kernel_size: int = 2
    stride: int | None = None
    padding: int = 0

    def __post_init__(self) -> None:
        array = np.array(self.input, dtype=np.float64)
        array.setflags(write=False)
        object.__setattr__(self, "input", array)
        self._validate()

    @property
    def actual_stride(self) -> int:
        return self.kernel_size if self.stride is None else self.stride

    @property
    def stride_is_auto(self) -> bool:
        return self.stride is None

    @property
    def parameters(self) -> int:
        """Pooling learns nothing: no weights, no bias."""
        return 0

    @property
    def left_out(self) -> tuple[range, range]:
        """The input rows and columns after the last window: the floor in the output size drops them.

        The windows reach padded index (out − 1)·S + K; input index r sits at r + P.
        """
        k, s, p = self.kernel_size, self.actual_stride, self.padding
        reached = [(size + 2 * p - k) // s * s + k - p for size in self.input.shape]
        return range(reached[0], self.input.shape[0]), range(reached[1], self.input.shape[1])

    @property
    def stride_relation(self) -> str:
        """`tile_auto` (S left to follow K), `tile` (S = K), `overlap` (S < K) or `skip` (S > K: cells in no window)."""
        k, s = self.kernel_size, self.actual_stride
        if s == k:
            return "tile_auto" if self.stride is None else "tile"
        return "overlap" if s < k else "skip"

    def _validate(self) -> None:
        if self.mode not in MODES:
            raise SpecError("pool_unknown_mode", mode=self.mode, choices=", ".join(MODES))
        if self.input.ndim != 2 or self.input.size == 0:
            raise SpecError("empty_matrix", what="input")
        height, width = self.input.shape
        check_size(height, width, "input")
        if not np.isfinite(self.input).all():
            raise SpecError(
                "not_finite",
                what="input",
                token=fmt(self.input[~np.isfinite(self.input)].flat[0]),
            )
        for name in ("kernel_size", "stride", "padding"):
            value = getattr(self, name)
            if (value is not None or name != "stride") and (
                not isinstance(value, (int, np.integer)) or isinstance(value, bool)
            ):
                raise SpecError("not_an_integer", what=f"pool_{name}", token=str(value))
        k, s, p = int(self.kernel_size), int(self.actual_stride), int(self.padding)
        if s == 0:
            raise SpecError("pool_stride_zero", torch_message="stride should not be zero")
        if p < 0:
            raise SpecError(
                "pool_padding_negative",
                torch_message=f"pad must be non-negative, but got pad: {p}",
                value=p,
            )
        half = abs(k) // 2 * (1 if k >= 0 else -1)  # C++ division truncates (in ints: k / 2 overflows past 1e308)
        if p > half:  # the effective kernel is K at dilation 1
            raise SpecError(
                "pool_padding_too_big",
                torch_message=f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} and dilation=1",
                value=p,
                k=k,
                half=max(half, 0),
            )
        if k <= 0:
            raise SpecError(
                "pool_kernel_not_positive",
                torch_message=f"kernel size should be greater than zero, but got kH: {k} kW: {k}",
                value=k,
            )
        if s < 0:
            raise SpecError(
                "pool_stride_negative",
                torch_message=f"stride should be greater than zero, but got dH: {s} dW: {s}",
                value=s,
            )
        out_h, out_w = ((size + 2 * p - k) // s + 1 for size in (height, width))
        if out_h < 1 or out_w < 1:
            raise SpecError(
                "pool_output_too_small",
                torch_message=(
                    f"Given input size: (1x{height}x{width}). Calculated output size: (1x{out_h}x{out_w}). Output size is too small"
                ),
                k=k,
                padded_h=height + 2 * p,
                padded_w=width + 2 * p,
            )
        if k > MAX_WINDOW:
            raise SpecError("too_big", what="pool_kernel_size", value=k, high=MAX_WINDOW)
        if s > MAX_STRIDE:
            raise SpecError("too_big", what="pool_stride", value=s, high=MAX_STRIDE)


@dataclass(frozen=True)
class PoolFormula:
    """H_out = ⌊(H + 2P − K) / S⌋ + 1 (torch's ceil_mode=False), with the numbers of one axis."""

    axis: str
    size: int
    padding: int
    kernel: int
    stride: int

    @property
    def result(self) -> int:
        return (self.size + 2 * self.padding - self.kernel) // self.stride + 1

    @property
    def symbolic(self) -> str:
        return f"{self.axis}_out = ⌊({self.axis} + 2P − K) / S⌋ + 1"

    @property
    def filled(self) -> str:
        return f"⌊({self.size} + {2 * self.padding} − {self.kernel}) / {self.stride}⌋ + 1 = {self.result}"


@dataclass(frozen=True)
class PoolStep:
    """One output cell: where the window sits (padded coordinates), what it holds, what it gives."""

    index: int
    mode: str
    row: int
    col: int
    top: int
    left: int
    size: int
    values: tuple[float, ...]
    chosen: int | None
    total: float
    value: float

    @property
    def window(self) -> tuple[int, int, int, int]:
        """Top, left, bottom, right (inclusive, padded coordinates)."""
        return self.top, self.left, self.top + self.size - 1, self.left + self.size - 1

    @property
    def cells(self) -> list[tuple[int, int]]:
        """The window's cells in reading order, the order of `values`."""
        return [(self.top + r, self.left + c) for r in range(self.size) for c in range(self.size)]

    @property
    def chosen_cell(self) -> tuple[int, int] | None:
        """Max and min keep one cell (the first in reading order on ties, as torch does); avg keeps none."""
        return None if self.chosen is None else self.cells[self.chosen]

    @property
    def label(self) -> str:
        return f"out[{self.row},{self.col}]"

    @property
    def reduction(self) -> str:
        """`max(3, 1, 4, 1) = 4`, or `avg(3, 1, 4, 1) = 9/4 = 2.25`."""
        listed = f"{self.mode}({', '.join(fmt_cell(v) for v in self.values)})"
        if self.mode == "avg":
            return f"{listed} = {fmt(self.total)}/{len(self.values)} = {fmt(self.value)}"
        return f"{listed} = {fmt(self.value)}"

    @property
    def equation(self) -> str:
        return f"{self.label} = {self.reduction}"


@dataclass(frozen=True)
class GradStep:
    """What the backward pass of one output cell adds to ∂L/∂x: `share` to each of `targets` (padded coordinates)."""

    index: int
    upstream: float
    share: float
    targets: tuple[tuple[int, int], ...]
    dropped: int
    padding: int

    @property
    def target_label(self) -> str:
        """`x[1,3]`: the first target in the input's own coordinates (the chosen cell of max or min)."""
        row, col = self.targets[0]
        return f"x[{row - self.padding},{col - self.padding}]"


@dataclass(frozen=True, eq=False)
class PoolTrace:
    """All a pooling lesson shows for one spec: padded input, output, chosen cells, gradients, formulas."""

    spec: PoolSpec
    padded: np.ndarray
    windows: np.ndarray
    totals: np.ndarray
    output: np.ndarray
    chosen: np.ndarray | None
    formulas: tuple[PoolFormula, PoolFormula]
    upstream: np.ndarray

    @property
    def step_count(self) -> int:
        return self.output.size

    @property
    def out_height(self) -> int:
        return self.output.shape[0]

    @property
    def out_width(self) -> int:
        return self.output.shape[1]

    def index_of(self, row: int, col: int) -> int:
        return row * self.out_width + col

    def position(self, index: int) -> tuple[int, int]:
        """The output cell step `index` computes."""
        return divmod(self._clamp(index), self.out_width)

    def index_at(self, position: tuple[int, int]) -> int | None:
        row, col = position
        return self.index_of(row, col) if row < self.out_height and col < self.out_width else None

    def _clamp(self, index: int) -> int:
        return min(max(index, 0), self.step_count - 1)

    def step(self, index: int) -> PoolStep:
        """Step `index` walks the output rows, then columns, like reading a book."""
        index = self._clamp(index)
        row, col = divmod(index, self.out_width)
        window = self.windows[row, col]
        stride = self.spec.actual_stride
        return PoolStep(
            index=index,
            mode=self.spec.mode,
            row=row,
            col=col,
            top=row * stride,
            left=col * stride,
            size=self.spec.kernel_size,
            values=tuple(float(v) for v in window.reshape(-1)),
            chosen=None if self.chosen is None else int(self.chosen[row, col]),
            total=float(self.totals[row, col]),
            value=float(self.output[row, col]),
        )

    def grad_step(self, index: int) -> GradStep:
        """Max/min route the upstream gradient to the chosen cell; avg spreads it as g/K² over the window."""
        step = self.step(index)
        upstream = float(self.upstream[step.row, step.col])
        cells = [step.chosen_cell] if step.chosen_cell is not None else step.cells
        share = upstream if step.chosen_cell is not None else upstream / len(cells)
        pad, (height, width) = self.spec.padding, self.spec.input.shape
        dropped = sum(not (pad <= r < pad + height and pad <= c < pad + width) for r, c in cells)
        return GradStep(step.index, upstream, share, tuple(cells), dropped, pad)

    def padded_grad(self, through: int | None = None) -> np.ndarray:
        """∂L/∂(padded input) after the backward pass of steps 0..`through` (None: all of them)."""
        count = self.step_count if through is None else self._clamp(through) + 1
        grad = np.zeros(self.padded.shape)
        stride, k = self.spec.actual_stride, self.spec.kernel_size
        rows, cols = np.divmod(np.arange(count), self.out_width)
        upstream = self.upstream.reshape(-1)[:count]
        if self.chosen is not None:
            ky, kx = np.divmod(self.chosen.reshape(-1)[:count], k)
            np.add.at(grad, (rows * stride + ky, cols * stride + kx), upstream)
        else:  # output by output, each over its window in reading order: torch's order of additions
            ky, kx = np.divmod(np.arange(k * k), k)
            targets = (rows[:, None] * stride + ky, cols[:, None] * stride + kx)
            shares = np.broadcast_to((upstream / (k * k))[:, None], targets[0].shape)
            np.add.at(grad, (targets[0].ravel(), targets[1].ravel()), shares.ravel())
        grad.setflags(write=False)
        return grad

    def input_grad(self, through: int | None = None) -> np.ndarray:
        """∂L/∂x, what torch autograd puts in x.grad: the padded gradient without its ring."""
        pad = self.spec.padding
        grad = self.padded_grad(through)
        return grad[pad : grad.shape[0] - pad, pad : grad.shape[1] - pad]


def pool_trace(spec: PoolSpec) -> PoolTrace:
    """Pool once with numpy's sliding windows; the upstream gradient is 1, 2, 3, … so its routing shows."""
    pad, k, s = spec.padding, spec.kernel_size, spec.actual_stride
    padded = np.pad(spec.input, pad, constant_values=PAD_VALUE[spec.mode])
    padded.setflags(write=False)
    windows = sliding_window_view(padded, (k, k))[::s, ::s]
    flat = windows.reshape(windows.shape[0], windows.shape[1], k * k)
    if spec.mode == "avg":
        chosen = None
        totals = np.zeros(flat.shape[:2])
        with np.errstate(over="ignore"):  # an overflow is reported below, as a SpecError
            for tap in range(k * k):  # in reading order, one at a time, as torch's loop adds them
                totals = totals + flat[..., tap]
        output = totals / (k * k)
    else:
        chosen = flat.argmax(axis=2) if spec.mode == "max" else flat.argmin(axis=2)
        output = totals = np.take_along_axis(flat, chosen[..., None], axis=2)[..., 0]
        chosen.setflags(write=False)
    output.setflags(write=False)
    totals.setflags(write=False)
    height, width = spec.input.shape
    formulas = (PoolFormula("H", height, pad, k, s), PoolFormula("W", width, pad, k, s))
    if not np.isfinite(output).all():
        raise SpecError("pool_overflow")
    upstream = np.arange(1.0, output.size + 1).reshape(output.shape)
    upstream.setflags(write=False)
    return PoolTrace(spec, padded, windows, totals, output, chosen, formulas, upstream)
