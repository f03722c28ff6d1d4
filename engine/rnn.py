"""A one-layer tanh RNN unrolled over a short sequence, as torch.nn.RNN computes it, one hidden unit at a time.

    h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh),   t = 1 … T,   h_0 given (zeros by default)

An RnnSpec holds the sequence and every weight (exactly what torch.nn.RNN is
given); rnn_trace() computes all h_t once, so stepping through the T×H unit
updates is only an index. Time is counted from 1 as in the formula (torch's
output[t−1] is h_t); hidden units are indexed from 0 as in a tensor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import SpecError
from engine.numbers import fmt, fmt_factor

MAX_STEPS = 8
MAX_INPUT = 4
MAX_HIDDEN = 6
FORMULA = "h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh)"


def _array(value: object, ndim: int) -> np.ndarray:
    array = np.array(value, dtype=np.float64, ndmin=ndim)
    array.setflags(write=False)
    return array


def check_sizes(steps: int, input_size: int, hidden_size: int) -> None:
    """The sizes this lesson draws: torch's own rule first (sizes > 0), then what fits on screen."""
    if hidden_size <= 0:
        raise SpecError(
            "rnn_hidden_range",
            torch_message="hidden_size must be greater than zero",
            value=hidden_size,
            high=MAX_HIDDEN,
        )
    if hidden_size > MAX_HIDDEN:
        raise SpecError("rnn_hidden_range", value=hidden_size, high=MAX_HIDDEN)
    if not 1 <= input_size <= MAX_INPUT:
        raise SpecError("rnn_input_range", value=input_size, high=MAX_INPUT)
    if not 1 <= steps <= MAX_STEPS:
        raise SpecError("rnn_steps_range", value=steps, high=MAX_STEPS)


@dataclass(frozen=True, eq=False)
class RnnSpec:
    """The sequence x (T×I, one row per time step), the weights and h_0: everything torch.nn.RNN is given.

    Shapes follow torch: weight_ih_l0 (H×I), weight_hh_l0 (H×H), bias_ih_l0 and bias_hh_l0 (H).
    """

    sequence: np.ndarray
    w_ih: np.ndarray
    w_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray
    h0: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name, ndim in (
            ("sequence", 2),
            ("w_ih", 2),
            ("w_hh", 2),
            ("b_ih", 1),
            ("b_hh", 1),
        ):
            object.__setattr__(self, name, _array(getattr(self, name), ndim))
        hidden = self.w_ih.shape[0]
        object.__setattr__(self, "h0", _array(np.zeros(hidden) if self.h0 is None else self.h0, 1))
        self._validate()

    @property
    def steps(self) -> int:
        return self.sequence.shape[0]

    @property
    def input_size(self) -> int:
        return self.sequence.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.w_ih.shape[0]

    @property
    def biases(self) -> np.ndarray:
        """b_ih and b_hh side by side (H×2), one row per hidden unit as the lesson draws them."""
        return np.column_stack([self.b_ih, self.b_hh])

    @property
    def parameters(self) -> int:
        """What nn.RNN(I, H) learns: W_ih, W_hh and both biases — the same at every time step."""
        return self.w_ih.size + self.w_hh.size + self.b_ih.size + self.b_hh.size

    def _validate(self) -> None:
        steps, input_size = self.sequence.shape
        hidden = self.hidden_size
        check_sizes(steps, input_size, hidden)
        if self.w_ih.shape[1] != input_size:
            raise SpecError(
                "rnn_input_size",
                torch_message=f"input.size(-1) must be equal to input_size. Expected {self.w_ih.shape[1]}, got {input_size}",
                expected=self.w_ih.shape[1],
                got=input_size,
            )
        for name, shape in (
            ("w_hh", (hidden, hidden)),
            ("b_ih", (hidden,)),
            ("b_hh", (hidden,)),
            ("h0", (hidden,)),
        ):
            value = getattr(self, name)
            if value.shape != shape:
                raise SpecError(
                    "rnn_shape",
                    what=name,
                    expected="×".join(map(str, shape)),
                    got="×".join(map(str, value.shape)),
                )
        for name in ("sequence", "w_ih", "w_hh", "b_ih", "b_hh", "h0"):
            value = getattr(self, name)
            if not np.isfinite(value).all():
                raise SpecError(
                    "not_finite",
                    what=f"rnn_{name}",
                    token=fmt(value[~np.isfinite(value)].flat[0]),
                )


