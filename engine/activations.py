"""Activation functions and their derivatives, as torch computes them, read at a cursor or over a vector.

Sigmoid, tanh, ReLU and identity act on each number alone, so the lesson plots
f(x) and f′(x) over x in −5 … 5 and a cursor reads them at 41 points (the
steps). Softmax acts on a whole vector: its steps are the vector's entries, and
its derivative is a matrix, ∂y_k/∂a_j = y_k·(δ_kj − y_j). ReLU′(0) is 0, torch's
choice where the slope is undefined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import SpecError
from engine.numbers import fmt, fmt_factor

FUNCTIONS = ("sigmoid", "tanh", "relu", "identity", "softmax")
SOFTMAX = "softmax"
X_LOW, X_HIGH, X_STEP = -5.0, 5.0, 0.25
DEFAULT_VECTOR = (0.3, 2.9, 4.0)  # the course's softmax example
MIN_ENTRIES, MAX_ENTRIES = 2, 8
MAX_ENTRY = 1000.0
TORCH_FUNCTION = {
    "sigmoid": "torch.sigmoid",
    "tanh": "torch.tanh",
    "relu": "torch.relu",
    "identity": "torch.nn.Identity",
    "softmax": "torch.softmax",
}
FORMULAS = {
    "sigmoid": ("σ(x) = 1 / (1 + e^-x)", "σ′(x) = σ(x)·(1 − σ(x))"),
    "tanh": ("tanh(x) = (eˣ − e^-x) / (eˣ + e^-x)", "tanh′(x) = 1 − tanh²(x)"),
    "relu": ("ReLU(x) = max(0, x)", "ReLU′(x) = 1 (x > 0), 0 (x ≤ 0)"),
    "identity": ("f(x) = x", "f′(x) = 1"),
    "softmax": ("y_k = e^a_k / Σ_j e^a_j", "∂y_k/∂a_j = y_k·(δ_kj − y_j)"),
}


def value(function: str, x: np.ndarray) -> np.ndarray:
    """f(x) elementwise, for the four functions that act on one number at a time."""
    x = np.asarray(x, dtype=np.float64)
    if function == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if function == "tanh":
        return np.tanh(x)
    if function == "relu":
        return np.maximum(x, 0.0)
    return x.copy()


def derivative(function: str, x: np.ndarray) -> np.ndarray:
    """f′(x) in the form autograd uses: from f itself where it can (σ(1 − σ), 1 − tanh²)."""
    x = np.asarray(x, dtype=np.float64)
    if function == "sigmoid":
        s = value("sigmoid", x)
        return s * (1.0 - s)
    if function == "tanh":
        return 1.0 - np.tanh(x) ** 2
    if function == "relu":
        return (x > 0).astype(np.float64)
    return np.ones_like(x)


@dataclass(frozen=True)
class ActivationSpec:
    """Which function, and the vector softmax acts on (kept while another function is shown)."""

    function: str = "sigmoid"
    vector: tuple[float, ...] = DEFAULT_VECTOR

    def __post_init__(self) -> None:
        if self.function not in FUNCTIONS:
            raise SpecError(
                "activations_unknown_function",
                function=self.function,
                choices=", ".join(FUNCTIONS),
            )
        vector = tuple(float(v) for v in self.vector)
        object.__setattr__(self, "vector", vector)
        if not MIN_ENTRIES <= len(vector) <= MAX_ENTRIES:
            raise SpecError(
                "activations_vector_length",
                got=len(vector),
                low=MIN_ENTRIES,
                high=MAX_ENTRIES,
            )
        for entry in vector:
            if not np.isfinite(entry):
                raise SpecError("not_finite", what="activations_vector", token=fmt(entry))
            if abs(entry) > MAX_ENTRY:
                raise SpecError("activations_entry_range", value=fmt(entry), limit=fmt(MAX_ENTRY))

    @property
    def is_softmax(self) -> bool:
        return self.function == SOFTMAX


@dataclass(frozen=True)
class CurveStep:
    """The cursor at x: f(x) and f′(x), and both written out with the numbers."""

    index: int
    function: str
    x: float
    value: float
    slope: float

    @property
    def at_kink(self) -> bool:
        """ReLU at exactly 0: no slope in calculus; torch (and this lesson) uses 0."""
        return self.function == "relu" and self.x == 0

    @property
    def equations(self) -> tuple[str, str]:
        x, y, d = fmt(self.x), fmt(self.value), fmt(self.slope)
        if self.function == "sigmoid":
            return (
                f"σ({x}) = 1 / (1 + e^{fmt_factor(-self.x)}) = {y}",
                f"σ′({x}) = {y}·(1 − {y}) = {d}",
            )
        if self.function == "tanh":
            return (
                f"tanh({x}) = {y}",
                f"tanh′({x}) = 1 − {fmt_factor(self.value)}² = {d}",
            )
        if self.function == "relu":
            return (
                f"ReLU({x}) = max(0, {x}) = {y}",
                f"ReLU′({x}) = {d}  ({x} {'>' if self.x > 0 else '≤'} 0)",
            )
        return f"f({x}) = {y}", f"f′({x}) = {d}"


@dataclass(frozen=True, eq=False)
class CurveTrace:
    """f and f′ at the cursor's 41 positions, x = −5, −4.75, …, 5."""

    spec: ActivationSpec
    xs: np.ndarray
    values: np.ndarray
    slopes: np.ndarray

    @property
    def step_count(self) -> int:
        return len(self.xs)

    def step(self, index: int) -> CurveStep:
        index = min(max(index, 0), self.step_count - 1)
        return CurveStep(
            index,
            self.spec.function,
            float(self.xs[index]),
            float(self.values[index]),
            float(self.slopes[index]),
        )

    def index_of(self, x: float) -> int:
        return int(np.abs(self.xs - x).argmin())


