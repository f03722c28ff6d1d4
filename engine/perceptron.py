"""The course's perceptron: y = 1 if w1·x1 + w2·x2 + b > 0, else 0, on the four inputs of a logic gate.

Weights are Decimals so that every sum is exact: 0.1 + 0.2 − 0.3 is 0 here, as
on paper, and the step function gives 0 there (the course's "≤ θ → 0"). In
float64 that sum is 5.6e-17 and the point would land on the wrong side.
A PerceptronSpec is what the student sets; perceptron_trace() computes the
four rows once, so stepping through the inputs is only an index.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache

import numpy as np

from engine.errors import SpecError
from engine.numbers import fmt, fmt_factor

GATES = ("and", "or", "nand", "xor", "xor2")
TWO_LAYER = "xor2"
INPUTS = ((0, 0), (1, 0), (0, 1), (1, 1))  # the course's order
TRUTH = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "xor": (0, 1, 1, 0),
    TWO_LAYER: (0, 1, 1, 0),
}
COURSE_WEIGHTS = {
    "and": ("0.5", "0.5", "-0.7"),
    "or": ("0.5", "0.5", "-0.2"),
    "nand": ("-0.5", "-0.5", "0.7"),
    "xor": ("0.5", "0.5", "-0.2"),  # OR's line: 3 of 4 right, as good as one line gets
    TWO_LAYER: ("0.5", "0.5", "-0.2"),
}
WEIGHTS = ("w1", "w2", "b")
STEP = Decimal("0.1")
MAX_WEIGHT = Decimal(10)
HUNDREDTH = Decimal("0.01")
SEARCH_TENTHS = 10  # the grid search tries w1, w2, b in −1.0 … 1.0 by 0.1
Number = Decimal | int  # an input: 0 or 1 in the truth table, any point of the plane in the picture


def gate_name(gate: str) -> str:
    """`AND`, and the two-layer build under XOR's name."""
    return "XOR" if gate == TWO_LAYER else gate.upper()


def as_decimal(value: object, what: str) -> Decimal:
    """A weight as an exact Decimal, at most ±10 in hundredths: a float by its shortest repr (0.1 stays 0.1)."""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        raise SpecError("not_a_number", what=what, token=str(value)) from None
    if not number.is_finite():
        raise SpecError("not_finite", what=what, token=str(value))
    if abs(number) > MAX_WEIGHT:
        raise SpecError(
            "perceptron_weight_range",
            what=what,
            value=fmt(float(number)),
            limit=int(MAX_WEIGHT),
        )
    if number != number.quantize(HUNDREDTH):  # longer numbers would widen the table past an 80-column screen
        raise SpecError("perceptron_weight_decimals", what=what, value=str(value).strip())
    return number + 0  # normalises −0 to 0


@dataclass(frozen=True)
class Unit:
    """One perceptron: two weights and a bias."""

    w1: Decimal
    w2: Decimal
    b: Decimal

    def total(self, x1: Number, x2: Number) -> Decimal:
        return self.w1 * x1 + self.w2 * x2 + self.b

    def fire(self, x1: Number, x2: Number) -> int:
        """The step function: 1 above 0, and 0 at 0 and below."""
        return 1 if self.total(x1, x2) > 0 else 0

    @property
    def has_line(self) -> bool:
        """With w1 = w2 = 0 the sum is b everywhere: no line, one output for all."""
        return bool(self.w1 or self.w2)

    def text(self) -> str:
        return f"w1 = {fmt(float(self.w1))}, w2 = {fmt(float(self.w2))}, b = {fmt(float(self.b))}"


COURSE_UNITS = {gate: Unit(*(Decimal(v) for v in weights)) for gate, weights in COURSE_WEIGHTS.items()}
HIDDEN = (
    ("s1", "nand"),
    ("s2", "or"),
)  # XOR = AND(NAND(x1, x2), OR(x1, x2)), the course's build


@dataclass(frozen=True)
class PerceptronSpec:
    """A gate to realise and the student's weights (None: the course's for that gate).

    The two-layer XOR uses the course's NAND, OR and AND units; its own weights are not used.
    """

    gate: str = "and"
    w1: Decimal | float | str | None = None
    w2: Decimal | float | str | None = None
    b: Decimal | float | str | None = None

    def __post_init__(self) -> None:
        if self.gate not in GATES:
            raise SpecError("perceptron_unknown_gate", gate=self.gate, choices=", ".join(GATES))
        course = COURSE_UNITS[self.gate]
        for name in WEIGHTS:
            value = getattr(self, name)
            object.__setattr__(
                self,
                name,
                getattr(course, name) if value is None else as_decimal(value, f"perceptron_{name}"),
            )

    @property
    def unit(self) -> Unit:
        return Unit(self.w1, self.w2, self.b)

    def weight_text(self, name: str) -> str:
        return fmt(float(getattr(self, name)))

    @property
    def two_layer(self) -> bool:
        return self.gate == TWO_LAYER

    @property
    def targets(self) -> tuple[int, ...]:
        return TRUTH[self.gate]

    def with_gate(self, gate: str) -> PerceptronSpec:
        """Another gate starts from the course's weights for it."""
        return PerceptronSpec(gate)

    def with_step(self, name: str, delta: int) -> PerceptronSpec:
        """One weight moved by `delta` steps of 0.1, exactly."""
        return self.with_weights(**{name: getattr(self, name) + delta * STEP})

    def with_weights(self, **weights: object) -> PerceptronSpec:
        if self.two_layer:
            raise SpecError("perceptron_fixed_network")
        return replace(self, **weights)


