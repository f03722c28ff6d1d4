"""The backprop lesson checked against torch.autograd (run by engine.verify, never in the app).

Each preset is built again from torch operations (the ones whose grad_fns the
engine's ops name), in float64; out.backward() fills every leaf's .grad, and
the verdict is the largest relative error against engine's backward, output
value included.
"""

from __future__ import annotations

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
    }


def spec_from_json(data: dict) -> AutogradSpec:
    return AutogradSpec(
        preset=str(data["preset"]),
        x=np.array(data["x"], dtype=np.float64),
        apple=float(data["apple"]),
        count=float(data["count"]),
        tax=float(data["tax"]),
        target=int(data["target"]),
    )


def torch_graph(spec: AutogradSpec):
    """(output tensor, {leaf name: leaf tensor}) built with torch ops, leaves requiring grad."""
    import torch
    import torch.nn.functional as F

    trace = autograd_trace(spec)
    leaves = {
        name: torch.tensor(np.array(value), dtype=torch.float64, requires_grad=True)
        for name, value in trace.graph.leaves
    }
    if spec.preset == "course":
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


def torch_max_delta(spec: AutogradSpec) -> float:
    """The largest relative error between engine and torch.autograd: the output and every leaf gradient cell."""
    trace = autograd_trace(spec)
    value, grads = torch_grads(spec)
    errors = [float(relative_error(value, trace.values[trace.output]))]
    errors += [float(relative_error(grads[name], trace.grads[name]).max()) for name in trace.graph.leaf_names]
    return max(errors)
