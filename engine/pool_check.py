"""The pooling lesson checked against torch (run by engine.verify, never in the app): output and autograd gradient."""

from __future__ import annotations

import numpy as np

from engine.pool import PoolSpec, pool_trace


def spec_to_json(spec: PoolSpec) -> dict:
    return {
        "input": spec.input.tolist(),
        "mode": spec.mode,
        "kernel_size": spec.kernel_size,
        "stride": spec.stride,
        "padding": spec.padding,
    }


def spec_from_json(data: dict) -> PoolSpec:
    stride = data["stride"]
    return PoolSpec(
        input=np.array(data["input"]),
        mode=str(data["mode"]),
        kernel_size=int(data["kernel_size"]),
        stride=None if stride is None else int(stride),
        padding=int(data["padding"]),
    )


def torch_pool(spec: PoolSpec, upstream: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """torch's output for `spec` in float64 and, given an upstream gradient, x.grad from autograd.

    Min pooling is −max_pool2d(−x), torch having no min_pool2d.
    """
    import torch
    import torch.nn.functional as F

    x = torch.tensor(spec.input, dtype=torch.float64)[None].requires_grad_(upstream is not None)
    options = dict(kernel_size=spec.kernel_size, stride=spec.stride, padding=spec.padding)
    if spec.mode == "avg":
        out = F.avg_pool2d(x, **options)
    elif spec.mode == "max":
        out = F.max_pool2d(x, **options)
    else:
        out = -F.max_pool2d(-x, **options)
    if upstream is None:
        return out[0].detach().numpy(), None
    out.backward(torch.tensor(upstream, dtype=torch.float64)[None])
    return out[0].detach().numpy(), x.grad[0].numpy()


def torch_max_delta(spec: PoolSpec) -> float:
    """max |engine − torch| over the output and over ∂L/∂x, both in float64."""
    trace = pool_trace(spec)
    output, grad = torch_pool(spec, np.array(trace.upstream))
    if output.shape != trace.output.shape:
        return float("inf")
    return float(max(np.abs(output - trace.output).max(), np.abs(grad - trace.input_grad()).max()))
