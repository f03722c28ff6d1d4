"""SGD, momentum, AdaGrad and Adam on a surface f(x, y), step by step, as torch.optim computes them.

The update rules are torch's, in torch's order of operations, in float64: SGD
with momentum keeps torch's buffer b ← μ·b + g (the first b is g itself) and
steps x ← x − η·b; Adagrad adds eps = 1e-10 to √h; Adam uses betas (0.9, 0.999),
eps = 1e-8 and the bias corrections 1 − β^t. (The book writes momentum, AdaGrad
and Adam slightly differently; the lesson's text says where.) A diverging run is
computed as torch computes it: inf, then NaN, never an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engine.errors import SpecError
from engine.numbers import fmt
from engine.optim_surfaces import BOOK, SURFACES, Surface, gradient, value

KINDS = ("sgd", "momentum", "adagrad", "adam")
BOOK_LR = {"sgd": 0.95, "momentum": 0.1, "adagrad": 1.5, "adam": 0.3}
BOOK_MOMENTUM = 0.9
ADAGRAD_EPS = 1e-10
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
MAX_STEPS = 1000
MAX_OPTIMIZERS = 4
MAX_START = 1e6
TORCH_CLASS = {"sgd": "SGD", "momentum": "SGD", "adagrad": "Adagrad", "adam": "Adam"}

Pair = tuple[float, float]


def _finite(number: object, what: str) -> float:
    if isinstance(number, bool) or not isinstance(number, (int, float, np.integer, np.floating)):
        raise SpecError("not_a_number", what=what, token=str(number))
    if not math.isfinite(number):
        raise SpecError("not_finite", what=what, token=fmt(float(number)))
    return float(number)


@dataclass(frozen=True)
class OptimizerSetting:
    """One optimizer on the surface: its kind, η and (for momentum only) μ. Validates as torch.optim's constructors do."""

    kind: str
    lr: float
    momentum: float = BOOK_MOMENTUM

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SpecError("optim_unknown_kind", kind=self.kind, choices=", ".join(KINDS))
        lr = _finite(self.lr, "optim_lr")
        if lr < 0.0:
            raise SpecError("optim_lr_negative", torch_message=f"Invalid learning rate: {lr}", value=fmt(lr))
        momentum = _finite(self.momentum, "optim_momentum")
        if momentum < 0.0:
            raise SpecError(
                "optim_momentum_negative", torch_message=f"Invalid momentum value: {momentum}", value=fmt(momentum)
            )
        object.__setattr__(self, "lr", lr)
        # μ means nothing to the other kinds: they all keep the default, so equal settings compare equal
        object.__setattr__(self, "momentum", momentum if self.kind == "momentum" else BOOK_MOMENTUM)

    @property
    def torch_call(self) -> str:
        """The constructor call the course would write, e.g. `optim.SGD(params, lr=0.1, momentum=0.9)`."""
        extra = f", momentum={self.momentum:g}" if self.kind == "momentum" else ""
        return f"optim.{TORCH_CLASS[self.kind]}(params, lr={self.lr:g}{extra})"


BOOK_COMPARISON = tuple(OptimizerSetting(kind, BOOK_LR[kind]) for kind in KINDS)


@dataclass(frozen=True)
class PathSpec:
    """The surface, where every optimizer starts (None: the surface's own start), how many steps, which optimizers."""

    surface: str = BOOK
    optimizers: tuple[OptimizerSetting, ...] = BOOK_COMPARISON
    start: Pair | None = None
    steps: int = 30

    def __post_init__(self) -> None:
        if self.surface not in SURFACES:
            raise SpecError("optim_unknown_surface", surface=self.surface, choices=", ".join(SURFACES))
        if not 1 <= len(self.optimizers) <= MAX_OPTIMIZERS:
            raise SpecError("optim_optimizer_count", count=len(self.optimizers), high=MAX_OPTIMIZERS)
        if isinstance(self.steps, bool) or not isinstance(self.steps, (int, np.integer)):
            raise SpecError("not_an_integer", what="optim_steps", token=str(self.steps))
        if not 1 <= self.steps <= MAX_STEPS:
            raise SpecError("optim_steps_range", value=self.steps, high=MAX_STEPS)
        if self.start is not None:
            start = tuple(_finite(number, "optim_start") for number in self.start)
            if len(start) != 2:
                raise SpecError("optim_start_pair", count=len(start))
            if max(abs(number) for number in start) > MAX_START:
                raise SpecError("optim_start_range", high=fmt(MAX_START))
            object.__setattr__(self, "start", start)

    @property
    def surface_info(self) -> Surface:
        return SURFACES[self.surface]

    @property
    def origin(self) -> Pair:
        return self.start if self.start is not None else self.surface_info.start


@dataclass(frozen=True)
class PathStep:
    """Update t of one optimizer: the gradient at `before`, the state it kept, and where it went.

    t = 0 is the start (no update: `grad` is None, `state` empty). The states
    are after this update: momentum's buffer b (and the b before it, from t = 2);
    AdaGrad's sum h and the denominator √h + ε; Adam's m, v, the bias-corrected
    m̂, v̂ and the denominator √v̂ + ε as torch computes it (√v / √(1 − β₂^t) + ε).
    """

    setting: OptimizerSetting
    t: int
    before: Pair
    after: Pair
    value: float
    grad: Pair | None = None
    state: dict[str, Pair | float] = field(default_factory=dict)


