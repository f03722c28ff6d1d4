"""Running the child process for one load, from any process that may wait for it (`--plain`, the tests).

The app keeps one child alive instead (tui/module_loader.py) and reads the same
replies. Both start it the same way: in the student's working directory (their
code may open files relative to it), with this checkout first on the path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from engine.module_file import FileSpec
from engine.module_file_result import Failure, OwnLoad, failed_load, load_from_json

ROOT = Path(__file__).resolve().parent.parent
COMMAND = (sys.executable, "-m", "engine.module_file_child")
START_LIMIT = 120.0  # seconds for the child to import torch on a busy machine, before the student's timeout starts
GRACE = 3.0  # after the student's timeout: the alarm has fired by then, unless the code is stuck outside Python


def child_environment() -> dict[str, str]:
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths), PYTHONUNBUFFERED="1")


def file_gone(spec: FileSpec) -> OwnLoad | None:
    """The file is not there (deleted, or renamed by an editor mid-save): said without starting anything."""
    if os.path.isfile(spec.path):
        return None
    return failed_load(spec, Failure("missing_file", message=spec.path))


def reply_load(spec: FileSpec, lines: list[str], returncode: int | None, stderr: str) -> OwnLoad:
    """The load a reply describes; a child that ended without one died, and its last stderr line says why."""
    for line in reversed(lines):
        try:
            reply = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(reply, dict) and "source" in reply:
            return load_from_json(spec, reply)
    last = next((text for text in reversed(stderr.strip().splitlines()) if text.strip()), "")
    return failed_load(spec, Failure("died", message=last, what=str(returncode)))


def load(spec: FileSpec, echo: bool = False) -> OwnLoad:
    """Load, build and run the student's network in a child process, and wait for its answer.

    `echo`: what the student's code prints goes to this process's stderr, as `python my_net.py` would show it.
    """
    gone = file_gone(spec)
    if gone:
        return gone
    try:
        run = subprocess.run(
            COMMAND,
            input=json.dumps(spec.request()) + "\n",
            stdout=subprocess.PIPE,
            stderr=None if echo else subprocess.PIPE,
            text=True,
            env=child_environment(),
            timeout=START_LIMIT + spec.timeout + GRACE,
            check=False,
        )
    except subprocess.TimeoutExpired:  # the alarm did not stop it: killed by subprocess.run
        return failed_load(spec, Failure("timeout", phase="forward"))
    return reply_load(spec, run.stdout.splitlines(), run.returncode, run.stderr or "")
