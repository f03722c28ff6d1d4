"""The loss lesson checked against torch (run by engine.verify, never in the app).

torch.nn.MSELoss (mean, and sum for the course's ½Σ), torch.nn.CrossEntropyLoss
on the logits log(y + δ), the course's −Σ t·log(y + δ) in torch ops, and the
accuracy curve's model: CrossEntropyLoss over every sampled w, argmax accuracy,
and dCE/dw from autograd at the cursor's stops.
"""

from __future__ import annotations

import numpy as np

from engine.loss import DELTA, LossSpec, loss_trace
from engine.loss_curve import BIAS, CURSOR_STRIDE, LABELS, POINTS


def spec_to_json(spec: LossSpec) -> dict:
    return {"y": list(spec.y), "target": spec.target}


def spec_from_json(data: dict) -> LossSpec:
    return LossSpec(y=tuple(float(v) for v in data["y"]), target=int(data["target"]))


def torch_losses(spec: LossSpec) -> dict[str, float]:
    """torch's numbers for the lesson's totals, in float64."""
    import torch

    y = torch.tensor(spec.y, dtype=torch.float64)
    t = torch.tensor(spec.t, dtype=torch.float64)
    z = torch.log(y + DELTA)
    target = torch.tensor([spec.target])
    return {
        "mse": float(torch.nn.MSELoss(reduction="sum")(y, t)) / 2,
        "mse_mean": float(torch.nn.MSELoss()(y, t)),
        "ce": float(-(t * torch.log(y + DELTA)).sum()),
        "ce_logits": float(torch.nn.CrossEntropyLoss()(z[None], target)),
    }


def torch_curve(ws: np.ndarray) -> dict[str, np.ndarray]:
    """The tiny model in torch: CrossEntropyLoss and argmax accuracy for each w, dCE/dw from autograd."""
    import torch

    w = torch.tensor(ws, dtype=torch.float64, requires_grad=True)
    z = w[:, None] * torch.tensor(POINTS, dtype=torch.float64) + BIAS
    logits = torch.stack([torch.zeros_like(z), z], dim=-1)
    labels = torch.tensor(LABELS)
    loss = torch.stack([torch.nn.CrossEntropyLoss()(row, labels) for row in logits])
    (slope,) = torch.autograd.grad(loss.sum(), w)
    accuracy = (logits.argmax(dim=-1) == labels).double().mean(dim=-1)
    return {
        "loss": loss.detach().numpy(),
        "accuracy": accuracy.numpy(),
        "slope": slope.numpy(),
    }


def torch_max_delta(spec: LossSpec) -> float:
    """max |engine − torch| over the totals, both torch relations, and the accuracy curve."""
    trace = loss_trace(spec)
    torch_totals = torch_losses(spec)
    ours = {
        "mse": trace.mse,
        "mse_mean": trace.mse_mean,
        "ce": trace.ce,
        "ce_logits": trace.ce_logits,
    }
    deltas = [abs(ours[name] - value) for name, value in torch_totals.items()]
    curve = trace.curve
    theirs = torch_curve(np.array(curve.ws))
    deltas.append(float(np.abs(theirs["loss"] - curve.losses).max()))
    deltas.append(float(np.abs(theirs["accuracy"] - curve.accuracies).max()))
    stops = np.array([point.loss_slope for point in curve.stops])
    deltas.append(float(np.abs(theirs["slope"][::CURSOR_STRIDE] - stops).max()))
    return float(max(deltas))
