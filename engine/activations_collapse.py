"""Why a network needs a non-linear activation: two linear layers are one matrix, with ReLU between them they are not.

W1 (3×2) and W2 (2×3) are random with one decimal, as are six inputs x, so the
numbers stay readable. W2·(W1·x) and (W2·W1)·x then differ only by float
rounding; W2·ReLU(W1·x) differs from (W2·W1)·x wherever ReLU cut a negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.activations import ActivationSpec
from engine.errors import SpecError

INPUTS, HIDDEN, OUTPUTS = 2, 3, 2
SAMPLES = 6
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class ActivationSetup:
    """What the activations lesson shows: the function (and softmax vector), or the collapse demo drawn from `seed`."""

    spec: ActivationSpec = field(default_factory=ActivationSpec)
    collapse: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, (int, np.integer))
            or not 0 <= self.seed <= MAX_SEED
        ):
            raise SpecError("activations_seed_range", value=self.seed, high=MAX_SEED)


@dataclass(frozen=True)
class CollapseStep:
    """One input through both networks: the linear pair and the pair with ReLU between."""

    index: int
    x: np.ndarray
    hidden: np.ndarray
    stacked: np.ndarray
    merged: np.ndarray
    rectified: np.ndarray
    nonlinear: np.ndarray

    @property
    def linear_delta(self) -> float:
        """max |W2·(W1·x) − (W2·W1)·x|: float rounding only."""
        return float(np.abs(self.stacked - self.merged).max())

    @property
    def cut(self) -> bool:
        """Whether ReLU changed anything: some entry of W1·x was negative."""
        return bool((self.hidden < 0).any())

    @property
    def relu_delta(self) -> float:
        """max |W2·ReLU(W1·x) − (W2·W1)·x|: what ReLU changed (rounding only where it cut nothing)."""
        return float(np.abs(self.nonlinear - self.merged).max())


@dataclass(frozen=True, eq=False)
class CollapseTrace:
    """The weights, W = W2·W1, and both networks on every input."""

    seed: int
    w1: np.ndarray
    w2: np.ndarray
    merged_weights: np.ndarray
    steps: tuple[CollapseStep, ...]

    @property
    def step_count(self) -> int:
        return len(self.steps)

    def step(self, index: int) -> CollapseStep:
        return self.steps[min(max(index, 0), self.step_count - 1)]

    @property
    def xs(self) -> np.ndarray:
        return np.array([step.x for step in self.steps])

    @property
    def linear_delta(self) -> float:
        """The largest rounding difference over all inputs."""
        return max(step.linear_delta for step in self.steps)

    @property
    def relu_delta(self) -> float:
        """The largest difference ReLU made over all inputs."""
        return max(step.relu_delta for step in self.steps)


def _tenths(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(-10, 11, size=shape) / 10


def collapse_trace(seed: int = 0) -> CollapseTrace:
    """Draw W1, W2 and the inputs from `seed`; compute each network one matrix-vector product at a time."""
    rng = np.random.default_rng(seed)
    w1, w2, xs = (
        _tenths(rng, (HIDDEN, INPUTS)),
        _tenths(rng, (OUTPUTS, HIDDEN)),
        _tenths(rng, (SAMPLES, INPUTS)),
    )
    merged_weights = w2 @ w1
    steps = []
    for index, x in enumerate(xs):
        hidden = w1 @ x
        rectified = np.maximum(hidden, 0.0)
        steps.append(
            CollapseStep(
                index,
                x,
                hidden,
                w2 @ hidden,
                merged_weights @ x,
                rectified,
                w2 @ rectified,
            )
        )
    for array in (w1, w2, merged_weights):
        array.setflags(write=False)
    return CollapseTrace(seed, w1, w2, merged_weights, tuple(steps))
