"""How fast the training lesson answers a key while a run trains beside it (the real child process).

The app runs headless at 80×24 (App.run_test) with `tensortour train --start`; once the
run is under way, the `s` key (model summary ⇄ the live view: the right pane is redrawn)
is sent through the driver as a terminal would send it, at random 50–150 ms intervals:

  key→handler   until the screen's action runs (the event loop was free to take it)
  key→frame     until the first frame painted after the action: what the student sees

    python benchmarks/train_keys.py             # spiral (boundary redrawn ≤ 10/s) and shapes/net, ~1 min
    python benchmarks/train_keys.py --keys 200

Goal (issue 4): the UI answers keys within 30 ms (p95) while it trains.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from step_speed import FrameClock, median_p95
from textual import events

from engine.train.config import TrainConfig
from engine.train.setup import TrainSetup
from tui.app import TensorTourApp

RUNS = {
    "spiral · mlp": TrainConfig(dataset="spiral", epochs=100_000),
    "shapes · net": TrainConfig(
        dataset="shapes",
        model="net",
        optimizer="sgd",
        lr=0.001,
        batch_size=64,
        epochs=1000,
    ),
}


async def measure(config: TrainConfig, keys: int) -> tuple[list[float], list[float], int]:
    app = TensorTourApp(lang="en", lesson="train", setup=TrainSetup(config=config, start=True, out=None))
    handled: list[float] = []
    to_handler, to_frame, missed = [], [], 0
    async with app.run_test(size=(80, 24)) as pilot:
        clock = FrameClock(app)
        screen = app.screen
        original = screen.action_summary

        def summary() -> None:
            handled.append(time.perf_counter())
            original()

        screen.action_summary = summary
        while "batch" not in str(screen.query_one("#progress").render()):
            await asyncio.sleep(0.1)
        await asyncio.sleep(2.0)  # the run is under way, redrawing as it learns
        for _ in range(keys):
            await asyncio.sleep(random.uniform(0.05, 0.15))
            count = len(handled)
            started = time.perf_counter()
            app._driver.send_message(events.Key("s", "s"))
            deadline = started + 2.0
            while len(handled) == count and time.perf_counter() < deadline:
                await asyncio.sleep(0.0005)
            if len(handled) == count:
                missed += 1
                continue
            clock.event.clear()
            try:
                await asyncio.wait_for(clock.event.wait(), 1.0)
            except TimeoutError:
                missed += 1
                continue
            to_handler.append(handled[-1] - started)
            to_frame.append(clock.last - started)
        await pilot.press("q")
        await pilot.pause(1.0)  # the screen stops its child; let the pipes close inside the loop
    return to_handler, to_frame, missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=100)
    args = parser.parse_args()
    random.seed(0)
    print(f"{'run':<14} {'key→handler ms':>15} {'p95':>6} {'key→frame ms':>13} {'p95':>6} {'max':>6} {'missed':>6}")
    for name, config in RUNS.items():
        handler, frame, missed = asyncio.run(measure(config, args.keys))
        (h50, h95), (f50, f95) = median_p95(handler), median_p95(frame)
        print(
            f"{name:<14} {h50 * 1e3:>15.1f} {h95 * 1e3:>6.1f} {f50 * 1e3:>13.1f} {f95 * 1e3:>6.1f} {max(frame) * 1e3:>6.1f} {missed:>6}"
        )
    print("goal: p95 ≤ 30 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
