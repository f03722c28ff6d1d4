"""The backprop lesson's three graphs and the inputs a student may change: AutogradSpec → Graph.

course:   the course's example, x = [[1, 1], [1, 1]], y = x + 2, z = y·y·3, out = z.mean()
apples:   the book's shopping graph, 2 apples × 100 yen × tax 1.1 = 220
twolayer: a 2-layer net on one example, Affine → ReLU → Affine → Softmax-with-loss, fixed weights
nograd:   the course's graph computed under torch.no_grad(): nothing recorded, backward refused
vector:   the course's graph without the mean, z = 3(x + 2)², so z.backward(gradient=v) computes Jᵀ·v
twice:    the course's graph, backward called again without zeroing x.grad, then once more on the freed graph
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from engine.autograd import (
    AddConstant,
    Affine,
    Graph,
    Mean,
    Multiply,
    Node,
    Relu,
    Scale,
    SoftmaxWithLoss,
    softmax,
    uniform,
)
from engine.autograd_calls import default_gradient, gradient_mismatch
from engine.errors import SpecError
from engine.matrix import parse_matrix, parse_vector
from engine.numbers import fmt

PRESETS = ("course", "apples", "twolayer", "nograd", "vector", "twice")
COURSE_GRAPHS = ("course", "nograd", "vector", "twice")  # the course's x, typed as a matrix
COURSE_ADD, COURSE_SCALE = 2.0, 3.0
MAX_SIDE = 3
MAX_MAGNITUDE = 1e6

COURSE_X = np.ones((2, 2))
TWOLAYER_X = np.array([[0.6, -0.9]])
TWOLAYER_TARGET = 2
W1 = np.array([[0.5, -0.3, 0.8], [0.2, 0.6, -0.4]])
B1 = np.array([0.1, 0.05, -0.2])
W2 = np.array([[0.7, -0.5, 0.1], [0.3, 0.8, -0.6], [-0.4, 0.2, 0.9]])
B2 = np.array([0.0, 0.1, -0.1])
CLASSES = W2.shape[1]


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=np.float64)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class AutogradSpec:
    """A preset and its editable inputs: x (all but apples), apple/count/tax (apples), the target class (twolayer),
    the gradient v passed to backward (vector; None: the default, `v`, follows x's shape)."""

    preset: str = "course"
    x: np.ndarray | None = None
    apple: float = 100.0
    count: float = 2.0
    tax: float = 1.1
    target: int = TWOLAYER_TARGET
    gradient: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            raise SpecError("autograd_unknown_preset", name=self.preset, choices=", ".join(PRESETS))
        default = TWOLAYER_X if self.preset == "twolayer" else COURSE_X
        object.__setattr__(self, "x", _frozen(default if self.x is None else self.x))
        if self.gradient is not None:
            object.__setattr__(self, "gradient", _frozen(self.gradient))
        self._validate()

    def _validate(self) -> None:
        if self.preset in COURSE_GRAPHS:
            if self.x.ndim != 2 or self.x.size == 0:
                raise SpecError("empty_matrix", what="input")
            if self.x.shape[0] > MAX_SIDE or self.x.shape[1] > MAX_SIDE:
                raise SpecError(
                    "autograd_x_size",
                    height=self.x.shape[0],
                    width=self.x.shape[1],
                    limit=MAX_SIDE,
                )
        if self.preset == "vector" and self.v.shape != self.x.shape:
            raise SpecError(
                "autograd_gradient_shape",
                torch_message=gradient_mismatch(self.v.shape, self.x.shape),
                got="×".join(map(str, self.v.shape)),
                expected="×".join(map(str, self.x.shape)),
            )
        if self.preset == "twolayer":
            if self.x.size != W1.shape[0]:
                raise SpecError("autograd_x_length", got=self.x.size, expected=W1.shape[0])
            object.__setattr__(self, "x", _frozen(self.x.reshape(1, -1)))
            if isinstance(self.target, bool) or not isinstance(self.target, (int, np.integer)):
                raise SpecError("not_an_integer", what="autograd_class", token=str(self.target))
            if not 0 <= self.target < CLASSES:
                raise SpecError("autograd_class_range", value=self.target, high=CLASSES - 1)
        for name, value in self.inputs():
            flat = np.asarray(value, dtype=np.float64).reshape(-1)
            bad = flat[~np.isfinite(flat)]
            if bad.size:
                raise SpecError("not_finite", what=f"autograd_{name}", token=fmt(bad[0]))
            if np.abs(flat).max(initial=0) > MAX_MAGNITUDE:
                raise SpecError(
                    "autograd_too_big",
                    what=f"autograd_{name}",
                    limit=fmt(MAX_MAGNITUDE),
                )

    def inputs(self) -> tuple[tuple[str, np.ndarray | float], ...]:
        """What the student can type for this preset, by name."""
        if self.preset == "apples":
            return (("apple", self.apple), ("count", self.count), ("tax", self.tax))
        if self.preset == "vector":
            return (("x", self.x), ("v", self.v))
        return (("x", self.x),)

    @property
    def v(self) -> np.ndarray:
        """The gradient=v vector passes to z.backward: the one typed, else 1, 0.1, 0.01 … shaped like x (and z)."""
        return _frozen(default_gradient(self.x.shape)) if self.gradient is None else self.gradient


def graph(spec: AutogradSpec) -> Graph:
    """The preset's graph; vector stops at z (four numbers for a 2×2 x), the others end in one number."""
    if spec.preset in COURSE_GRAPHS:
        nodes = (
            Node("y", AddConstant(COURSE_ADD), ("x",)),
            Node("u", Multiply(), ("y", "y")),
            Node("z", Scale(COURSE_SCALE), ("u",)),
            Node("out", Mean(), ("z",)),
        )
        return Graph(leaves=(("x", spec.x),), nodes=nodes[:-1] if spec.preset == "vector" else nodes)
    if spec.preset == "apples":
        return Graph(
            leaves=tuple((name, _frozen(value)) for name, value in spec.inputs()),
            nodes=(
                Node("cost", Multiply(), ("apple", "count")),
                Node("price", Multiply(), ("cost", "tax")),
            ),
        )
    return Graph(
        leaves=(
            ("x", spec.x),
            ("W1", _frozen(W1)),
            ("b1", _frozen(B1)),
            ("W2", _frozen(W2)),
            ("b2", _frozen(B2)),
        ),
        nodes=(
            Node("h", Affine(), ("x", "W1", "b1")),
            Node("r", Relu(), ("h",)),
            Node("s", Affine(), ("r", "W2", "b2")),
            Node("L", SoftmaxWithLoss(spec.target), ("s",)),
        ),
    )


@dataclass(frozen=True, eq=False)
class ClosedForm:
    """A gradient worked out by hand: ∂out/∂`name` = `formula`, with the numbers (`filled`, None when too many)."""

    name: str
    formula: str
    filled: str | None
    value: np.ndarray
    where: str = ""  # what a letter of the formula stands for, said after the value so every "=" holds


def closed_forms(spec: AutogradSpec, values: dict[str, np.ndarray]) -> tuple[ClosedForm, ...]:
    """What the course and the book derive on paper, to set beside backward's numbers."""
    if spec.preset in COURSE_GRAPHS:
        n, x = spec.x.size, spec.x
        k = 2 * COURSE_SCALE
        x_plus = f"{fmt(k)}·({fmt(x.flat[0])} + {fmt(COURSE_ADD)})" if uniform(x) else None
        if spec.preset == "vector":  # ∂(Σ v·z)/∂x, z = 3(x + 2)² cell by cell
            value = k * (x + COURSE_ADD) * spec.v
            formula, filled = f"{fmt(k)}(x + {fmt(COURSE_ADD)})·v", x_plus and f"{x_plus}·v"
        else:
            value = k * (x + COURSE_ADD) / n
            formula, filled = f"{fmt(k)}(x + {fmt(COURSE_ADD)})/n", x_plus and f"{x_plus}/{n}"
            return (ClosedForm("x", formula, filled, _frozen(value), where=f"n = {n}"),)
        return (ClosedForm("x", formula, filled, _frozen(value)),)
    if spec.preset == "apples":
        numbers = dict(spec.inputs())
        forms = []
        for name, (a, b) in {
            "apple": ("count", "tax"),
            "count": ("apple", "tax"),
            "tax": ("apple", "count"),
        }.items():
            product = math.prod((numbers[a], numbers[b]))
            forms.append(
                ClosedForm(
                    name,
                    f"{a} · {b}",
                    f"{fmt(numbers[a])} · {fmt(numbers[b])}",
                    _frozen(product),
                )
            )
        return tuple(forms)
    target = np.eye(CLASSES)[spec.target][None]
    return (
        ClosedForm(
            "s",
            f"softmax(s) − onehot({spec.target})",
            None,
            _frozen(softmax(values["s"]) - target),
        ),
    )


def parse_number(text: str, name: str) -> float:
    """Exactly one number (apple, count, tax)."""
    numbers = parse_vector(text, f"autograd_{name}")
    if len(numbers) != 1:
        raise SpecError("autograd_one_number", what=f"autograd_{name}", got=len(numbers))
    return numbers[0]


def parse_class(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise SpecError("not_an_integer", what="autograd_class", token=text.strip()) from None


def spec_with_texts(spec: AutogradSpec, texts: Mapping[str, str]) -> AutogradSpec:
    """The spec with what the student typed (only the preset's own fields), validated."""
    changes: dict[str, object] = {}
    if "x" in texts and spec.preset in COURSE_GRAPHS:
        changes["x"] = parse_matrix(texts["x"], "input")
    elif "x" in texts:  # twolayer: a vector, brackets allowed as Python prints it
        changes["x"] = np.array(parse_vector(texts["x"].replace("[", " ").replace("]", " "), "autograd_x"))
    for name in ("apple", "count", "tax"):
        if name in texts:
            changes[name] = parse_number(texts[name], name)
    if "class" in texts:
        changes["target"] = parse_class(texts["class"])
    if "v" in texts and spec.preset == "vector":  # empty: the default v for x's shape
        changes["gradient"] = parse_matrix(texts["v"], "autograd_v") if texts["v"].strip() else None
    return replace(spec, **changes)
