"""The backprop lesson as steps: the leaves, forward node by node, the seed, backward node by node, the comparison.

The last three graphs add what torch does around backward: nograd stops where
torch refuses to walk back (nothing was recorded), vector is refused until it
gets gradient=v and then seeds backward with it, twice calls backward a second
time (x.grad adds up) and a third (the graph was freed).

Gradients come three ways: engine's backward (engine.autograd), central
differences on engine's forward ((f(v + h) − f(v − h))/2h, cell by cell, numpy
float64) and torch.autograd (engine.autograd_check, in the child process). The
grad_fn names torch records are data here (each op's `grad_fns`), checked in
the tests against torch's real graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.autograd import Graph, Node, Relu
from engine.autograd_calls import REFUSALS, jacobian
from engine.autograd_presets import AutogradSpec, ClosedForm, closed_forms, graph

LEAVES, FORWARD, SEED, BACKWARD, COMPARE = (
    "leaves",
    "forward",
    "seed",
    "backward",
    "compare",
)
REFUSED = "refused"  # torch raises: the call shown does not run
ACCUMULATE = "accumulate"  # a second backward adds into x.grad
LEAF_GRAD_FN = "AccumulateGrad"
NUMERIC_STEP = 1e-5
ERROR_FLOOR = 1e-8
KINK_DISTANCE = 1e-4


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a − b| / max(|a|, |b|), cell by cell; where both are below 1e-8 the absolute difference counts."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), ERROR_FLOOR)


NOISE_FLOOR = 1e-9
"""Central differences agree with the chain rule to about 1e-10 here; below this, the digits are rounding noise
that differs between builds of numpy and torch, so they are not shown."""


def fmt_error(value: float) -> str:
    """A relative error to 2 significant digits (`2.1e-6`), or `<1e-9` where only noise is left (one token, a table cell)."""
    if value == 0:
        return "0"
    if value < NOISE_FLOOR:
        return f"<{NOISE_FLOOR:.0e}".replace("e-0", "e-")
    return f"{value:.1e}".replace("e-0", "e-").replace("e+0", "e")


def numerical_gradient(graph_: Graph, seed: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """∂out/∂leaf by central differences, one cell at a time, with h = 1e-5·max(1, |v|).

    A vector output is reduced to Σ seed·out, the scalar whose gradient backward(gradient=seed) computes;
    the two sides are subtracted cell by cell first, so the rounding of large cells does not swamp small ones.
    """
    base = dict(graph_.leaves)
    grads = {}
    for name, value in graph_.leaves:
        value = np.asarray(value, dtype=np.float64)
        grad = np.zeros_like(value)
        for cell in np.ndindex(value.shape):
            h = NUMERIC_STEP * max(1.0, abs(float(value[cell])))
            sides = []
            for sign in (1, -1):
                nudged = value.copy()
                nudged[cell] += sign * h
                sides.append(graph_.forward({**base, name: nudged})[graph_.output])
            difference = sides[0] - sides[1]
            grad[cell] = (float(difference) if seed is None else float(np.sum(seed * difference))) / (2 * h)
        grads[name] = grad
    return grads


@dataclass(frozen=True, eq=False)
class Contribution:
    """What one edge sends back: ∂out/∂`input` += upstream × local (or a matrix rule), and the total after it."""

    input: str
    first: bool
    rule: str
    local: np.ndarray | None
    upstream: np.ndarray
    value: np.ndarray
    total: np.ndarray


@dataclass(frozen=True, eq=False)
class AutogradStep:
    index: int
    kind: str
    node: Node | None = None
    value: np.ndarray | None = None
    contributions: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class LeafCell:
    """One row of the gradients table: a leaf's cell, its label (`x[0,1]`) and its place in the leaf."""

    leaf: str
    cell: tuple[int, ...]

    @property
    def label(self) -> str:
        return self.leaf + (f"[{','.join(map(str, self.cell))}]" if self.cell else "")


def plan(preset: str, nodes: int, output_cells: int) -> tuple[str, ...]:
    """The kinds of the steps in order: forward, then what this preset's calls to backward do."""
    forward = (LEAVES,) + (FORWARD,) * nodes
    backward = (SEED,) + (BACKWARD,) * nodes + (COMPARE,)
    if preset == "nograd":
        return forward + (REFUSED,)
    if preset == "vector" and output_cells > 1:  # one number needs no gradient=: torch takes v = 1
        return forward + (REFUSED,) + backward
    if preset == "twice":
        return forward + backward + (ACCUMULATE, REFUSED)
    return forward + backward