@dataclass(frozen=True)
class UnitStep:
    """One hidden unit at one time step: h_t[j] from x_t, h_{t−1}, row j of the weights and the biases."""

    index: int
    t: int
    unit: int
    x: tuple[float, ...]
    h_prev: tuple[float, ...]
    w_ih: tuple[float, ...]
    w_hh: tuple[float, ...]
    b_ih: float
    b_hh: float
    input_part: float
    hidden_part: float
    pre: float
    value: float

    @property
    def label(self) -> str:
        return f"h{self.t}[{self.unit}]"

    @property
    def x_row(self) -> int:
        """The row of x_t in the sequence (time counts from 1, rows from 0)."""
        return self.t - 1

    @property
    def cell(self) -> tuple[int, int]:
        """Where h_t[unit] sits among the states h_0 … h_T (row t)."""
        return self.t, self.unit

    @property
    def previous_row(self) -> int:
        """The row of h_{t−1} among the states h_0 … h_T."""
        return self.t - 1

    @property
    def input_line(self) -> str:
        """`W_ih[0]·x2 + b_ih[0] = 0.3×1 + (-0.5)×0 + 0.1 = 0.4`."""
        products = [f"{fmt_factor(w)}×{fmt_factor(x)}" for w, x in zip(self.w_ih, self.x)]
        return f"W_ih[{self.unit}]·x{self.t} + b_ih[{self.unit}] = {_sum(products, self.b_ih)} = {fmt(self.input_part)}"

    @property
    def hidden_line(self) -> str:
        """`W_hh[0]·h1 + b_hh[0] = 0.2×0.4621 + … + (-0.2) = -0.1176`."""
        products = [f"{fmt_factor(w)}×{fmt_factor(h)}" for w, h in zip(self.w_hh, self.h_prev)]
        return f"W_hh[{self.unit}]·h{self.t - 1} + b_hh[{self.unit}] = {_sum(products, self.b_hh)} = {fmt(self.hidden_part)}"

    @property
    def tanh_line(self) -> str:
        """`h2[0] = tanh(0.4 + (-0.1176)) = tanh(0.2824) = 0.2751`."""
        return f"{self.label} = tanh({fmt(self.input_part)} + {fmt_factor(self.hidden_part)}) = tanh({fmt(self.pre)}) = {fmt(self.value)}"

    @property
    def lines(self) -> tuple[str, str, str]:
        return self.input_line, self.hidden_line, self.tanh_line


def _sum(products: list[str], bias: float) -> str:
    return " + ".join([*products, fmt_factor(bias)])


@dataclass(frozen=True, eq=False)
class RnnTrace:
    """Every h_t of one spec, and the two halves of each pre-activation, for stepping unit by unit."""

    spec: RnnSpec
    hidden: np.ndarray
    input_part: np.ndarray
    hidden_part: np.ndarray
    pre: np.ndarray

    @property
    def step_count(self) -> int:
        return self.spec.steps * self.spec.hidden_size

    @property
    def output(self) -> np.ndarray:
        """torch.nn.RNN's `output`: h_1 … h_T, one row per time step (T×H)."""
        return self.hidden[1:]

    @property
    def h_n(self) -> np.ndarray:
        """torch.nn.RNN's `h_n`: the last hidden state h_T."""
        return self.hidden[-1]

    @property
    def x_labels(self) -> list[str]:
        return [f"x{t}" for t in range(1, self.spec.steps + 1)]

    @property
    def h_labels(self) -> list[str]:
        return [f"h{t}" for t in range(self.spec.steps + 1)]

    def filled(self, index: int) -> int:
        """How many of the states h_0 … h_T are known once step `index` is done, in reading order (h_0 is given)."""
        return self.spec.hidden_size + self.step(index).index + 1

    def position(self, index: int) -> tuple[int, int]:
        """(t, unit) of step `index`: time steps in order, the units of each one after another."""
        index = min(max(index, 0), self.step_count - 1)
        row, unit = divmod(index, self.spec.hidden_size)
        return row + 1, unit

    def index_of(self, t: int, unit: int) -> int:
        return (t - 1) * self.spec.hidden_size + unit

    def index_at(self, position: tuple[int, int]) -> int:
        """The step of h_t[unit], or of the nearest unit and time step this trace has (after a resize)."""
        t, unit = position
        return self.index_of(
            min(max(t, 1), self.spec.steps),
            min(max(unit, 0), self.spec.hidden_size - 1),
        )

    def step(self, index: int) -> UnitStep:
        t, unit = self.position(index)
        spec = self.spec
        return UnitStep(
            index=self.index_of(t, unit),
            t=t,
            unit=unit,
            x=tuple(float(v) for v in spec.sequence[t - 1]),
            h_prev=tuple(float(v) for v in self.hidden[t - 1]),
            w_ih=tuple(float(v) for v in spec.w_ih[unit]),
            w_hh=tuple(float(v) for v in spec.w_hh[unit]),
            b_ih=float(spec.b_ih[unit]),
            b_hh=float(spec.b_hh[unit]),
            input_part=float(self.input_part[t - 1, unit]),
            hidden_part=float(self.hidden_part[t - 1, unit]),
            pre=float(self.pre[t - 1, unit]),
            value=float(self.hidden[t, unit]),
        )


def rnn_trace(spec: RnnSpec) -> RnnTrace:
    """Unroll the recurrence in float64: W_ih·x_t + b_ih and W_hh·h_{t−1} + b_hh, summed, then tanh."""
    steps, hidden = spec.steps, spec.hidden_size
    states = np.zeros((steps + 1, hidden))
    states[0] = spec.h0
    hidden_part = np.zeros((steps, hidden))
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, as a SpecError
        input_part = spec.sequence @ spec.w_ih.T + spec.b_ih
        for t in range(steps):
            hidden_part[t] = spec.w_hh @ states[t] + spec.b_hh
            states[t + 1] = np.tanh(input_part[t] + hidden_part[t])
        pre = input_part + hidden_part
    if not np.isfinite(pre).all():
        raise SpecError("rnn_overflow")
    for array in (states, input_part, hidden_part, pre):
        array.setflags(write=False)
    return RnnTrace(spec, states, input_part, hidden_part, pre)
