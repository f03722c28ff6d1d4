"""The tensor lesson: torch.Tensor as the course lists it, as five topics of steps.

create   empty, zeros, ones, rand (seeded), tensor; .size()/.shape/.stride(); .item()
view     x.view(...) cell by cell: which storage index lands in which cell, or torch's refusal
reshape  view vs reshape on a transposed (non-contiguous) tensor: reshape copies where view cannot
inplace  add (a new tensor) vs add_ (the same storage), and an in-place change seen through a view
numpy    .numpy() and torch.from_numpy share memory; torch.tensor, .clone() and a GPU tensor do not

A TensorSpec (engine.tensor_spec) is everything the student sets; tensor_trace() builds every step
once, so stepping is an index. The numbers come from engine.tensor_layout,
which follows ATen's own rules; engine.tensor_check compares them with torch.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.tensor_create import create_steps
from engine.tensor_memory import inplace_steps, numpy_steps
from engine.tensor_spec import TensorSpec
from engine.tensor_steps import TensorStep
from engine.tensor_views import reshape_steps, view_steps


@dataclass(frozen=True, eq=False)
class TensorTrace:
    """Every step of the spec's topic."""

    spec: TensorSpec
    steps: tuple[TensorStep, ...]

    @property
    def step_count(self) -> int:
        return len(self.steps)

    def step(self, index: int) -> TensorStep:
        return self.steps[min(max(index, 0), self.step_count - 1)]


_BUILDERS = {
    "create": create_steps,
    "view": view_steps,
    "reshape": reshape_steps,
    "inplace": inplace_steps,
    "numpy": numpy_steps,
}


def tensor_trace(spec: TensorSpec) -> TensorTrace:
    return TensorTrace(spec, tuple(_BUILDERS[spec.topic](spec)))
