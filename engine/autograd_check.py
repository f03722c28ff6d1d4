"""The backprop lesson checked against torch.autograd (run by engine.verify, never in the app).

Each preset is built again from torch operations (the ones whose grad_fns the
engine's ops name), in float64; out.backward() fills every leaf's .grad, and
the verdict is the largest relative error against engine's backward, output
value included. The last three graphs make torch's calls as the lesson shows
them (no_grad, backward(gradient=v), backward twice then once more); where
torch does not behave as the lesson says (records a graph, accepts a call the
lesson says it refuses), the verdict is infinite.
"""

from __future__ import annotations

import math

import numpy as np

from engine.autograd_presets import AutogradSpec
from engine.autograd_trace import autograd_trace, relative_error


def spec_to_json(spec: AutogradSpec) -> dict:
    return {
        "preset": spec.preset,
        "x": spec.x.tolist(),
        "apple": spec.apple,
        "count": spec.count,
        "tax": spec.tax,
        "target": spec.target,
        "gradient": None if spec.gradient is None else spec.gradient.tolist(),
    }


def spec_from_json(data: dict) -> AutogradSpec:
    return AutogradSpec(
        preset=str(data["preset"]),
        x=np.array(data["x"], dtype=np.float64),
        apple=float(data["apple"]),
        count=float(data["count"]),
        tax=float(data["tax"]),
        target=int(data["target"]),
        gradient=None if data["gradient"] is None else np.array(data["gradient"], dtype=np.float64),
    )


def torch_graph(spec: AutogradSpec):
    """(output tensor, {leaf name: leaf tensor}) built with torch ops, leaves requiring grad.

    nograd builds it under torch.no_grad(); vector stops at z = y·y·3.
    """
    import torch
    import torch.nn.functional as F

    trace = autograd_trace(spec)
    leaves = {
        name: torch.tensor(np.array(value), dtype=torch.float64, requires_grad=True)
        for name, value in trace.graph.leaves
    }
    if spec.preset == "nograd":
        with torch.no_grad():
            y = leaves["x"] + 2
            out = (y * y * 3).mean()
    elif spec.preset == "vector":
        y = leaves["x"] + 2
        out = y * y * 3
    elif spec.preset in ("course", "twice"):
        y = leaves["x"] + 2
        out = (y * y * 3).mean()
    elif spec.preset == "apples":
        out = leaves["apple"] * leaves["count"] * leaves["tax"]
    else:
        h = torch.addmm(leaves["b1"], leaves["x"], leaves["W1"])
        s = torch.addmm(leaves["b2"], torch.relu(h), leaves["W2"])
        out = F.cross_entropy(s, torch.tensor([spec.target]))
    return out, leaves


def torch_grads(spec: AutogradSpec) -> tuple[float, dict[str, np.ndarray]]:
    """torch's output value and each leaf's .grad after out.backward()."""
    out, leaves = torch_graph(spec)
    out.backward()
    return float(out.detach()), {name: leaf.grad.numpy() for name, leaf in leaves.items()}


def refuses(call) -> bool:
    """Whether torch raises RuntimeError on `call()` (the words are compared in the tests, not here)."""
    try:
        call()
    except RuntimeError:
        return True
    return False


def torch_max_delta(spec: AutogradSpec) -> float:
    """The largest relative error between engine and torch.autograd: the output and every leaf gradient cell."""
    import torch

    trace = autograd_trace(spec)
    out, leaves = torch_graph(spec)
    errors = [float(relative_error(out.detach().numpy(), trace.values[trace.output]).max())]
    if spec.preset == "nograd":
        recorded = out.requires_grad or out.grad_fn is not None
        return math.inf if recorded or not refuses(out.backward) else max(errors)
    if spec.preset == "vector":
        if refuses(torch_graph(spec)[0].backward) != (trace.refusal is not None):  # a graph of its own
            return math.inf
        x = leaves["x"]
        jacobian = torch.autograd.functional.jacobian(lambda x: (x + 2) * (x + 2) * 3, x.detach())
        errors.append(float(relative_error(jacobian.reshape(trace.jacobian.shape).numpy(), trace.jacobian).max()))
        out.backward(gradient=torch.tensor(spec.v, dtype=torch.float64))
    else:
        out.backward(retain_graph=spec.preset == "twice")
    errors += [float(relative_error(leaf.grad.numpy(), trace.grads[name]).max()) for name, leaf in leaves.items()]
    if spec.preset == "twice":
        out.backward()
        errors += [
            float(relative_error(leaf.grad.numpy(), trace.accumulated[name]).max()) for name, leaf in leaves.items()
        ]
        if not refuses(out.backward):
            return math.inf
    return max(errors)