@dataclass(frozen=True)
class UnitStep:
    """One unit on one input: its weighted sum and what the step function makes of it."""

    label: str
    gate: str
    inputs: tuple[Number, Number]
    unit: Unit
    total: Decimal
    output: int

    @property
    def total_text(self) -> str:
        return fmt(float(self.total))

    @property
    def equation(self) -> str:
        """`Σ = 0.5·1 + 0.5·1 + (-0.7) = 0.3 > 0 → y = 1`: the sum Σ, then the unit's output after the step."""
        (x1, x2), unit = self.inputs, self.unit
        terms = f"{fmt_factor(float(unit.w1))}·{x1} + {fmt_factor(float(unit.w2))}·{x2} + {fmt_factor(float(unit.b))}"
        compare = "> 0" if self.output else "≤ 0"
        return f"Σ = {terms} = {self.total_text} {compare} → {self.label} = {self.output}"


def _unit_step(label: str, gate: str, unit: Unit, x1: Number, x2: Number) -> UnitStep:
    return UnitStep(label, gate, (x1, x2), unit, unit.total(x1, x2), unit.fire(x1, x2))


def forward(spec: PerceptronSpec, x1: Number, x2: Number) -> tuple[UnitStep, ...]:
    """The units in the order they fire; the last one is the output y."""
    if not spec.two_layer:
        return (_unit_step("y", "", spec.unit, x1, x2),)
    hidden = tuple(_unit_step(label, gate.upper(), COURSE_UNITS[gate], x1, x2) for label, gate in HIDDEN)
    return (
        *hidden,
        _unit_step("y", "AND", COURSE_UNITS["and"], hidden[0].output, hidden[1].output),
    )


@dataclass(frozen=True)
class Row:
    """One input of the truth table: what the units compute and what the gate wants."""

    index: int
    x: tuple[int, int]
    target: int
    units: tuple[UnitStep, ...]

    @property
    def output(self) -> int:
        return self.units[-1].output

    @property
    def correct(self) -> bool:
        return self.output == self.target


@dataclass(frozen=True)
class Separability:
    """A grid search over (w1, w2, b): how many single lines get all four rows of a gate right."""

    lines: int
    separating: int
    best: int
    example: tuple[Decimal, Decimal, Decimal]

    @property
    def low(self) -> str:
        return fmt(-SEARCH_TENTHS / 10)

    @property
    def high(self) -> str:
        return fmt(SEARCH_TENTHS / 10)


@cache
def separability(targets: tuple[int, ...]) -> Separability:
    """Try every line with w1, w2, b in −1.0 … 1.0 by 0.1, in exact integer tenths."""
    tenths = np.arange(-SEARCH_TENTHS, SEARCH_TENTHS + 1)
    w1, w2, b = (axis.reshape(-1) for axis in np.meshgrid(tenths, tenths, tenths, indexing="ij"))
    inputs = np.array(INPUTS)
    fired = (w1[:, None] * inputs[:, 0] + w2[:, None] * inputs[:, 1] + b[:, None]) > 0
    right = (fired == np.array(targets, dtype=bool)).sum(axis=1)
    first_best = int(right.argmax())
    example = tuple(Decimal(int(axis[first_best])) / 10 for axis in (w1, w2, b))
    return Separability(int(right.size), int((right == len(INPUTS)).sum()), int(right.max()), example)


@dataclass(frozen=True)
class PerceptronTrace:
    """The four rows of the truth table, the units whose lines are drawn, and the grid search's verdict."""

    spec: PerceptronSpec
    rows: tuple[Row, ...]
    lines: tuple[Unit, ...]
    search: Separability

    @property
    def step_count(self) -> int:
        return len(self.rows)

    def step(self, index: int) -> Row:
        return self.rows[min(max(index, 0), self.step_count - 1)]

    @property
    def score(self) -> int:
        return sum(row.correct for row in self.rows)


def perceptron_trace(spec: PerceptronSpec) -> PerceptronTrace:
    rows = tuple(
        Row(index, x, target, forward(spec, *x)) for index, (x, target) in enumerate(zip(INPUTS, spec.targets))
    )
    lines = tuple(COURSE_UNITS[gate] for _, gate in HIDDEN) if spec.two_layer else (spec.unit,)
    return PerceptronTrace(spec, rows, lines, separability(spec.targets))
