"""The arch lesson checked against torch (run by engine.verify and the tests, never in the app).

The app imports this module only for spec_to_json, so torch is imported
inside torch_max_delta, through engine.arch_torch (the networks as torch.nn
modules on the meta device).
"""

from __future__ import annotations

from engine.arch_nets import ArchSpec, arch_trace


def spec_to_json(spec: ArchSpec) -> dict:
    return {"network": spec.network, "size": spec.size}


def spec_from_json(data: dict) -> ArchSpec:
    size = data.get("size")
    return ArchSpec(network=str(data["network"]), size=None if size is None else int(size))


def torch_max_delta(spec: ArchSpec) -> float:
    """max |engine − torch| over every layer's output sizes, parameter count and multiply-adds, and the totals."""
    from engine.arch_torch import torch_layers

    trace = arch_trace(spec)
    try:
        measured = torch_layers(spec)
    except RuntimeError:  # the engine accepted what torch refuses
        return float("inf")
    _, params, macs = measured[""]
    deltas = [abs(trace.total_params - params), abs(trace.total_macs - macs)]
    for row in trace.flat_rows():
        if row.name not in measured or len(measured[row.name][0]) != len(row.out_shape):
            return float("inf")
        shape, params, macs = measured[row.name]
        deltas += [abs(a - b) for a, b in zip(shape, row.out_shape)]
        deltas += [abs(params - row.params), abs(macs - row.macs)]
    return float(max(deltas))
