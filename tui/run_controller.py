"""One training run at a time for a screen or widget: start the child, read its events, hand them over, stop it.

The training lesson and the RNN lesson's language-model page both train in the
child process (tui/training_process.py); this is the part they share. Events
reach the owner as engine/train/events.py's dataclasses, at most once per
`interval_s` (≤ 10 a second), in order: an event that a newer one still waiting
`can_replace` goes to `replaced` instead (so a chart can keep every batch loss
while only the newest batch is drawn). Events of a run the owner has moved on
from (a newer `start`, or `forget`) are never delivered. Starting and stopping
take turns under one lock, so no child is ever orphaned.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable

from textual.dom import DOMNode

from engine.train.events import TrainEvent
from tui.training_process import TrainingProcess, child_died

Deliver = Callable[[TrainEvent], object]
ProcessFactory = Callable[[dict, str | None], TrainingProcess]
MAX_PER_SECOND = 10


class RunController:
    """Owns the current TrainingProcess of `owner` (whose workers and timers it uses)."""

    def __init__(
        self,
        owner: DOMNode,
        deliver: Deliver,
        *,
        replaced: Deliver | None = None,
        interval_s: float = 1 / MAX_PER_SECOND,
        factory: ProcessFactory = TrainingProcess,
    ) -> None:
        self.owner = owner
        self.deliver = deliver
        self.replaced = replaced
        self.interval_s = max(interval_s, 1 / MAX_PER_SECOND)
        self.factory = factory
        self.process: TrainingProcess | None = None  # kept after it ends: its pid and exit status
        self.run = 0  # which run's events are still wanted
        self._pending: list[TrainEvent] = []
        self._flush_due = False
        self._last_flush = 0.0
        self._turns = asyncio.Lock()

    def start(self, config: dict, out: str | None, resume: str | None = None, changes: dict | None = None) -> None:
        """A fresh run (or the run saved in `resume`, with `changes`): the last one's events stop now; its child
        is stopped, then this one starts (in a worker)."""
        self.forget()
        extra = {"resume": resume, "changes": changes} if resume else {}
        self.owner.run_worker(self._launch(config, out, self.run, extra), group="run-control")

    def forget(self) -> None:
        """Deliver nothing more of the current run; its child runs on until `stop`."""
        self.run += 1
        self._pending.clear()

    def send(self, command: dict) -> None:
        if self.process is not None:
            self.process.send(command)

    def stop(self, then: Callable[[], object] | None = None) -> None:
        """Ask the child to stop, terminate it after the grace period (TrainingProcess.stop); then call `then`."""
        self.owner.run_worker(self._halt(then), group="run-control")

    def kill_now(self) -> None:
        """When the owner goes away without waiting for `stop`: no child may outlive it."""
        if self.process is not None:
            self.process.kill_now()

    def post(self, event: TrainEvent) -> None:
        """Queue an event for the next delivery (the reader does; tests may)."""
        self._pending.append(event)
        if self._flush_due:
            return
        self._flush_due = True
        wait = self._last_flush + self.interval_s - time.monotonic()
        if wait > 0:
            self.owner.set_timer(wait, self._flush)
        else:
            self.owner.call_later(self._flush)

    def _flush(self) -> None:
        """Hand over what arrived since the last delivery, in order, less what a newer event replaces."""
        self._flush_due, self._last_flush = False, time.monotonic()
        pending, self._pending = self._pending, []
        kept: list[TrainEvent] = []
        replaced: set[int] = set()
        for index in range(len(pending) - 1, -1, -1):  # newest first
            if any(newer.can_replace(pending[index]) for newer in kept):
                replaced.add(index)
            else:
                kept.append(pending[index])
        for index, event in enumerate(pending):
            if index not in replaced:
                self.deliver(event)
            elif self.replaced is not None:
                self.replaced(event)

    async def _launch(self, config: dict, out: str | None, run: int, extra: dict) -> None:
        async with self._turns:
            await self._stop_child()
            if run != self.run:
                return  # a newer start, or the owner moved on, came first
            process = self.process = self.factory(config, out, **extra)
            _LIVE.add(self)
            try:
                await process.start()
            except OSError as error:
                self.deliver(child_died("-", str(error)))
                return
        async for event in process:
            if run == self.run:
                self.post(event)

    async def _halt(self, then: Callable[[], object] | None) -> None:
        async with self._turns:
            await self._stop_child()
        _LIVE.discard(self)
        if then is not None:
            then()

    async def _stop_child(self) -> None:
        if self.process is not None:
            await self.process.stop()


_LIVE: weakref.WeakSet[RunController] = weakref.WeakSet()  # controllers whose child may still run


async def stop_every_run(patience_s: float) -> None:
    """Stop every run as its Stop key would (each saves after its batch); a run still going after `patience_s`
    seconds is killed. For the app's own end by a signal: no child outlives it, and none loses its save for
    want of waiting a batch."""
    controllers = list(_LIVE)
    if not controllers:
        return
    halts = [asyncio.ensure_future(controller._halt(None)) for controller in controllers]
    _, late = await asyncio.wait(halts, timeout=patience_s)
    for controller in controllers:
        controller.kill_now()
    if late:
        await asyncio.wait(late, timeout=patience_s)


def kill_every_run() -> None:
    """When even that cannot wait: every child ends now; each keeps the checkpoint it saved last."""
    for controller in list(_LIVE):
        controller.kill_now()
