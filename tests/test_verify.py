"""engine.verify, the child process that checks lessons against torch, spoken to line by line."""

from __future__ import annotations

import io
import json

import numpy as np

from engine.conv import ConvSpec
from engine.conv_check import spec_to_json
from engine.verify import serve


def _ask(*requests: dict) -> list[dict]:
    replies = io.StringIO()
    serve(io.StringIO("".join(json.dumps(r) + "\n" for r in requests)), replies)
    return [json.loads(line) for line in replies.getvalue().splitlines()]


def test_a_conv_spec_agrees_with_torch_and_a_bad_request_does_not_stop_the_server():
    rng = np.random.default_rng(3)
    spec = ConvSpec(
        rng.normal(size=(2, 7, 6)),
        rng.normal(size=(3, 2, 3, 3)),
        rng.normal(size=3),
        2,
        1,
        1,
    )
    replies = _ask(
        {"id": 1, "lesson": "conv", "spec": spec_to_json(spec)},
        {"id": 2, "lesson": "no-such-lesson", "spec": {}},
        {"id": 3, "lesson": "conv", "spec": {**spec_to_json(spec), "stride": 0}},
        {"id": 4, "lesson": "conv", "spec": spec_to_json(spec)},
    )
    assert [r["id"] for r in replies] == [1, 2, 3, 4]
    assert replies[0]["delta"] < 1e-12 and replies[3]["delta"] < 1e-12
    assert "error" in replies[1] and "no-such-lesson" in replies[1]["error"]
    assert "SpecError" in replies[2]["error"]
