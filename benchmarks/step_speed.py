"""How long one step key takes to redraw in the convolution lesson, headless at 80×24.

For each scenario the real app runs under App.run_test(size=(80, 24)) and, once the
torch check that the lesson starts on mount has answered (so it does not compete
for the CPU), a step is timed four ways:

  show_step    the screen's show_step() alone (wall): the pane's own work for a
               step (marks, equation, status); no layout, no painting.
  CPU/step     a Key event sent through the driver as a terminal would send it;
               the process's CPU time until the last frame it caused is painted:
               binding lookup, handler, Update messages, layout, compositor and the
               ANSI encoding a real terminal gets (headless mode skips that, so it
               is done here). The work one step costs; steady on a loaded machine.
  key→frame    the same Key event, wall time to the first frame painted after it:
               the latency a student sees. Includes waiting for the screen's
               refresh timer (up to 1/60 s at the default 60 fps).
  press RT     `await pilot.press(key); await pilot.pause()`: the test harness's
               round-trip. Pilot waits for the process to go idle in 20 ms slices,
               so it has a floor of ≈ 90 ms whatever the step costs; the `floor`
               row presses a key nothing is bound to, for comparison.

Steps ping-pong (→ until the last step, then ←) so every key really moves.
A `play` row sets 30 steps/s (the top speed, pressing + until the status line
says 30/s), presses space and counts the steps taken in 3 s.

    python benchmarks/step_speed.py              # 200 steps per column, ~70 s
    python benchmarks/step_speed.py --profile    # plus cProfile of 200 keyed steps (28×28)

Goals (from the issue): 28×28 input, 3×3 kernel: ≤ 10 ms median per step (judged
on CPU/step, the work a step costs; key→frame adds the refresh-timer wait);
play at 30/s keeps up (≥ 28 steps/s).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from step_profile import print_profile  # noqa: E402  (beside this script)
from textual import events  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402

from engine.conv_setup import ConvSetup  # noqa: E402
from tui.app import TensorTourApp  # noqa: E402

SIZE = (80, 24)
GOAL_MS = 10.0
PLAY_SPEED = 30
PLAY_SECONDS = 3.0
PLAY_GOAL = 28.0
SETTLE_TIMEOUT_S = 60.0


class FrameClock:
    """Wraps app._display: counts frames, notes when the last one was painted, and
    encodes each update to ANSI as a real terminal would (headless mode skips that)."""

    def __init__(self, app: TensorTourApp) -> None:
        self.frames = 0
        self.last = 0.0
        self.last_cpu = 0.0
        self.event = asyncio.Event()
        self.console = Console(
            file=io.StringIO(),
            width=SIZE[0],
            height=SIZE[1],
            color_system="256",
            force_terminal=True,
            legacy_windows=False,
        )
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(self.console)
                self.frames += 1
                self.last = time.perf_counter()
                self.last_cpu = time.process_time()
                self.event.set()

        app._display = display

    async def settle(self, quiet: float = 0.01, limit: float = 1.0) -> None:
        """Wait until no frame has been painted for `quiet` seconds (scroll bars, late layouts)."""
        deadline = time.perf_counter() + limit
        frames = -1
        while frames != self.frames and time.perf_counter() < deadline:
            frames = self.frames
            await asyncio.sleep(quiet)


@dataclass
class Result:
    name: str
    steps: int = 0
    show_step: list[float] = field(default_factory=list)
    step_cpu: list[float] = field(default_factory=list)
    key_frame: list[float] = field(default_factory=list)
    key_frame_missed: int = 0
    press: list[float] = field(default_factory=list)
    play: tuple[float, float, int] | None = None  # steps/s, seconds, frames
    notes: list[str] = field(default_factory=list)


def median_p95(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _status(screen) -> str:
    return str(screen.query_one("#status").content)


async def _settle(app: TensorTourApp, pilot) -> None:
    """Wait for the on-mount torch check (a worker talking to a child process) to answer."""
    await pilot.pause()
    try:
        await asyncio.wait_for(app.workers.wait_for_complete(), SETTLE_TIMEOUT_S)
    except asyncio.TimeoutError:
        print(
            f"  (warning: torch check still running after {SETTLE_TIMEOUT_S:.0f} s; measuring anyway)",
            file=sys.stderr,
        )
    await pilot.pause()


def _direction(screen) -> int:
    """+1 until the last step, then -1 back to the first: every step really moves."""
    last = screen.trace.step_count - 1
    if screen.index >= last:
        screen._bench_dir = -1
    elif screen.index <= 0:
        screen._bench_dir = 1
    return getattr(screen, "_bench_dir", 1)


async def measure(
    name: str,
    setup: ConvSetup,
    *,
    im2col: bool,
    steps: int,
    presses: int = 0,
    play: bool,
    floor: bool = False,
    profile: cProfile.Profile | None = None,
) -> list[Result]:
    result = Result(name)
    app = TensorTourApp(lang="en", lesson="conv", setup=setup, quiz=False)  # keys step, never stop to ask
    async with app.run_test(size=SIZE) as pilot:
        clock = FrameClock(app)
        await _settle(app, pilot)
        screen = app.screen
        assert type(screen).__name__ == "ConvScreen", screen
        if im2col:
            await pilot.press("m")
            assert screen.query_one("#views").current == "im2col", "m did not switch to the im2col view"
            await pilot.pause()
        result.steps = screen.trace.step_count
        warmup = 10

        # 1. show_step() alone: the index is set without its watcher, the call timed, and
        #    the frames it causes painted (untimed) every few steps.
        show_step = screen.show_step
        for i in range(warmup + steps):
            following = (screen.index + _direction(screen)) % result.steps
            screen.set_reactive(type(screen).index, following)
            clock.event.clear()
            started = time.perf_counter()
            show_step()
            elapsed = time.perf_counter() - started
            if i >= warmup:
                result.show_step.append(elapsed)
            await asyncio.sleep(0)
            if i % 20 == 19:
                await clock.settle()
        await clock.settle()

        # 2. key → frame: a Key event through the driver, as a terminal would send it. Wall
        #    time to the first frame painted after it, and the process's CPU time through
        #    the last frame it caused (binding lookup, handler, Update messages, layout,
        #    compositor, ANSI encoding): the work one step costs, steady under noise.
        if profile is not None:
            gc.collect()
            profile.enable()
        driver = app._driver
        for i in range(warmup + steps):
            key = "right" if _direction(screen) > 0 else "left"
            clock.event.clear()
            cpu_started = time.process_time()
            started = time.perf_counter()
            driver.send_message(events.Key(key, None))
            try:
                await asyncio.wait_for(clock.event.wait(), 1.0)
            except asyncio.TimeoutError:
                result.key_frame_missed += 1
                continue
            first_frame = clock.last
            await clock.settle()
            if i >= warmup:
                result.key_frame.append(first_frame - started)
                result.step_cpu.append(clock.last_cpu - cpu_started)
        if profile is not None:
            profile.disable()
            await _stop_verifier(app)
            return [result]

        # 4. pilot.press + pilot.pause round-trip (≈ 90 ms each: fewer of them).
        for i in range(3 + presses):
            key = "right" if _direction(screen) > 0 else "left"
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            if i >= 3:
                result.press.append(time.perf_counter() - started)

        results = [result]
        if floor:
            base = Result("floor: unbound key (x)")
            base.steps = result.steps
            for i in range(3 + min(presses, 40)):
                index = screen.index
                started = time.perf_counter()
                await pilot.press("x")
                await pilot.pause()
                if i >= 3:
                    base.press.append(time.perf_counter() - started)
                assert screen.index == index, "x moved the step: pick another unbound key"
            results.append(base)

        if play:
            result.play = await _play(pilot, screen, clock, result.notes)
        await _stop_verifier(app)
    return results


async def _play(pilot, screen, clock: FrameClock, notes: list[str]) -> tuple[float, float, int]:
    await pilot.press("home")
    if screen.index != 0:
        focused = screen.app.focused
        notes.append(f"'home' did not go to step 1 (focus: {focused!r} took the key); set the index to 0")
        screen.index = 0
        await pilot.pause()
    for _ in range(10):
        if f"{PLAY_SPEED}/s" in _status(screen):
            break
        await pilot.press("plus")
    else:
        raise RuntimeError(f"status never showed {PLAY_SPEED}/s: {_status(screen)!r}")
    if screen.trace.step_count - 1 < PLAY_SPEED * PLAY_SECONDS * 1.5:
        raise RuntimeError("too few steps to play for the whole window")
    await pilot.press("space")
    first, frames, started = screen.index, clock.frames, time.perf_counter()
    await asyncio.sleep(PLAY_SECONDS)
    last, frames, elapsed = (
        screen.index,
        clock.frames - frames,
        time.perf_counter() - started,
    )
    await pilot.press("space")
    return (last - first) / elapsed, elapsed, frames


async def _stop_verifier(app: TensorTourApp) -> None:
    """The app's on_unmount does this too; doing it here keeps a slow exit out of the timings."""
    verifier = getattr(app, "verifier", None)
    if verifier is not None:
        await verifier.close()


