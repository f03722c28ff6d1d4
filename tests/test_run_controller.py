"""The run controller both training views share: throttled, coalesced, in order, never an older run's events."""

from __future__ import annotations

import asyncio
import itertools
import time

from engine.train.events import BatchEvent, EpochEvent, StoppedEvent
from tui.run_controller import RunController


class Owner:
    """The little of a Textual node the controller uses: workers and timers, on plain asyncio."""

    def run_worker(self, work, group: str = "") -> asyncio.Task:
        return asyncio.ensure_future(work)

    def set_timer(self, delay: float, callback) -> None:
        asyncio.get_running_loop().call_later(delay, callback)

    def call_later(self, callback) -> None:
        asyncio.get_running_loop().call_soon(callback)


class Child:
    """A training process that sends `events`, then waits to be stopped."""

    def __init__(self, events: list) -> None:
        self.events, self.stopped = events, asyncio.Event()

    async def start(self) -> None:
        pass

    async def __aiter__(self):
        for event in self.events:
            yield event
        await self.stopped.wait()
        yield StoppedEvent(0, 0)

    async def stop(self) -> None:
        self.stopped.set()


def batch(step: int) -> BatchEvent:
    return BatchEvent(1, step, 10, step, 1.0 / step, 0.01, 100.0, 0.1 * step, 1.0, None)


EPOCH = EpochEvent(1, 0.5, 0.6, 0.4, 0.7, 100.0, 1.0, 0.01)


def test_a_burst_is_one_delivery_in_order_with_replaced_batches_handed_aside():
    async def main() -> list[tuple[str, object]]:
        seen: list[tuple[str, object]] = []
        runs = RunController(
            Owner(),
            lambda event: seen.append(("drawn", event)),
            replaced=lambda event: seen.append(("aside", event)),
        )
        for event in [batch(1), batch(2), EPOCH, batch(3), batch(4)]:
            runs.post(event)
        await asyncio.sleep(0.05)
        return seen

    assert asyncio.run(main()) == [
        ("aside", batch(1)),
        ("aside", batch(2)),
        ("drawn", EPOCH),
        ("aside", batch(3)),
        ("drawn", batch(4)),
    ]


def test_deliveries_come_at_most_ten_times_a_second_even_if_asked_for_more():
    async def main() -> list[tuple[float, int]]:
        delivered: list[tuple[float, int]] = []
        runs = RunController(
            Owner(),
            lambda event: delivered.append((time.monotonic(), event.step)),
            interval_s=0.01,
        )
        for step in range(1, 31):
            runs.post(batch(step))
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.15)
        return delivered

    delivered = asyncio.run(main())
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(delivered)]
    assert len(delivered) >= 2 and min(gaps) >= 0.095
    assert delivered[-1][1] == 30  # the newest batch is always drawn in the end


def test_a_new_start_stops_the_last_child_and_drops_its_events():
    async def main():
        children = [Child([batch(1)]), Child([batch(7)])]
        seen, after_stop = [], []
        runs = RunController(Owner(), seen.append, factory=lambda config, out: children.pop(0))
        first, second = children
        runs.start({"run": 1}, None)
        await asyncio.sleep(0.05)
        runs.start({"run": 2}, None)
        await asyncio.sleep(0.2)
        runs.stop(then=lambda: after_stop.append(runs.process))
        await asyncio.sleep(0.2)
        return seen, after_stop, first, second

    seen, after_stop, first, second = asyncio.run(main())
    assert first.stopped.is_set() and second.stopped.is_set()
    assert seen == [
        batch(1),
        batch(7),
        StoppedEvent(0, 0),
    ]  # not the first child's stopped
    assert after_stop == [second]
