"""Check a lesson's numbers against PyTorch in a process of its own.

The app never imports torch (it costs seconds); it starts `python -m engine.verify`
once, after its first frame, and sends it one JSON line per spec to check. A
lesson that is checked this way has a module `engine.<lesson>_check` with
`spec_to_json`, `spec_from_json` and `torch_max_delta`.
"""

from __future__ import annotations

import json
import sys
from importlib import import_module
from typing import TextIO


def serve(requests: TextIO, replies: TextIO) -> None:
    """Answer `{"id": n, "lesson": "conv", "spec": {...}}` lines with `{"id": n, "delta": x}` or `{"id": n, "error": "..."}`."""
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
                check = import_module(f"engine.{request['lesson']}_check")
                reply["delta"] = check.torch_max_delta(check.spec_from_json(request["spec"]))
            except Exception as error:  # the reply carries it to the screen; the server keeps serving
                reply["error"] = f"{type(error).__name__}: {error}"
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