def _ms(values: list[float]) -> str:
    med, p95 = median_p95(values)
    return "—" if values == [] else f"{med * 1e3:7.2f} {p95 * 1e3:7.2f}"


def print_table(results: list[Result], began: float) -> None:
    print(
        f"Step speed, convolution lesson — headless run_test {SIZE[0]}×{SIZE[1]}, {os.cpu_count()} CPUs, "
        f"load avg {os.getloadavg()[0]:.1f}; times in ms (median p95)"
    )
    print(
        f"{'scenario':<33} {'steps':>5} {'n':>4}  {'show_step()':>15}  {'CPU/step':>15}  {'key→frame':>15}  {'press RT':>15} {'n':>4}"
    )
    print(f"{'':<33} {'':>5} {'':>4}" + f"  {'med     p95':>15}" * 4)
    for r in results:
        missed = f"  ({r.key_frame_missed} keys painted no frame within 1 s)" if r.key_frame_missed else ""
        n_step = len(r.step_cpu) or ""
        print(
            f"{r.name:<33} {r.steps:>5} {n_step:>4}  {_ms(r.show_step):>15}  {_ms(r.step_cpu):>15}  {_ms(r.key_frame):>15}"
            f"  {_ms(r.press):>15} {len(r.press):>4}{missed}"
        )
    print(
        "Columns: show_step() = the pane's handler alone (wall); CPU/step = CPU time from a Key event to its last frame"
        " (handler + layout + compositor + ANSI encoding);\n"
        "         key→frame = wall time from the Key event to the next painted frame (includes up to 16.7 ms waiting"
        " for the 60 fps refresh timer);\n"
        "         press RT = pilot.press + pilot.pause (Textual's idle wait in 20 ms slices dominates: compare with the floor row)."
    )
    main = results[0]
    med = statistics.median(main.step_cpu) * 1e3
    verdict = "MEETS" if med <= GOAL_MS else "MISSES"
    print(
        f"\nGoal: {main.name}: CPU/step median ≤ {GOAL_MS:.0f} ms → {med:.2f} ms: {verdict}"
        f" (show_step() alone {statistics.median(main.show_step) * 1e3:.2f} ms;"
        f" key→frame latency {statistics.median(main.key_frame) * 1e3:.2f} ms,"
        f" {'≤' if statistics.median(main.key_frame) * 1e3 <= GOAL_MS else '>'} {GOAL_MS:.0f} ms)."
    )
    for r in results:
        if r.play is not None:
            rate, seconds, frames = r.play
            verdict = "keeps up" if rate >= PLAY_GOAL else "FALLS BEHIND"
            print(
                f"Play: {r.name} at {PLAY_SPEED}/s for {seconds:.1f} s → {rate:.1f} steps/s"
                f" ({rate / PLAY_SPEED:.0%} of {PLAY_SPEED}; {frames / seconds:.1f} frames/s): {verdict} (goal ≥ {PLAY_GOAL:.0f}/s)"
            )
    for r in results:
        for note in r.notes:
            print(f"Note: {r.name}: {note}")
    print(f"Total benchmark time: {time.perf_counter() - began:.0f} s.")


