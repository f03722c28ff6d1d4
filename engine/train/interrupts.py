"""Ctrl+C, SIGTERM and SIGHUP as a request to stop, for the headless run and the app's training process.

Before training begins there is nothing to save, so a signal interrupts at once:
`Interrupted` is a KeyboardInterrupt, so `finally` blocks still tidy up (a half
downloaded file is removed). While training, the first signal asks the loop to
stop after its batch and save; a second one interrupts at once. The run's files
stay whole either way: a metrics line is appended inside `held()`, where an
interrupt waits until the block is done, and a checkpoint is written beside the
old one and renamed into place (engine/train/checkpoint.py).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """A stop signal that could not wait for the end of a batch."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a process a signal ended: 130 for Ctrl+C."""
        return 128 + self.signum


_depth = 0
_pending: Interrupted | None = None


@contextmanager
def held() -> Iterator[None]:
    """A block no stop signal may cut in half: an interrupt that arrives inside it is raised when it ends."""
    global _depth, _pending
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending is not None:
            interrupt, _pending = _pending, None
            raise interrupt


class StopSignals:
    """While entered, STOP_SIGNALS are requests to stop; `training` says whether the loop can take one at a batch's end."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.training = False
        self._raised = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        for signum in STOP_SIGNALS:
            try:
                self._previous[signum] = signal.signal(signum, self._handle)
            except (ValueError, OSError):  # not the main thread: the caller's own handlers stay
                pass
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    @property
    def requested(self) -> bool:
        return self.received is not None

    @property
    def exit_code(self) -> int:
        return 128 + (self.received or signal.SIGINT)

    def _handle(self, signum: int, _frame: object) -> None:
        global _pending
        first = self.received is None
        if first:
            self.received = signum
        if (self.training and first) or self._raised:
            return  # the loop stops after this batch; or an interrupt is already on its way
        self._raised = True
        interrupt = Interrupted(signum)
        if _depth:
            _pending = interrupt
            return
        raise interrupt
