"""The convolution lesson checked against torch.nn.functional.conv2d (run by engine.verify, never in the app)."""

from __future__ import annotations

import numpy as np

from engine.conv import ConvSpec, conv_trace


def spec_to_json(spec: ConvSpec) -> dict:
    return {
        "input": spec.input.tolist(),
        "weight": spec.weight.tolist(),
        "bias": spec.bias.tolist(),
        "stride": spec.stride,
        "padding": spec.padding,
        "dilation": spec.dilation,
    }


def spec_from_json(data: dict) -> ConvSpec:
    return ConvSpec(
        input=np.array(data["input"]),
        weight=np.array(data["weight"]),
        bias=np.array(data["bias"]),
        stride=int(data["stride"]),
        padding=int(data["padding"]),
        dilation=int(data["dilation"]),
    )


def torch_max_delta(spec: ConvSpec) -> float:
    """max |engine − torch| over the whole output, both in float64."""
    import torch
    import torch.nn.functional as F

    expected = F.conv2d(
        torch.from_numpy(np.ascontiguousarray(spec.input))[None],
        torch.from_numpy(np.ascontiguousarray(spec.weight)),
        torch.from_numpy(np.ascontiguousarray(spec.bias)),
        stride=spec.stride,
        padding=spec.padding,
        dilation=spec.dilation,
    )[0].numpy()
    return float(np.abs(expected - conv_trace(spec).output).max())
