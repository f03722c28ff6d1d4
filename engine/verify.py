"""Check a convolution against torch.nn.functional.conv2d in a process of its own.

The app never imports torch (it costs seconds); it starts `python -m engine.verify`
once, after its first frame, and sends it one JSON line per spec to check.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

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


def serve(requests: TextIO, replies: TextIO) -> None:
    """Answer `{"id": n, "spec": {...}}` lines with `{"id": n, "delta": x}` or `{"id": n, "error": "..."}`."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError as error:
        failure: str | None = str(error)
    else:
        failure = None
    for line in requests:
        request = json.loads(line)
        reply: dict = {"id": request["id"]}
        if failure:
            reply["error"] = failure
        else:
            try:
                reply["delta"] = torch_max_delta(spec_from_json(request["spec"]))
            except Exception as error:  # the reply carries it to the screen; the server keeps serving
                reply["error"] = f"{type(error).__name__}: {error}"
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
