"""Running a script in a fresh interpreter, for the tests that must see what a new process imports or does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def python(code: str, *args: str, drop: str = "TEXTUAL") -> str:
    """Run `code` with `args` from the repository root, without the environment variables that start with `drop`;
    its stdout (it must exit 0)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    run = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def last_json(code: str, *args: str) -> dict:
    """The JSON object a script prints last: what it saw, reported from inside the fresh process."""
    return json.loads(python(code, *args).strip().splitlines()[-1])
