"""Loss functions as the course writes them, term by term, and how torch's losses relate to them.

Mean squared error E = ½Σ(y_k − t_k)² and cross-entropy E = −Σ t_k·log(y_k + δ),
δ = 1e-7 as in the book's code (log 0 would be −∞), on a softmax output y and a
one-hot target t. torch.nn.MSELoss averages instead: Σ(y − t)²/n, so the
course's value is n/2 times torch's. torch.nn.CrossEntropyLoss takes logits z
and a class c and computes −log softmax(z)[c]; fed z = log(y + δ) it gives
−log((y_c + δ)/Σ(y + δ)) = CE + log Σ(y + δ), the course's CE when y sums to 1
(up to log(1 + nδ) ≈ nδ).

The lesson walks the n terms, then the totals, then the accuracy curve of
engine.loss_curve with a cursor: one index for all of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.errors import SpecError
from engine.loss_curve import AccuracyCurve, CurvePoint, accuracy_curve
from engine.matrix import parse_vector
from engine.numbers import fmt

DELTA = 1e-7
COURSE_Y = (0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0)
COURSE_CLASS = 2
CLASSES = len(COURSE_Y)
SUM_TOLERANCE = 1e-9

TERM, TOTAL, CURVE = "term", "total", "curve"


@dataclass(frozen=True)
class LossSpec:
    """A network output y (n = 10 numbers, ≥ 0) and the target class c: t is one-hot at c."""

    y: tuple[float, ...] = COURSE_Y
    target: int = COURSE_CLASS

    def __post_init__(self) -> None:
        object.__setattr__(self, "y", tuple(float(v) for v in self.y))
        if len(self.y) != CLASSES:
            raise SpecError("loss_length", got=len(self.y), expected=CLASSES)
        for k, value in enumerate(self.y):
            if not math.isfinite(value):
                raise SpecError("not_finite", what="loss_y", token=fmt(value))
            if value < 0:
                raise SpecError("loss_negative", index=k, value=fmt(value))
        self._check_squares()
        if not isinstance(self.target, (int, np.integer)) or isinstance(self.target, bool):
            raise SpecError("not_an_integer", what="loss_class", token=str(self.target))
        if not 0 <= self.target < CLASSES:
            raise SpecError("loss_class_range", value=self.target, high=CLASSES - 1)

    def _check_squares(self) -> None:
        """Σ(y − t)² must stay a float64, or the terms, the totals and torch's MSELoss would be inf (or raise)."""
        total = 0.0
        for k, (y, t) in enumerate(zip(self.y, self.t)):
            try:
                total += (y - t) ** 2
            except OverflowError:
                total = math.inf
            if not math.isfinite(total):
                raise SpecError("loss_overflow", index=k, value=fmt(y))

    @property
    def t(self) -> tuple[float, ...]:
        return tuple(1.0 if k == self.target else 0.0 for k in range(CLASSES))


def parse_y(text: str) -> tuple[float, ...]:
    """Numbers by spaces or commas, brackets allowed (`[0.1, 0.05, …]` pasted from Python)."""
    return tuple(parse_vector(text.replace("[", " ").replace("]", " "), "loss_y"))


def parse_class(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise SpecError("not_an_integer", what="loss_class", token=text.strip()) from None


@dataclass(frozen=True)
class LossTerm:
    """Term k of both sums, and both sums through term k (added in order, as the book's np.sum reads)."""

    k: int
    y: float
    t: float
    squared: float
    log: float
    cross: float
    mse_so_far: float
    ce_so_far: float

    @property
    def mse_text(self) -> str:
        """`½(0.6 − 1)² = 0.08`"""
        return f"½({fmt(self.y)} − {fmt(self.t)})² = {fmt(self.squared)}"

    @property
    def ce_text(self) -> str:
        """`−1·log(0.6 + 1e-7) = 0.5108`"""
        return f"−{fmt(self.t)}·log({fmt(self.y)} + 1e-7) = {fmt(self.cross)}"


@dataclass(frozen=True)
class LossStep:
    """Step `index`: a term, the totals, or the accuracy curve's cursor at stop `stop`."""

    index: int
    kind: str
    term: LossTerm | None = None
    stop: int | None = None
    point: CurvePoint | None = None


@dataclass(frozen=True, eq=False)
class LossTrace:
    """Every number the loss lesson shows for one spec."""

    spec: LossSpec
    terms: tuple[LossTerm, ...]
    curve: AccuracyCurve

    @property
    def n(self) -> int:
        return len(self.terms)

    @property
    def step_count(self) -> int:
        return self.n + 1 + len(self.curve.stops)

    @property
    def total_index(self) -> int:
        return self.n

    @property
    def curve_start(self) -> int:
        return self.n + 1

    @property
    def mse(self) -> float:
        """The course's ½Σ(y − t)²."""
        return self.terms[-1].mse_so_far

    @property
    def ce(self) -> float:
        """The course's −Σ t·log(y + δ)."""
        return self.terms[-1].ce_so_far

    @cached_property
    def squared_sum(self) -> float:
        return float(sum((term.y - term.t) ** 2 for term in self.terms))

    @property
    def mse_mean(self) -> float:
        """torch.nn.MSELoss() (reduction='mean'): Σ(y − t)²/n."""
        return self.squared_sum / self.n

    @property
    def mse_factor(self) -> float:
        """course = torch × n/2."""
        return self.n / 2

    @cached_property
    def logits(self) -> np.ndarray:
        """z = log(y + δ): logits whose softmax is y/Σy (up to δ), what CrossEntropyLoss wants."""
        z = np.log(np.array(self.spec.y) + DELTA)
        z.setflags(write=False)
        return z

    @cached_property
    def log_sum(self) -> float:
        """log Σ(y + δ) = logsumexp(z): what CrossEntropyLoss subtracts beyond the course's CE."""
        return float(np.logaddexp.reduce(self.logits))

    @property
    def ce_logits(self) -> float:
        """torch.nn.CrossEntropyLoss()(z, c) = −z_c + logsumexp(z)."""
        return float(-self.logits[self.spec.target] + self.log_sum)

    @property
    def y_sum(self) -> float:
        return float(math.fsum(self.spec.y))

    @property
    def sums_to_one(self) -> bool:
        return abs(self.y_sum - 1.0) <= SUM_TOLERANCE

    @property
    def predicted(self) -> int:
        """argmax y: the class the network would answer (the first on ties)."""
        return int(np.argmax(self.spec.y))

    def step(self, index: int) -> LossStep:
        index = min(max(index, 0), self.step_count - 1)
        if index < self.n:
            return LossStep(index, TERM, term=self.terms[index])
        if index == self.n:
            return LossStep(index, TOTAL)
        stop = index - self.curve_start
        return LossStep(index, CURVE, stop=stop, point=self.curve.stops[stop])


def loss_trace(spec: LossSpec) -> LossTrace:
    """The terms with running sums; the accuracy curve is the same for every spec (computed once)."""
    terms = []
    mse = ce = 0.0
    for k, (y, t) in enumerate(zip(spec.y, spec.t)):
        squared = 0.5 * (y - t) ** 2
        log = math.log(y + DELTA)
        cross = -t * log + 0.0  # + 0.0 turns −0.0 (t = 0) into 0
        mse, ce = mse + squared, ce + cross
        terms.append(LossTerm(k, y, t, squared, log, cross, mse, ce))
    return LossTrace(spec, tuple(terms), accuracy_curve())
