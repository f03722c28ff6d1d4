"""The course's training loop, one line at a time, on the smallest model: nn.Linear(1, 1), MSE, SGD.

    for epoch in range(iterations):
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()

After every line the trace holds what torch holds: net.weight, net.bias, their
.grad (None until the first backward, and again after each zero_grad, which
sets them to None since PyTorch 2.0), the outputs and the loss. Leave
zero_grad out and backward adds the new gradient to the old one, which the
trace keeps apart so the lesson can show the sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.errors import SpecError
from engine.numbers import fmt

LINES = ("setup", "zero_grad", "forward", "loss", "backward", "step")
INPUTS = (1.0, 2.0, 3.0, 4.0)
LABELS = (3.0, 5.0, 7.0, 9.0)  # y = 2x + 1
WEIGHT, BIAS = 0.5, 0.0
MAX_ITERATIONS = 20


@dataclass(frozen=True)
class LoopSpec:
    """η of the loop's SGD, how many iterations, and whether zero_grad() is called."""

    lr: float = 0.02
    iterations: int = 3
    zero_grad: bool = True

    def __post_init__(self) -> None:
        if not math.isfinite(self.lr):
            raise SpecError("not_finite", what="optim_lr", token=fmt(self.lr))
        if self.lr < 0:
            raise SpecError("optim_lr_negative", torch_message=f"Invalid learning rate: {self.lr}", value=fmt(self.lr))
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            raise SpecError("optim_iterations_range", value=self.iterations, high=MAX_ITERATIONS)


@dataclass(frozen=True)
class LoopStep:
    """The state after one line of iteration `iteration` (line "setup": before the loop).

    `fresh_*` is this batch's gradient, computed by the backward line; `before_*`
    what .grad held before it (None, or the sum left over when zero_grad is out),
    and on the step line the weights before it. With zero_grad left out, the step
    line's `cleared_*` are the weights zero_grad would have given: w − η·fresh.
    """

    index: int
    iteration: int
    line: str
    weight: float
    bias: float
    weight_grad: float | None
    bias_grad: float | None
    outputs: tuple[float, ...] | None = None
    loss: float | None = None
    fresh_weight_grad: float | None = None
    fresh_bias_grad: float | None = None
    before_weight_grad: float | None = None
    before_bias_grad: float | None = None
    before_weight: float | None = None
    before_bias: float | None = None
    cleared_weight: float | None = None
    cleared_bias: float | None = None


@dataclass(frozen=True, eq=False)
class LoopTrace:
    spec: LoopSpec
    steps: tuple[LoopStep, ...]

    @property
    def step_count(self) -> int:
        return len(self.steps)

    def step(self, index: int) -> LoopStep:
        return self.steps[min(max(index, 0), len(self.steps) - 1)]

    def position(self, index: int) -> tuple[int, str]:
        step = self.step(index)
        return step.iteration, step.line

    def index_at(self, position: tuple[int, str]) -> int | None:
        return next((step.index for step in self.steps if (step.iteration, step.line) == position), None)


def loop_trace(spec: LoopSpec) -> LoopTrace:
    """Run the loop in float64 as nn.Linear, nn.MSELoss and optim.SGD do: out = x·w + b, L = mean((out − y)²),
    ∂L/∂out = 2·(out − y)/N, ∂L/∂w = Σ ∂L/∂out·x, ∂L/∂b = Σ ∂L/∂out, w ← w − η·∂L/∂w."""
    x, y = np.array(INPUTS), np.array(LABELS)
    weight, bias = WEIGHT, BIAS
    weight_grad = bias_grad = None
    steps = [LoopStep(0, 0, "setup", weight, bias, None, None)]

    def record(iteration: int, line: str, **extra: object) -> None:
        steps.append(LoopStep(len(steps), iteration, line, weight, bias, weight_grad, bias_grad, **extra))

    with np.errstate(all="ignore"):  # a large η diverges to inf and NaN, as in torch
        for iteration in range(1, spec.iterations + 1):
            before = (weight_grad, bias_grad)
            if spec.zero_grad:
                weight_grad = bias_grad = None
            record(iteration, "zero_grad", before_weight_grad=before[0], before_bias_grad=before[1])
            outputs = x * weight + bias
            shown = tuple(float(v) for v in outputs)
            record(iteration, "forward", outputs=shown)
            difference = outputs - y
            loss = float(np.mean(difference * difference))
            record(iteration, "loss", outputs=shown, loss=loss)
            upstream = (2.0 / len(x)) * difference
            fresh = (float(np.sum(upstream * x)), float(np.sum(upstream)))
            before = (weight_grad, bias_grad)
            weight_grad = fresh[0] if weight_grad is None else weight_grad + fresh[0]
            bias_grad = fresh[1] if bias_grad is None else bias_grad + fresh[1]
            record(
                iteration,
                "backward",
                outputs=shown,
                loss=loss,
                fresh_weight_grad=fresh[0],
                fresh_bias_grad=fresh[1],
                before_weight_grad=before[0],
                before_bias_grad=before[1],
            )
            cleared = {} if spec.zero_grad else {"cleared_weight": weight - spec.lr * fresh[0]}
            cleared.update({} if spec.zero_grad else {"cleared_bias": bias - spec.lr * fresh[1]})
            before_weight, before_bias = weight, bias
            weight, bias = weight - spec.lr * weight_grad, bias - spec.lr * bias_grad
            record(
                iteration,
                "step",
                outputs=shown,
                loss=loss,
                fresh_weight_grad=fresh[0],
                fresh_bias_grad=fresh[1],
                before_weight=before_weight,
                before_bias=before_bias,
                **cleared,
            )
    return LoopTrace(spec, tuple(steps))