def backward_seed(spec: AutogradSpec) -> np.ndarray | None:
    """The gradient=v passed to backward (vector); None where backward() seeds ∂out/∂out = 1 itself."""
    return spec.v if spec.preset == "vector" else None


@dataclass(frozen=True, eq=False)
class AutogradTrace:
    spec: AutogradSpec
    graph: Graph
    values: dict[str, np.ndarray]
    history: list[dict[str, np.ndarray]]

    @property
    def nodes(self) -> tuple[Node, ...]:
        return self.graph.nodes

    @cached_property
    def plan(self) -> tuple[str, ...]:
        return plan(self.spec.preset, len(self.nodes), self.values[self.output].size)

    def _index_of(self, kind: str) -> int:
        """The first step of `kind`; past the last step where there is none (nograd never seeds backward)."""
        return self.plan.index(kind) if kind in self.plan else len(self.plan)

    @property
    def backward_index(self) -> int:
        """The first step after forward, where the student calls backward (b jumps here)."""
        return 1 + len(self.nodes)

    @property
    def seed_index(self) -> int:
        return self._index_of(SEED)

    @property
    def compare_index(self) -> int:
        return self._index_of(COMPARE)

    @property
    def accumulate_index(self) -> int:
        return self._index_of(ACCUMULATE)

    @property
    def step_count(self) -> int:
        return len(self.plan)

    @property
    def output(self) -> str:
        return self.graph.output

    @property
    def loss(self) -> str:
        """The scalar the gradients are of: the output itself, or for a vector output the L that gradient=v stands for."""
        return "L" if self.seed is not None else self.output

    @property
    def seed(self) -> np.ndarray | None:
        return backward_seed(self.spec)

    @property
    def recorded(self) -> bool:
        """False under torch.no_grad(): no result has a grad_fn, so there is no graph to walk back."""
        return self.spec.preset != "nograd"

    @property
    def refusal(self) -> str | None:
        """torch's words at the REFUSED step."""
        return REFUSALS.get(self.spec.preset) if REFUSED in self.plan else None

    @cached_property
    def accumulated(self) -> dict[str, np.ndarray]:
        """x.grad after a second backward with no zeroing between: AccumulateGrad adds the new gradient to the old."""
        again = self.graph.backward(self.values, self.seed)[-1]
        return {name: self.grads[name] + again[name] for name in self.graph.leaf_names}

    @cached_property
    def jacobian(self) -> np.ndarray:
        """J = ∂z/∂x, a row per cell of z (vector); backward(gradient=v) gives Jᵀ·v without ever forming it."""
        return jacobian(self.graph, self.values, self.graph.leaf_names[0])

    @cached_property
    def vjp(self) -> np.ndarray:
        """Jᵀ·v from the Jacobian, shaped like x: the same numbers as backward's x.grad."""
        return (self.jacobian.T @ self.seed.reshape(-1)).reshape(self.values[self.graph.leaf_names[0]].shape)

    @cached_property
    def mean_vjp(self) -> np.ndarray:
        """Jᵀ·v for v = 1/n in every cell: ∂(z.mean())/∂x, the course's x.grad (the mean is this v)."""
        n = self.jacobian.shape[0]
        return (self.jacobian.T @ np.full(n, 1.0 / n)).reshape(self.values[self.graph.leaf_names[0]].shape)

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """∂out/∂(every node and leaf) once backward is done."""
        return self.history[-1]

    @cached_property
    def numeric(self) -> dict[str, np.ndarray]:
        return numerical_gradient(self.graph, self.seed)

    @cached_property
    def closed(self) -> tuple[ClosedForm, ...]:
        return closed_forms(self.spec, self.values)

    @cached_property
    def cells(self) -> tuple[LeafCell, ...]:
        return tuple(LeafCell(name, cell) for name, value in self.graph.leaves for cell in np.ndindex(np.shape(value)))

    def leaf_value(self, cell: LeafCell) -> float:
        return float(self.values[cell.leaf][cell.cell])

    def numeric_grad(self, cell: LeafCell) -> float:
        return float(self.numeric[cell.leaf][cell.cell])

    def grad_at(self, index: int, cell: LeafCell) -> float | None:
        """The leaf cell's gradient as backward has it after step `index`; None before backward reaches it."""
        grads = self.grads_after(index)
        return None if cell.leaf not in grads else float(grads[cell.leaf][cell.cell])

    def grads_after(self, index: int) -> dict[str, np.ndarray]:
        if index < self.seed_index:
            return {}
        if index >= self.accumulate_index:
            return self.accumulated
        return self.history[min(index - self.seed_index, len(self.history) - 1)]

    def complete_leaves(self, index: int) -> frozenset[str]:
        """Leaves whose gradient is final after step `index`: every node using them has passed its gradient back.

        After a second backward none is: x.grad then holds two gradients added, not one to compare.
        """
        if index >= self.accumulate_index:
            return frozenset()
        passed_count = min(max(index - self.seed_index, 0), len(self.nodes))
        passed = {node.name for node in self.nodes[len(self.nodes) - passed_count :]}
        return frozenset(
            leaf
            for leaf in self.graph.leaf_names
            if all(node.name in passed for node in self.nodes if leaf in node.inputs)
        )

    def cell_error(self, cell: LeafCell) -> float:
        return float(relative_error(self.grads[cell.leaf][cell.cell], self.numeric[cell.leaf][cell.cell]))

    @cached_property
    def numeric_error(self) -> float:
        """The largest relative error between backward and central differences, over every leaf cell."""
        return max(self.cell_error(cell) for cell in self.cells)

    @property
    def grad_fn_chain(self) -> tuple[str, ...]:
        """torch's grad_fns from the output back to the leaves (AccumulateGrad), as out.grad_fn.next_functions walk.

        Empty under no_grad: out.grad_fn is None.
        """
        if not self.recorded:
            return ()
        return tuple(name for node in reversed(self.nodes) for name in node.op.grad_fns) + (LEAF_GRAD_FN,)

    @cached_property
    def kinks(self) -> tuple[str, ...]:
        """ReLU inputs within 1e-4 of 0: there the numerical gradient straddles the kink and disagrees honestly."""
        found = []
        for node in self.nodes:
            if isinstance(node.op, Relu):
                source = node.inputs[0]
                near = np.argwhere(np.abs(self.values[source]) < KINK_DISTANCE)
                found += [LeafCell(source, tuple(int(i) for i in cell)).label for cell in near]
        return tuple(found)

    def step(self, index: int) -> AutogradStep:
        index = min(max(index, 0), self.step_count - 1)
        kind = self.plan[index]
        if kind == FORWARD:
            node = self.nodes[index - 1]
            return AutogradStep(index, FORWARD, node, self.values[node.name])
        if kind == SEED:
            return AutogradStep(index, SEED, value=self.history[0][self.output])
        if kind == BACKWARD:
            back = index - self.seed_index
            node = self.nodes[-back]
            return AutogradStep(
                index,
                BACKWARD,
                node,
                self.values[node.name],
                self._contributions(node, self.history[back - 1]),
            )
        return AutogradStep(index, kind)

    def _contributions(self, node: Node, before: dict[str, np.ndarray]) -> tuple[Contribution, ...]:
        """Each input slot's share, in slot order; an input used twice adds up as it goes."""
        inputs = tuple(self.values[name] for name in node.inputs)
        upstream = before[node.name]
        shares = node.op.backward(upstream, *inputs)
        running = dict(before)
        found = []
        for slot, (name, share) in enumerate(zip(node.inputs, shares)):
            first = name not in running
            running[name] = share if first else running[name] + share
            rule = node.op.rule(node.name, node.inputs, slot, self.loss)
            found.append(
                Contribution(
                    name,
                    first,
                    rule,
                    node.op.local(inputs, slot),
                    upstream,
                    share,
                    running[name],
                )
            )
        return tuple(found)


def autograd_trace(spec: AutogradSpec) -> AutogradTrace:
    graph_ = graph(spec)
    values = graph_.forward()
    return AutogradTrace(spec, graph_, values, graph_.backward(values, backward_seed(spec)))
