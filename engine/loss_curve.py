"""Why accuracy cannot be the loss: one weight w of a tiny fixed classifier, accuracy and cross-entropy against w.

The model sorts 8 points on a line into two classes with the logits
[0, w·x + b] (a 2-class softmax, i.e. p(class 1) = σ(w·x + b)), b fixed. A point
changes class only where w·x + b crosses 0, at w = −b/x, so accuracy is a
staircase: flat (derivative 0) everywhere but at 8 jumps. Cross-entropy moves
with every change of w, and its slope says which way to go.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

POINTS = (-2.1, -1.3, -0.7, -0.35, 0.3, 0.9, 1.7, 2.4)
LABELS = (0, 0, 1, 0, 0, 1, 1, 1)
BIAS = 0.5
W_LOW, W_HIGH = -3.0, 3.0
SAMPLES = 241  # w every 0.025
CURSOR_STRIDE = 10  # the lesson's cursor stops every 0.25
SLOPE_STEP = 1e-6


def logits(w: float | np.ndarray) -> np.ndarray:
    """[0, w·x + b] for every point (and every w given as an array): shape (…, points, 2)."""
    z = np.multiply.outer(np.asarray(w, dtype=np.float64), np.array(POINTS)) + BIAS
    return np.stack([np.zeros_like(z), z], axis=-1)


def accuracy(w: float | np.ndarray) -> np.ndarray:
    """The share of points whose larger logit is their label (ties go to class 0, as argmax picks the first)."""
    return (logits(w).argmax(axis=-1) == np.array(LABELS)).mean(axis=-1)


def cross_entropy(w: float | np.ndarray) -> np.ndarray:
    """Mean −log softmax(logits)[label] over the points: what torch.nn.CrossEntropyLoss gives."""
    z = logits(w)
    log_softmax = z - np.logaddexp(z[..., 0], z[..., 1])[..., None]
    picked = np.take_along_axis(
        log_softmax,
        np.broadcast_to(np.array(LABELS)[:, None], z.shape[:-1] + (1,)),
        axis=-1,
    )
    return -picked[..., 0].mean(axis=-1)


def cross_entropy_slope(w: float) -> float:
    """dCE/dw = mean over points of (σ(w·x + b) − label)·x: the gradient a learner follows."""
    x = np.array(POINTS)
    p = 1.0 / (1.0 + np.exp(-(w * x + BIAS)))
    return float(((p - np.array(LABELS)) * x).mean())


def accuracy_slope(w: float) -> float:
    """A central difference of accuracy: 0 unless a jump lies within SLOPE_STEP of w."""
    return float((accuracy(w + SLOPE_STEP) - accuracy(w - SLOPE_STEP)) / (2 * SLOPE_STEP))


@dataclass(frozen=True)
class CurvePoint:
    """What the cursor reads at one w."""

    w: float
    correct: int
    accuracy: float
    accuracy_slope: float
    loss: float
    loss_slope: float


@dataclass(frozen=True, eq=False)
class AccuracyCurve:
    """Both curves sampled on [W_LOW, W_HIGH], the jumps of the staircase, and the cursor's stops."""

    ws: np.ndarray
    accuracies: np.ndarray
    losses: np.ndarray
    jumps: tuple[float, ...]
    stops: tuple[CurvePoint, ...]

    @property
    def points(self) -> int:
        return len(POINTS)

    @property
    def loss_high(self) -> float:
        """The top of the loss plot: the largest loss sampled, rounded up to a whole number."""
        return float(np.ceil(self.losses.max()))

    def stop_index(self, stop: int) -> int:
        """The sample under cursor stop `stop`."""
        return stop * CURSOR_STRIDE


@cache
def accuracy_curve() -> AccuracyCurve:
    """Computed once: the model is fixed, whatever the student does to y."""
    ws = np.linspace(W_LOW, W_HIGH, SAMPLES)
    accuracies, losses = accuracy(ws), cross_entropy(ws)
    for array in (ws, accuracies, losses):
        array.setflags(write=False)
    jumps = tuple(sorted(-BIAS / x for x in POINTS))
    stops = tuple(
        CurvePoint(
            w=float(w),
            correct=int(round(float(accuracy(w)) * len(POINTS))),
            accuracy=float(accuracy(w)),
            accuracy_slope=accuracy_slope(float(w)),
            loss=float(cross_entropy(w)),
            loss_slope=cross_entropy_slope(float(w)),
        )
        for w in ws[::CURSOR_STRIDE]
    )
    return AccuracyCurve(ws, accuracies, losses, jumps, stops)
