"""The cProfile part of step_speed.py (`--profile`): the top of the list, without the event loop's own frames."""

from __future__ import annotations

import cProfile
import io
import pstats

# Event-loop plumbing and idle waiting (epoll): true but uninformative at the top of the list.
SKIP = (
    "base_events.py",
    "events.py",
    "runners.py",
    "step_speed.py",
    "{method 'run'",
    "tasks.py",
    "_asyncio",
    "selectors.py",
    "epoll",
    "_callback.py",
    "timer.py",
    "message_pump.py",
)


def _stats_lines(profile: cProfile.Profile, order: str, count: int) -> list[str]:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(count + 20)
    lines = out.getvalue().splitlines()
    head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    rows = [line for line in lines[head + 1 :] if line.strip() and not any(skip in line for skip in SKIP)]
    return [lines[head]] + rows[:count]


def print_profile(profile: cProfile.Profile, steps: int) -> None:
    print(
        f"\ncProfile of {steps} keyed steps (Key event → frames), 28×28 input; event-loop plumbing and idle waits left out."
    )
    print("Top 15 by cumulative time:")
    print("\n".join(_stats_lines(profile, "cumulative", 15)))
    print("Top 10 by own time:")
    print("\n".join(_stats_lines(profile, "tottime", 10)))
