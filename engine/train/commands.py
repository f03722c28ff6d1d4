"""Driving a Trainer: commands between batches (pause, step, lr, save, stop) and how a run ends.

The child process feeds `run` from an Inbox filled by its stdin reader; both it
and the headless CLI pass `stop_requested` (Ctrl+C, SIGTERM, SIGHUP: see
engine/train/interrupts.py). Either way the run ends with exactly one done,
stopped or failed event.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

import torch

from engine.errors import SpecError
from engine.train.events import (
    DoneEvent,
    FailedEvent,
    LrEvent,
    PausedEvent,
    ResumedEvent,
    SavedEvent,
    StoppedEvent,
)
from engine.train.loop import Trainer

POLL_S = 0.1  # how often a paused run looks for a stop signal


class Inbox:
    """Commands from a reader thread; the loop looks between batches and waits only while paused."""

    def __init__(self) -> None:
        self._items: deque[dict] = deque()
        self._arrived = threading.Event()

    def put(self, command: dict) -> None:
        self._items.append(command)
        self._arrived.set()

    def take(self, timeout: float = 0.0) -> dict | None:
        """The next command, waiting up to `timeout` seconds for one."""
        if not self._items and timeout > 0:
            self._arrived.wait(timeout)
        self._arrived.clear()
        return self._items.popleft() if self._items else None


def run(
    trainer: Trainer,
    inbox: Inbox | None = None,
    stop_requested: Callable[[], bool] = lambda: False,
) -> str:
    """Train to the end or until told to stop; returns "done", "stopped" or "failed" (after emitting the event).

    A stop (a command, a signal) is taken between batches and saves first, so the
    checkpoint and metrics.jsonl end at the same place; a save that fails (a full
    disk) makes the run "failed", saying so.
    """
    try:
        finished = _train(trainer, inbox, stop_requested)
        if not finished:
            trainer.save()
    except SpecError as error:
        failure = error
    except torch.OutOfMemoryError as error:
        size = trainer.config.batch_size
        failure = SpecError("cuda_out_of_memory", _first_line(error), batch=size)
    except RuntimeError as error:
        failure = SpecError("train_runtime_error", _first_line(error))
    else:
        failure = None
    if failure is not None:
        failed = FailedEvent.of(failure)
        trainer.emit(FailedEvent(failed.code, {**failed.params, **kept_checkpoint(trainer)}, failed.torch_message))
        return "failed"
    trainer.report(force=True)
    if finished:
        test_acc = trainer.history[-1]["test_acc"] if trainer.history else None
        trainer.emit(DoneEvent(trainer.epoch, test_acc))
        return "done"
    trainer.emit(StoppedEvent(trainer.epoch, trainer.step))
    return "stopped"


def kept_checkpoint(trainer: Trainer) -> dict[str, object]:
    """Where the checkpoint on disk stands (for the words after a failure); nothing when the run saves nowhere."""
    if trainer.out is None:
        return {}
    epoch, step = trainer.saved_at or (None, None)
    return {"out": str(trainer.out), "kept_epoch": epoch, "kept_step": step}


def _train(trainer: Trainer, inbox: Inbox | None, stop_requested: Callable[[], bool]) -> bool:
    """Batches and commands until the last epoch (True) or a stop (False)."""
    paused = False
    while not trainer.finished:
        if stop_requested():
            return False
        command = inbox.take(POLL_S if paused else 0.0) if inbox else None
        if command:
            kind = command.get("cmd")
            if kind == "stop":
                return False
            if kind in ("pause", "resume"):
                paused = kind == "pause"
                event = PausedEvent if paused else ResumedEvent
                trainer.emit(event(trainer.global_step))
            elif kind == "lr":
                trainer.change_lr(float(command.get("factor", 1.0)))
                trainer.emit(LrEvent(trainer.lr))
            elif kind == "save":
                path = trainer.save()
                trainer.emit(SavedEvent(str(path) if path else None))
            if kind != "step":
                continue
        elif paused:
            continue
        trainer.train_batch()
        trainer.report(force=paused)
    return True


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
