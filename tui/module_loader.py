"""The app's side of engine/module_file_child.py: one child process that loads the student's file on request.

torch never loads in the app's process: the child imports it once (after the
app's first frame, when the lesson first asks) and then answers a load in
milliseconds, so a save in --watch mode redraws at once. A load that does not
answer within the student's timeout (plus a grace the child's own alarm needs)
kills the process; the next load starts a fresh one. The child's stderr (the
student's prints among it) is drained and its last lines kept, so a child
that dies says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque

from engine.module_file import FileSpec
from engine.module_file_result import Failure, OwnLoad, failed_load
from engine.module_file_run import COMMAND, GRACE, START_LIMIT, child_environment, file_gone, reply_load

STREAM_LIMIT = 64 * 1024 * 1024  # a reply lists up to 2,000 calls and the file's lines


class ModuleLoader:
    """`await load(spec)` from any worker; one load at a time; `await close()` when the lesson ends."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._stderr: deque[str] = deque(maxlen=20)
        self._drain: asyncio.Task | None = None
        self._lock = asyncio.Lock()
        self._next_id = 0

    async def load(self, spec: FileSpec) -> OwnLoad:
        gone = file_gone(spec)
        if gone:
            return gone
        async with self._lock:
            try:
                process = await asyncio.wait_for(self._started(), START_LIMIT)
            except (OSError, asyncio.TimeoutError, ValueError) as error:
                await self.close()
                return failed_load(spec, Failure("died", message=str(error) or type(error).__name__, what="–"))
            self._next_id += 1
            request = dict(spec.request(), id=self._next_id)
            try:
                process.stdin.write((json.dumps(request) + "\n").encode())
                await process.stdin.drain()
                return await asyncio.wait_for(self._reply(spec, process), spec.timeout + GRACE)
            except (OSError, ValueError):
                return await self._died(spec)
            except asyncio.TimeoutError:  # the alarm did not stop the student's code: the process goes
                await self.close()
                return failed_load(spec, Failure("timeout", phase="forward"))

    async def _started(self) -> asyncio.subprocess.Process:
        """The running child, or a new one once it has imported torch and said it is ready."""
        if self._process is not None and self._process.returncode is None:
            return self._process
        self._stderr.clear()
        self._process = await asyncio.create_subprocess_exec(
            *COMMAND,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_environment(),
            limit=STREAM_LIMIT,
        )
        self._drain = asyncio.create_task(self._drain_stderr(self._process))
        while line := await self._process.stdout.readline():
            with contextlib.suppress(json.JSONDecodeError):
                if json.loads(line).get("ready"):
                    return self._process
        raise OSError(self._last_words() or "the loader process ended before it was ready")

    async def _reply(self, spec: FileSpec, process: asyncio.subprocess.Process) -> OwnLoad:
        while line := await process.stdout.readline():
            with contextlib.suppress(json.JSONDecodeError, AttributeError):
                if json.loads(line).get("id") == self._next_id:
                    return reply_load(spec, [line.decode()], None, "")
        return await self._died(spec)

    async def _died(self, spec: FileSpec) -> OwnLoad:
        process, self._process = self._process, None
        code = await process.wait() if process is not None else None
        if self._drain is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._drain), 0.5)
        return reply_load(spec, [], code, self._last_words())

    def _last_words(self) -> str:
        return self._stderr[-1] if self._stderr else ""

    async def _drain_stderr(self, process: asyncio.subprocess.Process) -> None:
        while line := await process.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            if text:
                self._stderr.append(text)

    async def close(self) -> None:
        """Kill the child (it holds nothing worth saving) and wait for it, so no process is left behind."""
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        if self._drain is not None:
            self._drain.cancel()
            self._drain = None
