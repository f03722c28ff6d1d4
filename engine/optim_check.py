"""The optimizer lesson checked against torch (run by engine.verify, never in the app).

Paths, two ways. Free-running, as a student would run it: torch.optim walks
the same f from the same start, its gradients from autograd, and every
position is compared while the path stays within NEAR of the origin (every
window drawn is far inside). And update by update: each update is redone by
torch.optim from the engine's position and state before it (the momentum
buffer, AdaGrad's sum, Adam's m and v), and the new position, gradient and
state compared; this covers an exploding run, whose free-running comparison
means little: torch's own results differ between CPUs in the last bit
(fused multiply-add, vectorised sqrt), and an exploding run grows that bit
with it. The loop: the course's loop run in torch on nn.Linear(1, 1), compared
after every line.

Differences are relative to the value where it is larger than 1 (positions
reach 1e80 on a diverging run); inf and NaN must be where the engine has them.
"""

from __future__ import annotations

import math

from engine.optim import ADAGRAD_EPS, ADAM_BETAS, ADAM_EPS, OptimizerSetting, Path, PathSpec, path_trace
from engine.optim_loop import BIAS, INPUTS, LABELS, WEIGHT, LoopSpec, loop_trace

NEAR = 1e3  # the free-running comparison stops where the path passes ±NEAR: off every plot


def spec_to_json(spec: PathSpec | LoopSpec) -> dict:
    if isinstance(spec, LoopSpec):
        return {"page": "loop", "lr": spec.lr, "iterations": spec.iterations, "zero_grad": spec.zero_grad}
    return {
        "page": "paths",
        "surface": spec.surface,
        "optimizers": [[s.kind, s.lr, s.momentum] for s in spec.optimizers],
        "start": None if spec.start is None else list(spec.start),
        "steps": spec.steps,
    }


def spec_from_json(data: dict) -> PathSpec | LoopSpec:
    if data["page"] == "loop":
        return LoopSpec(float(data["lr"]), int(data["iterations"]), bool(data["zero_grad"]))
    return PathSpec(
        surface=str(data["surface"]),
        optimizers=tuple(OptimizerSetting(str(k), float(lr), float(mu)) for k, lr, mu in data["optimizers"]),
        start=None if data["start"] is None else (float(data["start"][0]), float(data["start"][1])),
        steps=int(data["steps"]),
    )


def difference(engine: float | None, torch_value: float | None) -> float:
    """|engine − torch| relative to |torch| above 1; 0 where both are the same inf or both NaN or both None."""
    if engine is None or torch_value is None:
        return 0.0 if engine is None and torch_value is None else math.inf
    if math.isnan(engine) or math.isnan(torch_value):
        return 0.0 if math.isnan(engine) and math.isnan(torch_value) else math.inf
    if math.isinf(engine) or math.isinf(torch_value):
        return 0.0 if engine == torch_value else math.inf
    return abs(engine - torch_value) / max(1.0, abs(torch_value))


def torch_surface(name: str, p):
    """f(p) written as the course would write it in torch, so autograd builds its own gradient."""
    x, y = p[0], p[1]
    if name == "book":
        return x**2 / 20 + y**2
    if name == "bowl":
        return x**2 + y**2
    if name == "saddle":
        return x**2 - y**2
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def torch_optimizer(setting: OptimizerSetting, params: list):
    import torch

    if setting.kind == "sgd":
        return torch.optim.SGD(params, lr=setting.lr)
    if setting.kind == "momentum":
        return torch.optim.SGD(params, lr=setting.lr, momentum=setting.momentum)
    if setting.kind == "adagrad":
        return torch.optim.Adagrad(params, lr=setting.lr, eps=ADAGRAD_EPS)
    return torch.optim.Adam(params, lr=setting.lr, betas=ADAM_BETAS, eps=ADAM_EPS)


# the engine's state name → torch's name for the same tensor in optimizer.state[p]
TORCH_STATE = {"buffer": "momentum_buffer", "sum": "sum", "m": "exp_avg", "v": "exp_avg_sq"}