@dataclass(frozen=True)
class SoftmaxStep:
    """Entry k of the vector: y_k written out, and row k of the Jacobian."""

    index: int
    a: float
    largest: float
    exp: float
    total: float
    y: float
    jacobian_row: tuple[float, ...]

    @property
    def equation(self) -> str:
        """`y_2 = e^(4 − 4) / Σ = 1 / 1.358 = 0.7366`: the largest entry is subtracted first, as torch does."""
        k = self.index
        return f"y_{k} = e^({fmt(self.a)} − {fmt_factor(self.largest)}) / Σ = {fmt(self.exp)} / {fmt(self.total)} = {fmt(self.y)}"

    @property
    def gradient(self) -> str:
        row = ", ".join(fmt(v) for v in self.jacobian_row)
        return f"∂y_{self.index}/∂a = y_{self.index}·(δ_{self.index}j − y_j) = ({row})"


@dataclass(frozen=True, eq=False)
class SoftmaxTrace:
    """softmax(a) = e^(a − max a) / Σ e^(a − max a), and its Jacobian diag(y) − y·yᵀ."""

    spec: ActivationSpec
    a: np.ndarray
    shifted: np.ndarray
    exps: np.ndarray
    total: float
    y: np.ndarray
    jacobian: np.ndarray

    @property
    def step_count(self) -> int:
        return len(self.a)

    @property
    def y_sum(self) -> float:
        """Σ y_k: 1 up to rounding, whatever the input."""
        return float(self.y.sum())

    def step(self, index: int) -> SoftmaxStep:
        k = min(max(index, 0), self.step_count - 1)
        largest = float(self.a.max())
        return SoftmaxStep(
            k,
            float(self.a[k]),
            largest,
            float(self.exps[k]),
            self.total,
            float(self.y[k]),
            tuple(float(v) for v in self.jacobian[k]),
        )


def softmax(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """The shifted inputs, their exponentials, the sum and y: subtracting the max keeps e^a from overflowing."""
    shifted = a - a.max()
    exps = np.exp(shifted)
    total = float(exps.sum())
    return shifted, exps, total, exps / total


def curve_trace(spec: ActivationSpec) -> CurveTrace:
    xs = np.linspace(X_LOW, X_HIGH, int(round((X_HIGH - X_LOW) / X_STEP)) + 1)
    return CurveTrace(spec, xs, value(spec.function, xs), derivative(spec.function, xs))


def softmax_trace(spec: ActivationSpec) -> SoftmaxTrace:
    a = np.array(spec.vector, dtype=np.float64)
    shifted, exps, total, y = softmax(a)
    jacobian = np.diag(y) - np.outer(y, y)
    return SoftmaxTrace(spec, a, shifted, exps, total, y, jacobian)


def activation_trace(spec: ActivationSpec) -> CurveTrace | SoftmaxTrace:
    return softmax_trace(spec) if spec.is_softmax else curve_trace(spec)


def bar(fraction: float, width: int) -> str:
    """A horizontal bar `fraction` of `width` cells long, in eighths of a cell (▏▎▍▌▋▊▉█)."""
    eighths = int(round(min(max(fraction, 0.0), 1.0) * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])