def _pair(array: np.ndarray) -> Pair:
    return float(array[0]), float(array[1])


@dataclass(frozen=True, eq=False)
class Path:
    """Every position of one optimizer, the gradients it used and the state after each update."""

    setting: OptimizerSetting
    positions: np.ndarray
    grads: np.ndarray
    values: np.ndarray
    steps: tuple[PathStep, ...]

    def at(self, index: int) -> PathStep:
        return self.steps[min(max(index, 0), len(self.steps) - 1)]

    def first_nonfinite(self) -> int | None:
        """The first step whose position holds inf or NaN; every later one does too."""
        bad = ~np.isfinite(self.positions).all(axis=1)
        return int(np.argmax(bad)) if bad.any() else None

    def first_nan(self) -> int | None:
        bad = np.isnan(self.positions).any(axis=1)
        return int(np.argmax(bad)) if bad.any() else None

    def inside(self, window: tuple[float, float, float, float]) -> np.ndarray:
        """Per step: is the position inside the drawn window (NaN is not)."""
        x_low, x_high, y_low, y_high = window
        x, y = self.positions[:, 0], self.positions[:, 1]
        with np.errstate(invalid="ignore"):
            return (x >= x_low) & (x <= x_high) & (y >= y_low) & (y <= y_high)

    def first_outside(self, window: tuple[float, float, float, float]) -> int | None:
        """The first step whose position lies outside the drawn window."""
        inside = self.inside(window)
        return int(np.argmin(inside)) if not inside.all() else None

    def outside_since(self, window: tuple[float, float, float, float], index: int) -> int | None:
        """None while step `index` is inside the window; else the step this stretch outside began
        (a path can leave and come back, as Adam's overshoots do)."""
        inside = self.inside(window)[: index + 1]
        if inside[-1]:
            return None
        back_inside = np.nonzero(inside)[0]
        return int(back_inside[-1]) + 1 if back_inside.size else 0


def _run(surface: str, setting: OptimizerSetting, start: Pair, steps: int) -> Path:
    """Take `steps` updates from `start` with torch's rule for `setting.kind`."""
    point = np.array(start, dtype=np.float64)
    lr, mu = setting.lr, setting.momentum
    beta1, beta2 = ADAM_BETAS
    positions, grads = [point], []
    buffer = None
    total = np.zeros(2)
    exp_avg, exp_avg_sq = np.zeros(2), np.zeros(2)
    records = [PathStep(setting, 0, start, start, float(value(surface, *point)))]
    with np.errstate(all="ignore"):  # a diverging run overflows to inf, then NaN, as it does in torch
        for t in range(1, steps + 1):
            g = gradient(surface, point)
            state: dict[str, Pair | float] = {}
            if setting.kind == "sgd":
                new = point - lr * g
            elif setting.kind == "momentum":
                if buffer is None:  # torch's first buffer is the gradient itself
                    buffer = g.copy()
                else:
                    state["buffer_before"] = _pair(buffer)
                    buffer = buffer * mu + g
                state["buffer"] = _pair(buffer)
                new = point - lr * buffer
            elif setting.kind == "adagrad":
                total = total + g * g
                std = np.sqrt(total) + ADAGRAD_EPS
                state.update(sum=_pair(total), denominator=_pair(std))
                new = point + (-lr * g) / std
            else:
                exp_avg = exp_avg + (1 - beta1) * (g - exp_avg)
                exp_avg_sq = exp_avg_sq * beta2 + ((1 - beta2) * g) * g
                bias1, bias2 = 1 - beta1 ** float(t), 1 - beta2 ** float(t)
                denom = np.sqrt(exp_avg_sq) / bias2**0.5 + ADAM_EPS
                new = point + (-(lr / bias1) * exp_avg) / denom
                state.update(
                    m=_pair(exp_avg),
                    v=_pair(exp_avg_sq),
                    m_hat=_pair(exp_avg / bias1),
                    v_hat=_pair(exp_avg_sq / bias2),
                    denominator=_pair(denom),
                )
            grads.append(g)
            records.append(PathStep(setting, t, _pair(point), _pair(new), float(value(surface, *new)), _pair(g), state))
            point = new
            positions.append(point)
    positions_array = np.array(positions)
    positions_array.setflags(write=False)
    values = np.array([record.value for record in records])
    return Path(setting, positions_array, np.array(grads).reshape(-1, 2), values, tuple(records))


@dataclass(frozen=True, eq=False)
class PathTrace:
    """All optimizers' paths for one spec; step i shows every path after i updates."""

    spec: PathSpec
    paths: tuple[Path, ...]

    @property
    def step_count(self) -> int:
        return self.spec.steps + 1

    def step(self, index: int) -> tuple[PathStep, ...]:
        return tuple(path.at(index) for path in self.paths)


def path_trace(spec: PathSpec) -> PathTrace:
    return PathTrace(spec, tuple(_run(spec.surface, setting, spec.origin, spec.steps) for setting in spec.optimizers))


def sgd_factors(surface: Surface, lr: float) -> Pair | None:
    """On a quadratic surface one SGD step multiplies each coordinate (measured from the point) by 1 − η·λ."""
    if surface.curvature is None:
        return None
    return 1 - lr * surface.curvature[0], 1 - lr * surface.curvature[1]
