"""The RNN lesson checked against torch.nn.RNN (run by engine.verify, never in the app): every h_t and h_n."""

from __future__ import annotations

import numpy as np

from engine.rnn import RnnSpec, rnn_trace


def spec_to_json(spec: RnnSpec) -> dict:
    return {name: getattr(spec, name).tolist() for name in ("sequence", "w_ih", "w_hh", "b_ih", "b_hh", "h0")}


def spec_from_json(data: dict) -> RnnSpec:
    return RnnSpec(
        **{name: np.array(data[name], dtype=np.float64) for name in ("sequence", "w_ih", "w_hh", "b_ih", "b_hh", "h0")}
    )


def torch_rnn(spec: RnnSpec) -> tuple[np.ndarray, np.ndarray]:
    """torch.nn.RNN's (output, h_n) for the spec's weights in float64; the sequence is one batch, time first."""
    import torch

    rnn = torch.nn.RNN(spec.input_size, spec.hidden_size, nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        for name, value in (
            ("weight_ih_l0", spec.w_ih),
            ("weight_hh_l0", spec.w_hh),
            ("bias_ih_l0", spec.b_ih),
            ("bias_hh_l0", spec.b_hh),
        ):
            getattr(rnn, name).copy_(torch.from_numpy(np.array(value)))
        output, h_n = rnn(
            torch.from_numpy(np.array(spec.sequence))[:, None],
            torch.from_numpy(np.array(spec.h0))[None, None],
        )
    return output[:, 0].numpy(), h_n[0, 0].numpy()


def torch_max_delta(spec: RnnSpec) -> float:
    """max |engine − torch| over every h_t (torch's output) and h_n."""
    trace = rnn_trace(spec)
    output, h_n = torch_rnn(spec)
    if output.shape != trace.output.shape:
        return float("inf")
    return float(max(np.abs(output - trace.output).max(), np.abs(h_n - trace.h_n).max()))
