"""A tiny reverse-mode autograd, micrograd-style: each operation has a forward and a backward that read like the math.

An Op's backward takes the upstream gradient ∂L/∂out and the forward's inputs
and returns ∂L/∂input for each input: local gradient × upstream (the chain
rule). Elementwise ops also say what the local gradient is (`local`), so the
lesson can show the two factors. Each op names the grad_fn torch records for
the same operation (checked in tests against torch's real graph).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine.numbers import fmt


def onehot(target: int, classes: int) -> np.ndarray:
    return np.eye(classes)[target][None]


def uniform(*arrays: np.ndarray) -> bool:
    """Each array holds one number repeated (the course's x keeps them so): the lesson writes it once."""
    return all(np.asarray(a).size >= 1 and bool((np.asarray(a) == np.asarray(a).flat[0]).all()) for a in arrays)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row max so exp cannot overflow."""
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Op:
    """The interface: `symbol` labels the edge in the drawn graph, `grad_fns` are torch's names for it."""

    symbol: ClassVar[str] = ""
    grad_fns: ClassVar[tuple[str, ...]] = ()

    def formula(self, out: str, inputs: tuple[str, ...]) -> str:
        raise NotImplementedError

    def forward(self, *values: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, upstream: np.ndarray, *values: np.ndarray) -> tuple[np.ndarray, ...]:
        raise NotImplementedError

    def rule(self, out: str, inputs: tuple[str, ...], slot: int, loss: str = "L") -> str:
        """Elementwise ops: the local gradient ∂out/∂input (`y` for u = y·y); matrix ops: ∂loss/∂input in full."""
        raise NotImplementedError

    def local(self, values: tuple[np.ndarray, ...], slot: int) -> np.ndarray | None:
        """The local gradient as numbers when backward is local × upstream cell by cell; None for matrix rules."""
        return None


@dataclass(frozen=True)
class AddConstant(Op):
    """out = a + c: the local gradient is 1, so the upstream gradient passes through unchanged."""

    constant: float = 2.0
    grad_fns = ("AddBackward0",)

    @property
    def symbol(self) -> str:
        return f"+ {fmt(self.constant)}"

    def formula(self, out, inputs):
        return f"{out} = {inputs[0]} + {fmt(self.constant)}"

    def forward(self, a):
        return a + self.constant

    def backward(self, upstream, a):
        return (upstream * 1.0,)

    def rule(self, out, inputs, slot, loss="L"):
        return "1"

    def local(self, values, slot):
        return np.ones_like(values[0])


@dataclass(frozen=True)
class Multiply(Op):
    """out = a·b cell by cell: each input's local gradient is the other input (the book's MulLayer)."""

    symbol = "×"
    grad_fns = ("MulBackward0",)

    def formula(self, out, inputs):
        return f"{out} = {inputs[0]} · {inputs[1]}"

    def forward(self, a, b):
        return a * b

    def backward(self, upstream, a, b):
        return upstream * b, upstream * a

    def rule(self, out, inputs, slot, loss="L"):
        return inputs[1 - slot]

    def local(self, values, slot):
        return values[1 - slot]


@dataclass(frozen=True)
class Scale(Op):
    """out = a·c for a constant c: torch records it as a MulBackward0 too."""

    constant: float = 3.0
    grad_fns = ("MulBackward0",)

    @property
    def symbol(self) -> str:
        return f"× {fmt(self.constant)}"

    def formula(self, out, inputs):
        return f"{out} = {inputs[0]} · {fmt(self.constant)}"

    def forward(self, a):
        return a * self.constant

    def backward(self, upstream, a):
        return (upstream * self.constant,)

    def rule(self, out, inputs, slot, loss="L"):
        return fmt(self.constant)

    def local(self, values, slot):
        return np.full_like(values[0], self.constant)


@dataclass(frozen=True)
class Mean(Op):
    """out = (1/n)·Σ a: every cell's local gradient is 1/n."""

    symbol = "mean"
    grad_fns = ("MeanBackward0",)

    def formula(self, out, inputs):
        return f"{out} = mean({inputs[0]})"

    def forward(self, a):
        return np.array(a.mean())

    def backward(self, upstream, a):
        return (np.full_like(a, float(upstream) / a.size),)

    def rule(self, out, inputs, slot, loss="L"):
        return "1/n"

    def local(self, values, slot):
        return np.full_like(values[0], 1.0 / values[0].size)


@dataclass(frozen=True)
class Affine(Op):
    """out = x·W + b (the book's Affine layer; torch.addmm(b, x, W)): backward is three matrix products."""

    symbol = "Affine"
    grad_fns = ("AddmmBackward0",)

    def formula(self, out, inputs):
        x, w, b = inputs
        return f"{out} = {x}·{w} + {b}"

    def forward(self, x, w, b):
        return x @ w + b

    def backward(self, upstream, x, w, b):
        return upstream @ w.T, x.T @ upstream, upstream.sum(axis=0)

    def rule(self, out, inputs, slot, loss="L"):
        x, w, b = inputs
        g = f"∂{loss}/∂{out}"
        return (f"{g} · {w}ᵀ", f"{x}ᵀ · {g}", f"Σ_rows {g}")[slot]


@dataclass(frozen=True)
class Relu(Op):
    """out = max(0, a): the gradient passes where a > 0 and stops where a ≤ 0 (torch's choice at 0)."""

    symbol = "ReLU"
    grad_fns = ("ReluBackward0",)

    def formula(self, out, inputs):
        return f"{out} = max(0, {inputs[0]})"

    def forward(self, a):
        return np.maximum(a, 0.0)

    def backward(self, upstream, a):
        return (upstream * (a > 0),)

    def rule(self, out, inputs, slot, loss="L"):
        return f"[{inputs[0]} > 0]"

    def local(self, values, slot):
        return (values[0] > 0).astype(np.float64)


@dataclass(frozen=True)
class SoftmaxWithLoss(Op):
    """L = mean over rows of −log softmax(s)[t]: backward is (softmax(s) − t)/N, the book's neat result.

    torch's F.cross_entropy records it as two grad_fns: NllLossBackward0 after LogSoftmaxBackward0.
    """

    target: int = 0
    symbol = "Softmax+loss"
    grad_fns = ("NllLossBackward0", "LogSoftmaxBackward0")

    def formula(self, out, inputs):
        return f"{out} = −log softmax({inputs[0]})[{self.target}]"

    def forward(self, s):
        shifted = s - s.max(axis=-1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        return np.array(-log_softmax[:, self.target].mean())

    def backward(self, upstream, s):
        return (float(upstream) * (softmax(s) - onehot(self.target, s.shape[-1])) / s.shape[0],)

    def rule(self, out, inputs, slot, loss="L"):
        return f"(softmax({inputs[0]}) − onehot({self.target}))/N"


@dataclass(frozen=True)
class Node:
    """`name` = op(inputs): one line of the graph."""

    name: str
    op: Op
    inputs: tuple[str, ...]

    @property
    def formula(self) -> str:
        return self.op.formula(self.name, self.inputs)

    def formula_with(self, values: dict[str, np.ndarray]) -> str:
        """The formula with the inputs' numbers in place of their names: `cost = 100 · 2`."""
        return self.op.formula(self.name, tuple(fmt(values[name].item()) for name in self.inputs))


@dataclass(frozen=True, eq=False)
class Graph:
    """Leaves (the inputs we want gradients for) and the nodes in forward order; the last node is the output."""

    leaves: tuple[tuple[str, np.ndarray], ...]
    nodes: tuple[Node, ...]

    @property
    def output(self) -> str:
        return self.nodes[-1].name

    @property
    def leaf_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.leaves)

    def forward(self, overrides: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Every node's value, node by node; `overrides` replaces leaves (the numerical check nudges them)."""
        values = {name: np.asarray(value, dtype=np.float64) for name, value in self.leaves}
        values.update(overrides or {})
        for node in self.nodes:
            values[node.name] = node.op.forward(*(values[name] for name in node.inputs))
        return values

    def backward(self, values: dict[str, np.ndarray], seed: np.ndarray | None = None) -> list[dict[str, np.ndarray]]:
        """The gradients after each backward step: the seed, then each node from the output back.

        The seed is ∂out/∂out = 1 for a scalar output; for a vector output it is the
        `gradient=v` a student passes to backward (torch cannot make one up).
        An input used twice (u = y·y) receives both contributions, added.
        """
        start = np.ones_like(values[self.output]) if seed is None else np.asarray(seed, dtype=np.float64)
        grads = {self.output: start}
        history = [dict(grads)]
        for node in reversed(self.nodes):
            inputs = [values[name] for name in node.inputs]
            for name, grad in zip(node.inputs, node.op.backward(grads[node.name], *inputs)):
                grads[name] = grads[name] + grad if name in grads else grad
            history.append(dict(grads))
        return history
