"""Driving a Trainer: commands between batches (pause, step, lr, save, stop) and how a run ends.

The child process feeds `run` from an Inbox filled by its stdin reader; the
headless CLI passes only `stop_requested` (Ctrl+C). Either way the run ends with
exactly one done, stopped or failed event.
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


class Inbox:
    """Commands from a reader thread; the loop looks between batches and blocks only while paused."""

    def __init__(self) -> None:
        self._items: deque[dict] = deque()
        self._arrived = threading.Event()

    def put(self, command: dict) -> None:
        self._items.append(command)
        self._arrived.set()

    def take(self, block: bool) -> dict | None:
        while True:
            if self._items:
                return self._items.popleft()
            if not block:
                return None
            self._arrived.wait()
            self._arrived.clear()


def run(
    trainer: Trainer,
    inbox: Inbox | None = None,
    stop_requested: Callable[[], bool] = lambda: False,
) -> str:
    """Train to the end or until told to stop; returns "done", "stopped" or "failed" (after emitting the event)."""
    paused = False
    try:
        while not trainer.finished:
            command = inbox.take(block=paused) if inbox else None
            if command:
                kind = command.get("cmd")
                if kind == "stop":
                    break
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
            elif paused or stop_requested():
                if stop_requested():
                    break
                continue
            trainer.train_batch()
            trainer.report(force=paused)
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
        trainer.emit(FailedEvent.of(failure))
        return "failed"
    if trainer.finished:
        trainer.report(force=True)
        test_acc = trainer.history[-1]["test_acc"] if trainer.history else None
        trainer.emit(DoneEvent(trainer.epoch, test_acc))
        return "done"
    trainer.save()
    trainer.report(force=True)
    trainer.emit(StoppedEvent(trainer.epoch, trainer.step))
    return "stopped"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
