"""The training child process seen from the app: start it, read its events, send it commands, stop it.

Training runs in its own interpreter (`python -m engine.train.child`, see
DESIGN.md) so that torch never loads in the UI process, a CUDA error or OOM
cannot take the app down and Stop can always fall back to killing it. Events
come as JSON lines on its stdout and are read into engine/train/events.py's
dataclasses; its stderr is drained and the last lines kept, so a child that dies
says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections import deque
from collections.abc import AsyncIterator

from engine.train.events import EventError, FailedEvent, TrainEvent, event_from_json

STREAM_LIMIT = 64 * 1024 * 1024  # one images event (8 test images and the filters) is a few hundred kB of JSON
EXIT_GRACE_S = 1.0  # after its last word the child only exits (os._exit); one that lingers is killed
TERMINATE_GRACE_S = 2.0  # a child still starting ends on SIGTERM (nothing to save) within this, or is killed


class TrainingProcess:
    """One run: `await start()`, then `async for event in process`, `send(...)` between, `await stop()` to end it."""

    CHILD: tuple[str, ...] = ("-m", "engine.train.child")  # the interpreter's arguments (tests run a scripted child)

    def __init__(self, config: dict, out: str | None, resume: str | None = None, changes: dict | None = None) -> None:
        self._request = {"config": config, "out": out, "resume": resume, "changes": changes or {}}
        self._process: asyncio.subprocess.Process | None = None
        self._stderr: deque[str] = deque(maxlen=20)
        self._stderr_task: asyncio.Task | None = None
        self._stopping = False
        self._early: list[dict] = []  # commands sent while the process was still being started
        self._started = asyncio.Event()  # its started event has been read: it trains, and a stop is a save
        self._said_last = asyncio.Event()  # done, stopped or failed has been read: the run's files are written
        self.finished = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process else None

    @property
    def stderr_tail(self) -> list[str]:
        return list(self._stderr)

    async def start(self) -> None:
        environment = dict(os.environ, PYTHONUNBUFFERED="1")
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.CHILD,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            limit=STREAM_LIMIT,
        )
        self._stderr_task = asyncio.create_task(self._drain_stderr())
        for message in [self._request, *self._early]:
            self._write(message)
        self._early.clear()

    def send(self, command: dict) -> None:
        """Write one command line; never waits (the pipe buffers), so a key handler may call it."""
        if self._process is None:
            self._early.append(command)
        else:
            self._write(command)

    def _write(self, message: dict) -> None:
        process = self._process
        if process is None or process.stdin is None or process.stdin.is_closing() or process.returncode is not None:
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write((json.dumps(message) + "\n").encode())

    async def _drain_stderr(self) -> None:
        assert self._process and self._process.stderr
        while line := await self._process.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            if text:
                self._stderr.append(text)

    async def __aiter__(self) -> AsyncIterator[TrainEvent]:
        """Events until the child's last word; a child that ends without one is reported as failed."""
        assert self._process and self._process.stdout
        final = False
        while not final and (line := await self._process.stdout.readline()):
            try:
                event = event_from_json(json.loads(line))
            except json.JSONDecodeError:
                continue  # the child sends only events on stdout; anything else is not ours to show
            except EventError as error:  # another protocol: nothing after it can be trusted
                self.kill_now()
                event = FailedEvent("train_bad_event", {"reason": str(error)}, None)
            final = event.FINAL
            if final:
                self._said_last.set()
            elif event.KIND == "started":
                self._started.set()
            yield event
        status = await self._process.wait()
        if self._stderr_task:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._stderr_task), 0.5)
        self.finished = True
        if not final and not self._stopping:
            yield child_died(status, self._stderr[-1] if self._stderr else "")

    async def stop(self) -> None:
        """Stop the run the way it promises: after the batch in progress, with its checkpoint saved.

        A training child is asked to stop and waited for until it says stopped (or
        done, or failed), however long its batch takes; `kill_now` cuts the wait
        short. A child still starting (loading torch or the data) has nothing to
        save: SIGTERM ends it at once. Either way no process is left behind.
        """
        process = self._process
        if process is None:
            return
        self._stopping = True
        if process.returncode is None:
            exited = asyncio.ensure_future(process.wait())
            if not self._started.is_set():
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
                await _first_of(exited, self._started.wait(), timeout=TERMINATE_GRACE_S)
            if self._started.is_set() and process.returncode is None:
                self._write({"cmd": "stop"})
                await _first_of(exited, self._said_last.wait())
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(exited), EXIT_GRACE_S)
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await exited
        if process.stdin and not process.stdin.is_closing():
            process.stdin.close()
        if self._stderr_task:
            self._stderr_task.cancel()

    def kill_now(self) -> None:
        """Last resort when the app goes away without awaiting stop(): no child may outlive it."""
        if self._process and self._process.returncode is None:
            self._stopping = True
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()


async def _first_of(task: asyncio.Future, other, timeout: float | None = None) -> None:
    """Wait until `task` is done or the awaitable `other` finishes (or `timeout` passes); `task` keeps running."""
    waiting = asyncio.ensure_future(other)
    try:
        await asyncio.wait({task, waiting}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()


def child_died(status: int | str, stderr: str) -> FailedEvent:
    """A run's last word when its process could not start or ended without saying done, stopped or failed."""
    return FailedEvent("train_child_died", {"status": status, "stderr": stderr}, None)
