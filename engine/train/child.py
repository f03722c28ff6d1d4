"""`python -m engine.train.child`: the app's training process.

Protocol (JSON, one object a line):
- stdin, first line: {"config": TrainConfig.to_json(), "out": dir or null, "resume": dir or null,
  "changes": {setting: value} a resume may change (engine/train/config.py: RESUME_CHANGES)}
- stdin, then: {"cmd": "pause" | "resume" | "step" | "stop" | "save"} or {"cmd": "lr", "factor": 0.5}
- stdout: events only — started, batch, boundary, epoch, images, accuracy, sample, paused, resumed,
  lr, saved, stopped, done, failed, each `TrainEvent.to_json()` (engine/train/events.py
  has their fields). Anything else printed goes to stderr, so a stray print cannot
  break the stream. The process ends after stopped, done or failed.

SIGTERM, SIGHUP and SIGINT stop it the way the stop command does (after the batch,
saving); before training begins they end it at once. When the app goes away (its
end of stdin or stdout closes), the run stops and saves.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

from engine.train.events import FailedEvent, TrainEvent


def main() -> int:
    _yield_to_the_app()
    events = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    emit_lock = threading.Lock()
    listener_gone = threading.Event()

    def emit(event: TrainEvent) -> None:
        """Write one event; once the app has gone (a closed pipe), the run stops and saves instead of crashing."""
        line = json.dumps(event.to_json(), separators=(",", ":"), allow_nan=True)
        with emit_lock:
            if listener_gone.is_set():
                return
            try:
                events.write(line + "\n")
            except (OSError, ValueError):
                listener_gone.set()

    try:
        request = json.loads(sys.stdin.readline() or "{}")
    except json.JSONDecodeError as error:
        emit(FailedEvent("train_bad_request", {"reason": str(error)}, None))
        return 1
    from engine.train.interrupts import Interrupted, StopSignals

    with StopSignals() as signals:
        try:
            return _train(request, emit, signals, listener_gone)
        except Interrupted as interrupt:  # before training began (loading torch, the data): nothing to save
            return interrupt.exit_code


def _train(request: dict, emit, signals, listener_gone: threading.Event) -> int:
    from engine.errors import SpecError
    from engine.train.commands import Inbox, run
    from engine.train.config import TrainConfig
    from engine.train.loop import Trainer

    inbox = Inbox()
    threading.Thread(target=_read_commands, args=(inbox,), daemon=True).start()
    try:
        config = TrainConfig.from_json(request.get("config", {}))
        out = Path(request["out"]) if request.get("out") else None
        resume = Path(request["resume"]) if request.get("resume") else None
        changes = request.get("changes") or {}
        trainer = Trainer(config, emit, out=out, resume=resume, changes=changes)
        emit(trainer.started_event())
    except SpecError as error:
        emit(FailedEvent.of(error))
        return 1
    signals.training = True
    outcome = run(trainer, inbox, stop_requested=lambda: signals.requested or listener_gone.is_set())
    return 0 if outcome != "failed" else 1


def _yield_to_the_app() -> None:
    """A lower priority: on a small machine the UI beside it still answers keys at once, and training
    takes every core whenever the UI is idle (which is nearly always)."""
    try:
        os.nice(5)
    except OSError:
        pass


def _read_commands(inbox) -> None:
    """Every line the app writes becomes a command; a closed stdin (the app went away) means stop."""
    for line in sys.stdin:
        try:
            command = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(command, dict):
            inbox.put(command)
    inbox.put({"cmd": "stop"})


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    os._exit(code)  # the events are flushed (line-buffered); skip the ~0.7 s of unloading torch so Stop is quick
