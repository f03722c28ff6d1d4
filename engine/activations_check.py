"""The activations lesson checked against torch (run by engine.verify, never in the app): values and autograd derivatives.

For the elementwise functions, f and f′ at the cursor's 41 points and at every
dot column of the plot; for softmax, y and the whole Jacobian.
"""

from __future__ import annotations

import numpy as np

from engine.activations import (
    ActivationSpec,
    curve_trace,
    derivative,
    softmax_trace,
    value,
)
from engine.activations_plot import dot_xs


def spec_to_json(spec: ActivationSpec) -> dict:
    return {"function": spec.function, "vector": list(spec.vector)}


def spec_from_json(data: dict) -> ActivationSpec:
    return ActivationSpec(str(data["function"]), tuple(float(v) for v in data["vector"]))


def torch_curve(function: str, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """torch's f(x) and, from autograd, f′(x) at each x (elementwise, so the gradient of Σ f is f′)."""
    import torch

    x = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    functions = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "identity": torch.nn.Identity(),
    }
    y = functions[function](x)
    y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


def torch_softmax(vector: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """torch.softmax of the vector and its Jacobian ∂y_k/∂a_j from autograd."""
    import torch

    a = torch.tensor(vector, dtype=torch.float64)
    jacobian = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), a)
    return torch.softmax(a, dim=0).numpy(), jacobian.numpy()


def torch_max_delta(spec: ActivationSpec) -> float:
    """max |engine − torch| over every value and derivative the lesson shows, in float64."""
    if spec.is_softmax:
        trace = softmax_trace(spec)
        y, jacobian = torch_softmax(spec.vector)
        return float(max(np.abs(y - trace.y).max(), np.abs(jacobian - trace.jacobian).max()))
    trace = curve_trace(spec)
    dots = dot_xs()
    xs = np.concatenate([trace.xs, dots])
    ours = (
        np.concatenate([trace.values, value(spec.function, dots)]),
        np.concatenate([trace.slopes, derivative(spec.function, dots)]),
    )
    theirs = torch_curve(spec.function, xs)
    return float(max(np.abs(a - b).max() for a, b in zip(ours, theirs)))
