"""Running the real app under Pilot for the tui tests, and reading what is on screen.

Each test runs one app (`asyncio.run` on an inner coroutine, so no async pytest
plugin is needed). The torch check is replaced by a fake that answers at once
unless a test asks for the real one, so no test waits on a child process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import threading

from hypothesis import HealthCheck, settings
from textual.widgets import Static

from tui.app import TensorTourApp
from tui.i18n import set_language
from tui.screens.lesson import StepLesson
from tui.verifier import Verdict
from tui.widgets.grid import Grid

TORCH_KERNEL = "Kernel size can't be greater than actual input size"
CJK = re.compile(r"[\u4e00-\u9fff]")


class FakeVerifier:
    async def check(self, lesson, spec) -> Verdict:
        return Verdict(0.0)

    async def close(self) -> None:
        pass


def run_app(body, app, *, size=(80, 24), real_verifier=False) -> None:
    """Run `await body(app, pilot)` in `app` at `size`, its torch checker faked unless `real_verifier`."""
    if not real_verifier:
        app.verifier = FakeVerifier()

    async def main():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await body(app, pilot)

    try:
        asyncio.run(main())
    finally:
        set_language("en")  # the app sets the catalogue's language for the whole process


def drive(body, *, lang="en", lesson="conv", setup=None, real_verifier=False, source=None, quiz=False):
    """Run `await body(app, pilot)` against a fresh app at 80×24 (`source`: the lesson file it was opened from)."""
    options = {"setup": setup} if lesson and setup is not None else {}
    options |= {"source": source} if source is not None else {}
    options |= {"quiz": True} if quiz else {}
    run_app(body, TensorTourApp(lang=lang, lesson=lesson, **options), real_verifier=real_verifier)


def lesson(app) -> StepLesson:
    """The lesson screen on the stack (any lesson), also while a dialog is open over it."""
    return next(screen for screen in app.screen_stack if isinstance(screen, StepLesson))


def text(app, selector: str) -> str:
    return str(lesson(app).query_one(selector, Static).render())


def grid(app, selector: str) -> Grid:
    return lesson(app).query_one(selector, Grid)


def status(app) -> str:
    return text(app, "#status")


def step_number(app) -> int:
    return int(re.search(r"(\d+)/\d+", status(app)).group(1))


def all_cells(g: Grid, rows: int, cols: int) -> list[str]:
    return [g.cell_text(0, r, c) for r in range(rows) for c in range(cols)]


async def verification_line(app, pilot, seconds: float = 30) -> str:
    """The #verify line once the child process has answered (torch's import takes seconds)."""
    line = text(app, "#verify")
    for _ in range(int(seconds * 10)):
        if "✓" in line or "✗" in line:
            break
        await pilot.pause(0.1)
        line = text(app, "#verify")
    return line


class AppHost:
    """One app on an event loop in its own thread, so a sync Hypothesis test can drive it example after example.

    Starting an app per example would cost a second each; here every example
    runs as a job inside the app's own `run_test()` block.
    """

    def __init__(self, **options) -> None:
        self._options = options
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def __enter__(self) -> AppHost:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(60), "the app did not start"
        if self._error:
            raise self._error
        return self

    def _run(self) -> None:
        try:
            drive(self._serve, **self._options)
        except BaseException as error:  # reported to the test thread
            self._error = error
        finally:
            self._ready.set()

    async def _serve(self, app, pilot) -> None:
        self._loop, self._jobs = asyncio.get_running_loop(), asyncio.Queue()
        self._ready.set()
        while (job := await self._jobs.get()) is not None:
            body, future = job
            try:
                future.set_result(await body(app, pilot))
            except BaseException as error:
                future.set_exception(error)

    def call(self, body):
        """Run `await body(app, pilot)` in the app's loop and return its result."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._jobs.put_nowait, (body, future))
        return future.result(timeout=60)

    def __exit__(self, *exc_info) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._jobs.put_nowait, None)
            self._thread.join(60)
        if self._error and not exc_info[0]:
            raise self._error


# Snapshots ------------------------------------------------------------------------

SIZE = (80, 24)


def make_app(lang: str, lesson: str | None = None, **options) -> TensorTourApp:
    app = TensorTourApp(lang=lang, lesson=lesson, **options)
    app.verifier = FakeVerifier()
    return app


async def verified(pilot) -> None:
    """Wait until the lesson's verification line shows the fixed verdict."""
    for _ in range(50):
        line = pilot.app.screen.query("#verify")
        if line and "0" in str(line.first().render()) and "…" not in str(line.first().render()):
            return
        await pilot.pause(0.05)
    raise AssertionError("the verification line never showed the fixed verdict")


def one_app_fuzz(max_examples: int) -> settings:
    """Hypothesis settings for a fuzzer that drives one running app (AppHost): the same examples on every run,
    no deadline (Pilot waits for the screen), no health checks (a slow app is not a slow strategy)."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
