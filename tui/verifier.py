"""The app's side of engine.verify: one child process, started on first use, asked one spec at a time."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from tui.lessons import lesson as registered

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Verdict:
    delta: float | None
    reason: str | None = None


class Verifier:
    """Keeps torch out of the UI process. Stale answers (for a spec already replaced) are skipped."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._next_id = 0

    async def check(self, lesson: str, spec: object) -> Verdict:
        """max |Δ| between engine and torch for `spec` of `lesson` (see engine.verify)."""
        import json  # not before the first check: ~1 ms of start-up

        async with self._lock:
            try:
                process = await self._ensure_started()
                self._next_id += 1
                to_json = import_module(_checker(lesson)).spec_to_json
                request = {"id": self._next_id, "lesson": lesson, "spec": to_json(spec)}
                process.stdin.write((json.dumps(request) + "\n").encode())
                await process.stdin.drain()
                while True:
                    line = await process.stdout.readline()
                    if not line:
                        return Verdict(None, await self._death_reason())
                    reply = json.loads(line)
                    if reply["id"] == self._next_id:
                        return Verdict(reply.get("delta"), reply.get("error"))
            except (OSError, ValueError) as error:
                self._process = None
                return Verdict(None, str(error))

    async def _ensure_started(self) -> asyncio.subprocess.Process:
        if self._process is None or self._process.returncode is not None:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "engine.verify",
                cwd=ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                limit=2**22,
            )
        return self._process

    async def _death_reason(self) -> str:
        process, self._process = self._process, None
        stderr = (await process.stderr.read()).decode(errors="replace").strip().splitlines()
        await process.wait()
        return stderr[-1] if stderr else f"checker exited with code {process.returncode}"

    async def close(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        self._process = None


def _checker(lesson: str) -> str:
    checker = registered(lesson).checker
    if checker is None:
        raise ValueError(f"the {lesson} lesson has no torch checker")
    return checker
