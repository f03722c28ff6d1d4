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
STOP_GRACE_S = 0.5
TERMINATE_GRACE_S = 0.25


class TrainingProcess:
    """One run: `await start()`, then `async for event in process`, `send(...)` between, `await stop()` to end it."""

    def __init__(self, config: dict, out: str | None, resume: str | None = None) -> None:
        self._request = {"config": config, "out": out, "resume": resume}
        self._process: asyncio.subprocess.Process | None = None
        self._stderr: deque[str] = deque(maxlen=20)
        self._stderr_task: asyncio.Task | None = None
        self._stopping = False
        self._early: list[dict] = []  # commands sent while the process was still being started
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
            "-m",
            "engine.train.child",
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
            yield event
        status = await self._process.wait()
        if self._stderr_task:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._stderr_task), 0.5)
        self.finished = True
        if not final and not self._stopping:
            yield child_died(status, self._stderr[-1] if self._stderr else "")

    async def stop(self) -> None:
        """Ask politely, then terminate, then kill: returns within a second and leaves no process behind.

        Once the child has said stopped (its checkpoint written) it is only
        unloading torch, which takes ~0.6 s here: it is terminated then, not waited for.
        """
        process = self._process
        if process is None:
            return
        self._stopping = True
        if process.returncode is None:
            self._write({"cmd": "stop"})
            exited, said = (
                asyncio.ensure_future(process.wait()),
                asyncio.ensure_future(self._said_last.wait()),
            )
            await asyncio.wait(
                {exited, said},
                timeout=STOP_GRACE_S,
                return_when=asyncio.FIRST_COMPLETED,
            )
            said.cancel()
            for signal_child, grace in (
                (process.terminate, TERMINATE_GRACE_S),
                (process.kill, None),
            ):
                if process.returncode is not None:
                    break
                with contextlib.suppress(ProcessLookupError):
                    signal_child()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(exited), grace)
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


def child_died(status: int | str, stderr: str) -> FailedEvent:
    """A run's last word when its process could not start or ended without saying done, stopped or failed."""
    return FailedEvent("train_child_died", {"status": status, "stderr": stderr}, None)