SCENARIO_TIMEOUT_S = 150.0


async def _guarded(coro):
    """No hangs: a scenario that takes far longer than it should is cancelled (run_test then exits)."""
    try:
        return await asyncio.wait_for(coro, SCENARIO_TIMEOUT_S)
    except asyncio.TimeoutError:
        raise SystemExit(f"step_speed: a scenario took over {SCENARIO_TIMEOUT_S:.0f} s; giving up") from None


async def run(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    profile = cProfile.Profile() if args.profile else None
    digit = ConvSetup(input_name="digit-28")
    results: list[Result] = []
    few = min(args.presses, 40)
    results += await _guarded(
        measure(
            "28×28 input, 3×3 kernel",
            digit,
            im2col=False,
            steps=args.steps,
            presses=args.presses,
            play=True,
            floor=True,
        )
    )
    results += await _guarded(
        measure(
            "5×5 input (default), 3×3 kernel",
            ConvSetup(),
            im2col=False,
            steps=args.steps,
            presses=few,
            play=False,
        )
    )
    results += await _guarded(
        measure(
            "28×28 input, im2col view (m)",
            digit,
            im2col=True,
            steps=args.steps,
            presses=few,
            play=True,
        )
    )
    # Keep the floor row last so the scenarios sit together.
    results.append(results.pop(1))
    print_table(results, began)
    if profile is not None:
        await _guarded(
            measure(
                "profiled",
                digit,
                im2col=False,
                steps=args.steps,
                play=False,
                profile=profile,
            )
        )
        print_profile(profile, args.steps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="steps timed per column (default 200)")
    parser.add_argument(
        "--presses",
        type=int,
        default=200,
        help="pilot.press round-trips for 28×28 (others: at most 40)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print a cProfile of 200 keyed steps on the 28×28 input",
    )
    args = parser.parse_args()
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