def torch_free_delta(spec: PathSpec, path: Path) -> float:
    """The largest difference between the engine's positions and torch.optim's own run, while it stays near."""
    import torch

    p = torch.tensor(spec.origin, dtype=torch.float64, requires_grad=True)
    optimizer = torch_optimizer(path.setting, [p])
    worst = 0.0
    for position in path.positions[1:]:
        optimizer.zero_grad()
        torch_surface(spec.surface, p).backward()
        optimizer.step()
        theirs = p.detach().tolist()
        if not all(math.isfinite(v) and abs(v) < NEAR for v in theirs):
            break
        worst = max(worst, *(difference(float(a), b) for a, b in zip(position, theirs)))
    return worst


def torch_update_delta(spec: PathSpec, path: Path) -> float:
    """The largest difference between an engine update and torch.optim's from the same position and state."""
    import torch

    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    optimizer = torch_optimizer(path.setting, [p])
    worst = 0.0
    for previous, step in zip(path.steps, path.steps[1:]):
        with torch.no_grad():
            p.copy_(torch.tensor(step.before, dtype=torch.float64))
            for name, torch_name in TORCH_STATE.items():
                if name in previous.state and torch_name in optimizer.state[p]:
                    optimizer.state[p][torch_name].copy_(torch.tensor(previous.state[name], dtype=torch.float64))
        optimizer.zero_grad()
        torch_surface(spec.surface, p).backward()
        grad = p.grad.tolist()
        optimizer.step()
        pairs = list(zip(step.after, p.detach().tolist())) + list(zip(step.grad, grad))
        for name, torch_name in TORCH_STATE.items():
            if name in step.state and torch_name in optimizer.state[p]:  # SGD(momentum=0) keeps no buffer
                pairs += zip(step.state[name], optimizer.state[p][torch_name].tolist())
        worst = max(worst, *(difference(a, b) for a, b in pairs))
        if not all(math.isfinite(v) for v in step.after):
            break  # from here on every position is inf or NaN in both
    return worst


def torch_path_delta(spec: PathSpec) -> float:
    """Both comparisons, every optimizer: the largest difference found."""
    paths = path_trace(spec).paths
    return max(max(torch_free_delta(spec, path), torch_update_delta(spec, path)) for path in paths)


def torch_loop_delta(spec: LoopSpec) -> float:
    """Run the course's loop in torch and compare weights, .grad (None included), outputs and loss after each line."""
    import torch

    net = torch.nn.Linear(1, 1).double()
    with torch.no_grad():
        net.weight.fill_(WEIGHT)
        net.bias.fill_(BIAS)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=spec.lr)
    inputs = torch.tensor(INPUTS, dtype=torch.float64)[:, None]
    labels = torch.tensor(LABELS, dtype=torch.float64)[:, None]
    outputs = loss = None

    def grad(parameter) -> float | None:
        return None if parameter.grad is None else parameter.grad.item()

    worst = 0.0
    for step in loop_trace(spec).steps[1:]:
        if step.line == "zero_grad" and spec.zero_grad:
            optimizer.zero_grad()
        elif step.line == "forward":
            outputs = net(inputs)
        elif step.line == "loss":
            loss = criterion(outputs, labels)
        elif step.line == "backward":
            loss.backward()
        elif step.line == "step":
            optimizer.step()
        pairs = [
            (step.weight, net.weight.item()),
            (step.bias, net.bias.item()),
            (step.weight_grad, grad(net.weight)),
            (step.bias_grad, grad(net.bias)),
        ]
        if step.outputs is not None:
            pairs += zip(step.outputs, outputs.detach()[:, 0].tolist())
        if step.loss is not None:
            pairs.append((step.loss, loss.item()))
        worst = max(worst, *(difference(a, b) for a, b in pairs))
    return worst


def torch_max_delta(spec: PathSpec | LoopSpec) -> float:
    return torch_loop_delta(spec) if isinstance(spec, LoopSpec) else torch_path_delta(spec)
